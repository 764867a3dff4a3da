package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// Every error a handler returns becomes one status and one whole JSON:API
// error document; ours is false only for the errors that are bugs (a bare
// 500) or that the operator must look into (a state file not written).
func TestErrorBody(t *testing.T) {
	invalid := protocol.Invalid("/data/attributes/status", "status %q is not one of the statuses", "done")
	invalid.Err = errors.New("the cause, never rendered")
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantBody   string
		wantOurs   bool
	}{
		{"an error of ours", BadRequest("page[size] must be a number"), 400,
			`{"errors":[{"status":"400","title":"Bad request","detail":"page[size] must be a number"}]}`, true},
		{"a pointer, the cause left out", invalid, 422,
			`{"errors":[{"status":"422","title":"Invalid attribute","detail":"status \"done\" is not one of the statuses","source":{"pointer":"/data/attributes/status"}}]}`, true},
		{"a parameter", &protocol.Error{Status: 400, Title: "Bad request", Detail: "unknown", Parameter: "sort"}, 400,
			`{"errors":[{"status":"400","title":"Bad request","detail":"unknown","source":{"parameter":"sort"}}]}`, true},
		{"a list: the first one's status, every entry", protocol.Errors{Invalid("/a", "one"), Invalid("/b", "two")}, 422,
			`{"errors":[{"status":"422","title":"Invalid attribute","detail":"one","source":{"pointer":"/a"}},{"status":"422","title":"Invalid attribute","detail":"two","source":{"pointer":"/b"}}]}`, true},
		{"wrapped", fmt.Errorf("decode: %w", Unauthorized("no key")), 401,
			`{"errors":[{"status":"401","title":"Unauthorized","detail":"no key"}]}`, true},
		{"a store limit, naming it", &store.LimitError{What: "candidate", Size: 10, Limit: 5}, 422,
			`{"errors":[{"status":"422","title":"Limit reached","detail":"a candidate of 10 bytes is larger than the limit of 5 bytes per candidate"}]}`, true},
		{"not found", fmt.Errorf("result 7: %w", store.ErrNotFound), 404,
			`{"errors":[{"status":"404","title":"Not found","detail":"no such resource"}]}`, true},
		{"another partner's", store.ErrForbidden, 403,
			`{"errors":[{"status":"403","title":"Forbidden","detail":"the resource belongs to another partner"}]}`, true},
		{"a conflict", store.ErrConflict, 409,
			`{"errors":[{"status":"409","title":"Conflict","detail":"the resource already exists"}]}`, true},
		{"the state file not written", fmt.Errorf("commit: %w", store.ErrPersist), 503,
			`{"errors":[{"status":"503","title":"State not saved","detail":"the mock could not write its state file, so the change was not made (nothing of it shows, as after a restart); see the mock's log, then retry"}]}`, false},
		{"anything else: a bare 500", errors.New("nil map"), 500,
			`{"errors":[{"status":"500","title":"Internal error","detail":"the mock failed unexpectedly; see its log"}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, ours := ErrorBody(tt.err)
			if status != tt.wantStatus || ours != tt.wantOurs {
				t.Errorf("status, ours = %d, %v; want %d, %v", status, ours, tt.wantStatus, tt.wantOurs)
			}
			if diff := cmp.Diff(tt.wantBody+"\n", string(body)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

// The constructors give each class of error its status and title.
func TestConstructors(t *testing.T) {
	for _, tt := range []struct {
		err    *protocol.Error
		status int
		title  string
	}{
		{BadRequest("x"), 400, "Bad request"},
		{Unauthorized("x"), 401, "Unauthorized"},
		{Forbidden("x"), 403, "Forbidden"},
		{NotFound("x"), 404, "Not found"},
		{NotAcceptable("x"), 406, "Not acceptable"},
		{Conflict("x"), 409, "Conflict"},
		{UnsupportedMediaType("x"), 415, "Unsupported media type"},
		{Invalid("/p", "x"), 422, "Invalid attribute"},
		{Partner("x"), 502, "Partner error"},
	} {
		if tt.err.Status != tt.status || tt.err.Title != tt.title || tt.err.Detail != "x" {
			t.Errorf("%+v: want status %d, title %q, detail x", tt.err, tt.status, tt.title)
		}
	}
}

// ConflictOf keeps its cause, so a caller still matches it with errors.Is.
func TestConflictOfKeepsItsCause(t *testing.T) {
	cause := errors.New("the partner has no BASE_URL")
	e := ConflictOf(fmt.Errorf("deliver: %w", cause))
	if e.Status != 409 || e.Detail != "deliver: the partner has no BASE_URL" || !errors.Is(e, cause) {
		t.Errorf("ConflictOf = %+v (errors.Is %v); want a 409 saying the cause and wrapping it", e, errors.Is(e, cause))
	}
}

// Links stay readable: &, < and > are not escaped, and a newline ends
// the document.
func TestEncodeJSONLeavesLinksReadable(t *testing.T) {
	b, err := EncodeJSON(map[string]string{"next": "http://h/x?page[number]=2&page[size]=10<>"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"next":"http://h/x?page[number]=2&page[size]=10<>"}`+"\n"; got != want {
		t.Errorf("EncodeJSON = %q, want %q", got, want)
	}
}

// WriteError sends the document with its media type and length, asks for
// a token on a 401, and logs only the errors that are not ours.
func TestWriteError(t *testing.T) {
	for _, tt := range []struct {
		name    string
		err     error
		status  int
		auth    string
		logged  bool
		wantLog string
	}{
		{"a 401 asks for a token", Unauthorized("no key"), 401, `Token realm="Teamtailor Partner API"`, false, ""},
		{"a 404", NotFound("no such result"), 404, "", false, ""},
		{"a bug is logged", errors.New("nil map"), 500, "", true, "nil map"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&log, nil))
			w := httptest.NewRecorder()
			WriteError(w, httptest.NewRequest("GET", "/partner/v1/partner-results/7", nil), logger, tt.err)
			_, body, _ := ErrorBody(tt.err)
			if w.Code != tt.status || w.Body.String() != string(body) {
				t.Errorf("wrote %d %q; want %d %q", w.Code, w.Body, tt.status, body)
			}
			if got := w.Header().Get("Content-Type"); got != protocol.MediaType {
				t.Errorf("Content-Type = %q, want %q", got, protocol.MediaType)
			}
			if got := w.Header().Get("Content-Length"); got != fmt.Sprint(len(body)) {
				t.Errorf("Content-Length = %q, want %d", got, len(body))
			}
			if got := w.Header().Get("WWW-Authenticate"); got != tt.auth {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.auth)
			}
			if logged := log.Len() > 0; logged != tt.logged || !strings.Contains(log.String(), tt.wantLog) ||
				(tt.logged && !strings.Contains(log.String(), "path=/partner/v1/partner-results/7")) {
				t.Errorf("log %q; want logged %v with %q and the path", log.String(), tt.logged, tt.wantLog)
			}
		})
	}
}

