package controlhttp

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"
)

// The shapes most control handlers share: read what the route names (a
// path variable, a JSON body), call one method of the admin model, and
// answer with what it returns or with its error.

// answer is status with out, or err when there is one.
func answer[Out any](status int, out Out, err error) (int, any, error) {
	if err != nil {
		return 0, nil, err
	}
	return status, out, nil
}

// noContent is a 204, or err when there is one.
func noContent(err error) (int, any, error) {
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// show answers 200 with what fn returns.
func show[Out any](fn func(context.Context) (Out, error)) controlFunc {
	return func(r *http.Request) (int, any, error) {
		out, err := fn(r.Context())
		return answer(http.StatusOK, out, err)
	}
}

// showVar answers 200 with what fn returns for the path variable name.
func showVar[Out any](name string, fn func(context.Context, string) (Out, error)) controlFunc {
	return func(r *http.Request) (int, any, error) {
		out, err := fn(r.Context(), mux.Vars(r)[name])
		return answer(http.StatusOK, out, err)
	}
}

// showID answers 200 with what fn returns for the path's whole-number id.
func showID[Out any](fn func(context.Context, int64) (Out, error)) controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		out, err := fn(r.Context(), id)
		return answer(http.StatusOK, out, err)
	}
}

// deleteVar answers 204 once fn has removed what the path variable name
// names.
func deleteVar(name string, fn func(context.Context, string) error) controlFunc {
	return func(r *http.Request) (int, any, error) {
		return noContent(fn(r.Context(), mux.Vars(r)[name]))
	}
}

// deleteID answers 204 once fn has removed what the path's whole-number
// id names.
func deleteID(fn func(context.Context, int64) error) controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		return noContent(fn(r.Context(), id))
	}
}

// withBody decodes the JSON body into an In, calls fn with it and
// answers status with what fn returns.
func withBody[In, Out any](status int, fn func(context.Context, In) (Out, error)) controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in In
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		out, err := fn(r.Context(), in)
		return answer(status, out, err)
	}
}

// withVarBody is withBody for a route with a path variable name too.
func withVarBody[In, Out any](name string, status int, fn func(context.Context, string, In) (Out, error)) controlFunc {
	return func(r *http.Request) (int, any, error) {
		var in In
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		out, err := fn(r.Context(), mux.Vars(r)[name], in)
		return answer(status, out, err)
	}
}

// withIDBody is withBody for a route with a whole-number id too, read
// first.
func withIDBody[In, Out any](status int, fn func(context.Context, int64, In) (Out, error)) controlFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathInt(r, "id")
		if err != nil {
			return 0, nil, err
		}
		var in In
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		out, err := fn(r.Context(), id, in)
		return answer(status, out, err)
	}
}
