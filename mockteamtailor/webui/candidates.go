package webui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

type candidatesView struct {
	Partner   store.Partner
	CTA       string
	Company   store.Company
	Companies []store.Company
	Activated bool
	Rows      []candidateRow
	Total     int
	Shown     int
}

type candidateRow struct {
	ID       int64
	Name     string
	Email    string
	Role     string
	Initials string
	Jobs     []string
	Latest   *resultView
}

// candidatesShown caps the list; generated companies can be large.
const candidatesShown = 500

func (u *UI) candidates(w http.ResponseWriter, r *http.Request) {
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
	v := candidatesView{Partner: p, CTA: p.CTALabel(), Company: c, Companies: cs}
	_, err = u.store.ActivationFor(r.Context(), p.ID, c.UUID)
	v.Activated = err == nil
	cands, total, err := u.store.Candidates(r.Context(), c.UUID, store.Page{Number: 1, Size: candidatesShown})
	if err != nil {
		u.failPage(w, r, "Candidates could not be read", err)
		return
	}
	v.Total, v.Shown = total, len(cands)
	jobs, _ := u.store.Jobs(r.Context(), c.UUID)
	results, _ := u.store.AllResults(r.Context(), store.ResultFilter{PartnerID: p.ID})
	latest := map[int64]store.PartnerResult{}
	for _, res := range results {
		latest[res.CandidateID] = res
	}
	for _, cand := range cands {
		row := candidateRow{ID: cand.ID, Name: candidateName(cand), Email: str(cand.Data.Email), Role: str(cand.Data.Role)}
		row.Initials = initials(row.Name)
		for _, a := range cand.Applications {
			for _, j := range jobs {
				if j.ID == a.JobID {
					st, _ := j.Stage(a.StageID)
					row.Jobs = append(row.Jobs, j.Title+" · "+st.Name)
				}
			}
		}
		if res, ok := latest[cand.ID]; ok {
			rv := newResultView(res, p, row.Name)
			row.Latest = &rv
		}
		v.Rows = append(v.Rows, row)
	}
	u.render(w, r, http.StatusOK, "candidates", page{Title: "Candidates", Section: "candidates", Partner: p, Data: v})
}

// candidateView is the candidate card.
type candidateView struct {
	C            store.CandidateRecord
	Name         string
	Initials     string
	Partner      store.Partner
	CTA          string
	Activated    bool
	Applications []applicationView
	Facts        []keyValue
	Questions    []keyValue
	CustomFields []keyValue
	Locations    []string
	Results      resultsSection
}

type applicationView struct {
	Job      store.Job
	Stage    string
	Rejected bool
}

// resultsSection is the part of the card live updates refresh.
type resultsSection struct {
	CandidateID int64
	Results     []resultView
	IDs         string // the results shown, for matching live updates
	Back        string
}

func (u *UI) loadCandidate(w http.ResponseWriter, r *http.Request) (store.CandidateRecord, bool) {
	return loadRecord(u, w, r, "candidate", u.store.Candidate)
}

func (u *UI) candidate(w http.ResponseWriter, r *http.Request) {
	c, ok := u.loadCandidate(w, r)
	if !ok {
		return
	}
	p, _, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return
	}
	v := candidateView{C: c, Name: candidateName(c), Partner: p, CTA: p.CTALabel()}
	v.Initials = initials(v.Name)
	_, err = u.store.ActivationFor(r.Context(), p.ID, c.CompanyUUID)
	v.Activated = err == nil
	for _, a := range c.Applications {
		if j, err := u.store.Job(r.Context(), a.JobID); err == nil {
			st, _ := j.Stage(a.StageID)
			v.Applications = append(v.Applications, applicationView{Job: j, Stage: st.Name, Rejected: a.Rejected})
		}
	}
	d := c.Data
	for _, f := range []keyValue{{Key: "E-mail", Value: str(d.Email)}, {Key: "Phone", Value: str(d.Phone)}, {Key: "Role", Value: str(d.Role)}, {Key: "Department", Value: str(d.Department)}, {Key: "Tags", Value: strings.Join(d.Tags, ", ")}} {
		if f.Value != "" {
			v.Facts = append(v.Facts, f)
		}
	}
	if d.Recruiter != nil && str(d.Recruiter.Name) != "" {
		v.Facts = append(v.Facts, keyValue{Key: "Recruiter", Value: str(d.Recruiter.Name)})
	}
	for _, q := range d.Questions {
		v.Questions = append(v.Questions, keyValue{Key: q.Question, Value: scalar(q.Answer)})
	}
	for _, cf := range d.CustomFields {
		v.CustomFields = append(v.CustomFields, keyValue{Key: humanize(cf.APIName), Value: scalar(cf.Value)})
	}
	for _, l := range d.Locations {
		if s := strings.Trim(str(l.Name)+", "+str(l.Address), ", "); s != "" {
			v.Locations = append(v.Locations, s)
		}
	}
	v.Results, err = u.resultsOf(r.Context(), c)
	if err != nil {
		u.failPage(w, r, "Results could not be read", err)
		return
	}
	u.render(w, r, http.StatusOK, "candidate", page{Title: v.Name, Section: "candidates", Partner: p, Data: v})
}

