package webui

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// The UI keeps nothing but two cookies: the partner being looked at, and
// a one-time message for the page after a form post.
const (
	partnerCookie = "mocktt_partner"
	flashCookie   = "mocktt_flash"
)

// flash is a message shown once, on the page a form post redirects to.
type flash struct {
	Level    string `json:"l"` // ok, error, info
	Text     string `json:"t"`
	Link     string `json:"h,omitempty"`
	LinkText string `json:"a,omitempty"`
}

func setFlash(w http.ResponseWriter, f flash) {
	// A cookie holds about 4 KB: long messages are cut.
	if len(f.Text) > 1500 {
		f.Text = f.Text[:1500]
		for !utf8.ValidString(f.Text) {
			f.Text = f.Text[:len(f.Text)-1]
		}
		f.Text += "…"
	}
	b, _ := json.Marshal(f)
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// takeFlash reads the message and clears it, so it shows once.
func takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	var f flash
	if err != nil || json.Unmarshal(b, &f) != nil || f.Text == "" {
		return nil
	}
	// Only the UI's own paths are linked.
	if !strings.HasPrefix(f.Link, "/") || strings.HasPrefix(f.Link, "//") {
		f.Link = ""
	}
	return &f
}

// currentPartner is the partner picked with the switcher, or the first.
func (u *UI) currentPartner(r *http.Request) (store.Partner, []store.Partner, error) {
	ps, err := u.store.Partners(r.Context())
	if err != nil {
		return store.Partner{}, nil, err
	}
	if len(ps) == 0 {
		return store.Partner{}, nil, errors.New("the mock has no partner integration yet; add one with POST /mock/v1/partners")
	}
	if c, err := r.Cookie(partnerCookie); err == nil {
		if id, err := url.QueryUnescape(c.Value); err == nil {
			for _, p := range ps {
				if p.ID == id {
					return p, ps, nil
				}
			}
		}
	}
	return ps[0], ps, nil
}

// selectPartner switches the partner the pages show.
func (u *UI) selectPartner(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("partner")
	if _, err := u.store.Partner(r.Context(), id); err != nil {
		u.errorPage(w, r, http.StatusNotFound, "No such partner", "There is no partner integration "+strconv.Quote(id)+".")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: partnerCookie, Value: url.QueryEscape(id), Path: "/", SameSite: http.SameSiteLaxMode})
	next := r.PostFormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// sandboxCompany is the partner's sandbox company (docs/protocol.md §4: an
// integration under development is activated in one), or "".
func (u *UI) sandboxCompany(ctx context.Context, partnerID string) string {
	_, c, _, _ := sandbox.Of(ctx, u.store, partnerID)
	return c.UUID
}

// pickCompany returns the company named by ?company=, else the partner's
// sandbox company, else the first company.
func (u *UI) pickCompany(r *http.Request, partnerID string) (store.Company, []store.Company, error) {
	cs, err := u.store.Companies(r.Context())
	if err != nil {
		return store.Company{}, nil, err
	}
	if len(cs) == 0 {
		return store.Company{}, nil, errors.New("the mock has no company yet")
	}
	want := r.URL.Query().Get("company")
	if want == "" {
		want = u.sandboxCompany(r.Context(), partnerID)
	}
	for _, c := range cs {
		if c.UUID == want {
			return c, cs, nil
		}
	}
	if q := r.URL.Query().Get("company"); q != "" {
		return store.Company{}, cs, &protocol.Error{Status: http.StatusNotFound, Title: "Not found", Detail: "There is no company " + strconv.Quote(q) + "."}
	}
	return cs[0], cs, nil
}

// describe turns an error of a library operation into a status and the
// messages to show. The mock's own errors say what was wrong; anything
// else is not shown (it may hold internals) and is logged by the caller.
func describe(err error) (int, []string) {
	err = httpapi.Of(err)
	var list protocol.Errors
	if errors.As(err, &list) && len(list) > 0 {
		var msgs []string
		for _, e := range list {
			msgs = append(msgs, message(e))
		}
		return list[0].Status, msgs
	}
	var e *protocol.Error
	if errors.As(err, &e) {
		return e.Status, []string{message(e)}
	}
	var full *store.LimitError
	if errors.As(err, &full) {
		return http.StatusUnprocessableEntity, []string{sentence(full.Error())}
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, []string{"Not found."}
	case errors.Is(err, store.ErrPersist):
		return http.StatusServiceUnavailable, []string{"The mock could not write its state file; see its log, then retry."}
	}
	return http.StatusInternalServerError, []string{"The mock failed unexpectedly; see its log."}
}

func message(e *protocol.Error) string {
	if e.Detail != "" {
		return sentence(e.Detail)
	}
	return sentence(e.Title)
}

// sentence capitalises a library message (they are lower case, for
// wrapping) and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// problemSet is an error of a form submission split by where it
// belongs: JSON pointers into the request (the library's 422s name the
// field, e.g. /data/test or /values/api_token), or nowhere.
type problemSet struct {
	general   []string
	byPointer map[string]string // raw library messages
	order     []string
}

func problemsOf(err error) *problemSet {
	ps := &problemSet{byPointer: map[string]string{}}
	err = httpapi.Of(err)
	var list protocol.Errors
	var one *protocol.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = protocol.Errors{one}
	default:
		_, ps.general = describe(err)
		return ps
	}
	for _, e := range list {
		if e.Pointer == "" {
			ps.general = append(ps.general, message(e))
			continue
		}
		if prev, dup := ps.byPointer[e.Pointer]; dup {
			ps.byPointer[e.Pointer] = prev + "; " + e.Detail
			continue
		}
		ps.byPointer[e.Pointer] = e.Detail
		ps.order = append(ps.order, e.Pointer)
	}
	return ps
}

// take removes and returns the messages under base, by the member name
// after base (a field id, unescaped).
func (ps *problemSet) take(base string) map[string]string {
	out := map[string]string{}
	for ptr, msg := range ps.byPointer {
		if id, ok := strings.CutPrefix(ptr, base+"/"); ok && id != "" {
			out[strings.ReplaceAll(strings.ReplaceAll(id, "~1", "/"), "~0", "~")] = msg
			delete(ps.byPointer, ptr)
		}
	}
	return out
}

// takeExact removes and returns the message at pointer, as a sentence.
func (ps *problemSet) takeExact(pointer string) string {
	msg, ok := ps.byPointer[pointer]
	if !ok {
		return ""
	}
	delete(ps.byPointer, pointer)
	return sentence(msg)
}

// rest returns every message not taken.
func (ps *problemSet) rest() []string {
	out := slices.Clone(ps.general)
	for _, ptr := range ps.order {
		if msg, ok := ps.byPointer[ptr]; ok {
			out = append(out, sentence(msg))
		}
	}
	return out
}
