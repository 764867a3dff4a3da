package schemas

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Every embedded schema compiles.
func TestSchemasCompile(t *testing.T) {
	if _, err := compileAll(); err != nil {
		t.Fatalf("compileAll: %v", err)
	}
	for _, name := range Names() {
		if _, err := schema(name); err != nil {
			t.Errorf("schema(%q): %v", name, err)
		}
	}
}

// Names lists exactly the *.schema.json files of the folder, sorted.
func TestNames(t *testing.T) {
	paths, err := filepath.Glob("*.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range paths {
		want = append(want, strings.TrimSuffix(p, ".schema.json"))
	}
	sort.Strings(want)
	got := Names()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Names() mismatch (-want +got):\n%s", diff)
	}
	if !sort.StringsAreSorted(got) {
		t.Errorf("Names() = %q, not sorted", got)
	}
}

// Every schema file is portable 2020-12: it declares $schema, its $id under
// BaseURL matches its file name, it has a title and a description, and its
// references are relative.
func TestSchemaFilesArePortable(t *testing.T) {
	absRef := regexp.MustCompile(`"\$ref"\s*:\s*"[a-zA-Z][a-zA-Z0-9+.-]*:`)
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			src, ok := Source(name)
			if !ok {
				t.Fatalf("Source(%q) not found", name)
			}
			var head struct {
				Schema      string `json:"$schema"`
				ID          string `json:"$id"`
				Title       string `json:"title"`
				Description string `json:"description"`
			}
			if err := json.Unmarshal(src, &head); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if want := "https://json-schema.org/draft/2020-12/schema"; head.Schema != want {
				t.Errorf("$schema = %q, want %q", head.Schema, want)
			}
			if want := BaseURL + name + ".schema.json"; head.ID != want {
				t.Errorf("$id = %q, want %q", head.ID, want)
			}
			if head.Title == "" || head.Description == "" {
				t.Errorf("title = %q, description = %q; want both set", head.Title, head.Description)
			}
			if loc := absRef.FindIndex(src); loc != nil {
				t.Errorf("absolute $ref %s; cross references must be relative", src[loc[0]:loc[1]])
			}
		})
	}
}

func TestSourceUnknown(t *testing.T) {
	for _, name := range []string{"", "nope", "../go", "config.schema.json", "schemas.go"} {
		if b, ok := Source(name); ok {
			t.Errorf("Source(%q) = %d bytes, true; want false", name, len(b))
		}
	}
}

// update rewrites the .want files of invalid testdata documents from the
// current output. Review the diff: each .want file states why its document is
// invalid.
var update = flag.Bool("update", false, "rewrite testdata/*/invalid/*.want from current output")