// reject rejects or, with undo, un-rejects the candidate's application
// to a job (RejectApplication): webhooks for it then carry
// job.status.rejected.
func (u *UI) reject(w http.ResponseWriter, r *http.Request) {
	c, ok := u.loadCandidate(w, r)
	if !ok {
		return
	}
	back := fmt.Sprintf("/candidates/%d", c.ID)
	job, err := strconv.ParseInt(r.PostFormValue("job"), 10, 64)
	if err != nil || job <= 0 {
		u.redirect(w, r, back, &flash{Level: "error", Text: "Pick the job of the application to reject."})
		return
	}
	out, err := u.srv.RejectApplication(r.Context(), controlapi.RejectRequest{CandidateID: c.ID, JobID: job, Undo: r.PostFormValue("undo") == "true"})
	if err != nil {
		_, msgs := describe(err)
		u.redirect(w, r, back, &flash{Level: "error", Text: "Nothing changed: " + strings.Join(msgs, " ")})
		return
	}
	text := fmt.Sprintf("Rejected %s. Webhooks for this application now carry job.status.rejected: true.", candidateName(out.Candidate))
	if !out.Rejected {
		text = fmt.Sprintf("Took back the rejection of %s. Webhooks for this application carry job.status.rejected: false.", candidateName(out.Candidate))
	}
	u.redirect(w, r, back, &flash{Level: "ok", Text: text})
}

// resultsOf returns every partner's results on a candidate, newest first.
func (u *UI) resultsOf(ctx context.Context, c store.CandidateRecord) (resultsSection, error) {
	s := resultsSection{CandidateID: c.ID, Back: fmt.Sprintf("/candidates/%d", c.ID)}
	rs, err := u.store.AllResults(ctx, store.ResultFilter{CandidateID: c.ID})
	if err != nil {
		return s, err
	}
	partners := map[string]store.Partner{}
	var ids []string
	for i := len(rs) - 1; i >= 0; i-- {
		p, ok := partners[rs[i].PartnerID]
		if !ok {
			p, _ = u.store.Partner(ctx, rs[i].PartnerID)
			partners[rs[i].PartnerID] = p
		}
		s.Results = append(s.Results, newResultView(rs[i], p, candidateName(c)))
		ids = append(ids, rs[i].ID)
	}
	s.IDs = strings.Join(ids, " ")
	return s, nil
}

// candidateResults is the results section alone, for live updates.
func (u *UI) candidateResults(w http.ResponseWriter, r *http.Request) {
	c, ok := u.loadCandidate(w, r)
	if !ok {
		return
	}
	s, err := u.resultsOf(r.Context(), c)
	if err != nil {
		http.Error(w, "results could not be read", http.StatusInternalServerError)
		return
	}
	u.renderPartial(w, "results", s)
}

