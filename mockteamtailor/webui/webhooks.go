package webui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/companyevent"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
)

// webhooksView is the page of company webhooks and the partner's webhook
// setup (docs/company-webhooks.md §2, §6).
type webhooksView struct {
	Subscriptions []controlapi.Subscription
	Companies     []companyOption
	Events        []string
	Setup         *controlapi.WebhookSetup
	Error         string // why the last form was refused
}

type companyOption struct{ UUID, Name string }

// webhooks lists the company webhooks and the partner's setup, with forms
// to add and remove them.
func (u *UI) webhooks(w http.ResponseWriter, r *http.Request) {
	u.renderWebhooks(w, r, http.StatusOK, "")
}

func (u *UI) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, problem string) {
	p, ps, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return
	}
	subs, err := u.srv.Webhooks(r.Context(), "")
	if err != nil {
		u.failPage(w, r, "Company webhooks could not be read", err)
		return
	}
	v := webhooksView{Subscriptions: subs, Events: companyevent.Names, Error: problem}
	cs, err := u.store.Companies(r.Context())
	if err != nil {
		u.failPage(w, r, "Companies could not be read", err)
		return
	}
	for _, c := range cs {
		v.Companies = append(v.Companies, companyOption{c.UUID, c.Name})
	}
	if st, err := u.srv.WebhookSetup(r.Context(), p.ID); err == nil {
		v.Setup = &st
	}
	u.render(w, r, status, "webhooks", page{Title: "Company webhooks", Section: "deliveries", Partner: p, Partners: ps, Data: v})
}

// addWebhook adds a company webhook from the form.
func (u *UI) addWebhook(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	sub, err := u.srv.CreateWebhook(r.Context(), controlapi.SubscriptionInput{
		CompanyUUID: r.PostFormValue("company"), Label: strings.TrimSpace(r.PostFormValue("label")), URL: strings.TrimSpace(r.PostFormValue("url")),
		Events: r.PostForm["event"], SignatureVersion: r.PostFormValue("version"),
	})
	if err != nil {
		status, msgs := describe(err)
		u.renderWebhooks(w, r, status, strings.Join(msgs, " "))
		return
	}
	u.redirect(w, r, "/webhooks", &flash{Level: "ok", Text: fmt.Sprintf("Added company webhook %d. Its signature key: %s", sub.ID, sub.SignatureKey)})
}

// deleteWebhook removes a company webhook.
func (u *UI) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		u.errorPage(w, r, http.StatusNotFound, "No such company webhook", fmt.Sprintf("%q is not a company webhook id.", r.PathValue("id")))
		return
	}
	if err := u.srv.DeleteWebhook(r.Context(), id); err != nil {
		u.failPage(w, r, "The company webhook could not be removed", err)
		return
	}
	u.redirect(w, r, "/webhooks", &flash{Level: "ok", Text: fmt.Sprintf("Removed company webhook %d.", id)})
}

// setWebhookSetup sets, or with remove removes, the partner's setup.
func (u *UI) setWebhookSetup(w http.ResponseWriter, r *http.Request) {
	p, _, err := u.currentPartner(r)
	if err != nil {
		u.failPage(w, r, "No partner", err)
		return
	}
	r.ParseForm()
	if r.PostFormValue("remove") != "" {
		if err := u.srv.DeleteWebhookSetup(r.Context(), p.ID); err != nil {
			u.failPage(w, r, "The webhook setup could not be removed", err)
			return
		}
		u.redirect(w, r, "/webhooks", &flash{Level: "ok", Text: "Removed the webhook setup of " + p.Name + "."})
		return
	}
	if _, err := u.srv.SetWebhookSetup(r.Context(), p.ID, controlapi.WebhookSetup{URL: strings.TrimSpace(r.PostFormValue("url")), Events: r.PostForm["event"]}); err != nil {
		status, msgs := describe(err)
		u.renderWebhooks(w, r, status, strings.Join(msgs, " "))
		return
	}
	u.redirect(w, r, "/webhooks", &flash{Level: "ok", Text: "Saved the webhook setup of " + p.Name + ": every company that activated it sends its events there."})
}
