// Package orderedjson is a JSON document tree that keeps what encoding/json
// maps lose and what parsers of captured webhooks trip over: key order,
// duplicate keys, and the exact text of numbers. The replay of captured
// webhooks and the scrubber both rewrite documents through it, so a
// rewritten document differs from its input only where they changed it.
package orderedjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Kind is the JSON type of a Value.
type Kind int

// The JSON types.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// String names the kind as JSON Schema does.
func (k Kind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// Value is one JSON value. Which fields are meaningful depends on Kind.
type Value struct {
	Kind    Kind
	Bool    bool
	Number  string // the literal, as written
	String  string
	Items   []*Value
	Members []*Member
}

// Member is one key of an object, in document order.
type Member struct {
	Key   string
	Value *Value
}

// MaxDepth bounds nesting, so a hostile document cannot exhaust the stack.
const MaxDepth = 200

// Parse reads exactly one JSON document.
func Parse(data []byte) (*Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parse(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON document")
	}
	return v, nil
}

func parse(dec *json.Decoder, depth int) (*Value, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("the document nests deeper than %d levels", MaxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &Value{Kind: Null}, nil
	case bool:
		return &Value{Kind: Bool, Bool: t}, nil
	case json.Number:
		return &Value{Kind: Number, Number: t.String()}, nil
	case string:
		return &Value{Kind: String, String: t}, nil
	case json.Delim:
		switch t {
		case '[':
			v := &Value{Kind: Array, Items: []*Value{}}
			for dec.More() {
				item, err := parse(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.Items = append(v.Items, item)
			}
			_, err := dec.Token()
			return v, err
		case '{':
			v := &Value{Kind: Object, Members: []*Member{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", kt)
				}
				val, err := parse(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.Members = append(v.Members, &Member{Key: key, Value: val})
			}
			_, err := dec.Token()
			return v, err
		}
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// Get returns the first member named key of an object, or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for _, m := range v.Members {
		if m.Key == key {
			return m.Value
		}
	}
	return nil
}

// Set replaces the value of every member named key, or appends one.
func (v *Value) Set(key string, val *Value) {
	found := false
	for _, m := range v.Members {
		if m.Key == key {
			m.Value, found = val, true
		}
	}
	if !found {
		v.Members = append(v.Members, &Member{Key: key, Value: val})
	}
}

// Str returns a string value.
func Str(s string) *Value { return &Value{Kind: String, String: s} }

// Obj returns an empty object.
func Obj() *Value { return &Value{Kind: Object, Members: []*Member{}} }

// Int returns the value as an integer when it is an integral number.
func (v *Value) Int() (int64, bool) {
	if v == nil || v.Kind != Number {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Number, 10, 64)
	return n, err == nil
}

// Marshal writes the value: compact when indent is "", else one member
// or item per line. Strings are written as UTF-8 without HTML escaping.
func (v *Value) Marshal(indent string) []byte {
	var b bytes.Buffer
	v.write(&b, indent, 0)
	if indent != "" {
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func (v *Value) write(b *bytes.Buffer, indent string, depth int) {
	nl := func(d int) {
		if indent != "" {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(indent, d))
		}
	}
	switch v.Kind {
	case Null:
		b.WriteString("null")
	case Bool:
		b.WriteString(strconv.FormatBool(v.Bool))
	case Number:
		b.WriteString(v.Number)
	case String:
		writeString(b, v.String)
	case Array:
		if len(v.Items) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			nl(depth + 1)
			it.write(b, indent, depth+1)
		}
		nl(depth)
		b.WriteByte(']')
	case Object:
		if len(v.Members) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, m := range v.Members {
			if i > 0 {
				b.WriteByte(',')
			}
			nl(depth + 1)
			writeString(b, m.Key)
			b.WriteByte(':')
			if indent != "" {
				b.WriteByte(' ')
			}
			m.Value.write(b, indent, depth+1)
		}
		nl(depth)
		b.WriteByte('}')
	}
}

func writeString(b *bytes.Buffer, s string) {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a Go string always encodes
	b.Write(bytes.TrimSuffix(tmp.Bytes(), []byte("\n")))
}

// Pointer escapes a key for a JSON pointer (RFC 6901).
func Pointer(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}
