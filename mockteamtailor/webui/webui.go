// Package webui is the mock's web UI: a local Teamtailor sandbox in the
// browser. Developers see their integration the way recruiters see it in
// Teamtailor: the marketplace activation form, a job's pipeline with
// triggers, candidate cards with the partner results, and an inspector of
// every call between the mock and the partner.
//
// It keeps no state of its own. Pages read the mock's store, and every
// change goes through the same library operations the control API uses
// (Activate, CreateTrigger, MoveCandidate, ManualTrigger, BulkTrigger,
// InvokeAction, Replay) or through the control API itself, so nothing done
// here can put the store in a state the control API would refuse.
//
// Pages are rendered on the server with html/template; a little plain
// JavaScript adds copying, drag and drop, refetching config forms and live
// updates (server-sent events). Templates, styles and scripts are embedded:
// the UI works offline and loads nothing from elsewhere.
package webui

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

//go:embed templates static
var assets embed.FS

// pageNames are the page templates under templates/pages; each is parsed
// with the layout and the partials.
var pageNames = []string{
	"overview", "marketplace", "jobs", "job", "configform", "candidates",
	"candidate", "bulk", "deliveries", "delivery", "error", "replay", "webhooks",
}

// Mock is what the UI needs of the mock: the admin model for everything
// a page changes, the journal's entries as they are written (live
// updates), and the store and clock the pages are rendered from.
// *mockteamtailor.Server implements it.
type Mock interface {
	controlapi.Admin
	// ShowActivationForm is ActivationForm for a form only shown to a
	// person (its fetch is journaled as such).
	ShowActivationForm(ctx context.Context, partnerID, companyUUID string) (controlapi.ActivationFormResult, error)
	Subscribe() (<-chan store.Delivery, func())
	Store() store.Store
	Clock() func() time.Time
}

var _ Mock = (*mockteamtailor.Server)(nil)

// UI is the web UI as an http.Handler. Build it with New and mount it
// with Server.SetUI.
type UI struct {
	srv   Mock
	store store.Store
	log   *slog.Logger
	clock func() time.Time

	pages    map[string]*template.Template
	partials *template.Template // fragments refreshed by live updates
	handler  http.Handler

	// streamFor bounds one server-sent events response. The browser
	// reconnects at once and catches up by id, so a closing server never
	// waits on an open tab beyond its shutdown grace period.
	streamFor time.Duration
}

// New builds the UI over srv. Every template is parsed here, so a broken
// template is an error at start-up, never a failed page.
func New(srv Mock, logger *slog.Logger) (*UI, error) {
	if srv == nil {
		return nil, errors.New("webui: New needs the mock server")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	u := &UI{srv: srv, store: srv.Store(), log: logger.With("component", "webui"), clock: srv.Clock(), streamFor: 8 * time.Second}
	if err := u.parseTemplates(assets); err != nil {
		return nil, err
	}
	u.handler = u.routes()
	return u, nil
}

// ServeHTTP implements http.Handler.
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.handler.ServeHTTP(w, r) }