// FirstDetail summarises an error document in one line: the first
// error's pointer and detail, and how many more there are.
func TestFirstDetail(t *testing.T) {
	for _, tt := range []struct {
		body, want string
	}{
		{`{"errors":[{"status":"404","title":"Not found","detail":"no such result"}]}`, "no such result"},
		{`{"errors":[{"status":"422","detail":"one","source":{"pointer":"/a"}},{"detail":"two"},{"detail":"three"}]}`, "/a: one (and 2 more)"},
		{`{"errors":[{"status":"400","detail":"bad","source":{"parameter":"sort"}}]}`, "bad"},
		{`{"errors":[]}`, ""},
		{`{"data":{}}`, ""},
		{`not JSON`, ""},
		{``, ""},
	} {
		if got := FirstDetail([]byte(tt.body)); got != tt.want {
			t.Errorf("FirstDetail(%s) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

// Unmatched routes and methods answer JSON:API errors that say where the
// APIs live, or which method was refused.
func TestRouteNotFoundAndMethodNotAllowed(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	for _, tt := range []struct {
		h      http.Handler
		method string
		status int
		body   string
	}{
		{RouteNotFound(logger), "GET", 404,
			`{"errors":[{"status":"404","title":"Not found","detail":"GET /nope is not a route of this mock; the Partner API lives under /partner/v1 (partners, partner-activations, partner-results), the mock's control API under /mock/v1"}]}` + "\n"},
		{MethodNotAllowed(logger), "DELETE", 405,
			`{"errors":[{"status":"405","title":"Method not allowed","detail":"DELETE is not allowed on /nope"}]}` + "\n"},
	} {
		w := httptest.NewRecorder()
		tt.h.ServeHTTP(w, httptest.NewRequest(tt.method, "/nope", nil))
		if w.Code != tt.status || w.Body.String() != tt.body {
			t.Errorf("%s /nope: %d %s\nwant %d %s", tt.method, w.Code, w.Body, tt.status, tt.body)
		}
	}
}
