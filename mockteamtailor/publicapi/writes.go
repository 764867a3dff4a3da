package publicapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// writeDocumentIn is the body of a POST or PATCH.
type writeDocumentIn struct {
	Data *struct {
		Type          string                       `json:"type"`
		ID            json.RawMessage              `json:"id"`
		Attributes    map[string]json.RawMessage   `json:"attributes"`
		Relationships map[string]relationshipInput `json:"relationships"`
	} `json:"data"`
}

type relationshipInput struct {
	Data json.RawMessage `json:"data"`
}

// readWrite checks the media type and reads a write's document: the
// endpoint's type, and on PATCH the URL's id (docs/public-api.md
// §10).
func readWrite(r *http.Request, typ, urlID string) (*writeDocumentIn, *problem) {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != MediaType {
		return nil, fail(http.StatusUnsupportedMediaType, "Unsupported media type", "415",
			"All requests that create or update must use the '%s' Content-Type. This request specified '%s'.", MediaType, ct)
	}
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, fail(http.StatusRequestEntityTooLarge, "Request Entity Too Large", "413", "The request body exceeds %d bytes.", tooLarge.Limit)
	}
	if err != nil {
		return nil, badRequest("The request body could not be read.")
	}
	var doc writeDocumentIn
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil {
		return nil, badRequest("The request body is not a valid JSON:API document: %v", err)
	}
	if doc.Data == nil {
		return nil, fail(http.StatusBadRequest, "Missing Parameter", "106", "The required parameter, data, is missing.")
	}
	if dashed(doc.Data.Type) != typ {
		return nil, fail(http.StatusBadRequest, "Type Mismatch", "116", "%s is not a valid type for this operation.", doc.Data.Type)
	}
	if urlID != "" {
		id, ok := idOf(doc.Data.ID)
		if !ok || id != urlID {
			return nil, fail(http.StatusBadRequest, "Key is not included in URL", "110", "The URL does not support the key %s", strings.Trim(string(doc.Data.ID), `"`))
		}
	}
	return &doc, nil
}

// idOf reads an id given as a string or a number.
func idOf(raw json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, s != ""
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if _, err := n.Int64(); err == nil {
			return n.String(), true
		}
	}
	return "", false
}

// toOne reads a to-one relationship's linkage; ok is false when it is
// absent or null.
func toOne(rel relationshipInput) (ref, bool, *problem) {
	if len(rel.Data) == 0 || string(rel.Data) == "null" {
		return ref{}, false, nil
	}
	var in struct {
		Type string          `json:"type"`
		ID   json.RawMessage `json:"id"`
	}
	if json.Unmarshal(rel.Data, &in) != nil {
		return ref{}, false, fail(http.StatusBadRequest, "Invalid relationship", "123", "The relationship data is not a resource identifier.")
	}
	id, ok := idOf(in.ID)
	if !ok {
		return ref{}, false, fail(http.StatusBadRequest, "Invalid relationship", "123", "The relationship data has no valid id.")
	}
	return ref{Type: dashed(in.Type), ID: id}, true, nil
}

// readPatch finds the record a PATCH names and reads the write document
// for it: a 404 for a record that is not there, then the document's own
// problems (readWrite).
func (a *API) readPatch(r *http.Request, w *world, typ, id string) (*record, *writeDocumentIn, *problem) {
	rec, err := w.find(typ, id)
	if err != nil {
		return nil, nil, a.internal(r, err)
	}
	if rec == nil {
		return nil, nil, recordNotFound(id)
	}
	doc, p := readWrite(r, typ, id)
	if p != nil {
		return nil, nil, p
	}
	return rec, doc, nil
}

// allowOnly refuses every attribute and relationship not in the lists.
func allowOnly(doc *writeDocumentIn, attrs, rels []string) *problem {
	for k := range doc.Data.Attributes {
		if !slices.Contains(attrs, dashed(k)) {
			return paramNotAllowed(k)
		}
	}
	for k := range doc.Data.Relationships {
		if !slices.Contains(rels, dashed(k)) {
			return paramNotAllowed(k)
		}
	}
	return nil
}