// manualSetup opens the manual trigger of a candidate card (docs/protocol.md §5:
// the application's job, without the trigger-only keys).
func (u *UI) manualSetup(w http.ResponseWriter, r *http.Request, jobParam string) (store.Partner, store.CandidateRecord, store.Job, store.Application, configFormView, bool) {
	var v configFormView
	c, ok := u.loadCandidate(w, r)
	if !ok {
		return store.Partner{}, c, store.Job{}, store.Application{}, v, false
	}
	p, _, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return p, c, store.Job{}, store.Application{}, v, false
	}
	back := fmt.Sprintf("/candidates/%d", c.ID)
	if len(c.Applications) == 0 {
		u.errorPage(w, r, http.StatusUnprocessableEntity, "No job to send", candidateName(c)+" has applied to no job. Add them to a job on its pipeline page first.")
		return p, c, store.Job{}, store.Application{}, v, false
	}
	app := c.Applications[0]
	if jobParam != "" {
		id, err := strconv.ParseInt(jobParam, 10, 64)
		a, ok := c.Application(id)
		if err != nil || !ok {
			u.errorPage(w, r, http.StatusUnprocessableEntity, "Not an application", fmt.Sprintf("%s has not applied to job %s.", candidateName(c), jobParam))
			return p, c, store.Job{}, app, v, false
		}
		app = a
	}
	j, err := u.store.Job(r.Context(), app.JobID)
	if err != nil {
		u.failPage(w, r, "The job could not be read", err)
		return p, c, j, app, v, false
	}
	st, _ := j.Stage(app.StageID)
	v = configFormView{
		Heading: p.CTALabel(),
		Intro:   "Sends " + p.Name + " one webhook about " + candidateName(c) + ", with the values picked here.",
		Context: []keyValue{{Key: "Candidate", Value: candidateName(c)}, {Key: "Job", Value: j.Title}, {Key: "Stage", Value: st.Name}},
		Action:  back + "/trigger",
		Cancel:  back,
		Submit:  p.CTALabel(),
		Hidden:  []keyValue{{Key: nameJob, Value: strconv.FormatInt(j.ID, 10)}},
		Status:  http.StatusOK,
	}
	return p, c, j, app, v, true
}

func (u *UI) manualForm(w http.ResponseWriter, r *http.Request) {
	p, c, j, app, v, ok := u.manualSetup(w, r, r.URL.Query().Get(nameJob))
	if !ok {
		return
	}
	picked, _, _ := u.submitted(r)
	u.loadConfig(r.Context(), &v, controlapi.ConfigRequest{PartnerID: p.ID, CompanyUUID: c.CompanyUUID, JobID: j.ID, StageID: app.StageID, UserID: u.companyUserID(r.Context(), c.CompanyUUID), Picked: picked}, nil, nil)
	u.render(w, r, v.Status, "configform", page{Title: v.Heading, Section: "candidates", Partner: p, Data: v})
}

// manualTrigger sends the manual trigger with ManualTrigger.
func (u *UI) manualTrigger(w http.ResponseWriter, r *http.Request) {
	values, own, err := u.submitted(r)
	if err != nil {
		u.failPage(w, r, "The form could not be read", err)
		return
	}
	p, c, j, app, v, ok := u.manualSetup(w, r, first(own[nameJob]))
	if !ok {
		return
	}
	out, err := u.srv.ManualTrigger(r.Context(), controlapi.ManualRequest{PartnerID: p.ID, CandidateID: c.ID, JobID: j.ID, Data: values})
	if err == nil {
		f := flash{Level: "ok", Text: "Sent. " + outcomeText(out.Delivery), Link: fmt.Sprintf("/deliveries/%d", out.Delivery.ID), LinkText: "Inspect the webhook"}
		if out.Delivery.Verdict != store.VerdictOK {
			f.Level = "error"
		}
		u.redirect(w, r, fmt.Sprintf("/candidates/%d", c.ID), &f)
		return
	}
	status, _ := describe(err)
	ps := problemsOf(err)
	fieldErrs := ps.take("/data")
	u.loadConfig(r.Context(), &v, controlapi.ConfigRequest{PartnerID: p.ID, CompanyUUID: c.CompanyUUID, JobID: j.ID, StageID: app.StageID, UserID: u.companyUserID(r.Context(), c.CompanyUUID), Picked: values}, fieldErrs, ps.rest())
	if v.Status == http.StatusOK {
		v.Status = status
	}
	u.render(w, r, v.Status, "configform", page{Title: v.Heading, Section: "candidates", Partner: p, Data: v})
}

