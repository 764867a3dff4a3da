package webui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"html/template"
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mockteamtailor/mockteamtailor/internal/secret"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// funcs are the helpers templates use; views do the real work.
var funcs = template.FuncMap{
	"mask":     secret.Mask,
	"humanize": humanize,
	"clock":    func(t time.Time) string { return t.Local().Format("15:04:05") },
	"when":     when,
	"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
	"ms":       func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) + " ms" },
	// query is a URL query already encoded: typed as a URL so that
	// html/template does not encode it again ("company%3d..." selects no
	// company).
	"query": func(k, v string) template.URL { return template.URL(url.Values{k: {v}}.Encode()) },
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, one)
		}
		return fmt.Sprintf("%d %s", n, many)
	},
	"initials": initials,
	// aOrAn is the indefinite article before a name: "an Example Partner
	// trigger", "a Greenhouse trigger".
	"aOrAn": func(name string) string {
		if name != "" && strings.ContainsRune("AEIOUaeiou", rune(name[0])) {
			return "an"
		}
		return "a"
	},
	"statusTag": statusTag,
	"verdictTag": func(v string) string {
		switch v {
		case store.VerdictOK:
			return "ok"
		case store.VerdictFailed, store.VerdictError:
			return "bad"
		}
		return "warn"
	},
}

// humanize turns an id such as "pass_threshold" into "Pass threshold"
// ("api_token" into "API token").
func humanize(id string) string {
	words := strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(id))
	if len(words) == 0 {
		return id
	}
	for i, w := range words {
		switch w {
		case "api", "url", "id", "uuid", "jwt":
			words[i] = strings.ToUpper(w)
		}
	}
	s := strings.Join(words, " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	lt := t.Local()
	if y, m, d := time.Now().Date(); lt.Year() == y && lt.Month() == m && lt.Day() == d {
		return lt.Format("15:04:05")
	}
	return lt.Format("2 Jan 2006 15:04")
}

func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(w)
		if r != utf8.RuneError && len(out) < 2 {
			out = append(out, []rune(strings.ToUpper(string(r)))...)
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// statusTag is the badge colour of a partner result status.
func statusTag(s string) string {
	switch s {
	case "completed":
		return "ok"
	case "failed":
		return "bad"
	case "pending":
		return "warn"
	}
	return "info"
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// candidateName is how a candidate is called on pages; a candidate
// without a name (the nulls fixture) gets its id.
func candidateName(c store.CandidateRecord) string {
	n := strings.TrimSpace(str(c.Data.FirstName) + " " + str(c.Data.LastName))
	if n == "" {
		return fmt.Sprintf("Candidate %d", c.ID)
	}
	return n
}

// summaryCut is where Teamtailor cuts a result's summary (docs/protocol.md §2.3).
const summaryCut = 150

// cutText returns the first n characters of s and whether it was cut.
func cutText(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n]), " ") + "…", true
}

// prettyJSON indents a JSON body; anything else is returned as is.
func prettyJSON(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return s, false
	}
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(t), "", "  ") != nil {
		return s, false
	}
	return buf.String(), true
}

// ---- partner results ----

// resultView is a partner result as Teamtailor shows it on the
// candidate card.
type resultView struct {
	R           store.PartnerResult
	PartnerName string
	Candidate   string
	CandidateID int64
	Status      string
	// Score visual (docs/protocol.md §7: shown for partners with the assessment
	// capability).
	HasScore    bool
	ShowVisual  bool
	Score       int
	ScoreText   string
	Grade       string
	GradeLabel  string
	Duration    string
	Summary     string
	SummaryCut  bool
	FullSummary string
	URL         string
	Details     []detailRow
	Attachments []protocol.Attachment
	Actions     []actionView
	Criteria    []criterionView
	Message     string
	UpdatedAt   time.Time
	HasMore     bool // "view details" has something to show
}

type detailRow struct {
	Key    string
	Value  string
	Nested []detailRow
}

type actionView struct {
	Index int
	Text  string
	Path  string
}

type criterionView struct {
	Label string
	Score int
	Has   bool
}

var gradeLabels = map[string]string{
	"top_fit": "Top fit", "might_be_fit": "Might be a fit", "might_not_be_fit": "Might not be a fit", "unknown": "Unknown",
}

