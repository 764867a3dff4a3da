package mockteamtailor

import (
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/httprec"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
)

// logRequests writes one log line per request: method, path, status, size
// and time taken, for every failed request and up to requestLogPerSecond
// answered ones a second (requestlog.go). Headers and bodies are never
// logged: they carry keys.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec, ok := w.(*httprec.Writer)
		if !ok {
			rec = &httprec.Writer{ResponseWriter: w}
		}
		next.ServeHTTP(rec, r)
		if rec.Status < 400 && !s.reqLog.allow(time.Now()) {
			return
		}
		s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.Status),
			slog.Int("bytes", rec.Body.Total),
			slog.Duration("elapsed", time.Since(start)),
		)
	})
}

// recoverPanics turns a panic in a handler into a logged 500, so one bad
// request cannot take the mock down.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &httprec.Writer{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logger.ErrorContext(r.Context(), "panic serving request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			if rec.Status == 0 {
				httpapi.WriteError(rec, r, s.logger, errors.New("panic"))
			}
		}()
		next.ServeHTTP(rec, r)
	})
}
