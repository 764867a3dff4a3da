package partnerapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// MediaType is the JSON:API media type of every Partner API document.

// dataDocument is a successful JSON:API response. Data has no omitempty:
// an empty collection must still be rendered as "data": [].
type dataDocument struct {
	Data  any        `json:"data"`
	Meta  *listMeta  `json:"meta,omitempty"`
	Links *listLinks `json:"links,omitempty"`
}

// resourceObject is one JSON:API resource as the mock renders it; ids are
// always strings (docs/protocol.md §2).
type resourceObject struct {
	ID         string        `json:"id"`
	Type       string        `json:"type"`
	Links      resourceLinks `json:"links"`
	Attributes any           `json:"attributes"`
}

type resourceLinks struct {
	Self string `json:"self"`
}

type listMeta struct {
	RecordCount int `json:"record-count"`
	PageCount   int `json:"page-count"`
}

type listLinks struct {
	First string `json:"first"`
	Last  string `json:"last"`
	Prev  string `json:"prev,omitempty"`
	Next  string `json:"next,omitempty"`
}

// writeJSONAPI marshals doc before touching the ResponseWriter, so an
// encoding bug turns into a clean 500 instead of a half-written 200.
func writeJSONAPI(w http.ResponseWriter, r *http.Request, logger *slog.Logger, status int, doc any) {
	e := encoderPool.Get().(*pooledEncoder)
	defer e.release()
	if err := e.enc.Encode(doc); err != nil {
		httpapi.WriteError(w, r, logger, fmt.Errorf("encode %T: %w", doc, err))
		return
	}
	h := w.Header()
	h["Content-Type"] = mediaTypeValue
	h["Content-Length"] = contentLengthValue(e.buf.Len())
	w.WriteHeader(status)
	w.Write(e.buf.Bytes())
}

// mediaTypeValue is shared by every response: net/http only reads it.
var mediaTypeValue = []string{protocol.MediaType}

// pooledEncoder is a response buffer with its encoder, reused across
// requests so a response costs no buffer growth.
type pooledEncoder struct {
	buf     bytes.Buffer
	enc     *json.Encoder
	scratch []byte // for encoders that append
}

var encoderPool = sync.Pool{New: func() any {
	e := &pooledEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}}

func (e *pooledEncoder) release() {
	if e.buf.Cap() > 64<<10 || cap(e.scratch) > 64<<10 {
		return // a large list response: let it go rather than pin it
	}
	e.buf.Reset()
	encoderPool.Put(e)
}

// inputResource is the data member of a request document, decoded just
// enough to validate each attribute on its own.
// decodeResource reads a JSON:API request document of the given resource
// type. It checks the media type (415) and the size (413), then leaves the
// syntax (400) and the document's shape (422) to protocol.DecodeResource.
func decodeResource(r *http.Request, maxBytes int64, wantType string) (protocol.Resource, error) {
	body, err := readDocument(r, maxBytes)
	if err != nil {
		return protocol.Resource{}, err
	}
	return protocol.DecodeResource(body, wantType)
}

// decodeResultRequest reads a partner-results request document and checks
// its attributes (docs/protocol.md §2.3) in one pass: err is a 415, 413, 400 or a
// 422 about the document's shape, problems the attribute rules broken.
func decodeResultRequest(r *http.Request, maxBytes int64, create bool) (in protocol.Resource, patch protocol.ResultPatch, problems protocol.Errors, err error) {
	body, err := readDocument(r, maxBytes)
	if err != nil {
		return in, patch, nil, err
	}
	return protocol.DecodeResultRequest(body, create)
}

// readDocument checks the media type (415) and reads the body of a
// request document up to maxBytes (413).
func readDocument(r *http.Request, maxBytes int64) ([]byte, error) {
	if err := protocol.CheckMediaType(r.Header.Get("Content-Type")); err != nil {
		return nil, err
	}
	body, err := readBody(r, maxBytes)
	if err == nil {
		return body, nil
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, httpapi.New(http.StatusRequestEntityTooLarge, "Request entity too large",
			"the request body is larger than %d bytes", maxBytes)
	case err != nil:
		return nil, httpapi.BadRequest("the request body could not be read: %v", err)
	}
	return body, nil
}