func newResultView(r store.PartnerResult, p store.Partner, candidate string) resultView {
	v := resultView{R: r, PartnerName: p.Name, Candidate: candidate, CandidateID: r.CandidateID, Status: string(r.Status), Message: r.Message, UpdatedAt: r.UpdatedAt}
	if v.PartnerName == "" {
		v.PartnerName = r.PartnerID
	}
	if s := r.Assessment.Score; s != nil {
		v.HasScore, v.Score = true, int(math.Round(*s))
		v.ScoreText = strconv.FormatFloat(*s, 'f', -1, 64)
		v.ShowVisual = p.Assessment
	}
	if g := r.Assessment.Grade; g != nil {
		v.Grade, v.GradeLabel = *g, gradeLabels[*g]
		if v.GradeLabel == "" {
			v.GradeLabel = humanize(*g)
		}
	}
	if d := r.Assessment.Duration; d != nil {
		v.Duration = duration(*d)
	}
	if r.Summary != nil {
		v.FullSummary = *r.Summary
		v.Summary, v.SummaryCut = cutText(*r.Summary, summaryCut)
	}
	v.URL = str(r.URL)
	v.Details = detailRows(r.Details)
	v.Attachments = r.Attachments
	for i, a := range r.Actions {
		v.Actions = append(v.Actions, actionView{Index: i, Text: a.ButtonText, Path: fmt.Sprintf("/results/%s/actions/%d", url.PathEscape(r.ID), i)})
	}
	for _, c := range r.AssessmentCriteria {
		var id any
		json.Unmarshal(c.ID, &id)
		cv := criterionView{Label: humanize(fmt.Sprint(id))}
		if c.Score != nil {
			cv.Has, cv.Score = true, int(math.Round(*c.Score))
		}
		v.Criteria = append(v.Criteria, cv)
	}
	v.HasMore = v.SummaryCut || len(v.Details) > 0 || len(v.Criteria) > 0
	return v
}

func duration(sec int64) string {
	d := time.Duration(sec) * time.Second
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case m > 0:
		return fmt.Sprintf("%d min %d s", m, s)
	}
	return fmt.Sprintf("%d s", s)
}

// detailRows renders a details object (depth at most 2, docs/protocol.md §2.3).
func detailRows(raw json.RawMessage) []detailRow {
	var m map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var out []detailRow
	for _, k := range sortedKeys(m) {
		row := detailRow{Key: humanize(k)}
		var inner map[string]json.RawMessage
		if json.Unmarshal(m[k], &inner) == nil && inner != nil {
			row.Nested = detailRows(m[k])
		} else {
			row.Value = scalar(m[k])
		}
		out = append(out, row)
	}
	return out
}

// scalar renders a JSON value as text: strings without quotes, booleans
// as yes/no.
func scalar(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		return x
	case bool:
		if x {
			return "Yes"
		}
		return "No"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			b, _ := json.Marshal(e)
			parts = append(parts, scalar(b))
		}
		return strings.Join(parts, ", ")
	}
	return string(raw)
}

// ---- deliveries ----

// deliveryView is one journal entry as the inspector lists it.
type deliveryView struct {
	D        store.Delivery
	Method   string
	Target   string // path and query of the URL
	Status   string
	Incoming bool // a Partner API or /v1 request the partner made
}

func newDeliveryView(d store.Delivery) deliveryView {
	v := deliveryView{D: d, Method: d.Request.Method, Target: d.Request.URL, Incoming: d.Kind == store.KindPartnerAPI || d.Kind == publicapi.KindPublicAPI}
	if u, err := url.Parse(d.Request.URL); err == nil {
		v.Target = u.RequestURI()
	}
	v.Status = "no answer"
	if d.Response != nil && d.Response.Status != 0 {
		v.Status = strconv.Itoa(d.Response.Status)
	}
	return v
}

var kindLabels = map[string]string{
	store.KindConfig: "Config", store.KindActivation: "Activation form", store.KindValidate: "Validation",
	store.KindWebhook: "Webhook", store.KindAction: "Action", store.KindPartnerAPI: "Partner API", publicapi.KindPublicAPI: "Public API",
	store.KindCompanyWebhook: "Company webhook",
}

// secretArg, resultArg and pickerArg bundle the arguments of partials.
type secretArg struct{ Label, Value string }

type resultArg struct {
	R    resultView
	Back string // where an action button returns to
}

type pickerArg struct {
	Company   store.Company
	Companies []store.Company
	Action    string
}

func init() {
	funcs["secret"] = func(label, value string) secretArg { return secretArg{label, value} }
	funcs["resultIn"] = func(r resultView, back string) resultArg { return resultArg{r, back} }
	funcs["companyPick"] = func(c store.Company, cs []store.Company, action string) pickerArg {
		return pickerArg{c, cs, action}
	}
	funcs["kindLabel"] = func(k string) string {
		if l, ok := kindLabels[k]; ok {
			return l
		}
		return k
	}
}
