package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/mockteamtailor/mockteamtailor/internal/jsonscan"
)

// MediaType is the JSON:API media type of every Partner API document
// (docs/protocol.md §2).
const MediaType = "application/vnd.api+json"

// APIVersion is the only Partner API version Teamtailor serves
// (docs/protocol.md §2: X-Api-Version: 20180828).
const APIVersion = "20180828"

func errBadRequest(format string, args ...any) *Error {
	return NewError(http.StatusBadRequest, "Bad request", format, args...)
}

func errUnsupportedMediaType(format string, args ...any) *Error {
	return NewError(http.StatusUnsupportedMediaType, "Unsupported media type", format, args...)
}

// Resource is the resource object of a JSON:API request document.
type Resource struct {
	ID         string // "" when absent; numbers are turned into strings
	HasID      bool
	Type       string
	Attributes map[string]any // decoded values (numbers as json.Number); nil when absent
}

// DecodeResource decodes a JSON:API request document of the given
// resource type from body: its syntax (400) and shape (422). The rules of
// the attributes are the caller's.
func DecodeResource(body []byte, wantType string) (Resource, error) {
	var in Resource
	if len(bytes.TrimSpace(body)) == 0 {
		return in, errBadRequest("the request body is empty; send a JSON:API document such as {\"data\": {\"type\": %q, \"attributes\": {...}}}", wantType)
	}
	// One pass over the body: everything below works on decoded values.
	top, ok := jsonscan.Parse(body, internJSON)
	if !ok {
		// encoding/json decides: it names what is wrong, and where.
		if err := DecodeStrictJSON(body, &top); err != nil {
			return in, err
		}
	}
	doc, ok := top.(map[string]any)
	if !ok {
		return in, errBadRequest("the request body must be a JSON object (a JSON:API document), got %s", KindOf(top))
	}
	rawData, ok := doc["data"]
	if !ok {
		return in, errInvalid("/data", "the document has no data member; send {\"data\": {\"type\": %q, \"attributes\": {...}}}", wantType)
	}
	data, ok := rawData.(map[string]any)
	if !ok {
		return in, errInvalid("/data", "data must be a resource object, got %s", KindOf(rawData))
	}
	var problems Errors
	switch rawType, ok := data["type"]; {
	case !ok:
		problems = append(problems, errInvalid("/data/type", "type is required and must be %q", wantType))
	default:
		if in.Type, _ = rawType.(string); in.Type != wantType {
			problems = append(problems, errInvalid("/data/type", "type must be %q, got %s", wantType, literal(rawType)))
		}
	}
	if rawID, ok := data["id"]; ok {
		in.HasID = true
		// docs/protocol.md §2 Decision: accept a number or a string for data.id.
		switch id := rawID.(type) {
		case string:
			in.ID = id
		case json.Number:
			in.ID = id.String()
		default:
			problems = append(problems, errInvalid("/data/id", "id must be a string or a number, got %s", KindOf(rawID)))
		}
	}
	if rawAttrs, ok := data["attributes"]; !ok {
		problems = append(problems, errInvalid("/data/attributes", "attributes is required: the object of %s attributes to write", wantType))
	} else if members, ok := rawAttrs.(map[string]any); ok {
		in.Attributes = members
	} else {
		problems = append(problems, errInvalid("/data/attributes", "attributes must be an object, got %s", KindOf(rawAttrs)))
	}
	if len(problems) > 0 {
		return in, problems
	}
	return in, nil
}

// CheckMediaType accepts application/vnd.api+json with or without
// parameters (clients often add charset=utf-8) and nothing else.
func CheckMediaType(contentType string) error {
	if contentType == MediaType {
		return nil // what every partner sends, without parsing
	}
	if contentType == "" {
		return errUnsupportedMediaType("Content-Type is missing; send Content-Type: %s", MediaType)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != MediaType {
		return errUnsupportedMediaType("Content-Type %q is not supported; send Content-Type: %s", contentType, MediaType)
	}
	return nil
}

// DecodeStrictJSON decodes one JSON value and nothing after it, turning
// syntax errors into a 400 that says where the problem is.
func DecodeStrictJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return errBadRequest("the request body is not valid JSON: %v (at byte %d)", syn, syn.Offset)
		case errors.As(err, &typ):
			return errBadRequest("the request body must be a JSON object (a JSON:API document), got %s", typ.Value)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return errBadRequest("the request body is not valid JSON: it ends too early")
		}
		return errBadRequest("the request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return errBadRequest("the request body has data after the JSON document")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errBadRequest("the request body has data after the JSON document")
	}
	return nil
}
