package fuzz

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/internal/orderedjson"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
)

// Bounds of generated strings. The protocol sets no length limit on
// candidate data; the fixtures' long-strings candidate carries names of
// several hundred characters and an answer of over 12,000
// (fixtures/README.md), so those are the bounds a partner must take.
const (
	maxNameLen   = 400
	maxAnswerLen = 12_500
	maxTextLen   = 2_000
)

// Generator makes the webhooks of a run. It is plain data after New and
// safe for concurrent use: each case draws from its own random source.
type Generator struct {
	seed uint64
	// form is the partner's /config form; nil when it serves none.
	form *protocol.Form
	// bulk says bulk-mode webhooks (no job) may be sent (docs/protocol.md §5).
	bulk bool
	// data turns the values picked in the form into webhook-data
	// (docs/protocol.md §1.1); nil gives empty webhook-data.
	data func(picked map[string]string) map[string]string
}

// NewGenerator returns the generator of a run with seed. form is the
// partner's /config form (nil: none, webhook-data is empty), data turns
// picked form values into webhook-data as Teamtailor does, and bulk allows
// bulk-mode webhooks.
func NewGenerator(seed uint64, form *protocol.Form, bulk bool, data func(map[string]string) map[string]string) *Generator {
	return &Generator{seed: seed, form: form, bulk: bulk, data: data}
}

// Case is one generated webhook.
type Case struct {
	Index int
	// Body is the webhook body; the embedded mock rewrites its event id,
	// partner result and company before it is sent (as a replay does).
	Body []byte
	// Features are what the case exercises, as "field:variant"; the
	// coverage report counts them.
	Features []string
}

// gen is the state of generating one case.
type gen struct {
	r        *rand.Rand
	features []string
}

