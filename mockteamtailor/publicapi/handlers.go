package publicapi

import (
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// route finds what the request asks for, checks scope and permission,
// then serves it: the status and document of a success, or a problem.
func (a *API) route(w http.ResponseWriter, r *http.Request, who caller) (int, any, *problem) {
	path := strings.TrimPrefix(r.URL.Path, "/v1/")
	segs := strings.Split(path, "/")
	if segs[0] == "company" && len(segs) == 1 {
		segs = []string{"companies", who.company.UUID}
	}
	typ := types[segs[0]]
	if typ == nil || slices.Contains(segs, "") {
		return 0, nil, routeNotFound(r)
	}
	verb, perm := "read", who.key.Read
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		verb, perm = "create", who.key.Write
	case http.MethodPatch, http.MethodPut:
		verb, perm = "update", who.key.Read && who.key.Write
	case http.MethodDelete:
		verb, perm = "delete", who.key.Read && who.key.Write
	default:
		return 0, nil, routeNotFound(r)
	}
	// A resource type the scope cannot see, or a method the permissions
	// forbid, is 403 (docs/public-api.md §2).
	need := typ.read
	if verb != "read" {
		need = cmp.Or(typ.write, "admin")
	}
	if !perm || scopeRank[who.key.Scope] < scopeRank[need] {
		return 0, nil, forbidden(verb, typ.name)
	}
	if p := checkAccept(r); p != nil {
		return 0, nil, p
	}
	wd, err := a.newWorld(r.Context(), who)
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case len(segs) == 1 && get && typ.list:
		return a.list(r, wd, typ, nil, "/v1/"+typ.name)
	case len(segs) == 1 && r.Method == http.MethodPost:
		return a.create(r, wd, typ)
	case len(segs) == 2 && get:
		return a.show(r, wd, typ, segs[1])
	case len(segs) == 2 && verb == "update":
		return a.update(r, wd, typ, segs[1])
	case len(segs) == 2 && verb == "delete":
		return a.remove(r, wd, typ, segs[1])
	case len(segs) == 3 && get:
		return a.related(r, wd, typ, segs[1], segs[2])
	case len(segs) == 4 && get && segs[2] == "relationships":
		return a.linkage(r, wd, typ, segs[1], segs[3])
	}
	return 0, nil, routeNotFound(r)
}

func (a *API) internal(r *http.Request, err error) *problem {
	a.logger.ErrorContext(r.Context(), "public API request failed", slog.String("path", r.URL.Path), slog.Any("error", err))
	return fail(http.StatusInternalServerError, "Internal Server Error", "500", "Internal Server Error")
}

// checkAccept refuses an Accept header that names media types but
// neither JSON:API nor */* (docs/public-api.md §5).
func checkAccept(r *http.Request) *problem {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return nil
	}
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && (mt == MediaType || mt == "*/*") {
			return nil
		}
	}
	return fail(http.StatusNotAcceptable, "Not acceptable", "406",
		"All requests must use the '%s' Accept without media type parameters. This request specified '%s'.", MediaType, accept)
}

func (a *API) url(typ, id string) string { return a.cfg.PublicURL + "/v1/" + typ + "/" + id }

// list serves a list: recs when given (a related to-many endpoint),
// every record of typ otherwise.
func (a *API) list(r *http.Request, w *world, typ *resourceType, recs []*record, path string) (int, any, *problem) {
	q, p := parseQuery(r.URL.Query(), typ, true)
	if p != nil {
		return 0, nil, p
	}
	if recs == nil && typ.name == "candidates" && len(q.filters) == 0 && !q.sortGiven {
		// The store pages candidates by id itself: a sandbox of 100,000
		// candidates is not read whole for every page.
		return a.candidatePage(r, w, typ, q, path)
	}
	if recs == nil {
		all, err := w.all(typ.name)
		if err != nil {
			return 0, nil, a.internal(r, err)
		}
		recs = all
	}
	filters := q.filters
	// An unfiltered job list holds the published jobs of the public feed,
	// whatever the key's scope (docs/public-api.md §9).
	if typ.name == "jobs" {
		has := func(n string) bool { return slices.ContainsFunc(filters, func(f filter) bool { return f.name == n }) }
		if !has("status") {
			filters = append(filters, filter{name: "status", values: []string{"published"}})
		}
		if !has("feed") {
			filters = append(filters, filter{name: "feed", values: []string{"public"}})
		}
	}
	var kept []*record
	for _, rec := range recs {
		ok, p := matches(rec, typ, filters, a.cfg.Location)
		if p != nil {
			return 0, nil, p
		}
		if ok {
			kept = append(kept, rec)
		}
	}
	sortRecords(kept, q.sort)
	total := len(kept)
	from := min((q.number-1)*q.size, total)
	return http.StatusOK, a.page(w, q, kept[from:min(from+q.size, total)], total, path), nil
}