// bulkSetup opens bulk mode for the candidates picked in the list
// (docs/protocol.md §5: config fetched once without job, stage or user).
func (u *UI) bulkSetup(w http.ResponseWriter, r *http.Request, picked []string) (store.Partner, []int64, configFormView, bool) {
	var v configFormView
	p, _, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return p, nil, v, false
	}
	var ids []int64
	var names []string
	company := ""
	for _, s := range picked {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || slices.Contains(ids, id) {
			continue
		}
		c, err := u.store.Candidate(r.Context(), id)
		if err != nil {
			u.errorPage(w, r, http.StatusNotFound, "No such candidate", fmt.Sprintf("There is no candidate %d.", id))
			return p, nil, v, false
		}
		if company == "" {
			company = c.CompanyUUID
		}
		ids = append(ids, id)
		names = append(names, candidateName(c))
	}
	if len(ids) == 0 {
		u.redirect(w, r, "/candidates", &flash{Level: "error", Text: "Select at least one candidate for a bulk trigger."})
		return p, nil, v, false
	}
	if !p.AllowBulk {
		u.redirect(w, r, "/candidates?"+companyQuery(company), &flash{Level: "error", Text: p.Name + " does not allow bulk mode (docs/protocol.md §5); turn on allowBulk in the partner's settings to send to several candidates at once."})
		return p, nil, v, false
	}
	list := strings.Join(names, ", ")
	if len(names) > 8 {
		list = strings.Join(names[:8], ", ") + fmt.Sprintf(" and %d more", len(names)-8)
	}
	v = configFormView{
		Heading: p.CTALabel() + " to " + text.Count(len(ids), "candidate", "candidates"),
		Intro:   "Bulk mode: " + p.Name + " gets one webhook per candidate, each with its own partner result and without the job.",
		Context: []keyValue{{Key: "Candidates", Value: list}, {Key: "Partner", Value: p.Name}},
		Action:  "/bulk",
		Cancel:  "/candidates?" + companyQuery(company),
		Submit:  p.CTALabel() + " (" + text.Count(len(ids), "candidate", "candidates") + ")",
		Status:  http.StatusOK,
	}
	for _, id := range ids {
		v.Hidden = append(v.Hidden, keyValue{Key: nameCandidate, Value: strconv.FormatInt(id, 10)})
	}
	return p, ids, v, true
}

func (u *UI) bulkCompany(ctx context.Context, ids []int64) string {
	if c, err := u.store.Candidate(ctx, ids[0]); err == nil {
		return c.CompanyUUID
	}
	return ""
}

func (u *UI) bulkForm(w http.ResponseWriter, r *http.Request) {
	picked, own, _ := u.submitted(r)
	p, ids, v, ok := u.bulkSetup(w, r, own[nameCandidate])
	if !ok {
		return
	}
	u.loadConfig(r.Context(), &v, controlapi.ConfigRequest{PartnerID: p.ID, CompanyUUID: u.bulkCompany(r.Context(), ids), Bulk: true, Picked: picked}, nil, nil)
	u.render(w, r, v.Status, "configform", page{Title: v.Heading, Section: "candidates", Partner: p, Data: v})
}

// bulkTrigger starts a bulk run with BulkTrigger and shows its progress.
func (u *UI) bulkTrigger(w http.ResponseWriter, r *http.Request) {
	values, own, err := u.submitted(r)
	if err != nil {
		u.failPage(w, r, "The form could not be read", err)
		return
	}
	p, ids, v, ok := u.bulkSetup(w, r, own[nameCandidate])
	if !ok {
		return
	}
	run, err := u.srv.BulkTrigger(r.Context(), controlapi.BulkRequest{PartnerID: p.ID, CandidateIDs: ids, Data: values})
	if err == nil {
		u.redirect(w, r, "/bulk/"+url.PathEscape(run.ID), &flash{Level: "ok", Text: fmt.Sprintf("Bulk run started: one webhook for each of %s.", text.Count(run.Total, "candidate", "candidates"))})
		return
	}
	status, _ := describe(err)
	ps := problemsOf(err)
	fieldErrs := ps.take("/data")
	u.loadConfig(r.Context(), &v, controlapi.ConfigRequest{PartnerID: p.ID, CompanyUUID: u.bulkCompany(r.Context(), ids), Bulk: true, Picked: values}, fieldErrs, ps.rest())
	if v.Status == http.StatusOK {
		v.Status = status
	}
	u.render(w, r, v.Status, "configform", page{Title: v.Heading, Section: "candidates", Partner: p, Data: v})
}

