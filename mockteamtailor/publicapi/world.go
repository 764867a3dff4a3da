package publicapi

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// world is the company's data as one request sees it: read from the
// store once, turned into records by type on first use.
type world struct {
	a    *API
	ctx  context.Context
	who  caller
	jobs []store.Job
	// cands are the company's candidates, read on first use (candidates).
	cands       []store.CandidateRecord
	candsLoaded bool
	candIndex   map[int64]int // position in cands by id
	// fields are the company's custom fields with their /v1 ids.
	fields  []fieldDef
	records map[string][]*record
	index   map[string]map[string]*record
	// single are records loaded one by one (resourceType.one), by
	// "type/id", while their type is not loaded whole.
	single map[string]*record
}

// fieldDef is a custom field as /v1 shows it: the company's own fields
// (owner Candidate) by position, then the api-names jobs carry that the
// company does not define (owner Job).
type fieldDef struct {
	id    int
	def   store.CustomFieldDef
	owner string // "Candidate" or "Job"
}

func (a *API) newWorld(ctx context.Context, who caller) (*world, error) {
	w := &world{a: a, ctx: ctx, who: who, records: map[string][]*record{}, index: map[string]map[string]*record{}, single: map[string]*record{}}
	var err error
	if w.jobs, err = a.store.Jobs(ctx, who.company.UUID); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, d := range who.company.CustomFields {
		w.fields = append(w.fields, fieldDef{id: i + 1, def: d, owner: "Candidate"})
		seen[d.APIName] = true
	}
	for _, j := range w.jobs {
		for _, f := range j.CustomFields {
			if !seen[f.APIName] {
				seen[f.APIName] = true
				w.fields = append(w.fields, fieldDef{id: len(w.fields) + 1, def: store.CustomFieldDef{Name: f.APIName, APIName: f.APIName, Type: f.Type}, owner: "Job"})
			}
			// A job field's options are the ones its jobs use.
			if fd := w.field(f.APIName); fd != nil && fd.owner == "Job" && isSelect(fieldType(f.Type)) {
				var names []string
				if json.Unmarshal(f.Value, &names) == nil {
					for _, n := range names {
						if !slices.Contains(fd.def.Options, n) {
							fd.def.Options = append(fd.def.Options, n)
						}
					}
				}
			}
		}
	}
	return w, nil
}

// candidates returns the company's candidates, read once.
func (w *world) candidates() ([]store.CandidateRecord, error) {
	if !w.candsLoaded {
		cands, _, err := w.a.store.Candidates(w.ctx, w.who.company.UUID, store.Page{})
		if err != nil {
			return nil, err
		}
		w.cands, w.candsLoaded = cands, true
		w.candIndex = make(map[int64]int, len(cands))
		for i, c := range cands {
			w.candIndex[c.ID] = i
		}
	}
	return w.cands, nil
}

// candidate returns one of the company's candidates, without reading
// the others; false when it is not the company's.
func (w *world) candidate(id int64) (store.CandidateRecord, bool, error) {
	if w.candsLoaded {
		if i, ok := w.candIndex[id]; ok {
			return w.cands[i], true, nil
		}
		return store.CandidateRecord{}, false, nil
	}
	c, err := w.a.store.Candidate(w.ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && c.CompanyUUID != w.who.company.UUID {
		return store.CandidateRecord{}, false, nil
	}
	return c, err == nil, err
}

// all returns every record of typ the key may see.
func (w *world) all(typ string) ([]*record, error) {
	if recs, ok := w.records[typ]; ok {
		return recs, nil
	}
	t := types[typ]
	if t == nil || t.load == nil {
		return nil, nil
	}
	recs, err := t.load(w)
	if err != nil {
		return nil, err
	}
	w.records[typ] = recs
	idx := make(map[string]*record, len(recs))
	for _, r := range recs {
		idx[r.id] = r
	}
	w.index[typ] = idx
	return recs, nil
}

// find returns one record, nil when there is none the key may see.
func (w *world) find(typ, id string) (*record, error) {
	if _, loaded := w.records[typ]; !loaded {
		if t := types[typ]; t != nil && t.one != nil {
			if r, ok := w.single[typ+"/"+id]; ok {
				return r, nil
			}
			r, err := t.one(w, id)
			if err == nil {
				w.single[typ+"/"+id] = r
			}
			return r, err
		}
	}
	if _, err := w.all(typ); err != nil {
		return nil, err
	}
	return w.index[typ][id], nil
}

func (w *world) admin() bool { return w.who.key.Scope == store.ScopeAdmin }

// timestamp writes t the way Teamtailor does: milliseconds and the
// company's UTC offset, never Z.
func (w *world) timestamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.In(w.a.cfg.Location).Format("2006-01-02T15:04:05.000-07:00")
}