func relation(doc *writeDocumentIn, name string) relationshipInput {
	for k, v := range doc.Data.Relationships {
		if dashed(k) == name {
			return v
		}
	}
	return relationshipInput{}
}

func attribute(doc *writeDocumentIn, name string) (json.RawMessage, bool) {
	for k, v := range doc.Data.Attributes {
		if dashed(k) == name {
			return v, true
		}
	}
	return nil, false
}

// updateApplication serves PATCH /v1/job-applications/{id}: a stage move
// goes through the same code as a recruiter's move, so the stage's
// partner triggers fire (docs/public-api.md §9, §10);
// rejected-at rejects (a datetime) or un-rejects (null).
func (a *API) updateApplication(r *http.Request, w *world, id string) (int, any, *problem) {
	_, doc, p := a.readPatch(r, w, "job-applications", id)
	if p != nil {
		return 0, nil, p
	}
	if p := allowOnly(doc, []string{"rejected-at"}, []string{"stage", "reject-reason"}); p != nil {
		return 0, nil, p
	}
	candID, jobID, _ := splitApplicationID(id)
	var reject *bool
	if raw, ok := attribute(doc, "rejected-at"); ok {
		v := false
		if string(raw) != "null" {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return 0, nil, invalid("/data/attributes/rejected-at", "is invalid", "rejected-at")
			}
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return 0, nil, invalid("/data/attributes/rejected-at", "is invalid", "rejected-at")
			}
			v = true
		}
		reject = &v
	}
	// A reject reason goes with a rejection in the same PATCH; null
	// leaves none.
	var reasonID int64
	if rel := relation(doc, "reject-reason"); rel.Data != nil {
		to, ok, p := toOne(rel)
		if p != nil {
			return 0, nil, p
		}
		if ok {
			var reason *record
			if to.Type == "reject-reasons" {
				reason, _ = w.find("reject-reasons", to.ID)
			}
			if reason == nil {
				return 0, nil, invalid("/data/relationships/reject-reason", "must exist", "reject-reason")
			}
			if reject == nil || !*reject {
				return 0, nil, invalid("/data/relationships/reject-reason", "is invalid", "reject-reason")
			}
			reasonID, _ = strconv.ParseInt(reason.id, 10, 64)
		}
	}
	var stageID int64
	if rel := relation(doc, "stage"); rel.Data != nil {
		to, ok, p := toOne(rel)
		if p != nil {
			return 0, nil, p
		}
		if !ok || to.Type != "stages" {
			return 0, nil, invalid("/data/relationships/stage", "is invalid", "stage")
		}
		stage, _ := w.find("stages", to.ID)
		if stage == nil || stage.rel("job")[0].ID != id64(jobID) {
			return 0, nil, invalid("/data/relationships/stage", "is invalid", "stage")
		}
		stageID, _ = strconv.ParseInt(to.ID, 10, 64)
	}
	// Both go through the server's operations, the ones the web UI and
	// the control API use.
	if reject != nil {
		if a.ops.Reject == nil {
			return 0, nil, a.internal(r, errors.New("no reject operation"))
		}
		if err := a.ops.Reject(r.Context(), candID, jobID, !*reject, reasonID); err != nil {
			return 0, nil, a.internal(r, err)
		}
	}
	if stageID != 0 {
		if a.ops.Move == nil {
			return 0, nil, a.internal(r, errors.New("no move operation"))
		}
		if err := a.ops.Move(r.Context(), candID, jobID, stageID, 0); err != nil {
			return 0, nil, a.internal(r, err)
		}
	}
	return a.reread(r, w.who, "job-applications", id)
}

// reread answers a write with the record as stored now.
func (a *API) reread(r *http.Request, who caller, typ, id string) (int, any, *problem) {
	w, err := a.newWorld(r.Context(), who)
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	rec, err := w.find(typ, id)
	if err != nil || rec == nil {
		return 0, nil, a.internal(r, errors.Join(err, errors.New("written record not found")))
	}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		status = http.StatusCreated
	}
	return status, a.single(w, &query{}, rec), nil
}