// candidatePage serves an unfiltered candidate list in id order from the
// store's own page.
func (a *API) candidatePage(r *http.Request, w *world, typ *resourceType, q *query, path string) (int, any, *problem) {
	cands, total, err := a.store.Candidates(r.Context(), w.who.company.UUID, store.Page{Number: q.number, Size: q.size})
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	page := make([]*record, 0, len(cands))
	for _, c := range cands {
		page = append(page, w.candidateRecord(c))
	}
	return http.StatusOK, a.page(w, q, page, total, path), nil
}

// page is the list document of one page of total records.
func (a *API) page(w *world, q *query, page []*record, total int, path string) listDocument {
	pages := max((total+q.size-1)/q.size, 1)
	base := a.cfg.PublicURL + path
	links := map[string]string{"first": q.pageURL(base, 1), "last": q.pageURL(base, pages)}
	if q.number > 1 {
		links["prev"] = q.pageURL(base, min(q.number-1, pages))
	}
	if q.number < pages {
		links["next"] = q.pageURL(base, q.number+1)
	}
	doc := listDocument{Data: []resourceObject{}, Meta: listMeta{RecordCount: total, PageCount: pages}, Links: links}
	e := a.encoder(w, q)
	for _, rec := range page {
		e.primary[rec.typ+"/"+rec.id] = true
	}
	for _, rec := range page {
		e.includeFrom(rec, q.include)
	}
	for _, rec := range page {
		doc.Data = append(doc.Data, e.object(rec))
	}
	doc.Included = e.included()
	return doc
}

func matches(rec *record, typ *resourceType, filters []filter, loc *time.Location) (bool, *problem) {
	for _, f := range filters {
		var ok bool
		var p *problem
		if f.name == "id" {
			ok = slices.Contains(f.values, rec.id)
		} else {
			ok, p = typ.filters[f.name](rec, f.op, f.values, loc)
		}
		if p != nil || !ok {
			return false, p
		}
	}
	return true, nil
}

