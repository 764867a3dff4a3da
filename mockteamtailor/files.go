package mockteamtailor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/mux"
)

// maxUpload caps an uploaded file of a form's file field.
const maxUpload = 10 << 20

// fileStore keeps the files uploaded for file fields. They live only in
// memory: their signed URLs work for a minute (PROTOCOL §1.1). At most
// MaxUploads files of MaxUploadBytes together are kept, each for
// UploadTTL; Reset clears them (limits.go).
type fileStore struct {
	mu    sync.Mutex // guards files and bytes
	files map[string]uploadedFile
	bytes int
}

type uploadedFile struct {
	Name        string
	ContentType string
	Data        []byte
	Expires     time.Time
}

// Upload stores a file for a form's file field and returns its id, which
// the form value "upload:<id>" refers to.
func (s *Server) Upload(name, contentType string, data []byte) (string, error) {
	if len(data) > maxUpload {
		return "", newError(http.StatusRequestEntityTooLarge, "Request entity too large", "an uploaded file may be at most %d bytes", maxUpload)
	}
	now := s.clock()
	s.files.mu.Lock()
	defer s.files.mu.Unlock()
	if s.files.files == nil {
		s.files.files = map[string]uploadedFile{}
	}
	s.files.expire(now)
	if len(s.files.files) >= MaxUploads {
		return "", errConflictf("the mock holds %d uploaded files, its limit; they expire %s after upload, and POST /mock/v1/reset clears them", MaxUploads, UploadTTL)
	}
	if s.files.bytes+len(data) > MaxUploadBytes {
		return "", newError(http.StatusRequestEntityTooLarge, "Request entity too large",
			"the uploaded files would hold %d bytes together, over the limit of %d; they expire %s after upload, and POST /mock/v1/reset clears them",
			s.files.bytes+len(data), MaxUploadBytes, UploadTTL)
	}
	id := s.ids.Secret("f", 12)
	s.files.files[id] = uploadedFile{Name: name, ContentType: contentType, Data: data, Expires: now.Add(UploadTTL)}
	s.files.bytes += len(data)
	return id, nil
}

// expire drops the files past their time. f.mu must be held.
func (f *fileStore) expire(now time.Time) {
	for id, file := range f.files {
		if now.After(file.Expires) {
			f.bytes -= len(file.Data)
			delete(f.files, id)
		}
	}
}

// clear drops every uploaded file.
func (f *fileStore) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files, f.bytes = nil, 0
}

// fileURL returns a signed URL for an uploaded file, valid from now for
// the configured lifetime.
func (s *Server) fileURL(id string, now time.Time) string {
	exp := strconv.FormatInt(now.Add(s.cfg.FileURLTTL).Unix(), 10)
	return s.cfg.baseURL() + "/files/" + id + "?expires=" + exp + "&signature=" + s.fileSignature(id, exp)
}

func (s *Server) fileSignature(id, expires string) string {
	// Keyed by a secret of the server's own, so only URLs it handed out
	// work.
	mac := hmac.New(sha256.New, s.fileKey)
	mac.Write([]byte(id + "\n" + expires))
	return hex.EncodeToString(mac.Sum(nil))
}

// handleFile serves an uploaded file while its signed URL is valid, and
// 403 afterwards or for a forged signature.
func (s *Server) handleFile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		exp := r.URL.Query().Get("expires")
		sig := r.URL.Query().Get("signature")
		expUnix, err := strconv.ParseInt(exp, 10, 64)
		if err != nil || !hmac.Equal([]byte(sig), []byte(s.fileSignature(id, exp))) {
			http.Error(w, "forbidden: the signature of this file URL is not valid", http.StatusForbidden)
			return
		}
		if s.clock().Unix() > expUnix {
			http.Error(w, "forbidden: this file URL expired; file URLs are valid for "+s.cfg.FileURLTTL.String(), http.StatusForbidden)
			return
		}
		s.files.mu.Lock()
		s.files.expire(s.clock())
		f, ok := s.files.files[id]
		s.files.mu.Unlock()
		if !ok {
			http.Error(w, "not found: no such file", http.StatusNotFound)
			return
		}
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(f.Name))
		w.Write(f.Data)
	})
}