func (a *API) create(r *http.Request, w *world, typ *resourceType) (int, any, *problem) {
	switch typ.name {
	case "custom-field-values":
		return a.createValue(r, w)
	case "notes":
		return a.createNote(r, w)
	case "reject-reasons":
		return a.writeRejectReason(r, w, "")
	case "job-applications":
		return a.createApplication(r, w)
	case "candidates":
		return a.createCandidate(r, w)
	case "uploads":
		return a.createUpload(r, w)
	}
	return 0, nil, routeNotFound(r)
}

// createApplication serves POST /v1/job-applications: the candidate
// enters the job in the given stage, or the job's first (Inbox), through
// the recruiter's move, so that stage's partner triggers fire as when a
// recruiter adds a candidate to a job. send-default-reply and
// send-user-notifications are accepted booleans; the mock sends no
// email. Attributes the store has no place for are refused.
func (a *API) createApplication(r *http.Request, w *world) (int, any, *problem) {
	doc, p := readWrite(r, "job-applications", "")
	if p != nil {
		return 0, nil, p
	}
	if p := allowOnly(doc, []string{"send-default-reply", "send-user-notifications"}, []string{"candidate", "job", "stage"}); p != nil {
		return 0, nil, p
	}
	var problems []apiError
	for _, name := range []string{"send-default-reply", "send-user-notifications"} {
		var b bool
		if raw, ok := attribute(doc, name); ok && (json.Unmarshal(raw, &b) != nil || string(raw) == "null") {
			problems = append(problems, invalid("/data/attributes/"+name, "is invalid", name).errors...)
		}
	}
	related := func(name, typ string) (*record, *problem) {
		to, ok, p := toOne(relation(doc, name))
		if p != nil || !ok {
			return nil, p
		}
		if to.Type != typ {
			return nil, nil
		}
		rec, err := w.find(typ, to.ID)
		if err != nil {
			return nil, a.internal(r, err)
		}
		return rec, nil
	}
	cand, p := related("candidate", "candidates")
	if p != nil {
		return 0, nil, p
	}
	if cand == nil {
		problems = append(problems, invalid("/data/relationships/candidate", "must exist", "candidate").errors...)
	}
	job, p := related("job", "jobs")
	if p != nil {
		return 0, nil, p
	}
	if job == nil {
		problems = append(problems, invalid("/data/relationships/job", "must exist", "job").errors...)
	}
	var stageID int64
	if rel := relation(doc, "stage"); rel.Data != nil && string(rel.Data) != "null" {
		stage, p := related("stage", "stages")
		if p != nil {
			return 0, nil, p
		}
		if stage == nil || job != nil && stage.rel("job")[0].ID != job.id {
			problems = append(problems, invalid("/data/relationships/stage", "is invalid", "stage").errors...)
		} else {
			stageID, _ = strconv.ParseInt(stage.id, 10, 64)
		}
	}
	if len(problems) > 0 {
		return 0, nil, &problem{status: http.StatusUnprocessableEntity, errors: problems}
	}
	candID, _ := strconv.ParseInt(cand.id, 10, 64)
	jobID, _ := strconv.ParseInt(job.id, 10, 64)
	if slices.ContainsFunc(cand.rel("job-applications"), func(x ref) bool { return x.ID == applicationID(candID, jobID) }) {
		return 0, nil, invalid("/data/relationships/candidate", "has already been taken", "candidate")
	}
	if stageID == 0 {
		stages := job.rel("stages")
		if len(stages) == 0 {
			return 0, nil, invalid("/data/relationships/stage", "can't be blank", "stage")
		}
		stageID, _ = strconv.ParseInt(stages[0].ID, 10, 64)
	}
	if a.ops.Move == nil {
		return 0, nil, a.internal(r, errors.New("no move operation"))
	}
	if err := a.ops.Move(r.Context(), candID, jobID, stageID, 0); err != nil {
		return 0, nil, a.internal(r, err)
	}
	return a.reread(r, w.who, "job-applications", applicationID(candID, jobID))
}