func (g *gen) note(format string, args ...any) {
	g.features = append(g.features, fmt.Sprintf(format, args...))
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// Case returns case i of the run: the same seed and i always give the
// same body.
func (gr *Generator) Case(i int) Case {
	g := &gen{r: rand.New(rand.NewPCG(gr.seed, uint64(i)))}
	eventID, resultID := g.uuid(), g.uuid()
	pe := obj(
		"id", str(eventID),
		"webhook-data", gr.webhookData(g),
		"partner-result", obj("id", str(resultID), "status", str("sending"),
			"update-url", str("https://api.teamtailor.com/partner/v1/partner-results/"+resultID)),
		"candidate", gr.candidate(g),
	)
	body := obj("partner-event", pe,
		"company", obj("uuid", str("qebizGuK7Gm"), "name", str("Acme Logistik AB"),
			"url", str("https://careers.acme.example.com"), "logotype", str("https://images.example.com/companies/qebizGuK7Gm/logotype.png")))
	slices.Sort(g.features)
	return Case{Index: i, Body: body.Marshal(""), Features: slices.Compact(g.features)}
}

// webhookData picks a value for each field of the partner's form as a
// recruiter could (an option, a number within min, max and step, a date,
// text in any script), leaving out fields that are not required now and
// then, and turns them into webhook-data.
func (gr *Generator) webhookData(g *gen) *orderedjson.Value {
	out := orderedjson.Obj()
	if gr.form == nil || gr.data == nil {
		return out
	}
	picked := map[string]string{}
	for _, f := range gr.form.Fields {
		if !f.HasValue() {
			continue
		}
		if !f.Required && g.chance(0.2) {
			g.note("webhook-data/%s:absent", f.ID)
			continue
		}
		v, variant := g.formValue(f)
		if v == "" {
			continue
		}
		picked[f.ID] = v
		g.note("webhook-data/%s:%s", f.ID, variant)
	}
	data := gr.data(picked)
	for _, k := range sortedKeys(data) {
		out.Set(k, str(data[k]))
	}
	return out
}

// formValue picks a value of form field f and names its variant.
func (g *gen) formValue(f protocol.FormField) (string, string) {
	switch f.Type {
	case "select", "radio":
		if opts := f.AllOptions(); len(opts) > 0 {
			return opts[g.r.IntN(len(opts))].ID, "option"
		}
	case "multiselect":
		opts := f.AllOptions()
		if len(opts) == 0 {
			return "", ""
		}
		var ids []string
		for _, o := range opts {
			if g.chance(0.5) {
				ids = append(ids, o.ID)
			}
		}
		if len(ids) == 0 {
			ids = []string{opts[0].ID}
		}
		return strings.Join(ids, ","), fmt.Sprintf("%d-options", len(ids))
	case "checkbox":
		if g.chance(0.5) {
			return "true", "true"
		}
		return "false", "false"
	case "number", "range":
		lo, hasLo := f.Attr("min")
		hi, hasHi := f.Attr("max")
		step, hasStep := f.Attr("step")
		if !hasLo {
			lo = 0
		}
		if !hasHi {
			hi = lo + 1000
		}
		if !hasStep || step <= 0 {
			step = 1
		}
		n := int((hi - lo) / step)
		k := g.r.IntN(n + 1)
		variant := "within"
		switch {
		case k == 0:
			variant = "min"
		case k == n:
			variant = "max"
		}
		return strconv.FormatFloat(lo+float64(k)*step, 'f', -1, 64), variant
	case "text", "textarea", "search", "password":
		s, variant := g.text(200)
		if s == "" {
			s, variant = "x", "plain"
		}
		return s, variant
	}
	return "", ""
}

// candidate generates the candidate, with its job unless bulk mode.
func (gr *Generator) candidate(g *gen) *orderedjson.Value {
	c := obj("id", g.id("candidate/id"), "uuid", str(g.uuid()))
	for _, k := range []string{"first-name", "last-name"} {
		c.Set(k, g.nullable("candidate/"+k, maxNameLen))
	}
	c.Set("email", g.email("candidate/email"))
	c.Set("phone", g.nullableOf("candidate/phone", func() string { return g.pick(phones) }))
	c.Set("picture-url", g.nullableOf("candidate/picture-url", func() string { return "https://images.example.com/avatars/" + g.uuid() + ".jpg" }))
	c.Set("tags", g.strings("candidate/tags", 5, 100))
	c.Set("department", g.nullable("candidate/department", maxTextLen))
	c.Set("role", g.nullable("candidate/role", maxTextLen))

	switch mode := g.r.IntN(10); {
	case gr.bulk && mode < 3:
		g.note("mode:bulk")
	case mode < 7:
		g.note("mode:stage")
		c.Set("job", g.job(true))
	default:
		g.note("mode:manual")
		c.Set("job", g.job(false))
	}

	switch g.r.IntN(6) {
	case 0:
		g.note("candidate/recruiter:null")
		c.Set("recruiter", null())
	case 1:
		g.note("candidate/recruiter:absent")
	default:
		c.Set("recruiter", obj("name", g.nullable("candidate/recruiter/name", maxNameLen), "email", g.email("candidate/recruiter/email"),
			"phone", g.nullableOf("candidate/recruiter/phone", func() string { return g.pick(phones) })))
	}
	locs := arr()
	for range g.count("candidate/locations", 3) {
		locs.Items = append(locs.Items, obj("name", g.nullable("candidate/locations/name", 200), "address", g.nullable("candidate/locations/address", maxTextLen)))
	}
	c.Set("locations", locs)
	c.Set("questions", g.questions())
	c.Set("custom-fields", g.customFields("candidate/custom-fields"))

	// Optional blocks are absent, not null, when not enabled
	// (docs/protocol.md §1.1).
	if g.block("candidate/job-offers", 0.5) {
		c.Set("job-offers", g.jobOffers())
	}
	if g.block("candidate/referrals", 0.6) {
		refs := arr()
		for range g.count("candidate/referrals", 3) {
			refs.Items = append(refs.Items, obj("id", g.idOrString("candidate/referrals/id"), "name", g.nullable("candidate/referrals/name", maxNameLen),
				"email", g.email("candidate/referrals/email")))
		}
		c.Set("referrals", refs)
	}
	if g.block("candidate/onboardings", 0.4) {
		obs := arr()
		for range g.count("candidate/onboardings", 2) {
			obs.Items = append(obs.Items, obj("id", g.idOrString("candidate/onboardings/id"), "status", str(g.pick([]string{"active", "completed"})),
				"progress", g.progress(), "created_at", str("2025-02-03T09:12:44+01:00"), "start_date", g.nullableOf("candidate/onboardings/start_date", func() string { return "2025-03-01" }),
				"department", g.nullable("candidate/onboardings/department", 200), "role", g.nullable("candidate/onboardings/role", 200),
				"job", g.nullable("candidate/onboardings/job", 200), "user", g.email("candidate/onboardings/user")))
		}
		c.Set("onboardings", obs)
	}
	if g.block("candidate/uploads", 0.4) {
		ups := arr()
		for range g.count("candidate/uploads", 3) {
			ups.Items = append(ups.Items, g.file("candidate/uploads"))
		}
		c.Set("uploads", ups)
	}
	if g.block("candidate/resume", 0.4) {
		c.Set("resume", g.file("candidate/resume"))
	}
	return c
}

// job generates the job of the application; a stage trigger adds
// stage-id, trigger-id and triggered-by (docs/protocol.md §1.1).
func (g *gen) job(stage bool) *orderedjson.Value {
	s, _ := g.text(300)
	if s == "" {
		s = "Developer"
	}
	g.note("candidate/job/title:text")
	j := obj("id", g.id("candidate/job/id"), "title", str(s), "stage", g.nullable("candidate/job/stage", 100),
		"tags", g.strings("candidate/job/tags", 4, 60), "custom-fields", g.customFields("candidate/job/custom-fields"),
		"status", obj("rejected", boolean(g.chance(0.2))))
	if stage {
		j.Set("stage-id", num(strconv.Itoa(1_000_000+g.r.IntN(9_000_000))))
		j.Set("trigger-id", num(strconv.Itoa(10_000+g.r.IntN(90_000))))
		j.Set("triggered-by", obj("id", num(strconv.Itoa(100_000+g.r.IntN(900_000))), "email", g.email("candidate/job/triggered-by/email"),
			"name", g.nullable("candidate/job/triggered-by/name", maxNameLen)))
	}
	return j
}

// questions generates screening questions with answers of every kind
// the protocol names: text, a list of choices, yes or no, a range, a
// file URL, and null for an unanswered one (docs/protocol.md §1.1).
func (g *gen) questions() *orderedjson.Value {
	qs := arr()
	for range g.count("candidate/questions", 4) {
		q, _ := g.text(300)
		if q == "" {
			q = "Why this role?"
		}
		var a *orderedjson.Value
		switch k := g.r.IntN(7); k {
		case 0:
			g.note("candidate/questions/answer:null")
			a = null()
		case 1:
			g.note("candidate/questions/answer:choices")
			a = g.strings("candidate/questions/answer", 4, 80)
		case 2:
			g.note("candidate/questions/answer:yes-no")
			a = str(g.pick([]string{"yes", "no"}))
		case 3:
			g.note("candidate/questions/answer:range")
			a = str(strconv.Itoa(g.r.IntN(30)) + " years")
		case 4:
			g.note("candidate/questions/answer:file")
			a = str("https://files.example.com/answers/" + g.uuid() + ".pdf?X-Amz-Expires=3600&X-Amz-Signature=" + strings.Repeat("ab12", 16))
		default:
			s, v := g.text(maxAnswerLen)
			g.note("candidate/questions/answer:%s", v)
			a = str(s)
		}
		qs.Items = append(qs.Items, obj("question", str(q), "answer", a))
	}
	return qs
}

// customFieldTypes are the custom field types of the protocol
// (webhook.schema.json#/$defs/customFieldValue).
var customFieldTypes = []string{"text", "date", "boolean", "phone", "number", "email", "url", "select", "multiselect"}

var apiNames = []string{"cover-letter-summary", "available-from", "work-permit-eu", "secondary-phone", "years-of-experience",
	"private-email", "linkedin-profile", "preferred-language", "spoken-languages", "salary-expectation", "notice-period"}

// customFields generates custom fields of every type, the value in the
// shape the fixtures use: select a one-item list, multiselect a list,
// number a JSON number, boolean a JSON boolean, date YYYY-MM-DD
// (fixtures/README.md); now and then mapped from a company field (§4) or
// with a null value.
func (g *gen) customFields(path string) *orderedjson.Value {
	list := arr()
	for range g.count(path, 5) {
		typ := g.pick(customFieldTypes)
		var v *orderedjson.Value
		variant := typ
		switch typ {
		case "text":
			s, tv := g.text(maxTextLen)
			v, variant = str(s), "text-"+tv
		case "date":
			v = str(fmt.Sprintf("20%02d-%02d-%02d", g.r.IntN(40), 1+g.r.IntN(12), 1+g.r.IntN(28)))
		case "boolean":
			v = boolean(g.chance(0.5))
		case "phone":
			v = str(g.pick(phones))
		case "number":
			n, nv := g.number()
			v, variant = num(n), "number-"+nv
		case "email":
			v = str(g.pick(emails))
		case "url":
			v = str("https://profiles.example.com/in/" + g.uuid()[:8])
		case "select":
			s, tv := g.option()
			v, variant = arr(str(s)), "select-"+tv
		case "multiselect":
			items := arr()
			comma := false
			for range g.r.IntN(5) {
				s, tv := g.option()
				comma = comma || tv == "comma"
				items.Items = append(items.Items, str(s))
			}
			variant = fmt.Sprintf("multiselect-%d-items", len(items.Items))
			if comma {
				variant = "multiselect-comma"
			}
			v = items
		}
		if g.chance(0.08) {
			v, variant = null(), typ+"-null"
		}
		val := obj("value", v, "type", str(typ))
		if g.chance(0.2) {
			val.Set("mapped-from", str(g.pick(apiNames)))
			g.note("%s/mapped-from:present", path)
		}
		g.note("%s:%s", path, variant)
		list.Items = append(list.Items, obj(g.pick(apiNames), val))
	}
	return list
}

// option is a select option's text: plain, or with a comma, in another
// script, or long.
func (g *gen) option() (string, string) {
	switch g.r.IntN(8) {
	case 0, 1:
		return g.pick([]string{"Swedish, Finnish", "Sales, EMEA", "C, C++", "Ja, gerne"}), "comma"
	case 2:
		return g.pick([]string{"العربية", "日本語", "Français", "Ελληνικά"}), "script"
	default:
		return g.pick([]string{"English", "Hybrid", "Remote", "Go", "Ruby", "Full time"}), "plain"
	}
}

// jobOffers generates job offers with the snake_case keys; a salary
// amount is a decimal string or a number, so parsers must accept both
// (fixtures/README.md).
func (g *gen) jobOffers() *orderedjson.Value {
	list := arr()
	for range g.count("candidate/job-offers", 3) {
		var salary *orderedjson.Value
		switch g.r.IntN(6) {
		case 0:
			g.note("candidate/job-offers/salary:null")
			salary = null()
		default:
			var amount *orderedjson.Value
			switch g.r.IntN(4) {
			case 0:
				g.note("candidate/job-offers/salary/amount:string")
				amount = str(strconv.Itoa(20_000+g.r.IntN(80_000)) + ".00")
			case 1:
				g.note("candidate/job-offers/salary/amount:null")
				amount = null()
			case 2:
				g.note("candidate/job-offers/salary/amount:decimal")
				amount = num(strconv.Itoa(20_000+g.r.IntN(80_000)) + ".5")
			default:
				g.note("candidate/job-offers/salary/amount:integer")
				amount = num(strconv.Itoa(20_000 + g.r.IntN(80_000)))
			}
			salary = obj("amount", amount, "currency", g.nullableOf("candidate/job-offers/salary/currency", func() string { return g.pick([]string{"SEK", "EUR", "NOK"}) }),
				"salary_time_unit", g.nullableOf("candidate/job-offers/salary/salary_time_unit", func() string { return g.pick([]string{"monthly", "yearly", "hourly"}) }))
		}
		list.Items = append(list.Items, obj("id", str(g.uuid()), "created_at", str("2025-01-20T14:03:11+01:00"), "salary", salary,
			"status", str(g.pick([]string{"sent", "accepted", "declined"})), "response", g.nullable("candidate/job-offers/response", 200),
			"message", g.nullable("candidate/job-offers/message", maxTextLen), "name", g.nullable("candidate/job-offers/name", 200),
			"answered_at", g.nullableOf("candidate/job-offers/answered_at", func() string { return "2025-01-22T08:00:00+01:00" }),
			"start_date", g.nullableOf("candidate/job-offers/start_date", func() string { return "2025-04-01" })))
	}
	return list
}

func (g *gen) file(path string) *orderedjson.Value {
	name, v := g.text(120)
	name = strings.ReplaceAll(name, "/", "-") + g.pick([]string{".pdf", ".docx", ".png", ""})
	g.note("%s/file-name:%s", path, v)
	return obj("file-name", str(name), "url", str("https://files.example.com/uploads/"+g.uuid()+"?X-Amz-Expires=3600"))
}

func (g *gen) progress() *orderedjson.Value {
	switch g.r.IntN(4) {
	case 0:
		g.note("candidate/onboardings/progress:null")
		return null()
	case 1:
		g.note("candidate/onboardings/progress:decimal")
		return num(strconv.Itoa(g.r.IntN(100)) + ".5")
	}
	g.note("candidate/onboardings/progress:integer")
	return num(strconv.Itoa(g.r.IntN(101)))
}

// number is a JSON number as a number custom field may hold.
func (g *gen) number() (string, string) {
	switch g.r.IntN(6) {
	case 0:
		return "0", "zero"
	case 1:
		return "-" + strconv.Itoa(1+g.r.IntN(1000)), "negative"
	case 2:
		return strconv.Itoa(g.r.IntN(100)) + "." + strconv.Itoa(1+g.r.IntN(99)), "decimal"
	case 3:
		return strconv.FormatInt(1<<31+g.r.Int64N(1<<40), 10), "large"
	}
	return strconv.Itoa(1 + g.r.IntN(50)), "integer"
}

// id is a record id: an ordinary one, or one beyond 32 bits.
func (g *gen) id(path string) *orderedjson.Value {
	if g.chance(0.15) {
		g.note("%s:large", path)
		return num(strconv.FormatInt(1<<31+g.r.Int64N(1<<45), 10))
	}
	g.note("%s:ordinary", path)
	return num(strconv.Itoa(10_000_000 + g.r.IntN(90_000_000)))
}

// idOrString is an id the schema allows as an integer or a string.
func (g *gen) idOrString(path string) *orderedjson.Value {
	if g.chance(0.5) {
		g.note("%s:string", path)
		return str(g.uuid())
	}
	g.note("%s:integer", path)
	return num(strconv.Itoa(1 + g.r.IntN(9_999_999)))
}

// block reports whether an optional block is present, noting it.
func (g *gen) block(path string, p float64) bool {
	if g.chance(p) {
		return true
	}
	g.note("%s:absent", path)
	return false
}

// count is a list length up to most, noting an empty list.
func (g *gen) count(path string, most int) int {
	n := g.r.IntN(most + 1)
	if n == 0 {
		g.note("%s:empty", path)
	} else {
		g.note("%s:items", path)
	}
	return n
}

// strings is a list of up to most strings of up to maxLen characters.
func (g *gen) strings(path string, most, maxLen int) *orderedjson.Value {
	list := arr()
	for range g.count(path, most) {
		s, v := g.text(maxLen)
		g.note("%s/item:%s", path, v)
		list.Items = append(list.Items, str(s))
	}
	return list
}

// nullable is a string that may be null, of up to maxLen characters.
func (g *gen) nullable(path string, maxLen int) *orderedjson.Value {
	if g.chance(0.15) {
		g.note("%s:null", path)
		return null()
	}
	s, v := g.text(maxLen)
	g.note("%s:%s", path, v)
	return str(s)
}

// nullableOf is a string made by make, or null.
func (g *gen) nullableOf(path string, mk func() string) *orderedjson.Value {
	if g.chance(0.15) {
		g.note("%s:null", path)
		return null()
	}
	g.note("%s:value", path)
	return str(mk())
}

var emails = []string{"lina.berg@example.org", "o'connor+jobs@example.com", "åsa.öberg@example.org", "李@example.com", "x@example.net"}

var phones = []string{"+46 70 123 45 67", "+358 50 412 7788", "070-1234567", "(555) 010-0199", "+971 4 123 4567"}

func (g *gen) email(path string) *orderedjson.Value {
	if g.chance(0.15) {
		g.note("%s:null", path)
		return null()
	}
	e := g.pick(emails)
	g.note("%s:value", path)
	return str(e)
}

// Text variants: the scripts, directions and shapes the fixtures cover
// (fixtures/candidates/unicode.json, long-strings.json, nulls.json).
var (
	plainWords = []string{"Lina", "Berg", "Anna", "Karlsson", "Support", "Engineering", "Stockholm", "Team lead", "Developer"}
	latinWords = []string{"Åsa", "Öberg", "José", "Zoë", "Mäkinen", "Ørsted", "François", "Łukasz"}
	rtlWords   = []string{"سارة", "محمد", "דנה", "כהן", "فاطمة الزهراء"}
	cjkWords   = []string{"王小明", "山田 花子", "김민지", "東京都", "李"}
	combining  = []string{"Zoe\u0308", "Jose\u0301", "A\u030angstro\u0308m", "Nin\u0303o", "e\u0301\u0301"}
	astral     = []string{"😀", "Alex 🚀", "𝓐lex", "🇸🇪", "𠜎𠜱"}
	zwj        = []string{"👨\u200d👩\u200d👧", "👩🏽\u200d💻", "a\u200db"}
	commas     = []string{"Berg, Lina", "Sales, EMEA", "1,000", "a,b,c"}
	escapes    = []string{"O'Brien", `"Bob"`, `back\slash`, "line\nbreak", "<b>bold</b>", "tab\tand & amp", "%s %d {{x}}"}
)

// text is a string of up to maxLen characters and its variant.
func (g *gen) text(maxLen int) (string, string) {
	switch k := g.r.IntN(20); {
	case k < 6:
		return g.pick(plainWords), "plain"
	case k < 8:
		return g.pick(latinWords), "latin"
	case k < 9:
		return g.pick(rtlWords), "rtl"
	case k < 10:
		return g.pick(cjkWords), "cjk"
	case k < 11:
		return g.pick(combining), "combining"
	case k < 12:
		return g.pick(astral), "astral"
	case k < 13:
		return g.pick(zwj), "zwj"
	case k < 14:
		return "", "empty"
	case k < 15:
		return "  " + g.pick(plainWords) + " ", "spaces"
	case k < 16:
		return g.pick(commas), "comma"
	case k < 17:
		return g.pick(escapes), "escapes"
	case k < 18 && maxLen > 255:
		// Past the 255 characters of a VARCHAR(255) column, up to the bound.
		return g.long(256 + g.r.IntN(maxLen-255)), "long"
	}
	return g.pick(plainWords) + " " + g.pick(latinWords), "plain"
}

// long is a text of n characters (runes) mixing words and scripts, as a
// pasted CV answer.
func (g *gen) long(n int) string {
	var b strings.Builder
	count := 0
	for count < n {
		w := g.pick(plainWords)
		if g.chance(0.2) {
			w = g.pick(latinWords)
		}
		for _, r := range w + " " {
			if count == n {
				break
			}
			b.WriteRune(r)
			count++
		}
	}
	return b.String()
}

func (g *gen) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// JSON value constructors.

func obj(kv ...any) *orderedjson.Value {
	o := orderedjson.Obj()
	for i := 0; i+1 < len(kv); i += 2 {
		o.Members = append(o.Members, &orderedjson.Member{Key: kv[i].(string), Value: kv[i+1].(*orderedjson.Value)})
	}
	return o
}

func arr(items ...*orderedjson.Value) *orderedjson.Value {
	return &orderedjson.Value{Kind: orderedjson.Array, Items: append([]*orderedjson.Value{}, items...)}
}

func str(s string) *orderedjson.Value { return orderedjson.Str(s) }

func num(n string) *orderedjson.Value { return &orderedjson.Value{Kind: orderedjson.Number, Number: n} }

func null() *orderedjson.Value { return &orderedjson.Value{Kind: orderedjson.Null} }

func boolean(b bool) *orderedjson.Value { return &orderedjson.Value{Kind: orderedjson.Bool, Bool: b} }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
