package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/skipreport"
)

// examplesEnv names the folder of the protocol's reference documents when
// it is not found beside the repository.
const examplesEnv = "MOCKTT_SPEC_EXAMPLES"

// exampleTarget says which schema a reference document, or the fragment of it
// at pointer, must match.
type exampleTarget struct {
	schema  string
	pointer string
}

// exampleFiles maps reference documents by exact file name.
var exampleFiles = map[string]exampleTarget{
	"activation-field-default-key.json":      {schema: "config-field"},
	"config-field-error.json":                {schema: "config-field"},
	"config-field-infobox.json":              {schema: "config-field"},
	"config-response.json":                   {schema: "config"},
	"partner-activations-list-response.json": {schema: "partner-activation-list"},
	"partner-get-response.json":              {schema: "partner"},
	"partner-put-response.json":              {schema: "partner"},
	"partner-put-request.json":               {schema: "partner-update-request"},
	"partner-result-create-request.json":     {schema: "partner-result-create-request"},
	"partner-result-create-response.json":    {schema: "partner-result"},
	"partner-result-object.json":             {schema: "partner-result"},
	"partner-result-update-request.json":     {schema: "partner-result-update-request"},
	"partner-result-update-response.json":    {schema: "partner-result"},
	"partner-results-list-response.json":     {schema: "partner-result-list"},
	"webhook-body.json":                      {schema: "webhook"},
	"webhook-data-serialization.json":        {schema: "webhook-data"},
	"webhook-mapped-custom-fields.json":      {schema: "custom-fields", pointer: "/custom-fields"},
	"webhook-response.json":                  {schema: "webhook-response"},
}

// examplePrefixes maps the reference documents no exact name matches.
var examplePrefixes = []struct {
	prefix string
	target exampleTarget
}{
	{"activation-config-", exampleTarget{schema: "activation-config"}},
	{"partner-put-", exampleTarget{schema: "partner-update-request"}},
}

func exampleTargetFor(file string) (exampleTarget, bool) {
	if tg, ok := exampleFiles[file]; ok {
		return tg, true
	}
	for _, p := range examplePrefixes {
		if strings.HasPrefix(file, p.prefix) && strings.HasSuffix(file, ".json") {
			return p.target, true
		}
	}
	return exampleTarget{}, false
}

// examplesDir finds the reference documents: $MOCKTT_SPEC_EXAMPLES, else the
// shared folder beside the repository, else a shared folder inside it.
func examplesDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv(examplesEnv); dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			t.Fatalf("%s=%s is not a folder", examplesEnv, dir)
		}
		return dir
	}
	for _, dir := range []string{
		filepath.Join("..", "..", "shared", "spec", "examples"), // shared/ beside the repository
		filepath.Join("..", "shared", "spec", "examples"),       // shared/ inside the repository
	} {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
	}
	skipreport.Skip(t, "reference examples", fmt.Sprintf("the spec/examples folder was not found beside the repository (set %s to it)", examplesEnv))
	return ""
}

// Every reference document of the public documentation (docs/protocol.md §6)
// validates against its schema, and none is left without a schema.
func TestReferenceExamples(t *testing.T) {
	dir := examplesDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		file := e.Name()
		if e.IsDir() || file == "README.md" {
			continue
		}
		n++
		t.Run(file, func(t *testing.T) {
			tg, ok := exampleTargetFor(file)
			if !ok {
				t.Fatalf("no schema for reference document %s: add it to exampleFiles", file)
			}
			dec := json.NewDecoder(bytes.NewReader(readFile(t, filepath.Join(dir, file))))
			dec.UseNumber()
			var doc any
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("decode: %v", err)
			}
			v, err := resolvePointer(doc, tg.pointer)
			if err != nil {
				t.Fatal(err)
			}
			if err := ValidateValue(tg.schema, v); err != nil {
				t.Errorf("%s%s does not match schema %s:\n%v", file, tg.pointer, tg.schema, err)
			}
		})
	}
	if n == 0 {
		t.Errorf("no reference documents in %s", dir)
	}
}

// resolvePointer returns the value at the JSON pointer ptr in doc.
func resolvePointer(doc any, ptr string) (any, error) {
	if ptr == "" {
		return doc, nil
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, fmt.Errorf("pointer %q does not start with /", ptr)
	}
	v := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch c := v.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return nil, fmt.Errorf("pointer %q: no key %q", ptr, tok)
			}
			v = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("pointer %q: no index %q", ptr, tok)
			}
			v = c[i]
		default:
			return nil, fmt.Errorf("pointer %q: %q is inside a scalar", ptr, tok)
		}
	}
	return v, nil
}