// update serves PATCH and PUT /v1/<type>/<id>.
func (a *API) update(r *http.Request, w *world, typ *resourceType, id string) (int, any, *problem) {
	switch typ.name {
	case "job-applications":
		return a.updateApplication(r, w, id)
	case "reject-reasons":
		return a.writeRejectReason(r, w, id)
	case "candidates":
		return a.updateCandidate(r, w, id)
	case "custom-field-values":
		return a.updateValue(r, w, id)
	case "notes":
		return a.updateNote(r, w, id)
	}
	return 0, nil, routeNotFound(r)
}

// remove serves DELETE /v1/<type>/<id>: 204, no body.
func (a *API) remove(r *http.Request, w *world, typ *resourceType, id string) (int, any, *problem) {
	switch typ.name {
	case "reject-reasons":
		return a.deleteRejectReason(r, w, id)
	case "notes":
		return a.deleteNote(r, w, id)
	}
	return 0, nil, routeNotFound(r)
}

// writeRejectReason serves POST /v1/reject-reasons (id "") and PATCH
// /v1/reject-reasons/{id}: reason is required on create, and not blank;
// rejected-by-company is a boolean, true by default.
func (a *API) writeRejectReason(r *http.Request, w *world, id string) (int, any, *problem) {
	var n int64
	if id != "" {
		rec, err := w.find("reject-reasons", id)
		if err != nil {
			return 0, nil, a.internal(r, err)
		}
		if rec == nil {
			return 0, nil, recordNotFound(id)
		}
		n, _ = strconv.ParseInt(id, 10, 64)
	}
	doc, p := readWrite(r, "reject-reasons", id)
	if p != nil {
		return 0, nil, p
	}
	if p := allowOnly(doc, []string{"reason", "rejected-by-company"}, nil); p != nil {
		return 0, nil, p
	}
	var problems []apiError
	var reason *string
	if raw, ok := attribute(doc, "reason"); ok || id == "" {
		var s string
		if !ok || json.Unmarshal(raw, &s) != nil || strings.TrimSpace(s) == "" {
			problems = append(problems, invalid("/data/attributes/reason", "can't be blank", "reason").errors...)
		}
		reason = &s
	}
	var byCompany *bool
	if raw, ok := attribute(doc, "rejected-by-company"); ok {
		var b bool
		if json.Unmarshal(raw, &b) != nil || string(raw) == "null" {
			problems = append(problems, invalid("/data/attributes/rejected-by-company", "is invalid", "rejected-by-company").errors...)
		}
		byCompany = &b
	}
	if len(problems) > 0 {
		return 0, nil, &problem{status: http.StatusUnprocessableEntity, errors: problems}
	}
	_, err := a.store.UpdateCompany(r.Context(), w.who.company.UUID, func(c *store.Company) error {
		if n == 0 {
			c.LastRejectReasonID = max(c.LastRejectReasonID, maxReasonID(c.RejectReasons)) + 1
			n = c.LastRejectReasonID
			c.RejectReasons = append(c.RejectReasons, store.RejectReason{ID: n, RejectedByCompany: true})
		}
		for i := range c.RejectReasons {
			if c.RejectReasons[i].ID == n {
				if reason != nil {
					c.RejectReasons[i].Reason = *reason
				}
				if byCompany != nil {
					c.RejectReasons[i].RejectedByCompany = *byCompany
				}
				return nil
			}
		}
		return store.ErrNotFound
	})
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil, recordNotFound(id)
	}
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	who := w.who
	if who.company, err = a.store.Company(r.Context(), who.company.UUID); err != nil {
		return 0, nil, a.internal(r, err)
	}
	return a.reread(r, who, "reject-reasons", id64(n))
}

func maxReasonID(reasons []store.RejectReason) int64 {
	var n int64
	for _, r := range reasons {
		n = max(n, r.ID)
	}
	return n
}

