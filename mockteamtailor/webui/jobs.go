package webui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

type jobsView struct {
	Company   store.Company
	Companies []store.Company
	Activated bool
	Jobs      []jobRow
}

type jobRow struct {
	J          store.Job
	Candidates int
	Triggers   int
}

func (u *UI) jobs(w http.ResponseWriter, r *http.Request) {
	p, _, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return
	}
	c, cs, err := u.pickCompany(r, p.ID)
	if err != nil {
		u.failPage(w, r, "No such company", err)
		return
	}
	v := jobsView{Company: c, Companies: cs}
	_, err = u.store.ActivationFor(r.Context(), p.ID, c.UUID)
	v.Activated = err == nil
	js, err := u.store.Jobs(r.Context(), c.UUID)
	if err != nil {
		u.failPage(w, r, "Jobs could not be read", err)
		return
	}
	cands, _, err := u.store.Candidates(r.Context(), c.UUID, store.Page{})
	if err != nil {
		u.failPage(w, r, "Candidates could not be read", err)
		return
	}
	trigs, _ := u.store.Triggers(r.Context(), p.ID)
	for _, j := range js {
		row := jobRow{J: j}
		for _, cand := range cands {
			if _, ok := cand.Application(j.ID); ok {
				row.Candidates++
			}
		}
		for _, t := range trigs {
			if t.JobID == j.ID {
				row.Triggers++
			}
		}
		v.Jobs = append(v.Jobs, row)
	}
	u.render(w, r, http.StatusOK, "jobs", page{Title: "Jobs", Section: "jobs", Partner: p, Data: v})
}

// boardView is a job's pipeline: a column per stage with its candidates
// and the partner's triggers on it.
type boardView struct {
	Job       store.Job
	Company   store.Company
	Partner   store.Partner
	Activated bool
	Columns   []columnView
	// Others are the company's candidates not in this job yet.
	Others []optionView
}

type columnView struct {
	Stage      store.Stage
	Cards      []cardView
	Triggers   []triggerView
	TriggerURL string
}

type cardView struct {
	ID       int64
	Name     string
	Role     string
	Initials string
	Rejected bool
	// Latest is the partner's latest result on the candidate, if any.
	Latest *resultView
}

type triggerView struct {
	T    store.Trigger
	Data []keyValue
}

// pathID reads a numeric path segment.
func pathID(r *http.Request, name string) (int64, bool) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return n, err == nil && n > 0
}

// loadRecord reads the numeric {id} of the path and the record get
// returns for it, or answers a 404 page naming what was asked for.
func loadRecord[T any](u *UI, w http.ResponseWriter, r *http.Request, what string, get func(context.Context, int64) (T, error)) (T, bool) {
	var zero T
	id, ok := pathID(r, "id")
	if !ok {
		u.errorPage(w, r, http.StatusNotFound, "No such "+what, fmt.Sprintf("%q is not a %s id: %s ids are whole numbers.", r.PathValue("id"), what, what))
		return zero, false
	}
	rec, err := get(r.Context(), id)
	if err != nil {
		u.errorPage(w, r, http.StatusNotFound, "No such "+what, fmt.Sprintf("There is no %s %d.", what, id))
		return zero, false
	}
	return rec, true
}

func (u *UI) loadJob(w http.ResponseWriter, r *http.Request) (store.Job, bool) {
	return loadRecord(u, w, r, "job", u.store.Job)
}

func (u *UI) job(w http.ResponseWriter, r *http.Request) {
	j, ok := u.loadJob(w, r)
	if !ok {
		return
	}
	p, _, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return
	}
	v, err := u.board(r.Context(), p, j)
	if err != nil {
		u.failPage(w, r, "The job could not be shown", err)
		return
	}
	u.render(w, r, http.StatusOK, "job", page{Title: j.Title, Section: "jobs", Partner: p, Data: v})
}