// readBody reads the request body up to maxBytes (a longer one is a
// *http.MaxBytesError), in one allocation when the length is announced.
func readBody(r *http.Request, maxBytes int64) ([]byte, error) {
	if n := r.ContentLength; n >= 0 && n <= maxBytes {
		// net/http reads no more than the announced length, but a body
		// set by other means may hold more: limited all the same.
		body := r.Body
		buf := make([]byte, 0, n+1) // +1: reading EOF needs no growth
		for {
			m, err := body.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+m]
			if err == io.EOF {
				return buf, nil
			}
			if err != nil {
				return buf, err
			}
			if len(buf) == cap(buf) {
				// More than announced: what is left of maxBytes, read as
				// when no length is announced.
				rest, err := io.ReadAll(http.MaxBytesReader(nil, body, maxBytes-int64(len(buf))))
				return append(buf, rest...), err
			}
		}
	}
	return io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBytes))
}

// checkQuery refuses query parameters the Partner API does not take: a
// list takes page[number] and page[size], nothing else takes any.
// docs/protocol.md §2 Decision: filter, include, sort, fields and every
// other parameter are a 400 naming it (source.parameter), as a
// jsonapi-resources server refuses what it does not allow, so a partner
// does not believe a filter it sent was applied.
func checkQuery(r *http.Request, list bool) error {
	if r.URL.RawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		e := httpapi.BadRequest("the query string cannot be parsed: %v", err)
		return e
	}
	var problems protocol.Errors
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if list && (name == "page[number]" || name == "page[size]") {
			continue
		}
		var e *protocol.Error
		switch {
		case list:
			e = httpapi.BadRequest("query parameter %q is not allowed: this list takes page[number] and page[size] only (no filter, include, sort or fields)", name)
		default:
			e = httpapi.BadRequest("query parameter %q is not allowed: this endpoint takes no query parameters", name)
		}
		e.Title = "Param not allowed"
		e.Parameter = name
		problems = append(problems, e)
	}
	if len(problems) > 0 {
		return problems
	}
	return nil
}

// parsePage reads page[number] and page[size] (docs/protocol.md §2.3: default
// size 10). A bad value is a 400 naming the parameter.
func parsePage(q url.Values, cfg Config) (store.Page, error) {
	page := store.Page{Number: 1, Size: cfg.DefaultPageSize}
	var problems protocol.Errors
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"page[number]", &page.Number, 0}, {"page[size]", &page.Size, cfg.MaxPageSize}} {
		raw, ok := q[p.name]
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(raw[0]))
		switch {
		case len(raw) > 1:
			err = errors.New("given more than once")
		case err != nil || n < 1:
			err = fmt.Errorf("must be a whole number of at least 1, got %q", raw[0])
		case p.max > 0 && n > p.max:
			err = fmt.Errorf("must be at most %d, got %d", p.max, n)
		}
		if err != nil {
			e := httpapi.BadRequest("%s %v", p.name, err)
			e.Parameter = p.name
			problems = append(problems, e)
			continue
		}
		*p.dst = n
	}
	if len(problems) > 0 {
		return page, problems
	}
	return page, nil
}

// pageLinks builds the paging meta and links of a list at collectionURL.
func pageLinks(collectionURL string, page store.Page, total int) (*listMeta, *listLinks) {
	pages := (total + page.Size - 1) / page.Size
	link := func(n int) string {
		q := url.Values{}
		q.Set("page[number]", strconv.Itoa(n))
		q.Set("page[size]", strconv.Itoa(page.Size))
		return collectionURL + "?" + q.Encode()
	}
	links := &listLinks{First: link(1), Last: link(max(pages, 1))}
	if page.Number > 1 {
		links.Prev = link(min(page.Number-1, max(pages, 1)))
	}
	if page.Number < pages {
		links.Next = link(page.Number + 1)
	}
	return &listMeta{RecordCount: total, PageCount: pages}, links
}

// listHandler answers GET of a collection (docs/protocol.md §2): the page asked
// for, the resources page returns for the authenticated partner, and the
// paging links under path.
func (s *API) listHandler(path string, page func(r *http.Request, partner store.Partner, p store.Page) ([]resourceObject, int, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := checkQuery(r, true)
		var p store.Page
		if err == nil {
			p, err = parsePage(r.URL.Query(), s.cfg)
		}
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		data, total, err := page(r, partnerFrom(r.Context()), p)
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		meta, links := pageLinks(s.cfg.baseURL()+path, p, total)
		writeJSONAPI(w, r, s.logger, http.StatusOK, dataDocument{Data: data, Meta: meta, Links: links})
	})
}
