package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// writeBehind writes every byte, in order, whatever the size against its
// chunks.
func TestWriteBehindWritesEveryByte(t *testing.T) {
	const chunk = 1 << 20
	for _, n := range []int{0, 1, chunk - 1, chunk, chunk + 1, 3*chunk + 5} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i*7 + i/chunk)
		}
		path := filepath.Join(t.TempDir(), "snapshot")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeBehind(f, data); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%d bytes written: the file holds %d bytes, not the same", n, len(got))
		}
	}
}