func (u *UI) board(ctx context.Context, p store.Partner, j store.Job) (boardView, error) {
	v := boardView{Job: j, Partner: p}
	c, err := u.store.Company(ctx, j.CompanyUUID)
	if err != nil {
		return v, err
	}
	v.Company = c
	_, err = u.store.ActivationFor(ctx, p.ID, c.UUID)
	v.Activated = err == nil
	cands, _, err := u.store.Candidates(ctx, c.UUID, store.Page{})
	if err != nil {
		return v, err
	}
	results, err := u.store.AllResults(ctx, store.ResultFilter{PartnerID: p.ID})
	if err != nil {
		return v, err
	}
	latest := map[int64]store.PartnerResult{}
	for _, res := range results {
		latest[res.CandidateID] = res // oldest first: the last one wins
	}
	trigs, err := u.store.Triggers(ctx, p.ID)
	if err != nil {
		return v, err
	}
	col := map[int64]int{}
	for i, st := range j.Stages {
		col[st.ID] = i
		v.Columns = append(v.Columns, columnView{Stage: st, TriggerURL: fmt.Sprintf("/jobs/%d/stages/%d/trigger", j.ID, st.ID)})
	}
	for _, t := range trigs {
		if i, ok := col[t.StageID]; ok && t.JobID == j.ID {
			tv := triggerView{T: t}
			for _, k := range sortedKeys(t.WebhookData) {
				tv.Data = append(tv.Data, keyValue{Key: k, Value: t.WebhookData[k]})
			}
			v.Columns[i].Triggers = append(v.Columns[i].Triggers, tv)
		}
	}
	for _, cand := range cands {
		app, applied := cand.Application(j.ID)
		i, ok := col[app.StageID]
		if !applied || !ok {
			v.Others = append(v.Others, optionView{ID: strconv.FormatInt(cand.ID, 10), Label: candidateName(cand)})
			continue
		}
		card := cardView{ID: cand.ID, Name: candidateName(cand), Role: str(cand.Data.Role), Rejected: app.Rejected}
		card.Initials = initials(card.Name)
		if res, ok := latest[cand.ID]; ok {
			rv := newResultView(res, p, card.Name)
			card.Latest = &rv
		}
		v.Columns[i].Cards = append(v.Columns[i].Cards, card)
	}
	return v, nil
}

// move moves a candidate into a stage: MoveCandidate fires every trigger
// on that stage (docs/protocol.md §5).
func (u *UI) move(w http.ResponseWriter, r *http.Request) {
	j, ok := u.loadJob(w, r)
	if !ok {
		return
	}
	cand, err1 := strconv.ParseInt(r.PostFormValue("candidate"), 10, 64)
	stage, err2 := strconv.ParseInt(r.PostFormValue("stage"), 10, 64)
	back := fmt.Sprintf("/jobs/%d", j.ID)
	if err1 != nil || err2 != nil {
		u.redirect(w, r, back, &flash{Level: "error", Text: "Pick a candidate and a stage to move them to."})
		return
	}
	res, err := u.srv.MoveCandidate(r.Context(), controlapi.MoveRequest{CandidateID: cand, JobID: j.ID, StageID: stage})
	if err != nil {
		_, msgs := describe(err)
		u.redirect(w, r, back, &flash{Level: "error", Text: "The candidate was not moved: " + strings.Join(msgs, " ")})
		return
	}
	st, _ := j.Stage(stage)
	f := flash{Level: "ok", Text: fmt.Sprintf("Moved %s to %s.", candidateName(res.Candidate), st.Name)}
	switch n := len(res.Outcomes); {
	case n == 0 && len(res.Skipped) == 0:
		f.Text += " No trigger on this stage, so nothing was sent."
	case n > 0:
		var parts []string
		for _, o := range res.Outcomes {
			parts = append(parts, outcomeText(o.Delivery))
			if o.Delivery.Verdict != store.VerdictOK {
				f.Level = "error"
			}
		}
		f.Text += " " + strings.Join(parts, " ")
		f.Link, f.LinkText = fmt.Sprintf("/deliveries/%d", res.Outcomes[0].Delivery.ID), "Inspect the webhook"
	}
	for _, s := range res.Skipped {
		f.Text += " Not sent: " + sentence(s)
		f.Level = "error"
	}
	u.redirect(w, r, back, &f)
}

// outcomeText says how a webhook went, in one sentence.
func outcomeText(d store.Delivery) string {
	status := "no answer"
	if d.Response != nil {
		status = strconv.Itoa(d.Response.Status)
	}
	return fmt.Sprintf("Webhook #%d: %s (%s).", d.ID, status, sentence(d.Reason))
}

// configFormView is a partner's /config form opened for a trigger: on a
// job stage, on a candidate (manual) or on several candidates (bulk).
type configFormView struct {
	Heading     string
	Intro       string
	Context     []keyValue
	Action      string
	Cancel      string
	Submit      string
	Form        *formView
	FetchError  []string
	DeliveryIDs []int64
	Static      bool
	Hidden      []keyValue // the UI's own inputs (candidates, job)
	Status      int
}

// loadConfig fetches the config form (refetching with the picked values,
// docs/protocol.md §3) and fills in the problems of the last submission.
func (u *UI) loadConfig(ctx context.Context, v *configFormView, req controlapi.ConfigRequest, fieldErrs map[string]string, general []string) {
	// Opening a form fetches it; the inspector labels that fetch as such.
	req.Purpose = store.PurposeForm
	res, err := u.srv.FetchConfig(ctx, req)
	v.DeliveryIDs, v.Static = res.DeliveryIDs, res.Static
	if err != nil {
		status, msgs := describe(err)
		v.Status, v.FetchError = status, msgs
		return
	}
	f := buildForm(res.Form, req.Picked, fieldErrs, general)
	v.Form = &f
}

