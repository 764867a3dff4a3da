package idgen

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	mathrand "math/rand/v2"
	"sync"

	"github.com/google/uuid"
)

// IDs generates the random identifiers, keys and nonces the mock hands out.
// A seeded IDs produces the same sequence every run, so with --seed every
// key and id is reproducible. It is safe for concurrent use.
//
// Resource ids, partner-event ids, secrets and nonces come from separate
// streams, so an id can never equal a key, and how many ids were drawn
// does not shift the keys that follow.
type IDs struct {
	mu      sync.Mutex // guards the streams
	seeded  bool
	seed    uint64
	streams [numStreams]io.Reader
}

// The streams of an IDs.
const (
	streamIDs     = iota // resource ids: results
	streamEvents         // partner-event ids of webhooks
	streamSecrets        // keys, secrets, tokens, provider keys, file ids
	streamNonces         // JWE nonces (Read)
	numStreams
)

var streamNames = [numStreams]string{"ids", "events", "secrets", "nonces"}

// New returns an IDs drawing from the operating system's randomness.
func New() *IDs {
	g := &IDs{}
	for i := range g.streams {
		g.streams[i] = rand.Reader
	}
	return g
}

// NewSeeded returns an IDs whose output is fixed by seed. It is not
// meant for secrets that must stay secret, only for reproducible runs.
func NewSeeded(seed uint64) *IDs {
	g := &IDs{seeded: true, seed: seed}
	g.key(nil)
	return g
}

// key sets every seeded stream from the seed, the stream's name and
// salt.
func (g *IDs) key(salt []byte) {
	for i := range g.streams {
		h := sha256.New()
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], g.seed)
		h.Write(b[:])
		h.Write([]byte("mockteamtailor-seeded-ids/" + streamNames[i] + "/"))
		h.Write(salt)
		var key [32]byte
		copy(key[:], h.Sum(nil))
		g.streams[i] = mathrand.NewChaCha8(key)
	}
}

// Continue moves a seeded IDs past everything a store already holds:
// stored is a digest of what was loaded (see ContinueAfter). Every stream
// is keyed again from the seed and that digest, so a restart with --seed
// and --state never hands out an id, event id or key it handed out
// before, and the same seed and the same state still give the same
// output. An unseeded IDs is random anyway and ignores it.
func (g *IDs) Continue(stored []byte) {
	if !g.seeded || len(stored) == 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.key(stored)
}

func (g *IDs) read(stream int, p []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, err := io.ReadFull(g.streams[stream], p); err != nil {
		// crypto/rand.Reader and ChaCha8 do not fail; if the operating
		// system's source ever does, nothing sensible can go on.
		panic("mockteamtailor: random source failed: " + err.Error())
	}
}

// Read fills p with random bytes (nonces); it never fails.
func (g *IDs) Read(p []byte) (int, error) {
	g.read(streamNonces, p)
	return len(p), nil
}

func (g *IDs) uuid(stream int) string {
	var b [16]byte
	g.read(stream, b[:])
	u, _ := uuid.FromBytes(b[:])
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = (u[8] & 0x3f) | 0x80
	return u.String()
}

// UUID returns a random (version 4) UUID for a resource id.
func (g *IDs) UUID() string { return g.uuid(streamIDs) }

// EventID returns a random (version 4) UUID for a partner-event id.
func (g *IDs) EventID() string { return g.uuid(streamEvents) }

// SecretUUID returns a random (version 4) UUID for a key that has the
// form of a UUID, such as a provider key.
func (g *IDs) SecretUUID() string { return g.uuid(streamSecrets) }

// Secret returns a random hex string of n bytes prefixed with prefix, such
// as "ttk_3f2a...".
func (g *IDs) Secret(prefix string, n int) string {
	b := make([]byte, n)
	g.read(streamSecrets, b)
	return prefix + hex.EncodeToString(b)
}
