package publicapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// candidateAttrs are the candidate attributes /v1 writes: the ones the
// store keeps. The create-only ones follow.
var (
	candidateAttrs       = []string{"first-name", "last-name", "email", "phone", "picture", "tags"}
	candidateCreateAttrs = []string{"resume", "merge", "send-welcome-message"}
	candidateRels        = []string{"department", "role", "locations"}
)

// candidateEdit is what a candidate write changes, read and checked from
// its document.
type candidateEdit struct {
	strs       map[string]*string // first-name, last-name, email, phone, picture
	tags       []string
	hasTags    bool
	resume     *protocol.File
	merge      bool
	department *string // "" clears
	role       *string
	locations  []protocol.Location
	hasLocs    bool
}

// readCandidateEdit checks a candidate document's attributes and
// relationships (docs/public-api.md §10).
func readCandidateEdit(w *world, doc *writeDocumentIn, create bool) (*candidateEdit, []apiError, *problem) {
	allowed := candidateAttrs
	if create {
		allowed = append(slices.Clone(candidateAttrs), candidateCreateAttrs...)
	}
	if p := allowOnly(doc, allowed, candidateRels); p != nil {
		return nil, nil, p
	}
	e := &candidateEdit{strs: map[string]*string{}}
	var problems []apiError
	bad := func(name, msg string) {
		problems = append(problems, invalid("/data/attributes/"+name, msg, name).errors...)
	}
	for _, name := range []string{"first-name", "last-name", "email", "phone", "picture"} {
		raw, ok := attribute(doc, name)
		if !ok {
			continue
		}
		var s *string
		if json.Unmarshal(raw, &s) != nil {
			bad(name, "is invalid")
			continue
		}
		if s != nil && strings.TrimSpace(*s) == "" {
			s = nil
		}
		e.strs[name] = s
	}
	if email, ok := e.strs["email"]; ok && email != nil {
		if a, err := mail.ParseAddress(*email); err != nil || a.Address != *email {
			bad("email", "is invalid")
		}
	}
	if pic, ok := e.strs["picture"]; ok && pic != nil && !webURL(*pic) {
		bad("picture", "is invalid")
	}
	if raw, ok := attribute(doc, "tags"); ok {
		e.hasTags = true
		if json.Unmarshal(raw, &e.tags) != nil || string(raw) == "null" || slices.Contains(e.tags, "") {
			bad("tags", "is invalid")
		}
	}
	if raw, ok := attribute(doc, "resume"); ok && string(raw) != "null" {
		var s string
		if json.Unmarshal(raw, &s) != nil || !webURL(s) {
			bad("resume", "is invalid")
		} else {
			u, _ := url.Parse(s)
			e.resume = &protocol.File{URL: s, FileName: path.Base(u.Path)}
		}
	}
	for _, name := range []string{"merge", "send-welcome-message"} {
		var b bool
		if raw, ok := attribute(doc, name); ok && (json.Unmarshal(raw, &b) != nil || string(raw) == "null") {
			bad(name, "is invalid")
		} else if name == "merge" {
			e.merge = b
		}
	}
	// department and role: one of the company's, by id, or null.
	for _, rel := range []struct {
		name, typ string
		to        **string
	}{{"department", "departments", &e.department}, {"role", "roles", &e.role}} {
		in := relation(doc, rel.name)
		if in.Data == nil {
			continue
		}
		to, ok, p := toOne(in)
		if p != nil {
			return nil, nil, p
		}
		name := ""
		if ok {
			var rec *record
			if to.Type == rel.typ {
				rec, _ = w.find(rel.typ, to.ID)
			}
			if rec == nil {
				problems = append(problems, invalid("/data/relationships/"+rel.name, "must exist", rel.name).errors...)
				continue
			}
			name, _ = rec.attrs["name"].(string)
		}
		*rel.to = &name
	}
	if in := relation(doc, "locations"); in.Data != nil {
		e.hasLocs = true
		refs, p := toMany(in)
		if p != nil {
			return nil, nil, p
		}
		e.locations = []protocol.Location{}
		for _, to := range refs {
			var rec *record
			if to.Type == "locations" {
				rec, _ = w.find("locations", to.ID)
			}
			if rec == nil {
				problems = append(problems, invalid("/data/relationships/locations", "must exist", "locations").errors...)
				break
			}
			name, _ := rec.attrs["name"].(string)
			addr, _ := rec.attrs["address"].(string)
			l := protocol.Location{Name: &name}
			if addr != "" {
				l.Address = &addr
			}
			e.locations = append(e.locations, l)
		}
	}
	return e, problems, nil
}