// deleteRejectReason serves DELETE /v1/reject-reasons/{id}: the
// applications rejected with it stay rejected, without a reason.
func (a *API) deleteRejectReason(r *http.Request, w *world, id string) (int, any, *problem) {
	rec, err := w.find("reject-reasons", id)
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	if rec == nil {
		return 0, nil, recordNotFound(id)
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	_, err = a.store.UpdateCompany(r.Context(), w.who.company.UUID, func(c *store.Company) error {
		c.LastRejectReasonID = max(c.LastRejectReasonID, maxReasonID(c.RejectReasons))
		c.RejectReasons = slices.DeleteFunc(c.RejectReasons, func(rr store.RejectReason) bool { return rr.ID == n })
		return nil
	})
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	return http.StatusNoContent, nil, nil
}

// createValue serves POST /v1/custom-field-values: the value is stored
// on the candidate or job the way webhooks carry it, so the next webhook
// about the candidate holds it (docs/public-api.md §10).
func (a *API) createValue(r *http.Request, w *world) (int, any, *problem) {
	doc, p := readWrite(r, "custom-field-values", "")
	if p != nil {
		return 0, nil, p
	}
	if p := allowOnly(doc, []string{"value"}, []string{"custom-field", "owner"}); p != nil {
		return 0, nil, p
	}
	var problems []apiError
	add := func(p *problem) { problems = append(problems, p.errors...) }
	raw, hasValue := attribute(doc, "value")
	if !hasValue || string(raw) == "null" {
		add(invalid("/data/attributes/value", "can't be blank", "value"))
	}
	fieldRef, okField, p := toOne(relation(doc, "custom-field"))
	if p != nil {
		return 0, nil, p
	}
	ownerRef, okOwner, p := toOne(relation(doc, "owner"))
	if p != nil {
		return 0, nil, p
	}
	var f *fieldDef
	if okField {
		f = w.fieldByID(fieldRef.ID)
	}
	if f == nil {
		add(invalid("/data/relationships/custom-field", "must exist", "custom-field"))
	}
	var owner *record
	if okOwner && (ownerRef.Type == "candidates" || ownerRef.Type == "jobs") {
		owner, _ = w.find(ownerRef.Type, ownerRef.ID)
	}
	if owner == nil {
		add(invalid("/data/relationships/owner", "must exist", "owner"))
	} else if f != nil && (f.owner == "Candidate") != (owner.typ == "candidates") {
		add(invalid("/data/relationships/owner", "is invalid", "owner"))
	}
	if len(problems) > 0 {
		return 0, nil, &problem{status: http.StatusUnprocessableEntity, errors: problems}
	}
	for _, v := range owner.rel("custom-field-values") {
		if existing, _ := w.find("custom-field-values", v.ID); existing != nil && existing.rel("custom-field")[0].ID == strconv.Itoa(f.id) {
			return 0, nil, invalid("/data/relationships/custom-field", "has already been taken", "custom-field")
		}
	}
	stored, ok := webhookValue(*f, raw)
	if !ok {
		return 0, nil, invalid("/data/attributes/value", "is invalid", "value")
	}
	id, err := a.storeValue(r, f, owner, stored)
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	return a.reread(r, w.who, "custom-field-values", id)
}

// storeValue sets the owner's value of field f, as webhooks carry it: it
// replaces the owner's value of the field, or is added after the
// others. It returns the value's /v1 id.
func (a *API) storeValue(r *http.Request, f *fieldDef, owner *record, stored json.RawMessage) (string, error) {
	cf := protocol.CustomField{APIName: f.def.APIName, Value: stored, Type: f.def.Type}
	set := func(fields []protocol.CustomField) []protocol.CustomField {
		for i := range fields {
			if fields[i].APIName == cf.APIName {
				fields[i].Value = cf.Value
				return fields
			}
		}
		return append(fields, cf)
	}
	ownerID, _ := strconv.ParseInt(owner.id, 10, 64)
	if owner.typ == "candidates" {
		_, err := a.changeCandidate(r.Context(), ownerID, func(c *store.CandidateRecord) error {
			c.Data.CustomFields = set(c.Data.CustomFields)
			return nil
		})
		return valueID(1, ownerID, f.id), err
	}
	j, err := a.store.Job(r.Context(), ownerID)
	if err == nil {
		j.CustomFields = set(j.CustomFields)
		_, err = a.putJob(r.Context(), j)
	}
	return valueID(2, ownerID, f.id), err
}

// updateValue serves PATCH /v1/custom-field-values/{id}: only value may
// change, checked against the field's type as on create.
func (a *API) updateValue(r *http.Request, w *world, id string) (int, any, *problem) {
	rec, doc, p := a.readPatch(r, w, "custom-field-values", id)
	if p != nil {
		return 0, nil, p
	}
	if p := allowOnly(doc, []string{"value"}, nil); p != nil {
		return 0, nil, p
	}
	raw, ok := attribute(doc, "value")
	if !ok {
		return a.reread(r, w.who, "custom-field-values", id)
	}
	f := w.fieldByID(rec.rel("custom-field")[0].ID)
	ownerRef := rec.rel("owner")[0]
	owner, err := w.find(ownerRef.Type, ownerRef.ID)
	if err != nil || f == nil || owner == nil {
		return 0, nil, a.internal(r, errors.Join(err, errors.New("a value's field or owner not found")))
	}
	if string(raw) == "null" {
		return 0, nil, invalid("/data/attributes/value", "can't be blank", "value")
	}
	stored, ok := webhookValue(*f, raw)
	if !ok {
		return 0, nil, invalid("/data/attributes/value", "is invalid", "value")
	}
	if _, err := a.storeValue(r, f, owner, stored); err != nil {
		return 0, nil, a.internal(r, err)
	}
	return a.reread(r, w.who, "custom-field-values", id)
}

// updateNote serves PATCH /v1/notes/{id}: the text only.
func (a *API) updateNote(r *http.Request, w *world, id string) (int, any, *problem) {
	rec, doc, p := a.readPatch(r, w, "notes", id)
	if p != nil {
		return 0, nil, p
	}
	if p := allowOnly(doc, []string{"note"}, nil); p != nil {
		return 0, nil, p
	}
	raw, ok := attribute(doc, "note")
	if !ok {
		return a.reread(r, w.who, "notes", id)
	}
	var text string
	if json.Unmarshal(raw, &text) != nil || strings.TrimSpace(text) == "" {
		return 0, nil, invalid("/data/attributes/note", "can't be blank", "note")
	}
	if err := a.changeNote(r, rec, func(n []store.Note, i int) []store.Note {
		n[i].Note, n[i].UpdatedAt = text, a.clock()
		return n
	}); err != nil {
		return 0, nil, a.internal(r, err)
	}
	return a.reread(r, w.who, "notes", id)
}

// deleteNote serves DELETE /v1/notes/{id}: 204, no body.
func (a *API) deleteNote(r *http.Request, w *world, id string) (int, any, *problem) {
	rec, err := w.find("notes", id)
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	if rec == nil {
		return 0, nil, recordNotFound(id)
	}
	if err := a.changeNote(r, rec, func(n []store.Note, i int) []store.Note { return slices.Delete(n, i, i+1) }); err != nil {
		return 0, nil, a.internal(r, err)
	}
	return http.StatusNoContent, nil, nil
}

// changeNote changes the note rec in its candidate's notes.
func (a *API) changeNote(r *http.Request, rec *record, change func(notes []store.Note, i int) []store.Note) error {
	candID, _ := strconv.ParseInt(rec.rel("candidate")[0].ID, 10, 64)
	noteID, _ := strconv.ParseInt(rec.id, 10, 64)
	_, err := a.store.UpdateCandidate(r.Context(), candID, func(c *store.CandidateRecord) error {
		i := slices.IndexFunc(c.Notes, func(n store.Note) bool { return n.ID == noteID })
		if i < 0 {
			return store.ErrNotFound
		}
		c.Notes = change(c.Notes, i)
		return nil
	})
	return err
}

// webhookValue checks a /v1 value against the field's type and returns
// it as webhooks carry it: option names for selects, a boolean for a
// checkbox, a number for a number, strings otherwise. Strings and
// numbers are both accepted on input.
func webhookValue(f fieldDef, raw json.RawMessage) (json.RawMessage, bool) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil, false
	}
	str := func() (string, bool) {
		switch x := v.(type) {
		case string:
			return x, true
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), true
		}
		return "", false
	}
	option := func(x any) (string, bool) {
		s, ok := x.(string)
		if n, isNum := x.(float64); isNum {
			s, ok = strconv.FormatFloat(n, 'f', -1, 64), true
		}
		for i, o := range f.def.Options {
			if ok && optionID(f.id, i) == s {
				return o, true
			}
		}
		return "", false
	}
	var out any
	switch fieldType(f.def.Type) {
	case "CustomField::Checkbox":
		switch x := v.(type) {
		case bool:
			out = x
		case string:
			if x != "true" && x != "false" {
				return nil, false
			}
			out = x == "true"
		default:
			return nil, false
		}
	case "CustomField::Number":
		s, ok := str()
		n, err := strconv.ParseFloat(s, 64)
		if !ok || err != nil {
			return nil, false
		}
		out = n
	case "CustomField::Select":
		o, ok := option(v)
		if !ok {
			return nil, false
		}
		out = []string{o}
	case "CustomField::MultiSelect":
		list, ok := v.([]any)
		if !ok {
			return nil, false
		}
		names := []string{}
		for _, x := range list {
			o, ok := option(x)
			if !ok {
				return nil, false
			}
			names = append(names, o)
		}
		out = names
	case "CustomField::Email":
		s, ok := str()
		if a, err := mail.ParseAddress(s); !ok || err != nil || a.Address != s {
			return nil, false
		}
		out = s
	case "CustomField::Url":
		s, ok := str()
		u, err := url.Parse(s)
		if !ok || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, false
		}
		out = s
	case "CustomField::Date":
		s, ok := str()
		if !ok {
			return nil, false
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			s = t.Format("2006-01-02")
		} else if _, err := time.Parse("2006-01-02", s); err != nil {
			return nil, false
		}
		out = s
	default:
		s, ok := str()
		if !ok {
			return nil, false
		}
		out = s
	}
	b, err := json.Marshal(out)
	return b, err == nil
}

