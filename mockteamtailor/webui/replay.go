package webui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// maxPastedCapture bounds the paste box, as the control API bounds bodies.
const maxPastedCapture = 1 << 20

// replayView is the "Replay a captured webhook" page: the paste box, and
// after a replay its outcome.
type replayView struct {
	Capture     string
	Companies   []optionView
	KeepEventID bool
	DryRun      bool
	Problems    []string
	// Outcome of a dry run, or of the replay the page shows.
	Outcome *controlapi.ReplayOutcome
	// Posted is the partner result as it stands now: what the partner
	// posted to update-url, once it has.
	Posted *store.PartnerResult
}

// replayCompanies lists the companies the partner is activated in, the sandbox
// first and selected unless picked.
func (u *UI) replayCompanies(r *http.Request, partnerID, picked string) ([]optionView, error) {
	acts, _, err := u.store.Activations(r.Context(), partnerID, store.Page{})
	if err != nil {
		return nil, err
	}
	var out []optionView
	for _, a := range acts {
		label := a.CompanyName
		if _, ok := sandbox.In(r.Context(), u.store, a); ok {
			label += " (sandbox)"
			if picked == "" {
				picked = a.CompanyUUID
			}
		}
		out = append(out, optionView{ID: a.CompanyUUID, Label: label})
	}
	for i := range out {
		out[i].Selected = out[i].ID == picked
	}
	return out, nil
}

func (u *UI) replayCaptureForm(w http.ResponseWriter, r *http.Request) {
	p, _, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return
	}
	companies, err := u.replayCompanies(r, p.ID, "")
	if err != nil {
		u.failPage(w, r, "The companies could not be read", err)
		return
	}
	v := replayView{Companies: companies}
	u.render(w, r, http.StatusOK, "replay", page{Title: "Replay a captured webhook", Section: "deliveries", Partner: p, Data: v})
}

// replayCapture replays the pasted capture (ReplayCapture) and shows its
// outcome; a dry run shows the signed request at once.
func (u *UI) replayCapture(w http.ResponseWriter, r *http.Request) {
	p, _, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPastedCapture+64<<10)
	if err := r.ParseForm(); err != nil {
		u.errorPage(w, r, http.StatusRequestEntityTooLarge, "The capture could not be read", "Paste at most 1 MiB; replay larger captures with mockteamtailor replay FILE.")
		return
	}
	v := replayView{Capture: r.PostForm.Get("capture"), KeepEventID: r.PostForm.Get("keepEventId") == "true", DryRun: r.PostForm.Get("dryRun") == "true"}
	company := r.PostForm.Get("company")
	if v.Companies, err = u.replayCompanies(r, p.ID, company); err != nil {
		u.failPage(w, r, "The companies could not be read", err)
		return
	}
	if strings.TrimSpace(v.Capture) == "" {
		v.Problems = []string{"Paste a captured webhook body, or a journal entry holding one."}
		u.render(w, r, http.StatusUnprocessableEntity, "replay", page{Title: "Replay a captured webhook", Section: "deliveries", Partner: p, Data: v})
		return
	}
	text, _ := json.Marshal(v.Capture)
	out, err := u.srv.ReplayCapture(r.Context(), controlapi.ReplayRequest{PartnerID: p.ID, CompanyUUID: company, KeepEventID: v.KeepEventID, DryRun: v.DryRun, Capture: text})
	if err != nil {
		status, msgs := describe(err)
		v.Problems = msgs
		u.render(w, r, status, "replay", page{Title: "Replay a captured webhook", Section: "deliveries", Partner: p, Data: v})
		return
	}
	if v.DryRun {
		v.Outcome = &out
		u.render(w, r, http.StatusOK, "replay", page{Title: "Replay a captured webhook", Section: "deliveries", Partner: p, Data: v})
		return
	}
	f := flash{Level: "ok", Text: fmt.Sprintf("Replayed the capture as delivery #%d.", out.Delivery.ID)}
	if out.Delivery.Verdict != store.VerdictOK {
		f.Level = "error"
	}
	u.redirect(w, r, fmt.Sprintf("/replay/%d", out.Delivery.ID), &f)
}

// replayCaptureOutcome shows a replayed capture's journal entry: the
// deviations, the rewritten paths, the partner's answer, and the result
// the partner posted so far (reload to see it arrive).
func (u *UI) replayCaptureOutcome(w http.ResponseWriter, r *http.Request) {
	p, _, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("delivery"), 10, 64)
	var d store.Delivery
	if err == nil {
		d, err = u.store.JournalEntry(r.Context(), id)
	}
	if err != nil || d.Capture == nil {
		u.errorPage(w, r, http.StatusNotFound, "No such replay", fmt.Sprintf("Delivery %q is not the replay of a captured webhook (the journal keeps the newest entries only).", r.PathValue("delivery")))
		return
	}
	out := controlapi.ReplayOutcome{CaptureReplay: *d.Capture, PartnerID: d.PartnerID, CompanyUUID: d.CompanyUUID, EventID: d.EventID, ResultID: d.ResultID, Delivery: &d}
	companies, err := u.replayCompanies(r, p.ID, d.CompanyUUID)
	if err != nil {
		u.failPage(w, r, "The companies could not be read", err)
		return
	}
	v := replayView{Outcome: &out, Companies: companies}
	if res, err := u.store.Result(r.Context(), d.PartnerID, d.ResultID); err == nil {
		v.Posted = &res
	}
	u.render(w, r, http.StatusOK, "replay", page{Title: "Replay a captured webhook", Section: "deliveries", Partner: p, Data: v})
}
