package mockteamtailor

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"sync"

	"github.com/google/uuid"
)

// IDs generates the random identifiers, keys and nonces the mock hands out.
// A seeded IDs produces the same sequence every run, so with --seed every
// key and id is reproducible. It is safe for concurrent use.
type IDs struct {
	mu sync.Mutex // guards r
	r  io.Reader
}

// NewIDs returns an IDs drawing from the operating system's randomness.
func NewIDs() *IDs { return &IDs{r: rand.Reader} }

// NewSeededIDs returns an IDs whose output is fixed by seed. It is not
// meant for secrets that must stay secret, only for reproducible runs.
func NewSeededIDs(seed uint64) *IDs {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	copy(key[8:], "mockteamtailor-seeded-ids")
	return &IDs{r: mathrand.NewChaCha8(key)}
}

// Read fills p with random bytes; it never fails.
func (g *IDs) Read(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, err := io.ReadFull(g.r, p); err != nil {
		// crypto/rand.Reader and ChaCha8 do not fail; if the operating
		// system's source ever does, nothing sensible can go on.
		panic("mockteamtailor: random source failed: " + err.Error())
	}
	return len(p), nil
}

// UUID returns a random (version 4) UUID.
func (g *IDs) UUID() string {
	var b [16]byte
	g.Read(b[:])
	u, _ := uuid.FromBytes(b[:])
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = (u[8] & 0x3f) | 0x80
	return u.String()
}

// Secret returns a random hex string of n bytes prefixed with prefix, such
// as "ttk_3f2a...".
func (g *IDs) Secret(prefix string, n int) string {
	b := make([]byte, n)
	g.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Mark returns the generator's position; Rewind goes back to it, so a
// seeded generator hands out the same ids again after a reset. An
// unseeded generator has no position: Mark returns nil.
func (g *IDs) Mark() []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	if m, ok := g.r.(interface{ MarshalBinary() ([]byte, error) }); ok {
		if b, err := m.MarshalBinary(); err == nil {
			return b
		}
	}
	return nil
}

// Rewind returns the generator to a position Mark returned; nil leaves it
// where it is.
func (g *IDs) Rewind(mark []byte) error {
	if mark == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	u, ok := g.r.(interface{ UnmarshalBinary([]byte) error })
	if !ok {
		return errors.New("rewind ids: the generator is not seeded")
	}
	if err := u.UnmarshalBinary(mark); err != nil {
		return fmt.Errorf("rewind ids: %w", err)
	}
	return nil
}