// maxNotes bounds the notes written on one candidate (deleted ones
// count): a note's id is made of the candidate's id and its number.
const maxNotes = 999

// createNote serves POST /v1/notes: a note on a candidate, by the given
// user or the company's manager (its first user).
func (a *API) createNote(r *http.Request, w *world) (int, any, *problem) {
	doc, p := readWrite(r, "notes", "")
	if p != nil {
		return 0, nil, p
	}
	if p := allowOnly(doc, []string{"note", "private-note"}, []string{"candidate", "user"}); p != nil {
		return 0, nil, p
	}
	var problems []apiError
	var text string
	if raw, ok := attribute(doc, "note"); !ok || json.Unmarshal(raw, &text) != nil || strings.TrimSpace(text) == "" {
		problems = append(problems, invalid("/data/attributes/note", "can't be blank", "note").errors...)
	}
	var private bool
	if raw, ok := attribute(doc, "private-note"); ok && json.Unmarshal(raw, &private) != nil {
		problems = append(problems, invalid("/data/attributes/private-note", "is invalid", "private-note").errors...)
	}
	candRef, ok, p := toOne(relation(doc, "candidate"))
	if p != nil {
		return 0, nil, p
	}
	var cand *record
	if ok && candRef.Type == "candidates" {
		cand, _ = w.find("candidates", candRef.ID)
	}
	if cand == nil {
		problems = append(problems, invalid("/data/relationships/candidate", "must exist", "candidate").errors...)
	}
	var userID int64
	if u := w.recruiter(); u != nil {
		userID = u.ID
	}
	userRef, ok, p := toOne(relation(doc, "user"))
	if p != nil {
		return 0, nil, p
	}
	if ok {
		if u, _ := w.find("users", userRef.ID); u == nil || userRef.Type != "users" {
			problems = append(problems, invalid("/data/relationships/user", "must exist", "user").errors...)
		} else {
			userID, _ = strconv.ParseInt(u.id, 10, 64)
		}
	}
	if len(problems) > 0 {
		return 0, nil, &problem{status: http.StatusUnprocessableEntity, errors: problems}
	}
	candID, _ := strconv.ParseInt(cand.id, 10, 64)
	var note store.Note
	_, err := a.store.UpdateCandidate(r.Context(), candID, func(c *store.CandidateRecord) error {
		// Ids go on from the highest handed out: a deleted note's id is
		// not reused.
		last := c.LastNoteID
		for _, n := range c.Notes {
			last = max(last, n.ID)
		}
		if last-c.ID*1000 >= maxNotes {
			return errTooManyNotes
		}
		note = store.Note{ID: max(last, c.ID*1000) + 1, Note: text, UserID: userID, Private: private, CreatedAt: a.clock()}
		c.Notes, c.LastNoteID = append(c.Notes, note), note.ID
		return nil
	})
	if errors.Is(err, errTooManyNotes) {
		return 0, nil, invalid("/data/relationships/candidate", "has too many notes", "candidate")
	}
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	return a.reread(r, w.who, "notes", id64(note.ID))
}