// companyUserID is the recruiter the library names when none is given:
// the company's first user (a stand-in with id 1 when it has none).
func (u *UI) companyUserID(ctx context.Context, companyUUID string) int64 {
	if c, err := u.store.Company(ctx, companyUUID); err == nil && len(c.Users) > 0 {
		return c.Users[0].ID
	}
	return 1
}

func (u *UI) stageTrigger(w http.ResponseWriter, r *http.Request) (store.Partner, store.Job, store.Stage, configFormView, bool) {
	var v configFormView
	j, ok := u.loadJob(w, r)
	if !ok {
		return store.Partner{}, j, store.Stage{}, v, false
	}
	sid, _ := pathID(r, "stage")
	st, ok := j.Stage(sid)
	if !ok {
		u.errorPage(w, r, http.StatusNotFound, "No such stage", fmt.Sprintf("Job %d (%s) has no stage %q.", j.ID, j.Title, r.PathValue("stage")))
		return store.Partner{}, j, st, v, false
	}
	p, _, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return p, j, st, v, false
	}
	v = configFormView{
		Heading: "New " + p.Name + " trigger",
		Intro:   "When a candidate is moved into this stage, Teamtailor sends " + p.Name + " a webhook with the values picked here.",
		Context: []keyValue{{Key: "Job", Value: j.Title}, {Key: "Stage", Value: st.Name}, {Key: "Partner", Value: p.Name}},
		Action:  fmt.Sprintf("/jobs/%d/stages/%d/trigger", j.ID, st.ID),
		Cancel:  fmt.Sprintf("/jobs/%d", j.ID),
		Submit:  "Save trigger",
		Status:  http.StatusOK,
	}
	return p, j, st, v, true
}

func (u *UI) triggerForm(w http.ResponseWriter, r *http.Request) {
	p, j, st, v, ok := u.stageTrigger(w, r)
	if !ok {
		return
	}
	picked, _, _ := u.submitted(r)
	u.loadConfig(r.Context(), &v, controlapi.ConfigRequest{PartnerID: p.ID, CompanyUUID: j.CompanyUUID, JobID: j.ID, StageID: st.ID, UserID: u.companyUserID(r.Context(), j.CompanyUUID), Picked: picked}, nil, nil)
	u.render(w, r, v.Status, "configform", page{Title: v.Heading, Section: "jobs", Partner: p, Data: v})
}

// createTrigger saves a stage trigger with CreateTrigger, which fetches
// the config again and checks the values against it.
func (u *UI) createTrigger(w http.ResponseWriter, r *http.Request) {
	p, j, st, v, ok := u.stageTrigger(w, r)
	if !ok {
		return
	}
	values, _, err := u.submitted(r)
	if err != nil {
		u.failPage(w, r, "The form could not be read", err)
		return
	}
	t, err := u.srv.CreateTrigger(r.Context(), controlapi.TriggerRequest{PartnerID: p.ID, JobID: j.ID, StageID: st.ID, Data: values})
	if err == nil {
		u.redirect(w, r, fmt.Sprintf("/jobs/%d", j.ID), &flash{Level: "ok", Text: fmt.Sprintf("Trigger #%d saved on %s: moving a candidate into it now sends %s a webhook.", t.ID, st.Name, p.Name)})
		return
	}
	status, _ := describe(err)
	ps := problemsOf(err)
	fieldErrs := ps.take("/data")
	u.loadConfig(r.Context(), &v, controlapi.ConfigRequest{PartnerID: p.ID, CompanyUUID: j.CompanyUUID, JobID: j.ID, StageID: st.ID, UserID: u.companyUserID(r.Context(), j.CompanyUUID), Picked: values}, fieldErrs, ps.rest())
	if v.Status == http.StatusOK {
		v.Status = status
	}
	u.render(w, r, v.Status, "configform", page{Title: v.Heading, Section: "jobs", Partner: p, Data: v})
}

// deleteTrigger removes a trigger through the control API.
func (u *UI) deleteTrigger(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	back := r.PostFormValue("job")
	if _, err := strconv.ParseInt(back, 10, 64); err != nil {
		back = "/jobs"
	} else {
		back = "/jobs/" + back
	}
	if !ok {
		u.errorPage(w, r, http.StatusNotFound, "No such trigger", "Trigger ids are whole numbers.")
		return
	}
	if err := u.srv.DeleteTrigger(r.Context(), id); err != nil {
		_, msgs := describe(err)
		u.redirect(w, r, back, &flash{Level: "error", Text: strings.Join(msgs, " ")})
		return
	}
	u.redirect(w, r, back, &flash{Level: "ok", Text: fmt.Sprintf("Trigger #%d removed.", id)})
}

func companyQuery(uuid string) string { return url.Values{"company": {uuid}}.Encode() }
