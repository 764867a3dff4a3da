package publicapi

import (
	"net/url"
	"strconv"
	"strings"
)

// Page sizes (docs/public-api.md §6).
const (
	defaultPageSize = 10
	maxPageSize     = 30
)

type sortKey struct {
	name string
	desc bool
}

// filter is one filter[<name>] or filter[<name>][<op>] parameter.
type filter struct {
	name, op string
	values   []string
}

// query is a request's JSON:API parameters, checked against a type.
type query struct {
	number, size int
	filters      []filter
	sort         []sortKey
	// sortGiven is set when the request named a sort.
	sortGiven bool
	include   [][]string
	fields    map[string][]string
	raw       url.Values
}

// parseQuery reads the JSON:API parameters of a request on typ. list is
// set for lists, whose paging, filters and sort are checked; a single
// record takes include and fields only (the rest is ignored, as
// jsonapi-resources does).
func parseQuery(raw url.Values, typ *resourceType, list bool) (*query, *problem) {
	q := &query{number: 1, size: defaultPageSize, fields: map[string][]string{}, raw: raw}
	for key, vals := range raw {
		val := ""
		if len(vals) > 0 {
			val = vals[len(vals)-1]
		}
		switch {
		case key == "include":
			for _, path := range splitList(val) {
				segs := strings.Split(dashed(path), ".")
				if p := checkInclude(typ, segs); p != nil {
					return nil, p
				}
				q.include = append(q.include, segs)
			}
		case strings.HasPrefix(key, "fields[") && strings.HasSuffix(key, "]"):
			name := dashed(key[len("fields[") : len(key)-1])
			t := types[name]
			if t == nil {
				return nil, fail(400, "Invalid resource", "101", "%s is not a valid resource.", name)
			}
			for _, f := range splitList(val) {
				f = dashed(f)
				if _, ok := t.rels[f]; !ok && !t.hasAttr(f) && f != "id" {
					return nil, invalidField(f, name)
				}
				q.fields[name] = append(q.fields[name], f)
			}
		case !list:
		case key == "sort":
			q.sortGiven = true
			for _, s := range splitList(val) {
				k := sortKey{name: dashed(strings.TrimPrefix(s, "-")), desc: strings.HasPrefix(s, "-")}
				if k.name != "id" && !typ.hasAttr(k.name) {
					return nil, invalidSort(k.name, typ.name)
				}
				q.sort = append(q.sort, k)
			}
		case strings.HasPrefix(key, "page[") && strings.HasSuffix(key, "]"):
			n, err := strconv.Atoi(val)
			switch name := key[len("page[") : len(key)-1]; {
			case name != "number" && name != "size":
				return nil, invalidPage("%s is not an allowed page parameter.", name)
			case err != nil:
				return nil, invalidPage("%s is not a valid value for %s page parameter.", val, name)
			case name == "size" && n > maxPageSize:
				return nil, invalidPage("size exceeds maximum page size of %d.", maxPageSize)
			case n < 1:
				return nil, invalidPage("%s is not a valid value for %s page parameter.", val, name)
			case name == "size":
				q.size = n
			default:
				q.number = n
			}
		case key == "page" || strings.HasPrefix(key, "page["):
			return nil, fail(400, "Invalid page object", "117", "Invalid page object.")
		case strings.HasPrefix(key, "filter["):
			name, op, ok := parseFilterKey(key)
			if !ok {
				return nil, fail(400, "Invalid filters syntax", "120", "%s is not a valid filter.", key)
			}
			if _, allowed := typ.filters[name]; !allowed && name != "id" {
				return nil, filterNotAllowed(name)
			}
			q.filters = append(q.filters, filter{name: name, op: op, values: splitList(val)})
		}
	}
	if len(q.sort) == 0 {
		q.sort = typ.sort
	}
	return q, nil
}

// parseFilterKey splits filter[<name>] and filter[<name>][<op>].
func parseFilterKey(key string) (name, op string, ok bool) {
	rest := strings.TrimPrefix(key, "filter[")
	name, rest, ok = strings.Cut(rest, "]")
	if !ok || name == "" {
		return "", "", false
	}
	if rest != "" {
		if !strings.HasPrefix(rest, "[") || !strings.HasSuffix(rest, "]") {
			return "", "", false
		}
		op = rest[1 : len(rest)-1]
	}
	return dashed(name), op, true
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// checkInclude walks an include path through the relationships of typ.
func checkInclude(typ *resourceType, segs []string) *problem {
	t := typ
	for i, s := range segs {
		if t == nil {
			return invalidInclude(strings.Join(segs[i:], "."), typ.name)
		}
		d, ok := t.rels[s]
		if !ok || !d.include {
			return invalidInclude(s, t.name)
		}
		if d.target == "any" {
			t = nil
			continue
		}
		t = types[d.target]
	}
	return nil
}

// pageURL is the link to page number of the same list: every other
// parameter kept, keys in alphabetical order, brackets encoded.
func (q *query) pageURL(base string, number int) string {
	v := url.Values{}
	for k, vals := range q.raw {
		if !strings.HasPrefix(k, "page[") {
			v[k] = vals
		}
	}
	v.Set("page[number]", strconv.Itoa(number))
	v.Set("page[size]", strconv.Itoa(q.size))
	return base + "?" + v.Encode()
}
