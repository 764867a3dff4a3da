// Package schemas holds the JSON Schemas (draft 2020-12) of every document of
// the Teamtailor partner protocol, and validates documents against them.
//
// The schema files are plain, standard JSON Schema: no custom keywords, no
// custom formats. Partners in other languages can use them as they are. Each
// file has the $id https://mockteamtailor.dev/schemas/<name>.schema.json, and
// files refer to each other with relative $ref, so a server can publish them
// side by side (see Source).
//
// A schema's name is its file name without ".schema.json", e.g. "config",
// "webhook", "partner-result-create-request". Names lists them all.
package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// BaseURL is the URL every schema's $id starts with; the $id of schema name
// is BaseURL + name + ".schema.json".
const BaseURL = "https://mockteamtailor.dev/schemas/"

const suffix = ".schema.json"

// ErrUnknownSchema is returned, wrapped, by Validate and ValidateValue when
// no schema has the given name.
var ErrUnknownSchema = errors.New("unknown schema")

//go:embed *.schema.json
var files embed.FS

// compiled is the result of compiling every embedded schema, done once.
var compiled struct {
	once    sync.Once
	schemas map[string]*jsonschema.Schema
	err     error
}

// Names returns the names of all schemas, sorted ("activation-config",
// "config", ...).
func Names() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil // cannot happen: the embedded root always exists
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), suffix); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Source returns the raw bytes of the named schema file, so that a server can
// publish it, and false when no schema has that name. The bytes are a fresh
// copy the caller may keep or change.
func Source(name string) ([]byte, bool) {
	b, err := files.ReadFile(name + suffix)
	if err != nil {
		return nil, false
	}
	return b, true
}

// Validate decodes doc as a single JSON value (numbers kept exact, as with
// json.Decoder.UseNumber) and validates it against the named schema.
//
// It returns nil when doc is valid; an error wrapping ErrUnknownSchema when no
// schema has that name; an error wrapping a *json.SyntaxError when doc is
// not exactly one JSON value; and a *ValidationError listing every problem
// when doc does not match the schema. An error compiling the embedded schemas
// is returned too; the package's tests make sure it cannot happen.
func Validate(name string, doc []byte) error {
	sch, err := schema(name)
	if err != nil {
		return err
	}
	v, err := decode(doc)
	if err != nil {
		return fmt.Errorf("schemas: %s document: %w", name, err)
	}
	return validate(name, sch, v)
}

// ValidateValue validates a Go value against the named schema. The value is
// first encoded with encoding/json and decoded again with UseNumber, so it may
// be anything json.Marshal accepts: a value decoded from JSON, a typed struct
// with json tags, a map, a json.RawMessage. It returns the same errors as
// Validate, plus the json.Marshal error for a value that cannot be encoded.
func ValidateValue(name string, v any) error {
	sch, err := schema(name)
	if err != nil {
		return err
	}
	doc, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("schemas: encode %s document: %w", name, err)
	}
	decoded, err := decode(doc)
	if err != nil {
		return fmt.Errorf("schemas: %s document: %w", name, err)
	}
	return validate(name, sch, decoded)
}

// schema returns the compiled schema called name.
func schema(name string) (*jsonschema.Schema, error) {
	compiled.once.Do(func() {
		compiled.schemas, compiled.err = compileAll()
	})
	if compiled.err != nil {
		return nil, compiled.err
	}
	sch, ok := compiled.schemas[name]
	if !ok {
		return nil, fmt.Errorf("schemas: %w %q", ErrUnknownSchema, name)
	}
	return sch, nil
}

// compileAll compiles every embedded schema. References between files are
// resolved from the embedded files only: nothing is read from disk or network.
func compileAll() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true // "format" is only an annotation in 2020-12 unless asserted
	c.LoadURL = func(s string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("schemas: %s is not an embedded schema", s)
	}
	names := Names()
	for _, name := range names {
		b, err := files.ReadFile(name + suffix)
		if err != nil {
			return nil, fmt.Errorf("schemas: read %s: %w", name, err)
		}
		if err := c.AddResource(BaseURL+name+suffix, bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("schemas: load %s: %w", name, err)
		}
	}
	out := make(map[string]*jsonschema.Schema, len(names))
	for _, name := range names {
		sch, err := c.Compile(BaseURL + name + suffix)
		if err != nil {
			return nil, fmt.Errorf("schemas: compile %s: %w", name, err)
		}
		out[name] = sch
	}
	return out, nil
}

// decode decodes doc, which must hold exactly one JSON value, keeping numbers
// as json.Number.
func decode(doc []byte) (any, error) {
	if !json.Valid(doc) {
		// json.Unmarshal reports where the syntax breaks as a *json.SyntaxError.
		var v any
		if err := json.Unmarshal(doc, &v); err != nil {
			return nil, err
		}
		return nil, errors.New("invalid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// validate validates the decoded value v and converts the library's error
// tree into a *ValidationError.
func validate(name string, sch *jsonschema.Schema, v any) error {
	err := sch.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("schemas: validate %s document: %w", name, err)
	}
	return &ValidationError{Schema: name, Problems: problems(ve)}
}
