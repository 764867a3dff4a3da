// Package uploads keeps the files uploaded for the file fields of a
// partner's forms and serves them by signed URL (docs/protocol.md §1.1): a
// webhook carries the URL, which works for a short while and only as the
// mock signed it. The files live only in memory, bounded in count, bytes
// and age.
package uploads

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// The bounds of what is kept (docs/security.md).
const (
	// MaxFile caps one uploaded file.
	MaxFile = 10 << 20
	// MaxFiles, MaxBytes and TTL bound the files kept: how many, their
	// size together, and how long each is kept. Clear drops them all.
	MaxFiles = 100
	MaxBytes = 64 << 20
	TTL      = time.Hour
)

// Files holds the uploaded files. It is safe for concurrent use.
type Files struct {
	key     []byte // signs the URLs
	baseURL string // the mock's public URL, without a trailing slash
	urlTTL  time.Duration
	clock   func() time.Time
	newID   func() string

	mu    sync.Mutex // guards files and bytes
	files map[string]file
	bytes int
}

type file struct {
	name        string
	contentType string
	data        []byte
	expires     time.Time
}

// New returns an empty Files whose URLs, under baseURL, are signed with
// key and work for urlTTL; newID names each file.
func New(key []byte, baseURL string, urlTTL time.Duration, clock func() time.Time, newID func() string) *Files {
	return &Files{key: key, baseURL: baseURL, urlTTL: urlTTL, clock: clock, newID: newID}
}

// Add keeps a file and returns its id, which the form value
// "upload:<id>" refers to.
func (f *Files) Add(name, contentType string, data []byte) (string, error) {
	if len(data) > MaxFile {
		return "", protocol.NewError(http.StatusRequestEntityTooLarge, "Request entity too large", "an uploaded file may be at most %d bytes", MaxFile)
	}
	now := f.clock()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.files == nil {
		f.files = map[string]file{}
	}
	f.expire(now)
	if len(f.files) >= MaxFiles {
		return "", protocol.NewError(http.StatusConflict, "Conflict", "the mock holds %d uploaded files, its limit; they expire %s after upload, and POST /mock/v1/reset clears them", MaxFiles, TTL)
	}
	if f.bytes+len(data) > MaxBytes {
		return "", protocol.NewError(http.StatusRequestEntityTooLarge, "Request entity too large",
			"the uploaded files would hold %d bytes together, over the limit of %d; they expire %s after upload, and POST /mock/v1/reset clears them",
			f.bytes+len(data), MaxBytes, TTL)
	}
	id := f.newID()
	f.files[id] = file{name: name, contentType: contentType, data: data, expires: now.Add(TTL)}
	f.bytes += len(data)
	return id, nil
}

// Has reports whether a file with id is kept.
func (f *Files) Has(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.files[id]
	return ok
}

// Len is how many files are kept.
func (f *Files) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.files)
}

// expire drops the files past their time. f.mu must be held.
func (f *Files) expire(now time.Time) {
	for id, file := range f.files {
		if now.After(file.expires) {
			f.bytes -= len(file.data)
			delete(f.files, id)
		}
	}
}

// Clear drops every file.
func (f *Files) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files, f.bytes = nil, 0
}

// URL returns a signed URL of the file with id, valid from now for the
// URL lifetime.
func (f *Files) URL(id string) string {
	exp := strconv.FormatInt(f.clock().Add(f.urlTTL).Unix(), 10)
	return f.baseURL + "/files/" + id + "?expires=" + exp + "&signature=" + f.signature(id, exp)
}

func (f *Files) signature(id, expires string) string {
	// Keyed by a secret of the server's own, so only URLs it handed out
	// work.
	mac := hmac.New(sha256.New, f.key)
	mac.Write([]byte(id + "\n" + expires))
	return hex.EncodeToString(mac.Sum(nil))
}

// Handler serves a file (route variable "id") while its signed URL is
// valid, and 403 afterwards or for a forged signature.
func (f *Files) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		exp := r.URL.Query().Get("expires")
		sig := r.URL.Query().Get("signature")
		expUnix, err := strconv.ParseInt(exp, 10, 64)
		if err != nil || !hmac.Equal([]byte(sig), []byte(f.signature(id, exp))) {
			http.Error(w, "forbidden: the signature of this file URL is not valid", http.StatusForbidden)
			return
		}
		if f.clock().Unix() > expUnix {
			http.Error(w, "forbidden: this file URL expired; file URLs are valid for "+f.urlTTL.String(), http.StatusForbidden)
			return
		}
		f.mu.Lock()
		f.expire(f.clock())
		file, ok := f.files[id]
		f.mu.Unlock()
		if !ok {
			http.Error(w, "not found: no such file", http.StatusNotFound)
			return
		}
		ct := file.contentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(file.name))
		w.Write(file.data)
	})
}
