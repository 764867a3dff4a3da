package webui

import (
	"net/http"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

type overviewView struct {
	Partner     store.Partner
	CTA         string
	Activations []activationRow
	Recent      []deliveryView
	Health      healthView
	// Start is where the quick start points: the sandbox's first job.
	Start *store.Job
	// SandboxUUID is the sandbox company, for links.
	SandboxUUID string
}

type activationRow struct {
	A       store.Activation
	Sandbox bool
}

// healthView is the partner's health line: how its last calls went.
type healthView struct {
	Window   int // how many of the latest calls are counted
	Calls    int
	Failures int
	LastCall *deliveryView
	LastAPI  *deliveryView // the partner's latest Partner API request
	APICalls int
	APIFails int
}

// healthWindow is how many recent calls the health line counts.
const healthWindow = 50

func (u *UI) overview(w http.ResponseWriter, r *http.Request) {
	p, ps, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return
	}
	v := overviewView{Partner: p, CTA: p.CTALabel()}
	acts, _, err := u.store.Activations(r.Context(), p.ID, store.Page{})
	if err != nil {
		u.failPage(w, r, "Activations could not be read", err)
		return
	}
	for _, a := range acts {
		row := activationRow{A: a}
		if c, ok := sandbox.In(r.Context(), u.store, a); ok {
			row.Sandbox = true
			v.SandboxUUID = c.UUID
		}
		v.Activations = append(v.Activations, row)
	}
	if v.SandboxUUID != "" {
		if jobs, err := u.store.Jobs(r.Context(), v.SandboxUUID); err == nil && len(jobs) > 0 {
			v.Start = &jobs[0]
		}
	}
	ds, err := u.journalFor(r.Context(), p.ID, store.JournalFilter{}, 4*healthWindow)
	if err != nil {
		u.failPage(w, r, "The journal could not be read", err)
		return
	}
	v.Health.Window = healthWindow
	for i := len(ds) - 1; i >= 0; i-- {
		d := ds[i]
		if len(v.Recent) < 10 {
			v.Recent = append(v.Recent, newDeliveryView(d))
		}
		if d.Kind == store.KindPartnerAPI {
			if v.Health.LastAPI == nil {
				dv := newDeliveryView(d)
				v.Health.LastAPI = &dv
			}
			if v.Health.APICalls < healthWindow {
				v.Health.APICalls++
				if d.Verdict != store.VerdictOK {
					v.Health.APIFails++
				}
			}
			continue
		}
		if v.Health.LastCall == nil {
			dv := newDeliveryView(d)
			v.Health.LastCall = &dv
		}
		if v.Health.Calls < healthWindow {
			v.Health.Calls++
			if d.Verdict != store.VerdictOK {
				v.Health.Failures++
			}
		}
	}
	u.render(w, r, http.StatusOK, "overview", page{Title: "Overview", Section: "overview", Partner: p, Partners: ps, Data: v})
}
