package controlhttp

import (
	"io"
	"net/http"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/httpapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/uploads"
)

// handleUploadCreate stores a file for a form's file field: the raw
// body is the file, ?name= its name.
func (a *API) handleUploadCreate() controlFunc {
	return func(r *http.Request) (int, any, error) {
		data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, uploads.MaxFile+1))
		if err != nil {
			return 0, nil, httpapi.New(http.StatusRequestEntityTooLarge, "Request entity too large", "an uploaded file may be at most %d bytes", uploads.MaxFile)
		}
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "upload.bin"
		}
		up, err := a.admin.Upload(r.Context(), name, r.Header.Get("Content-Type"), data)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, up, nil
	}
}

func (a *API) handleFixtures() controlFunc {
	return func(r *http.Request) (int, any, error) {
		fs, err := a.admin.Fixtures(r.Context())
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, controlapi.FixtureList{Fixtures: fs}, nil
	}
}

// handleReset starts the mock again (docs/partner-developers.md "Reset").
func (a *API) handleReset() controlFunc {
	return func(r *http.Request) (int, any, error) {
		if err := a.admin.Reset(r.Context()); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, controlapi.ResetDone{Reset: true}, nil
	}
}
