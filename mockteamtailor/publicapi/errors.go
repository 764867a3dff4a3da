package publicapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// apiError is one error object of a /v1 error document. The field order
// is the one Teamtailor's API (jsonapi-resources) writes: title, detail,
// code, source, status (docs/public-api.md §8).
type apiError struct {
	Title  string  `json:"title"`
	Detail string  `json:"detail"`
	Code   string  `json:"code"`
	Source *source `json:"source,omitempty"`
	Status string  `json:"status"`
}

type source struct {
	Pointer string `json:"pointer"`
}

// problem is an error a handler returns: the status and its error objects.
type problem struct {
	status int
	errors []apiError
	// header is set on the response, e.g. WWW-Authenticate on a 401.
	header map[string]string
}

func (p *problem) Error() string {
	if len(p.errors) == 0 {
		return strconv.Itoa(p.status)
	}
	return p.errors[0].Title + ": " + p.errors[0].Detail
}

// fail is a problem with one error object; code is jsonapi-resources'
// error code (README tells partners not to rely on the codes).
func fail(status int, title, code, format string, args ...any) *problem {
	return &problem{status: status, errors: []apiError{{Title: title, Detail: fmt.Sprintf(format, args...), Code: code, Status: strconv.Itoa(status)}}}
}

// The errors of the error table (docs/public-api.md §8).

func unauthorized() *problem {
	p := fail(http.StatusUnauthorized, "Unauthorized", "401", "Missing or invalid API key.")
	p.header = map[string]string{"WWW-Authenticate": `Token realm="Application"`}
	return p
}

func forbidden(verb, typ string) *problem {
	return fail(http.StatusForbidden, "Forbidden", "403", "This API key is not allowed to %s %s.", verb, typ)
}

func recordNotFound(id string) *problem {
	return fail(http.StatusNotFound, "Record not found", "404", "The record identified by %s could not be found.", id)
}

func routeNotFound(r *http.Request) *problem {
	return fail(http.StatusNotFound, "Not found", "404", "No route matches %s %s.", r.Method, r.URL.Path)
}

func filterNotAllowed(name string) *problem {
	return fail(http.StatusBadRequest, "Filter not allowed", "102", "%s is not allowed.", name)
}

func invalidPage(format string, args ...any) *problem {
	return fail(http.StatusBadRequest, "Invalid page value", "118", format, args...)
}

func invalidSort(name, typ string) *problem {
	return fail(http.StatusBadRequest, "Invalid sort criteria", "114", "%s is not a valid sort criteria for %s", name, typ)
}

func invalidInclude(name, typ string) *problem {
	return fail(http.StatusBadRequest, "Invalid field", "112", "%s is not a valid includable relationship of %s", name, typ)
}

func invalidField(name, typ string) *problem {
	return fail(http.StatusBadRequest, "Invalid field", "104", "%s is not a valid field for %s.", name, typ)
}

func paramNotAllowed(name string) *problem {
	return fail(http.StatusBadRequest, "Param not allowed", "105", "%s is not allowed.", name)
}

func badRequest(format string, args ...any) *problem {
	return fail(http.StatusBadRequest, "Bad Request", "400", format, args...)
}

// invalid is a 422 on one attribute or relationship.
func invalid(pointer, message, field string) *problem {
	p := fail(http.StatusUnprocessableEntity, message, "100", "%s - %s", field, message)
	p.errors[0].Source = &source{Pointer: pointer}
	return p
}

// versionDocument is the 406 of a missing or invalid X-Api-Version: its
// status is a JSON number, unlike every other error (docs/public-api.md
// §3).
type versionDocument struct {
	Errors []versionError `json:"errors"`
}

type versionError struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

func versionBody() []byte {
	b, _ := json.Marshal(versionDocument{Errors: []versionError{{Status: http.StatusNotAcceptable,
		Title: "Invalid/Missing API Version", Detail: "Please provide a correct API version in the X-Api-Version header. Current version is: " + CurrentVersion}}})
	return b
}

// writeProblem renders p as a JSON:API error document.
func writeProblem(w http.ResponseWriter, p *problem) {
	body, err := json.Marshal(struct {
		Errors []apiError `json:"errors"`
	}{p.errors})
	if err != nil {
		body = []byte(`{"errors":[{"title":"Internal Server Error","detail":"Internal Server Error","code":"500","status":"500"}]}`)
	}
	h := w.Header()
	for k, v := range p.header {
		h.Set(k, v)
	}
	h.Set("Content-Type", MediaType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(p.status)
	w.Write(body)
}
