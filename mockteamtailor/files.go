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
// memory: their signed URLs work for a minute (PROTOCOL §1.1).
type fileStore struct {
	mu    sync.Mutex // guards files
	files map[string]uploadedFile
}

type uploadedFile struct {
	Name        string
	ContentType string
	Data        []byte
}

// Upload stores a file for a form's file field and returns its id, which
// the form value "upload:<id>" refers to.
func (s *Server) Upload(name, contentType string, data []byte) (string, error) {
	if len(data) > maxUpload {
		return "", newError(http.StatusRequestEntityTooLarge, "Request entity too large", "an uploaded file may be at most %d bytes", maxUpload)
	}
	id := s.ids.Secret("f", 12)
	s.files.mu.Lock()
	defer s.files.mu.Unlock()
	if s.files.files == nil {
		s.files.files = map[string]uploadedFile{}
	}
	s.files.files[id] = uploadedFile{Name: name, ContentType: contentType, Data: data}
	return id, nil
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