// The valid documents under testdata/<schema>/valid validate; the documents
// under testdata/<schema>/invalid fail with exactly the problems listed in the
// sibling .want file, one line each as ValidationError.Error prints them.
func TestTestdata(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		name := d.Name()
		covered[name] = true
		if _, ok := Source(name); !ok {
			t.Errorf("testdata/%s: no schema called %q", name, name)
			continue
		}
		valid := jsonFiles(t, filepath.Join("testdata", name, "valid"))
		invalid := jsonFiles(t, filepath.Join("testdata", name, "invalid"))
		if len(valid) == 0 || len(invalid) == 0 {
			t.Errorf("testdata/%s: %d valid and %d invalid documents; want at least one of each", name, len(valid), len(invalid))
		}
		for _, path := range valid {
			t.Run(name+"/valid/"+filepath.Base(path), func(t *testing.T) {
				if err := Validate(name, readFile(t, path)); err != nil {
					t.Errorf("Validate(%q, %s):\n%v\nwant nil", name, path, err)
				}
			})
		}
		for _, path := range invalid {
			t.Run(name+"/invalid/"+filepath.Base(path), func(t *testing.T) {
				err := Validate(name, readFile(t, path))
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("Validate(%q, %s) = %v, want a *ValidationError", name, path, err)
				}
				if ve.Schema != name || len(ve.Problems) == 0 {
					t.Errorf("ValidationError{Schema: %q, %d problems}, want Schema %q and problems", ve.Schema, len(ve.Problems), name)
				}
				wantPath := strings.TrimSuffix(path, ".json") + ".want"
				if *update {
					if err := os.WriteFile(wantPath, []byte(ve.Error()+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want := normalizeNames(wantLines(t, wantPath))
				got := normalizeNames(strings.Split(ve.Error(), "\n"))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("problems mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
	for _, name := range Names() {
		if !covered[name] {
			t.Errorf("no testdata/%s: every schema needs valid and invalid documents", name)
		}
	}
}

func jsonFiles(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantLines reads a .want file: one expected problem per line, blank lines
// ignored. A missing or empty file fails the test, so that every invalid
// document states why it is invalid (run: go test ./schemas -run TestTestdata -update).
func wantLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run: go test ./schemas -run TestTestdata -update, then review the file)", err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		t.Fatalf("%s: no expected problem", path)
	}
	return lines
}

// Problems point at the offending value and name the failed keyword.
func TestProblems(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		doc    string
		want   []Problem
	}{
		{
			name:   "score above 100",
			schema: "partner-result-create-request",
			doc:    `{"data": {"type": "partner-results", "attributes": {"status": "completed", "candidate-id": 1, "assessment": {"score": 101}}}}`,
			want: []Problem{{
				Pointer: "/data/attributes/assessment/score",
				Keyword: "/properties/data/properties/attributes/$ref/properties/assessment/anyOf/0/$ref/properties/score/$ref/maximum",
				Message: "must be <= 100 but found 101",
			}},
		},
		{
			name:   "every problem is listed",
			schema: "partner-result-create-request",
			doc:    `{"data": {"type": "partner-result", "attributes": {"status": "done"}}}`,
			want: []Problem{
				{
					Pointer: "/data/attributes",
					Keyword: "/properties/data/properties/attributes/required",
					Message: "missing properties: 'candidate-id'",
				},
				{
					Pointer: "/data/attributes/status",
					Keyword: "/properties/data/properties/attributes/$ref/properties/status/$ref/enum",
					Message: `value must be one of "sending", "sent", "pending", "completed", "failed"`,
				},
				{
					Pointer: "/data/type",
					Keyword: "/properties/data/properties/type/const",
					Message: `value must be "partner-results"`,
				},
			},
		},
		{
			name:   "missing top-level key points at the root",
			schema: "webhook",
			doc:    `{"company": {"uuid": "u", "name": "n"}}`,
			want: []Problem{{
				Pointer: "",
				Keyword: "/required",
				Message: "missing properties: 'partner-event'",
			}},
		},
		{
			name:   "type-only alternatives are dropped",
			schema: "partner-result",
			doc: `{"data": {"id": "1", "type": "partner-results", "links": {"self": "https://x.test/1"},
				"attributes": {"status": "sent", "candidate-id": 1, "attachments": [{"url": "https://x.test", "description": "d", "size": 1}]}}}`,
			want: []Problem{{
				Pointer: "/data/attributes/attachments/0",
				Keyword: "/properties/data/$ref/properties/attributes/$ref/properties/attachments/anyOf/0/$ref/items/$ref/additionalProperties",
				Message: "additionalProperties 'size' not allowed",
			}},
		},
		{
			name:   "type-only alternatives merge",
			schema: "partner-result-create-request",
			doc:    `{"data": {"type": "partner-results", "attributes": {"status": "sent", "candidate-id": 1, "assessment": {"duration": true}}}}`,
			want: []Problem{{
				Pointer: "/data/attributes/assessment/duration",
				Keyword: "/properties/data/properties/attributes/$ref/properties/assessment/anyOf/0/$ref/properties/duration/$ref/anyOf",
				Message: "expected integer or string or null, but got boolean",
			}},
		},
		{
			name:   "details nested too deep",
			schema: "webhook-response",
			doc:    `{"partner_result_attributes": {"details": {"a": {"b": {"c": 1}}}}}`,
			want: []Problem{{
				Pointer: "/partner_result_attributes/details/a/b",
				Keyword: "/properties/partner_result_attributes/properties/details/$ref/additionalProperties/anyOf/2/additionalProperties/$ref/type",
				Message: "expected string or number or boolean or null, but got object",
			}},
		},
		{
			name:   "pointer tokens are escaped as RFC 6901, not percent-encoded",
			schema: "webhook-data",
			doc:    `{"a/b c~": 1}`,
			want: []Problem{{
				Pointer: "/a~1b c~0",
				Keyword: "/$ref/additionalProperties/type",
				Message: "expected string, but got number",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.schema, []byte(tt.doc))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a *ValidationError", err)
			}
			if diff := cmp.Diff(tt.want, ve.Problems); diff != "" {
				t.Errorf("Problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidationErrorString(t *testing.T) {
	ve := &ValidationError{Schema: "webhook-response", Problems: []Problem{
		{Pointer: "", Keyword: "/required", Message: "missing properties: 'partner_result_attributes'"},
		{Pointer: "/data/attributes/status", Keyword: "/properties/status/enum", Message: `value must be one of "sending", "sent"`},
	}}
	want := "(root): missing properties: 'partner_result_attributes' (required)\n" +
		`/data/attributes/status: value must be one of "sending", "sent" (enum)`
	if got := ve.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestValidateErrors(t *testing.T) {
	t.Run("unknown schema", func(t *testing.T) {
		if err := Validate("nope", []byte(`{}`)); !errors.Is(err, ErrUnknownSchema) {
			t.Errorf("Validate = %v, want ErrUnknownSchema", err)
		}
		if err := ValidateValue("nope", map[string]any{}); !errors.Is(err, ErrUnknownSchema) {
			t.Errorf("ValidateValue = %v, want ErrUnknownSchema", err)
		}
	})
	for _, doc := range []string{``, `{`, `{"errors": ["x"]} {}`, `{"errors": ["x"]}]`, `nul`} {
		t.Run("invalid JSON "+strconv.Quote(doc), func(t *testing.T) {
			err := Validate("validation-error", []byte(doc))
			var se *json.SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("Validate = %v, want a *json.SyntaxError", err)
			}
		})
	}
	t.Run("unencodable value", func(t *testing.T) {
		err := ValidateValue("validation-error", map[string]any{"errors": make(chan int)})
		var ue *json.UnsupportedTypeError
		if !errors.As(err, &ue) {
			t.Errorf("ValidateValue = %v, want a *json.UnsupportedTypeError", err)
		}
	})
}

// ValidateValue accepts typed Go values as well as decoded JSON, and keeps
// big integers exact.
func TestValidateValue(t *testing.T) {
	type attrs struct {
		Status      string `json:"status"`
		CandidateID int64  `json:"candidate-id"`
	}
	type data struct {
		Type       string `json:"type"`
		Attributes attrs  `json:"attributes"`
	}
	doc := struct {
		Data data `json:"data"`
	}{data{Type: "partner-results", Attributes: attrs{Status: "sent", CandidateID: 1 << 60}}}
	if err := ValidateValue("partner-result-create-request", doc); err != nil {
		t.Errorf("ValidateValue(struct) = %v, want nil", err)
	}
	if err := ValidateValue("partner-result-create-request", json.RawMessage(`{"data": {"type": "partner-results", "attributes": {"status": "sent", "candidate-id": 9007199254740993}}}`)); err != nil {
		t.Errorf("ValidateValue(RawMessage) = %v, want nil", err)
	}
	var ve *ValidationError
	if err := ValidateValue("partner-result-create-request", map[string]any{"data": map[string]any{"type": "partner-results", "attributes": map[string]any{"status": "sent", "candidate-id": 1.5}}}); !errors.As(err, &ve) {
		t.Errorf("ValidateValue(candidate-id 1.5) = %v, want a *ValidationError", err)
	}
}

// Source returns the embedded file, and a copy the caller may change.
func TestSource(t *testing.T) {
	for _, name := range Names() {
		b, ok := Source(name)
		if !ok || !json.Valid(b) {
			t.Fatalf("Source(%q) = %d bytes, %v; want valid JSON", name, len(b), ok)
		}
		disk := readFile(t, name+".schema.json")
		if !bytes.Equal(b, disk) {
			t.Errorf("Source(%q) differs from the file on disk", name)
		}
		b[0] = 'x'
		if again, _ := Source(name); again[0] == 'x' {
			t.Errorf("Source(%q) returned shared bytes", name)
		}
	}
}

// Validate is safe for concurrent use, including the first, compiling call.
func TestValidateConcurrent(t *testing.T) {
	doc := []byte(`{"partner_result_attributes": {"status": "sent", "assessment": {"score": 101}}}`)
	done := make(chan error)
	for range 8 {
		go func() {
			for _, name := range Names() {
				_ = Validate(name, doc)
			}
			done <- Validate("webhook-response", doc)
		}()
	}
	for range 8 {
		var ve *ValidationError
		if err := <-done; !errors.As(err, &ve) {
			t.Errorf("Validate = %v, want a *ValidationError", err)
		}
	}
}

// quotedNames is the list of names a problem quotes, such as
// "additionalProperties 'code', 'source' not allowed".
var quotedNames = regexp.MustCompile(`'[^']*'(, '[^']*')+`)

// normalizeNames sorts the names each problem line quotes: the validator
// lists them in map order, which changes from run to run.
func normalizeNames(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = quotedNames.ReplaceAllStringFunc(l, func(list string) string {
			names := strings.Split(list, ", ")
			sort.Strings(names)
			return strings.Join(names, ", ")
		})
	}
	return out
}
