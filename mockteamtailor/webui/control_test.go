package webui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// control calls the mock's control API in-process, to set up a test the
// way a user of the control API would. A 4xx comes back as protocol
// errors with the API's message.
func (e *env) control(ctx context.Context, method, path string, in, out any) error {
	var body bytes.Buffer
	if in != nil {
		if err := json.NewEncoder(&body).Encode(in); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, path, &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	rec := &recorder{header: http.Header{}}
	e.srv.ServeHTTP(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status >= 400 {
		var doc struct {
			Errors []struct {
				Title  string `json:"title"`
				Detail string `json:"detail"`
				Source *struct {
					Pointer string `json:"pointer"`
				} `json:"source"`
			} `json:"errors"`
		}
		if json.Unmarshal(rec.body.Bytes(), &doc) != nil || len(doc.Errors) == 0 {
			return fmt.Errorf("control API %s %s answered %d: %s", method, path, rec.status, strings.TrimSpace(rec.body.String()))
		}
		var list protocol.Errors
		for _, e := range doc.Errors {
			me := &protocol.Error{Status: rec.status, Title: e.Title, Detail: e.Detail}
			if e.Source != nil {
				me.Pointer = e.Source.Pointer
			}
			list = append(list, me)
		}
		return list
	}
	if out != nil && rec.body.Len() > 0 {
		return json.Unmarshal(rec.body.Bytes(), out)
	}
	return nil
}

// recorder is the ResponseWriter of an in-process control API call.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}