// parseTemplates parses every page of fsys (the embedded assets; tests
// pass broken ones) with the layout and the partials.
func (u *UI) parseTemplates(fsys fs.FS) error {
	u.pages = map[string]*template.Template{}
	base := func(name string) (*template.Template, error) {
		return template.New(name).Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/partials/*.html")
	}
	var errs []error
	for _, name := range pageNames {
		t, err := base(name)
		if err == nil {
			t, err = t.ParseFS(fsys, "templates/pages/"+name+".html")
		}
		if err == nil && t.Lookup("content") == nil {
			err = fmt.Errorf("templates/pages/%s.html defines no \"content\"", name)
		}
		if err == nil {
			err = escapeNow(t)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("webui: template %s: %w", name, err))
			continue
		}
		u.pages[name] = t
	}
	// Every page file must be listed, so none is forgotten.
	files, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		errs = append(errs, err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if _, ok := u.pages[name]; !ok && !hasError(errs, name) {
			errs = append(errs, fmt.Errorf("webui: templates/pages/%s.html is not a known page", name))
		}
	}
	p, err := base("partials")
	if err != nil {
		errs = append(errs, fmt.Errorf("webui: partials: %w", err))
	}
	u.partials = p
	return errors.Join(errs...)
}

// escapeNow makes html/template check the page's contexts now (it does
// on the first execution), so an unsafe or unfinished template fails at
// start-up. Executing without data fails later, on purpose: only
// escaping errors count.
func escapeNow(t *template.Template) error {
	err := t.ExecuteTemplate(io.Discard, "layout", page{})
	var escErr *template.Error
	if errors.As(err, &escErr) {
		return err
	}
	return nil
}

func hasError(errs []error, name string) bool {
	for _, e := range errs {
		if strings.Contains(e.Error(), "template "+name+":") {
			return true
		}
	}
	return false
}

// page is what the layout needs; Data is the page's own view.
type page struct {
	Title    string
	Section  string // the highlighted navigation entry
	Partner  store.Partner
	Partners []store.Partner
	Flash    *flash
	// LiveAfter is the newest journal id when the page was rendered: live
	// updates start after it.
	LiveAfter int64
	Path      string
	Data      any
}

// render writes a whole page. It renders into a buffer first, so a
// template error becomes an error page instead of half a page.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := u.pages[name]
	if !ok {
		u.log.Error("unknown page template", "page", name)
		http.Error(w, "internal error: unknown page", http.StatusInternalServerError)
		return
	}
	if p.Partner.ID == "" || p.Partners == nil {
		cur, all, _ := u.currentPartner(r)
		if p.Partner.ID == "" {
			p.Partner = cur
		}
		p.Partners = all
	}
	if p.Flash == nil {
		p.Flash = takeFlash(w, r)
	}
	p.Path = r.URL.RequestURI()
	if ds, err := u.store.Journal(r.Context(), store.JournalFilter{Limit: 1}); err == nil && len(ds) > 0 {
		p.LiveAfter = ds[len(ds)-1].ID
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		u.log.Error("render page", "page", name, "error", err)
		http.Error(w, "internal error: the page could not be rendered; see the mock's log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderPartial writes one fragment (a section live updates refresh).
func (u *UI) renderPartial(w http.ResponseWriter, name string, data any) {
	var buf bytes.Buffer
	if err := u.partials.ExecuteTemplate(&buf, name, data); err != nil {
		u.log.Error("render fragment", "fragment", name, "error", err)
		http.Error(w, "internal error: the fragment could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// partialString renders a fragment to a string (rows sent by live updates).
func (u *UI) partialString(name string, data any) (string, error) {
	var buf bytes.Buffer
	err := u.partials.ExecuteTemplate(&buf, name, data)
	return buf.String(), err
}

type errorView struct {
	Status  int
	Heading string
	Message string
	Back    string
}

func (u *UI) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	u.render(w, r, status, "error", page{Title: heading, Data: errorView{Status: status, Heading: heading, Message: msg, Back: "/"}})
}

// failPage shows an error of a library operation: its status and message
// for the mock's own errors, a generic one (logged) for anything else.
func (u *UI) failPage(w http.ResponseWriter, r *http.Request, heading string, err error) {
	status, msgs := describe(err)
	if status >= 500 && status != http.StatusBadGateway {
		u.log.Error(heading, "path", r.URL.Path, "error", err)
	}
	u.errorPage(w, r, status, heading, strings.Join(msgs, " "))
}

// redirect answers a form post with 303 See Other and a message for the
// next page (post/redirect/get, so reloading never posts twice).
func (u *UI) redirect(w http.ResponseWriter, r *http.Request, to string, f *flash) {
	if f != nil {
		setFlash(w, *f)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