// toMany reads a to-many relationship's linkage.
func toMany(rel relationshipInput) ([]ref, *problem) {
	var items []json.RawMessage
	if json.Unmarshal(rel.Data, &items) != nil {
		return nil, fail(http.StatusBadRequest, "Invalid relationship", "123", "The relationship data is not a list of resource identifiers.")
	}
	out := make([]ref, 0, len(items))
	for _, it := range items {
		to, ok, p := toOne(relationshipInput{Data: it})
		if p != nil {
			return nil, p
		}
		if !ok {
			return nil, fail(http.StatusBadRequest, "Invalid relationship", "123", "The relationship data holds a null.")
		}
		out = append(out, to)
	}
	return out, nil
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// apply writes the edit onto a candidate; addTags adds the tags to the
// candidate's instead of replacing them (a merge).
func (e *candidateEdit) apply(c *protocol.Candidate, addTags bool) {
	for name, v := range e.strs {
		switch name {
		case "first-name":
			c.FirstName = v
		case "last-name":
			c.LastName = v
		case "email":
			c.Email = v
		case "phone":
			c.Phone = v
		case "picture":
			c.PictureURL = v
		}
	}
	if e.hasTags {
		if addTags {
			for _, t := range e.tags {
				if !slices.Contains(c.Tags, t) {
					c.Tags = append(c.Tags, t)
				}
			}
		} else {
			c.Tags = slices.Clone(e.tags)
		}
	}
	if e.resume != nil {
		c.Resume = e.resume
	}
	set := func(dst **string, v *string) {
		if v != nil {
			*dst = nil
			if *v != "" {
				s := *v
				*dst = &s
			}
		}
	}
	set(&c.Department, e.department)
	set(&c.Role, e.role)
	if e.hasLocs {
		c.Locations = e.locations
	}
}

// sameEmail finds the company's candidate, other than except, whose
// email is email (any case).
func sameEmail(w *world, email string, except int64) (*store.CandidateRecord, error) {
	cands, err := w.candidates()
	if err != nil {
		return nil, err
	}
	for i, c := range cands {
		if c.ID != except && c.Data.Email != nil && strings.EqualFold(*c.Data.Email, email) {
			return &cands[i], nil
		}
	}
	return nil, nil
}

// createCandidate serves POST /v1/candidates: a new candidate, added
// the way the control API adds one; with merge and an email the company
// knows, that candidate is updated instead (201 with its id).
func (a *API) createCandidate(r *http.Request, w *world) (int, any, *problem) {
	doc, p := readWrite(r, "candidates", "")
	if p != nil {
		return 0, nil, p
	}
	edit, problems, p := readCandidateEdit(w, doc, true)
	if p != nil {
		return 0, nil, p
	}
	email := edit.strs["email"]
	if email == nil && !slices.ContainsFunc(problems, func(e apiError) bool { return e.Source != nil && e.Source.Pointer == "/data/attributes/email" }) {
		problems = append(problems, invalid("/data/attributes/email", "can't be blank", "email").errors...)
	}
	if len(problems) > 0 {
		return 0, nil, &problem{status: http.StatusUnprocessableEntity, errors: problems}
	}
	existing, err := sameEmail(w, *email, 0)
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	if existing != nil && !edit.merge {
		return 0, nil, invalid("/data/attributes/email", "has already been taken", "email")
	}
	if existing != nil {
		if _, err := a.changeCandidate(r.Context(), existing.ID, func(c *store.CandidateRecord) error {
			edit.apply(&c.Data, true)
			return nil
		}); err != nil {
			return 0, nil, a.internal(r, err)
		}
		return a.reread(r, w.who, "candidates", id64(existing.ID))
	}
	if a.ops.CreateCandidate == nil {
		return 0, nil, a.internal(r, errors.New("no create-candidate operation"))
	}
	c := protocol.Candidate{Tags: []string{}, Locations: []protocol.Location{}, Questions: []protocol.Question{},
		CustomFields: []protocol.CustomField{}, Referrals: []protocol.Referral{}}
	edit.apply(&c, false)
	id, err := a.ops.CreateCandidate(r.Context(), w.who.company.UUID, c)
	if err != nil {
		var limit *store.LimitError
		if errors.As(err, &limit) {
			return 0, nil, &problem{status: http.StatusUnprocessableEntity, errors: []apiError{
				{Title: "is too large", Detail: limit.Error(), Code: "100", Source: &source{Pointer: "/data"}, Status: "422"}}}
		}
		return 0, nil, a.internal(r, err)
	}
	return a.reread(r, w.who, "candidates", id64(id))
}

// updateCandidate serves PATCH /v1/candidates/{id}: what it names
// changes; the email stays required and unique.
func (a *API) updateCandidate(r *http.Request, w *world, id string) (int, any, *problem) {
	_, doc, p := a.readPatch(r, w, "candidates", id)
	if p != nil {
		return 0, nil, p
	}
	edit, problems, p := readCandidateEdit(w, doc, false)
	if p != nil {
		return 0, nil, p
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	if email, ok := edit.strs["email"]; ok && !slices.ContainsFunc(problems, func(e apiError) bool { return e.Source != nil && e.Source.Pointer == "/data/attributes/email" }) {
		if email == nil {
			problems = append(problems, invalid("/data/attributes/email", "can't be blank", "email").errors...)
		} else if other, err := sameEmail(w, *email, n); err != nil {
			return 0, nil, a.internal(r, err)
		} else if other != nil {
			problems = append(problems, invalid("/data/attributes/email", "has already been taken", "email").errors...)
		}
	}
	if len(problems) > 0 {
		return 0, nil, &problem{status: http.StatusUnprocessableEntity, errors: problems}
	}
	if _, err := a.changeCandidate(r.Context(), n, func(c *store.CandidateRecord) error {
		edit.apply(&c.Data, false)
		return nil
	}); err != nil {
		return 0, nil, a.internal(r, err)
	}
	return a.reread(r, w.who, "candidates", id)
}