func sortRecords(recs []*record, keys []sortKey) {
	keys = append(slices.Clone(keys), sortKey{name: "id"})
	slices.SortStableFunc(recs, func(x, y *record) int {
		for _, k := range keys {
			var c int
			if k.name == "id" {
				c = compareValues(x.id, y.id)
			} else {
				c = compareValues(x.attrs[k.name], y.attrs[k.name])
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

// compareValues orders attribute values: null first, then numbers,
// booleans and strings (numeric strings, like ids, as numbers).
func compareValues(x, y any) int {
	if x == nil || y == nil {
		switch {
		case x == nil && y == nil:
			return 0
		case x == nil:
			return -1
		}
		return 1
	}
	nx, okx := number(x)
	ny, oky := number(y)
	if okx && oky {
		return cmp.Compare(nx, ny)
	}
	bx, okx := x.(bool)
	by, oky := y.(bool)
	if okx && oky {
		switch {
		case bx == by:
			return 0
		case !bx:
			return -1
		}
		return 1
	}
	return strings.Compare(fmt.Sprint(x), fmt.Sprint(y))
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil && n != "" && n[0] != '+'
	}
	return 0, false
}

// show serves one record; a record outside the key's view is 404, as if
// it did not exist.
func (a *API) show(r *http.Request, w *world, typ *resourceType, id string) (int, any, *problem) {
	q, p := parseQuery(r.URL.Query(), typ, false)
	if p != nil {
		return 0, nil, p
	}
	rec, err := w.find(typ.name, id)
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	if rec == nil && typ.name == "custom-fields" {
		// Selects are shown on /v1/custom-fields/{id} too.
		rec, _ = w.find("custom-field-selects", id)
	}
	if rec == nil {
		return 0, nil, recordNotFound(id)
	}
	return http.StatusOK, a.single(w, q, rec), nil
}

func (a *API) single(w *world, q *query, rec *record) singleDocument {
	e := a.encoder(w, q)
	if rec == nil {
		return singleDocument{Data: nil}
	}
	e.primary[rec.typ+"/"+rec.id] = true
	e.includeFrom(rec, q.include)
	obj := e.object(rec)
	return singleDocument{Data: &obj, Included: e.included()}
}

// parent finds the record of a related or relationship endpoint and the
// relationship's definition.
func (a *API) parent(r *http.Request, w *world, typ *resourceType, id, name string) (*record, relDef, *problem) {
	d, ok := typ.rels[dashed(name)]
	if !ok {
		return nil, d, routeNotFound(r)
	}
	rec, err := w.find(typ.name, id)
	if err != nil {
		return nil, d, a.internal(r, err)
	}
	if rec == nil {
		return nil, d, recordNotFound(id)
	}
	return rec, d, nil
}

// related serves GET /v1/<type>/<id>/<relationship>: the related records,
// paged and filtered like the top-level list when to-many.
func (a *API) related(r *http.Request, w *world, typ *resourceType, id, name string) (int, any, *problem) {
	rec, d, p := a.parent(r, w, typ, id, name)
	if p != nil {
		return 0, nil, p
	}
	name = dashed(name)
	if !d.include {
		// Links of resources the mock does not emulate lead nowhere.
		return 0, nil, routeNotFound(r)
	}
	var targets []*record
	for _, ref := range rec.rel(name) {
		if t, err := w.find(ref.Type, ref.ID); err == nil && t != nil {
			targets = append(targets, t)
		}
	}
	target := types[d.target]
	if d.target == "any" && len(rec.rel(name)) > 0 {
		target = types[rec.rel(name)[0].Type]
	}
	if target == nil {
		return 0, nil, routeNotFound(r)
	}
	if scopeRank[w.who.key.Scope] < scopeRank[target.read] {
		return 0, nil, forbidden("read", target.name)
	}
	if d.many {
		if targets == nil {
			targets = []*record{}
		}
		return a.list(r, w, target, targets, "/v1/"+typ.name+"/"+id+"/"+name)
	}
	q, p := parseQuery(r.URL.Query(), target, false)
	if p != nil {
		return 0, nil, p
	}
	var t *record
	if len(targets) > 0 {
		t = targets[0]
	}
	return http.StatusOK, a.single(w, q, t), nil
}

// linkage serves GET /v1/<type>/<id>/relationships/<relationship>.
func (a *API) linkage(r *http.Request, w *world, typ *resourceType, id, name string) (int, any, *problem) {
	rec, d, p := a.parent(r, w, typ, id, name)
	if p != nil {
		return 0, nil, p
	}
	name = dashed(name)
	doc := linkageDocument{Links: relLinks{Self: a.url(typ.name, id) + "/relationships/" + name, Related: a.url(typ.name, id) + "/" + name}}
	doc.Data = linkageData(rec.rel(name), d.many)
	return http.StatusOK, doc, nil
}

func linkageData(refs []ref, many bool) json.RawMessage {
	var v any
	switch {
	case many:
		v = nonNil(refs)
	case len(refs) > 0:
		v = refs[0]
	}
	b, _ := json.Marshal(v)
	return b
}

// --- documents ---

type resourceObject struct {
	ID            string               `json:"id"`
	Type          string               `json:"type"`
	Links         map[string]string    `json:"links"`
	Attributes    map[string]any       `json:"attributes"`
	Relationships map[string]relObject `json:"relationships,omitempty"`
}

type relLinks struct {
	Self    string `json:"self"`
	Related string `json:"related"`
}

// relObject is a relationship: links always, data (resource linkage)
// only when the relationship was included (docs/public-api.md
// §5).
type relObject struct {
	Links relLinks        `json:"links"`
	Data  json.RawMessage `json:"data,omitempty"`
}

type listMeta struct {
	RecordCount int `json:"record-count"`
	PageCount   int `json:"page-count"`
}

type listDocument struct {
	Data     []resourceObject  `json:"data"`
	Included []resourceObject  `json:"included,omitempty"`
	Meta     listMeta          `json:"meta"`
	Links    map[string]string `json:"links"`
}

type singleDocument struct {
	Data     *resourceObject  `json:"data"`
	Included []resourceObject `json:"included,omitempty"`
}

type linkageDocument struct {
	Links relLinks        `json:"links"`
	Data  json.RawMessage `json:"data"`
}

// encoder turns records into resource objects for one document,
// collecting what include asks for.
type encoder struct {
	a       *API
	w       *world
	q       *query
	primary map[string]bool
	// shown are, per record, the relationships whose data is written.
	shown map[string]map[string]bool
	inc   []*record
	seen  map[string]bool
}

func (a *API) encoder(w *world, q *query) *encoder {
	return &encoder{a: a, w: w, q: q, primary: map[string]bool{}, shown: map[string]map[string]bool{}, seen: map[string]bool{}}
}

// includeFrom follows each include path from rec.
func (e *encoder) includeFrom(rec *record, paths [][]string) {
	for _, path := range paths {
		e.follow(rec, path)
	}
}

func (e *encoder) follow(rec *record, path []string) {
	if len(path) == 0 {
		return
	}
	key := rec.typ + "/" + rec.id
	if e.shown[key] == nil {
		e.shown[key] = map[string]bool{}
	}
	e.shown[key][path[0]] = true
	for _, ref := range rec.rel(path[0]) {
		t, err := e.w.find(ref.Type, ref.ID)
		if err != nil || t == nil {
			continue
		}
		// A key sees included records only of types its scope reads.
		if tt := types[t.typ]; tt != nil && scopeRank[e.w.who.key.Scope] < scopeRank[tt.read] {
			continue
		}
		k := t.typ + "/" + t.id
		if !e.primary[k] && !e.seen[k] {
			e.seen[k] = true
			e.inc = append(e.inc, t)
		}
		e.follow(t, path[1:])
	}
}

func (e *encoder) included() []resourceObject {
	if len(e.q.include) == 0 {
		return nil
	}
	out := []resourceObject{}
	for _, rec := range e.inc {
		out = append(out, e.object(rec))
	}
	return out
}

func (e *encoder) object(rec *record) resourceObject {
	self := e.a.url(rec.typ, rec.id)
	obj := resourceObject{ID: rec.id, Type: rec.typ, Links: map[string]string{"self": self}, Attributes: map[string]any{}}
	for k, v := range rec.links {
		obj.Links[k] = v
	}
	fields, sparse := e.q.fields[rec.typ]
	want := func(n string) bool { return !sparse || slices.Contains(fields, n) }
	for k, v := range rec.attrs {
		if want(k) {
			obj.Attributes[k] = v
		}
	}
	t := types[rec.typ]
	if t == nil {
		return obj
	}
	shown := e.shown[rec.typ+"/"+rec.id]
	for name, d := range t.rels {
		if !want(name) {
			continue
		}
		if obj.Relationships == nil {
			obj.Relationships = map[string]relObject{}
		}
		ro := relObject{Links: relLinks{Self: self + "/relationships/" + name, Related: self + "/" + name}}
		if shown[name] {
			ro.Data = linkageData(rec.rel(name), d.many)
		}
		obj.Relationships[name] = ro
	}
	return obj
}

// writeDocument encodes doc before touching the response, so an encoding
// failure is a clean 500.
func writeDocument(w http.ResponseWriter, logger *slog.Logger, r *http.Request, status int, doc any) {
	body, err := json.Marshal(doc)
	if err != nil {
		logger.ErrorContext(r.Context(), "public API document not encoded", slog.Any("error", err))
		writeProblem(w, fail(http.StatusInternalServerError, "Internal Server Error", "500", "Internal Server Error"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", MediaType)
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