var errTooManyNotes = errors.New("too many notes")

// maxUploads bounds a candidate's uploads: an upload's id is made of the
// candidate's id and its position.
const maxUploads = 999

// createUpload serves POST /v1/uploads: a file on a candidate, kept as
// the partner webhook's uploads carry it (file name and URL), so the
// next webhook with uploads lists it. The URL is stored, not fetched.
func (a *API) createUpload(r *http.Request, w *world) (int, any, *problem) {
	doc, p := readWrite(r, "uploads", "")
	if p != nil {
		return 0, nil, p
	}
	if p := allowOnly(doc, []string{"url", "file-name"}, []string{"candidate"}); p != nil {
		return 0, nil, p
	}
	var problems []apiError
	var link string
	if raw, ok := attribute(doc, "url"); !ok || json.Unmarshal(raw, &link) != nil || link == "" {
		problems = append(problems, invalid("/data/attributes/url", "can't be blank", "url").errors...)
	} else if !webURL(link) {
		problems = append(problems, invalid("/data/attributes/url", "is invalid", "url").errors...)
	}
	var name string
	if raw, ok := attribute(doc, "file-name"); ok && string(raw) != "null" && (json.Unmarshal(raw, &name) != nil || strings.TrimSpace(name) == "") {
		problems = append(problems, invalid("/data/attributes/file-name", "is invalid", "file-name").errors...)
	}
	candRef, ok, p := toOne(relation(doc, "candidate"))
	if p != nil {
		return 0, nil, p
	}
	var cand *record
	if ok && candRef.Type == "candidates" {
		cand, _ = w.find("candidates", candRef.ID)
	}
	if cand == nil {
		problems = append(problems, invalid("/data/relationships/candidate", "must exist", "candidate").errors...)
	}
	if len(problems) > 0 {
		return 0, nil, &problem{status: http.StatusUnprocessableEntity, errors: problems}
	}
	if name == "" {
		u, _ := url.Parse(link)
		name = path.Base(u.Path)
		if name == "/" || name == "." {
			name = u.Host
		}
	}
	candID, _ := strconv.ParseInt(cand.id, 10, 64)
	var id string
	_, err := a.store.UpdateCandidate(r.Context(), candID, func(c *store.CandidateRecord) error {
		if c.Data.Uploads == nil {
			c.Data.Uploads = &[]protocol.File{}
		}
		if len(*c.Data.Uploads) >= maxUploads {
			return errTooManyUploads
		}
		*c.Data.Uploads = append(*c.Data.Uploads, protocol.File{FileName: name, URL: link})
		id = itemID(c.ID, len(*c.Data.Uploads)-1)
		return nil
	})
	if errors.Is(err, errTooManyUploads) {
		return 0, nil, invalid("/data/relationships/candidate", "has too many uploads", "candidate")
	}
	if err != nil {
		return 0, nil, a.internal(r, err)
	}
	return a.reread(r, w.who, "uploads", id)
}

var errTooManyUploads = errors.New("too many uploads")
