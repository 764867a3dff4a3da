package publicapi

import (
	"slices"
	"strings"
	"time"
)

// ref is a resource identifier: a type and an id.
type ref struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// record is one resource as the world holds it for a request: its
// attributes and the resources each relationship points to.
type record struct {
	typ, id string
	attrs   map[string]any
	rels    map[string][]ref
	// links are extra links beside self (jobs' career-site links).
	links map[string]string
	// hidden are values filters match that are no attribute
	// (job-applications' stage-type).
	hidden map[string]string
	// lazy are relationships worked out only when asked for: those that
	// would read every candidate or every result.
	lazy map[string]func() []ref
}

// rel returns the resources the relationship name points to.
func (r *record) rel(name string) []ref {
	if f, ok := r.lazy[name]; ok {
		refs := f()
		r.rels[name] = refs
		delete(r.lazy, name)
		return refs
	}
	return r.rels[name]
}

// relDef is a relationship of a resource type. target is the type it
// points to ("" for a polymorphic one); include says whether
// include=<name> is accepted: relationships to resources the mock does
// not emulate carry links only (docs/public-api.md §12).
type relDef struct {
	target  string
	many    bool
	include bool
}

// scope ranks: a key sees what its scope or a smaller one sees.
var scopeRank = map[string]int{"public": 0, "internal": 1, "admin": 2}

// filterFunc reports whether rec matches a filter's values (a
// comma-separated value means any of them). op is "" or, for date
// ranges, "from" or "to".
type filterFunc func(rec *record, op string, values []string, loc *time.Location) (bool, *problem)

// resourceType is one /v1 resource type: who may read and write it, its
// attributes, relationships, filters and default sort.
type resourceType struct {
	name  string
	read  string // smallest scope that reads it
	write string // smallest scope that writes it; "" when read-only
	attrs []string
	rels  map[string]relDef
	// filters besides id, which every list accepts.
	filters map[string]filterFunc
	// sort is the default sort.
	sort []sortKey
	// list is false for types without a top-level list.
	list bool
	load func(w *world) ([]*record, error)
	// one, when set, loads a single record by id without loading the
	// others (nil when there is none the key may see).
	one func(w *world, id string) (*record, error)
}

func (t *resourceType) hasAttr(name string) bool { return slices.Contains(t.attrs, name) }

// dashed makes "_" and "-" interchangeable in names: Teamtailor's own
// sample sends filter[created_at], its docs list dashed names.
func dashed(s string) string { return strings.ReplaceAll(s, "_", "-") }

// rels builds a relationship table from "name:target" (to-one),
// "name:target*" (to-many) and "name" (links only) entries.
func rels(specs ...string) map[string]relDef {
	m := make(map[string]relDef, len(specs))
	for _, s := range specs {
		name, target, ok := strings.Cut(s, ":")
		if !ok {
			m[name] = relDef{many: true}
			continue
		}
		many := strings.HasSuffix(target, "*")
		target = strings.TrimSuffix(target, "*")
		m[name] = relDef{target: target, many: many, include: true}
	}
	return m
}
