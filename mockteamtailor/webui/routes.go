package webui

import (
	"fmt"
	"io/fs"
	"net/http"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/guard"
)

// routes lists the UI's whole surface. The mock serves /partner, /mock,
// /files, /schemas and /healthz itself; everything else reaches here.
// Pages that call the partner to show its form (the activation form, the
// trigger forms) are sameSite: opening them is a call the journal records.
func (u *UI) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(time.Hour, http.FileServerFS(static))))

	mux.HandleFunc("GET /{$}", u.overview)
	mux.HandleFunc("POST /partner", u.selectPartner)

	mux.HandleFunc("GET /marketplace", u.sameSite(u.marketplace))
	mux.HandleFunc("POST /marketplace/activate", u.activate)
	mux.HandleFunc("POST /marketplace/companies", u.addCompany)
	mux.HandleFunc("POST /marketplace/activations/{id}/delete", u.deactivate)

	mux.HandleFunc("GET /jobs", u.jobs)
	mux.HandleFunc("GET /jobs/{id}", u.job)
	mux.HandleFunc("POST /jobs/{id}/move", u.move)
	mux.HandleFunc("GET /jobs/{id}/stages/{stage}/trigger", u.sameSite(u.triggerForm))
	mux.HandleFunc("POST /jobs/{id}/stages/{stage}/trigger", u.createTrigger)
	mux.HandleFunc("POST /triggers/{id}/delete", u.deleteTrigger)

	mux.HandleFunc("GET /candidates", u.candidates)
	mux.HandleFunc("GET /candidates/{id}", u.candidate)
	mux.HandleFunc("GET /candidates/{id}/results", u.candidateResults)
	mux.HandleFunc("GET /candidates/{id}/trigger", u.sameSite(u.manualForm))
	mux.HandleFunc("POST /candidates/{id}/trigger", u.manualTrigger)
	mux.HandleFunc("POST /candidates/{id}/reject", u.reject)
	mux.HandleFunc("GET /bulk", u.sameSite(u.bulkForm))
	mux.HandleFunc("POST /bulk", u.bulkTrigger)
	mux.HandleFunc("GET /bulk/{id}", u.bulkRun)
	mux.HandleFunc("GET /bulk/{id}/progress", u.bulkProgress)
	mux.HandleFunc("POST /results/{id}/actions/{index}", u.invokeAction)

	mux.HandleFunc("GET /deliveries", u.deliveries)
	mux.HandleFunc("GET /deliveries/{id}", u.delivery)
	mux.HandleFunc("POST /deliveries/{id}/verify", u.verify)
	mux.HandleFunc("POST /deliveries/{id}/replay", u.replay)
	mux.HandleFunc("GET /webhooks", u.webhooks)
	mux.HandleFunc("POST /webhooks", u.addWebhook)
	mux.HandleFunc("POST /webhooks/{id}/delete", u.deleteWebhook)
	mux.HandleFunc("POST /webhooks/setup", u.setWebhookSetup)
	mux.HandleFunc("GET /live", u.live)
	mux.HandleFunc("GET /replay", u.replayCaptureForm)
	mux.HandleFunc("POST /replay", u.replayCapture)
	mux.HandleFunc("GET /replay/{delivery}", u.replayCaptureOutcome)

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			u.errorPage(w, r, http.StatusMethodNotAllowed, "Method not allowed", fmt.Sprintf("%s is not allowed on %s.", r.Method, r.URL.Path))
			return
		}
		u.errorPage(w, r, http.StatusNotFound, "Page not found", fmt.Sprintf("There is no page %s in this mock.", r.URL.Path))
	})
	// The UI sends webhooks on a click: refuse form posts from other sites.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.errorPage(w, r, http.StatusForbidden, "Cross-site request refused", "This form was posted from another site; open the mock's UI and try again.")
	}))
	return securityHeaders(cop.Handler(mux))
}

// sameSite refuses a GET a browser sent from another site's page (a link,
// an image, a frame): such a GET would make the mock call the partner on
// that page's behalf, and a page could flood the journal with them.
// Typed addresses, bookmarks and the mock's own links pass.
func (u *UI) sameSite(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if guard.FromOtherSite(r) {
			u.errorPage(w, r, http.StatusForbidden, "Cross-site request refused", "This page calls the partner for its form, so it does not open from another site's link; open the mock's UI and follow its own link.")
			return
		}
		h(w, r)
	}
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("max-age=%d", int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// securityHeaders keeps pages to their own assets: no inline scripts, no
// requests anywhere but the mock.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}