func id64(n int64) string { return strconv.FormatInt(n, 10) }

// nameID is the id of a record the store knows only by name
// (departments, roles, locations): stable for the name, decimal.
func nameID(kind, name string) string {
	h := fnv.New32a()
	h.Write([]byte(kind + "\x00" + strings.ToLower(name)))
	return strconv.FormatUint(uint64(h.Sum32()%900000000+100000000), 10)
}

// applicationID is the id of a candidate's application to a job: the
// store keeps applications inside candidates, one per job, so the id is
// made of both and can be taken apart again (docs/public-api.md §1).
func applicationID(candidateID, jobID int64) string {
	return id64(candidateID*applicationFactor + jobID)
}

const applicationFactor = 1_000_000

func splitApplicationID(id string) (candidateID, jobID int64, ok bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, 0, false
	}
	return n / applicationFactor, n % applicationFactor, true
}

// valueID is the id of a custom field value: its owner (kind 1 a
// candidate, 2 a job), owner id and field id.
func valueID(kind int, ownerID int64, fieldID int) string {
	return id64((ownerID*1000+int64(fieldID))*10 + int64(kind))
}

func optionID(fieldID, index int) string { return strconv.Itoa(fieldID*1000 + index + 1) }

func ptrValue(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// --- loaders, one per type ---

func loadCompany(w *world) ([]*record, error) {
	c := w.who.company
	r := &record{typ: "companies", id: c.UUID, attrs: map[string]any{"name": c.Name, "locale": "en", "website": nilIfEmpty(c.URL)},
		rels: map[string][]ref{"manager": nil}}
	if len(c.Users) > 0 {
		r.rels["manager"] = []ref{{"users", id64(c.Users[0].ID)}}
	}
	return []*record{r}, nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func loadUsers(w *world) ([]*record, error) {
	var out []*record
	for i, u := range w.who.company.Users {
		role := "recruiter"
		if i == 0 {
			role = "admin"
		}
		username, _, _ := strings.Cut(u.Email, "@")
		var login any
		if w.admin() {
			login = u.Email
		}
		r := &record{typ: "users", id: id64(u.ID), attrs: map[string]any{
			"name": u.Name, "email": u.Email, "login-email": login, "username": username, "title": nil, "role": role,
			"role-addons": []string{}, "external-id": nil, "phone": nil, "picture": nil, "description": nil,
			"visible": true, "hide-email": false, "signature": nil,
			"facebook-profile": nil, "instagram-profile": nil, "linkedin-profile": nil, "twitter-profile": nil, "google-profile": nil, "other-profile": nil,
		}, rels: map[string][]ref{"department": nil, "location": nil, "jobs": nil}}
		// A user's activities are the notes they wrote: reading them
		// reads every candidate, so only when asked.
		r.lazy = map[string]func() []ref{"activities": func() []ref {
			cands, _ := w.candidates()
			var refs []ref
			for _, c := range cands {
				for _, n := range c.Notes {
					if n.UserID == u.ID {
						refs = append(refs, ref{"activities", activityID(actNote, n.ID)})
					}
				}
			}
			return refs
		}}
		for _, j := range w.jobs {
			if i == 0 {
				r.rels["jobs"] = append(r.rels["jobs"], ref{"jobs", id64(j.ID)})
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func (w *world) recruiter() *protocol.User {
	if len(w.who.company.Users) == 0 {
		return nil
	}
	return &w.who.company.Users[0]
}

func loadJobs(w *world) ([]*record, error) {
	var out []*record
	base := strings.TrimRight(w.who.company.URL, "/")
	if base == "" {
		base = w.a.cfg.PublicURL + "/careers"
	}
	for _, j := range w.jobs {
		id := id64(j.ID)
		var tags any
		if w.admin() {
			tags = nonNil(j.Tags)
		}
		var recruiterEmail any
		r := &record{typ: "jobs", id: id, rels: map[string][]ref{}}
		if u := w.recruiter(); u != nil {
			recruiterEmail = u.Email
			r.rels["user"] = []ref{{"users", id64(u.ID)}}
		} else {
			r.rels["user"] = nil
		}
		r.attrs = map[string]any{
			"title": j.Title, "pitch": nil, "body": "", "apply-button-text": nil, "status": "open", "human-status": "published",
			"internal": false, "internal-name": nil, "start-date": nil, "end-date": nil, "pinned": false, "picture": nil, "tags": tags,
			"external-application-url": nil, "name-requirement": "optional", "resume-requirement": "optional",
			"cover-letter-requirement": "optional", "phone-requirement": "optional", "additional-files-requirement": "optional",
			"remote-status": "none", "language-code": "en", "recruiter-email": recruiterEmail,
			"mailbox": fmt.Sprintf("job-%d@inbound.mock.teamtailor.invalid", j.ID), "sharing-image-layout": "default",
			"created-at": nil, "updated-at": nil,
		}
		slug := strings.Trim(strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, strings.ToLower(j.Title)), "-")
		url := fmt.Sprintf("%s/jobs/%d-%s", base, j.ID, slug)
		r.links = map[string]string{"careersite-job-url": url, "careersite-job-apply-url": url + "/applications/new",
			"careersite-job-apply-iframe-url": url + "/applications/new?iframe=true"}
		for _, s := range j.Stages {
			r.rels["stages"] = append(r.rels["stages"], ref{"stages", id64(s.ID)})
		}
		r.rels["department"], r.rels["role"], r.rels["locations"] = nil, nil, nil
		r.rels["activities"] = []ref{{"activities", activityID(actJobCreated, j.ID)}}
		r.lazy = map[string]func() []ref{"candidates": func() []ref {
			cands, _ := w.candidates()
			var refs []ref
			for _, c := range cands {
				if _, ok := c.Application(j.ID); ok {
					refs = append(refs, ref{"candidates", id64(c.ID)})
				}
			}
			return refs
		}}
		for _, f := range j.CustomFields {
			if fd := w.field(f.APIName); fd != nil {
				r.rels["custom-field-values"] = append(r.rels["custom-field-values"], ref{"custom-field-values", valueID(2, j.ID, fd.id)})
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// legacyStageType is Teamtailor's stage type: a job's first stage is its
// Inbox, a stage named Hired its Hired stage, the rest are in process.
func legacyStageType(j store.Job, i int) string {
	switch {
	case i == 0:
		return "Inbox"
	case strings.EqualFold(j.Stages[i].Name, "Hired"):
		return "Hired"
	}
	return "In process"
}

func loadStages(w *world) ([]*record, error) {
	var out []*record
	cands, err := w.candidates()
	if err != nil {
		return nil, err
	}
	for _, j := range w.jobs {
		for i, s := range j.Stages {
			active, rejected := 0, 0
			r := &record{typ: "stages", id: id64(s.ID), rels: map[string][]ref{"job": {{"jobs", id64(j.ID)}}, "job-applications": nil}}
			for _, c := range cands {
				if a, ok := c.Application(j.ID); ok && a.StageID == s.ID {
					if a.Rejected {
						rejected++
					} else {
						active++
					}
					r.rels["job-applications"] = append(r.rels["job-applications"], ref{"job-applications", applicationID(c.ID, j.ID)})
				}
			}
			r.attrs = map[string]any{"name": s.Name, "legacy-stage-type-name": legacyStageType(j, i), "row-order": i,
				"active-job-applications-count": active, "rejected-job-applications-count": rejected, "created-at": nil, "updated-at": nil}
			out = append(out, r)
		}
	}
	return out, nil
}

func loadCandidates(w *world) ([]*record, error) {
	cands, err := w.candidates()
	if err != nil {
		return nil, err
	}
	out := make([]*record, 0, len(cands))
	for _, c := range cands {
		out = append(out, w.candidateRecord(c))
	}
	return out, nil
}

func oneCandidate(w *world, id string) (*record, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || id64(n) != id {
		return nil, nil
	}
	c, ok, err := w.candidate(n)
	if !ok || err != nil {
		return nil, err
	}
	return w.candidateRecord(c), nil
}

func (w *world) candidateRecord(c store.CandidateRecord) *record {
	d := c.Data
	var resume any
	if d.Resume != nil {
		resume = d.Resume.URL
	}
	r := &record{typ: "candidates", id: id64(c.ID), attrs: map[string]any{
		"first-name": ptrValue(d.FirstName), "last-name": ptrValue(d.LastName), "email": ptrValue(d.Email), "phone": ptrValue(d.Phone),
		"picture": ptrValue(d.PictureURL), "pitch": nil, "linkedin-url": nil, "linkedin-uid": nil, "facebook-id": nil,
		"linkedin-profile": nil, "facebook-profile": nil, "resume": resume, "original-resume": nil, "referring-url": nil,
		"referring-site": nil, "sourced": false, "referred": false, "connected": false, "internal": false, "unsubscribed": false,
		"tags": nonNil(d.Tags), "consent-future-jobs-at": nil, "created-at": nil, "updated-at": nil,
	}, rels: map[string][]ref{"job-applications": nil, "department": nil, "role": nil, "locations": nil, "custom-field-values": nil,
		"uploads": nil, "questions": nil, "answers": nil}}
	if d.Uploads != nil {
		for i := range *d.Uploads {
			r.rels["uploads"] = append(r.rels["uploads"], ref{"uploads", itemID(c.ID, i)})
		}
	}
	for i, q := range d.Questions {
		r.rels["questions"] = append(r.rels["questions"], ref{"questions", nameID("questions", q.Question)})
		r.rels["answers"] = append(r.rels["answers"], ref{"answers", itemID(c.ID, i)})
	}
	for _, a := range c.Applications {
		r.rels["job-applications"] = append(r.rels["job-applications"], ref{"job-applications", applicationID(c.ID, a.JobID)})
	}
	r.rels["activities"] = []ref{{"activities", activityID(actCandidateCreated, c.ID)}}
	for _, n := range c.Notes {
		r.rels["activities"] = append(r.rels["activities"], ref{"activities", activityID(actNote, n.ID)})
	}
	if d.Department != nil && *d.Department != "" {
		r.rels["department"] = []ref{{"departments", nameID("departments", *d.Department)}}
	}
	if d.Role != nil && *d.Role != "" {
		r.rels["role"] = []ref{{"roles", nameID("roles", *d.Role)}}
	}
	for _, l := range d.Locations {
		if l.Name != nil && *l.Name != "" {
			r.rels["locations"] = append(r.rels["locations"], ref{"locations", nameID("locations", *l.Name)})
		}
	}
	for _, f := range d.CustomFields {
		if fd := w.field(f.APIName); fd != nil {
			r.rels["custom-field-values"] = append(r.rels["custom-field-values"], ref{"custom-field-values", valueID(1, c.ID, fd.id)})
		}
	}
	// Reading the results costs more than the rest of the candidate.
	r.lazy = map[string]func() []ref{"partner-results": func() []ref {
		results, _ := w.results()
		var refs []ref
		for _, res := range results {
			if res.CandidateID == c.ID {
				refs = append(refs, ref{"partner-results", res.ID})
			}
		}
		return refs
	}}
	return r
}

func loadApplications(w *world) ([]*record, error) {
	cands, err := w.candidates()
	if err != nil {
		return nil, err
	}
	var out []*record
	for _, c := range cands {
		for _, a := range c.Applications {
			out = append(out, w.applicationRecord(c, a))
		}
	}
	return out, nil
}

func oneApplication(w *world, id string) (*record, error) {
	candID, jobID, ok := splitApplicationID(id)
	if !ok || applicationID(candID, jobID) != id {
		return nil, nil
	}
	c, ok, err := w.candidate(candID)
	if !ok || err != nil {
		return nil, err
	}
	a, ok := c.Application(jobID)
	if !ok {
		return nil, nil
	}
	return w.applicationRecord(c, a), nil
}

func (w *world) applicationRecord(c store.CandidateRecord, a store.Application) *record {
	stageType := ""
	for _, j := range w.jobs {
		for i, s := range j.Stages {
			if j.ID == a.JobID && s.ID == a.StageID {
				stageType = legacyStageType(j, i)
			}
		}
	}
	var rejectedAt any
	if a.Rejected {
		// The store keeps whether, not when: a rejection shows the time
		// it is read (docs/public-api.md §1).
		rejectedAt = w.timestamp(w.a.clock())
	}
	r := &record{typ: "job-applications", id: applicationID(c.ID, a.JobID), attrs: map[string]any{
		"cover-letter": nil, "sourced": false, "referring-url": nil, "referring-site": nil, "rejected-at": rejectedAt,
		"changed-stage-at": nil, "row-order": 0, "created-at": nil, "updated-at": nil,
	}, hidden: map[string]string{"stage-type": stageType}, rels: map[string][]ref{"candidate": {{"candidates", id64(c.ID)}}, "job": {{"jobs", id64(a.JobID)}}, "stage": nil}}
	if a.StageID != 0 {
		r.rels["stage"] = []ref{{"stages", id64(a.StageID)}}
	}
	r.rels["reject-reason"] = nil
	// A deleted reason leaves the application without one.
	if _, ok := w.who.company.RejectReason(a.RejectReasonID); a.Rejected && ok {
		r.rels["reject-reason"] = []ref{{"reject-reasons", id64(a.RejectReasonID)}}
	}
	return r
}

// byName collects the distinct names of departments, roles or locations
// the company's candidates carry.
func byName(w *world, typ string, names func(protocol.Candidate) []string) []*record {
	var out []*record
	seen := map[string]bool{}
	cands, _ := w.candidates()
	for _, c := range cands {
		for _, n := range names(c.Data) {
			if n == "" || seen[strings.ToLower(n)] {
				continue
			}
			seen[strings.ToLower(n)] = true
			out = append(out, &record{typ: typ, id: nameID(typ, n), attrs: map[string]any{"name": n}, rels: map[string][]ref{}})
		}
	}
	return out
}

func one(p *string) []string {
	if p == nil {
		return nil
	}
	return []string{*p}
}

func loadDepartments(w *world) ([]*record, error) {
	return byName(w, "departments", func(c protocol.Candidate) []string { return one(c.Department) }), nil
}

func loadRoles(w *world) ([]*record, error) {
	recs := byName(w, "roles", func(c protocol.Candidate) []string { return one(c.Role) })
	for _, r := range recs {
		r.rels["department"] = nil
		for _, c := range w.cands {
			if c.Data.Role != nil && strings.EqualFold(*c.Data.Role, r.attrs["name"].(string)) && c.Data.Department != nil && *c.Data.Department != "" {
				r.rels["department"] = []ref{{"departments", nameID("departments", *c.Data.Department)}}
				break
			}
		}
	}
	return recs, nil
}

func loadLocations(w *world) ([]*record, error) {
	var out []*record
	seen := map[string]bool{}
	cands, err := w.candidates()
	if err != nil {
		return nil, err
	}
	for _, c := range cands {
		for _, l := range c.Data.Locations {
			if l.Name == nil || *l.Name == "" || seen[strings.ToLower(*l.Name)] {
				continue
			}
			seen[strings.ToLower(*l.Name)] = true
			out = append(out, &record{typ: "locations", id: nameID("locations", *l.Name), attrs: map[string]any{
				"name": *l.Name, "address": ptrValue(l.Address), "city": nil, "zip": nil, "country": nil, "phone": nil, "email": nil,
				"headquarters": false, "lat": nil, "long": nil}, rels: map[string][]ref{}})
		}
	}
	return out, nil
}

// fieldTypes maps the webhook's custom field types onto /v1 field types.
var fieldTypes = map[string]string{
	"text": "CustomField::Text", "email": "CustomField::Email", "url": "CustomField::Url", "phone": "CustomField::Phone",
	"date": "CustomField::Date", "boolean": "CustomField::Checkbox", "checkbox": "CustomField::Checkbox",
	"number": "CustomField::Number", "select": "CustomField::Select", "multiselect": "CustomField::MultiSelect",
}

func fieldType(t string) string {
	if ft, ok := fieldTypes[strings.ToLower(t)]; ok {
		return ft
	}
	return "CustomField::Text"
}

func isSelect(ft string) bool { return ft == "CustomField::Select" || ft == "CustomField::MultiSelect" }

func (w *world) field(apiName string) *fieldDef {
	for i := range w.fields {
		if w.fields[i].def.APIName == apiName {
			return &w.fields[i]
		}
	}
	return nil
}

func (w *world) fieldByID(id string) *fieldDef {
	for i := range w.fields {
		if strconv.Itoa(w.fields[i].id) == id {
			return &w.fields[i]
		}
	}
	return nil
}

func loadFields(w *world) ([]*record, error) {
	var out []*record
	values, err := w.all("custom-field-values")
	if err != nil {
		return nil, err
	}
	for _, f := range w.fields {
		ft := fieldType(f.def.Type)
		typ := "custom-fields"
		if isSelect(ft) {
			typ = "custom-field-selects"
		}
		r := &record{typ: typ, id: strconv.Itoa(f.id), attrs: map[string]any{
			"name": f.def.Name, "api-name": f.def.APIName, "field-type": ft, "owner-type": f.owner, "created-at": nil, "updated-at": nil,
			"is-private": false, "is-hidden": false, "is-required": false, "is-featured": false, "is-searchable": false, "is-external": false,
		}, rels: map[string][]ref{"custom-field-values": nil}}
		for _, v := range values {
			if v.rel("custom-field")[0].ID == r.id {
				r.rels["custom-field-values"] = append(r.rels["custom-field-values"], ref{"custom-field-values", v.id})
			}
		}
		if isSelect(ft) {
			r.rels["custom-field-options"] = nil
			for i := range f.def.Options {
				r.rels["custom-field-options"] = append(r.rels["custom-field-options"], ref{"custom-field-options", optionID(f.id, i)})
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func loadOptions(w *world) ([]*record, error) {
	var out []*record
	for _, f := range w.fields {
		for i, o := range f.def.Options {
			out = append(out, &record{typ: "custom-field-options", id: optionID(f.id, i), attrs: map[string]any{"value": o},
				rels: map[string][]ref{"custom-field": {{fieldRecordType(f), strconv.Itoa(f.id)}}}})
		}
	}
	return out, nil
}

func fieldRecordType(f fieldDef) string {
	if isSelect(fieldType(f.def.Type)) {
		return "custom-field-selects"
	}
	return "custom-fields"
}

// apiValue is a webhook custom field value as /v1 writes it: Checkbox a
// boolean, Number a number, Select an option id, MultiSelect option ids,
// the rest strings (docs/public-api.md §10).
func apiValue(f fieldDef, raw json.RawMessage) any {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	ft := fieldType(f.def.Type)
	switch ft {
	case "CustomField::Checkbox":
		b, _ := v.(bool)
		if s, ok := v.(string); ok {
			b = s == "true" || s == "yes"
		}
		return b
	case "CustomField::Number":
		switch n := v.(type) {
		case float64:
			return n
		case string:
			if f, err := strconv.ParseFloat(n, 64); err == nil && !math.IsInf(f, 0) {
				return f
			}
		}
		return nil
	case "CustomField::Select", "CustomField::MultiSelect":
		var names []string
		switch x := v.(type) {
		case string:
			names = []string{x}
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok {
					names = append(names, s)
				}
			}
		}
		ids := []string{}
		for _, n := range names {
			for i, o := range f.def.Options {
				if o == n {
					ids = append(ids, optionID(f.id, i))
				}
			}
		}
		if ft == "CustomField::Select" {
			if len(ids) == 0 {
				return nil
			}
			return ids[0]
		}
		return ids
	}
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return x
	default:
		return strings.TrimSpace(string(raw))
	}
}

func loadValues(w *world) ([]*record, error) {
	var out []*record
	add := func(kind int, ownerType string, ownerID int64, fields []protocol.CustomField) {
		for _, cf := range fields {
			f := w.field(cf.APIName)
			if f == nil {
				continue
			}
			out = append(out, &record{typ: "custom-field-values", id: valueID(kind, ownerID, f.id),
				attrs: map[string]any{"value": apiValue(*f, cf.Value), "field-type": fieldType(f.def.Type)},
				rels:  map[string][]ref{"custom-field": {{fieldRecordType(*f), strconv.Itoa(f.id)}}, "owner": {{ownerType, id64(ownerID)}}}})
		}
	}
	cands, err := w.candidates()
	if err != nil {
		return nil, err
	}
	for _, c := range cands {
		add(1, "candidates", c.ID, c.Data.CustomFields)
	}
	for _, j := range w.jobs {
		add(2, "jobs", j.ID, j.CustomFields)
	}
	return out, nil
}

// results are every partner's results on the company's candidates.
func (w *world) results() ([]store.PartnerResult, error) {
	all, err := w.a.store.AllResults(w.ctx, store.ResultFilter{})
	if err != nil {
		return nil, err
	}
	mine := map[int64]bool{}
	var out []store.PartnerResult
	for _, r := range all {
		if r.CompanyUUID == "" {
			// A result the partner created: the company of its candidate.
			if _, known := mine[r.CandidateID]; !known {
				_, ok, err := w.candidate(r.CandidateID)
				if err != nil {
					return nil, err
				}
				mine[r.CandidateID] = ok
			}
		}
		if r.CompanyUUID == w.who.company.UUID || r.CompanyUUID == "" && mine[r.CandidateID] {
			out = append(out, r)
		}
	}
	return out, nil
}

func loadResults(w *world) ([]*record, error) {
	results, err := w.results()
	if err != nil {
		return nil, err
	}
	names := map[string]any{}
	var out []*record
	for _, res := range results {
		name, ok := names[res.PartnerID]
		if !ok {
			name = nil
			if p, err := w.a.store.Partner(w.ctx, res.PartnerID); err == nil {
				name = p.Name
			}
			names[res.PartnerID] = name
		}
		var score any
		if s := res.Assessment.Score; s != nil {
			score = int64(math.Round(*s))
		}
		details := "{}"
		if len(res.Details) > 0 && string(res.Details) != "null" {
			var v any
			if json.Unmarshal(res.Details, &v) == nil {
				b, _ := json.Marshal(v)
				details = string(b)
			}
		}
		var attachments any
		if res.Attachments != nil {
			attachments = res.Attachments
		}
		r := &record{typ: "partner-results", id: res.ID, attrs: map[string]any{
			"status": string(res.Status), "summary": ptrValue(res.Summary), "url": ptrValue(res.URL), "assessment-score": score,
			"attachments": attachments, "details": details, "partner-name": name, "created-at": w.timestamp(res.CreatedAt),
		}, rels: map[string][]ref{"candidate": {{"candidates", id64(res.CandidateID)}}, "job": nil}}
		if res.JobID != nil {
			r.rels["job"] = []ref{{"jobs", id64(*res.JobID)}}
		}
		out = append(out, r)
	}
	return out, nil
}

func loadNotes(w *world) ([]*record, error) {
	var out []*record
	cands, err := w.candidates()
	if err != nil {
		return nil, err
	}
	for _, c := range cands {
		for _, n := range c.Notes {
			r := &record{typ: "notes", id: id64(n.ID), attrs: map[string]any{
				"note": n.Note, "user-id": n.UserID, "candidate-id": c.ID, "created-by-trigger": false, "mentioned-user-ids": []int64{},
				"private-note": n.Private, "created-at": w.timestamp(n.CreatedAt), "updated-at": w.timestamp(cmp.Or(n.UpdatedAt, n.CreatedAt)),
			}, rels: map[string][]ref{"candidate": {{"candidates", id64(c.ID)}}, "user": nil}}
			if n.UserID != 0 {
				r.rels["user"] = []ref{{"users", id64(n.UserID)}}
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// uploadID and answerID number a candidate's uploads and answers: the
// store keeps them inside the candidate, in order.
func itemID(candidateID int64, i int) string { return id64(candidateID*1000 + int64(i) + 1) }

func loadUploads(w *world) ([]*record, error) {
	cands, err := w.candidates()
	if err != nil {
		return nil, err
	}
	var out []*record
	for _, c := range cands {
		if c.Data.Uploads == nil {
			continue
		}
		for i, f := range *c.Data.Uploads {
			out = append(out, &record{typ: "uploads", id: itemID(c.ID, i), attrs: map[string]any{
				"url": f.URL, "file-name": f.FileName, "internal": false, "created-at": nil, "updated-at": nil,
			}, rels: map[string][]ref{"candidate": {{"candidates", id64(c.ID)}}, "job": nil}})
		}
	}
	return out, nil
}

// answerKind reads a webhook answer the way /v1 splits answers: a list
// is a choice, yes/no a boolean, a URL a video, anything else text.
func answerKind(raw json.RawMessage) (kind string, v any) {
	if json.Unmarshal(raw, &v) != nil {
		return "Text", nil
	}
	switch x := v.(type) {
	case []any:
		return "Choice", x
	case bool:
		return "Boolean", x
	case string:
		switch {
		case strings.EqualFold(x, "yes"):
			return "Boolean", true
		case strings.EqualFold(x, "no"):
			return "Boolean", false
		case strings.HasPrefix(x, "https://") || strings.HasPrefix(x, "http://"):
			return "Video", x
		}
		return "Text", x
	case float64:
		return "Number", x
	}
	return "Text", nil
}

func loadQuestions(w *world) ([]*record, error) {
	cands, err := w.candidates()
	if err != nil {
		return nil, err
	}
	var out []*record
	seen := map[string]bool{}
	for _, c := range cands {
		for _, q := range c.Data.Questions {
			id := nameID("questions", q.Question)
			if seen[id] {
				continue
			}
			seen[id] = true
			kind, _ := answerKind(q.Answer)
			var multiple any
			if kind == "Choice" {
				multiple = true
			}
			out = append(out, &record{typ: "questions", id: id, attrs: map[string]any{
				"title": q.Question, "description": nil, "question-type": kind, "alternatives": nil, "multiple": multiple,
				"single-line": nil, "start-with": nil, "end-with": nil, "unit": nil,
			}, rels: map[string][]ref{}})
		}
	}
	return out, nil
}

func loadAnswers(w *world) ([]*record, error) {
	cands, err := w.candidates()
	if err != nil {
		return nil, err
	}
	var out []*record
	for _, c := range cands {
		for i, q := range c.Data.Questions {
			attrs := map[string]any{"text": nil, "boolean": nil, "range": nil, "choices": nil, "video-token": nil, "date": nil, "number": nil, "updated-at": nil}
			switch kind, v := answerKind(q.Answer); kind {
			case "Choice":
				attrs["choices"] = v
			case "Boolean":
				attrs["boolean"] = v
			case "Number":
				attrs["number"] = v
			case "Video":
				attrs["video-token"] = v
			default:
				attrs["text"] = v
			}
			out = append(out, &record{typ: "answers", id: itemID(c.ID, i), attrs: attrs,
				rels: map[string][]ref{"question": {{"questions", nameID("questions", q.Question)}}, "candidate": {{"candidates", id64(c.ID)}}}})
		}
	}
	return out, nil
}

// Activity codes the mock records (docs/public-api.md §9): a candidate
// or a job created, a note added. An activity's id is its subject's id
// and its kind.
const (
	actCandidateCreated = 1
	actJobCreated       = 2
	actNote             = 3
)

func activityID(kind int, subject int64) string { return id64(subject*10 + int64(kind)) }

// loadActivities lists what happened in the company: each candidate and
// job created (the store keeps no creation time, so created-at is null),
// each note added (data {"note": ...}, by the note's user).
func loadActivities(w *world) ([]*record, error) {
	cands, err := w.candidates()
	if err != nil {
		return nil, err
	}
	var out []*record
	activity := func(id, code string, at any, data map[string]any) *record {
		b, _ := json.Marshal(data)
		return &record{typ: "activities", id: id, attrs: map[string]any{"code": code, "created-at": at, "data": string(b)},
			rels: map[string][]ref{"candidate": nil, "job": nil, "user": nil}}
	}
	for _, j := range w.jobs {
		r := activity(activityID(actJobCreated, j.ID), "created", nil, map[string]any{})
		r.rels["job"] = []ref{{"jobs", id64(j.ID)}}
		out = append(out, r)
	}
	for _, c := range cands {
		r := activity(activityID(actCandidateCreated, c.ID), "created", nil, map[string]any{})
		r.rels["candidate"] = []ref{{"candidates", id64(c.ID)}}
		out = append(out, r)
		for _, n := range c.Notes {
			r := activity(activityID(actNote, n.ID), "note", w.timestamp(n.CreatedAt), map[string]any{"note": n.Note})
			r.rels["candidate"] = []ref{{"candidates", id64(c.ID)}}
			if n.UserID != 0 {
				r.rels["user"] = []ref{{"users", id64(n.UserID)}}
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// loadRejectReasons lists the company's reject reasons; the
// applications rejected with one are worked out only when asked.
func loadRejectReasons(w *world) ([]*record, error) {
	var out []*record
	for _, rr := range w.who.company.RejectReasons {
		id := rr.ID
		out = append(out, &record{typ: "reject-reasons", id: id64(id),
			attrs: map[string]any{"reason": rr.Reason, "rejected-by-company": rr.RejectedByCompany},
			rels:  map[string][]ref{},
			lazy: map[string]func() []ref{"job-applications": func() []ref {
				cands, _ := w.candidates()
				var refs []ref
				for _, c := range cands {
					for _, a := range c.Applications {
						if a.Rejected && a.RejectReasonID == id {
							refs = append(refs, ref{"job-applications", applicationID(c.ID, a.JobID)})
						}
					}
				}
				return refs
			}}})
	}
	return out, nil
}