// bulkView is a bulk run's progress and its results.
type bulkView struct {
	Run     controlapi.BulkRun
	Partner store.Partner
	Results []resultView
	IDs     string
}

func (u *UI) bulkView(ctx context.Context, id string) (bulkView, bool) {
	run, err := u.srv.BulkRun(ctx, id)
	if err != nil {
		return bulkView{}, false
	}
	v := bulkView{Run: run}
	v.Partner, _ = u.store.Partner(ctx, run.PartnerID)
	for _, rid := range run.ResultIDs {
		res, err := u.store.Result(ctx, run.PartnerID, rid)
		if err != nil {
			continue
		}
		name := fmt.Sprintf("Candidate %d", res.CandidateID)
		if c, err := u.store.Candidate(ctx, res.CandidateID); err == nil {
			name, _ = cutText(candidateName(c), 60)
		}
		v.Results = append(v.Results, newResultView(res, v.Partner, name))
	}
	slices.SortFunc(v.Results, func(a, b resultView) int { return strings.Compare(a.Candidate, b.Candidate) })
	v.IDs = strings.Join(run.ResultIDs, " ")
	return v, true
}

func (u *UI) bulkRun(w http.ResponseWriter, r *http.Request) {
	v, ok := u.bulkView(r.Context(), r.PathValue("id"))
	if !ok {
		u.errorPage(w, r, http.StatusNotFound, "No such bulk run", "There is no bulk run "+strconv.Quote(r.PathValue("id"))+"; runs are kept until the mock restarts.")
		return
	}
	// The run is one partner's: the switcher names it, whichever partner
	// the other pages show.
	u.render(w, r, http.StatusOK, "bulk", page{Title: "Bulk run", Section: "candidates", Partner: v.Partner, Data: v})
}

func (u *UI) bulkProgress(w http.ResponseWriter, r *http.Request) {
	v, ok := u.bulkView(r.Context(), r.PathValue("id"))
	if !ok {
		http.Error(w, "no such bulk run", http.StatusNotFound)
		return
	}
	u.renderPartial(w, "bulkProgress", v)
}

// invokeAction clicks an action button of a result: InvokeAction POSTs
// the original partner event to the action's endpoint (docs/protocol.md §2.3).
func (u *UI) invokeAction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	back := r.PostFormValue("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/"
	}
	index, err := strconv.Atoi(r.PathValue("index"))
	if err != nil {
		u.redirect(w, r, back, &flash{Level: "error", Text: "The action index must be a whole number."})
		return
	}
	d, err := u.srv.InvokeAction(r.Context(), id, index)
	if err != nil {
		_, msgs := describe(err)
		u.redirect(w, r, back, &flash{Level: "error", Text: "The action was not sent: " + strings.Join(msgs, " ")})
		return
	}
	status := "no answer"
	if d.Response != nil {
		status = strconv.Itoa(d.Response.Status)
		if body := strings.TrimSpace(d.Response.Body); body != "" {
			var compact strings.Builder
			if json.Valid([]byte(body)) {
				b, _ := json.Marshal(json.RawMessage(body))
				compact.Write(b)
			} else {
				compact.WriteString(body)
			}
			if s, cut := cutText(compact.String(), 120); cut || s != "" {
				status += ", " + s
			}
		}
	}
	f := flash{Level: "ok", Text: fmt.Sprintf("Action sent: the partner answered %s. %s", status, sentence(d.Reason)), Link: fmt.Sprintf("/deliveries/%d", d.ID), LinkText: "Inspect the call"}
	if d.Verdict != store.VerdictOK {
		f.Level = "error"
	}
	u.redirect(w, r, back, &f)
}
