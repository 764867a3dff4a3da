package store

import (
	"bytes"
	"encoding/json"
	"runtime"
	"sync"
)

// rawState is a state document with its results left undecoded, so that
// start-up can decode them on every core: with 100,000 results, decoding
// them one after another was most of the start-up time.
type rawState struct {
	Format           string            `json:"format"`
	Version          int               `json:"version"`
	LogGeneration    int               `json:"logGeneration,omitempty"`
	Partners         []Partner         `json:"partners"`
	Companies        []Company         `json:"companies"`
	Activations      []Activation      `json:"activations"`
	NextActivationID int               `json:"nextActivationId"`
	Results          []json.RawMessage `json:"results"`
	Jobs             []Job             `json:"jobs"`
	Candidates       []CandidateRecord `json:"candidates"`
	Triggers         []Trigger         `json:"triggers"`
	Next             counters          `json:"next"`
	Journal          []Delivery        `json:"journal,omitempty"`
}

// decodeSnapshot decodes a state document as strictly as one
// json.Decoder with DisallowUnknownFields would, with the results decoded
// in parallel. Any error means: decode it the slow way for the message.
func decodeSnapshot(data []byte) (*state, error) {
	var raw rawState
	if err := strictDecode(data, &raw); err != nil {
		return nil, err
	}
	st := &state{
		Format: raw.Format, Version: raw.Version, LogGeneration: raw.LogGeneration,
		Partners: raw.Partners, Companies: raw.Companies, Activations: raw.Activations,
		NextActivationID: raw.NextActivationID, Jobs: raw.Jobs, Candidates: raw.Candidates,
		Triggers: raw.Triggers, Next: raw.Next, Journal: raw.Journal,
	}
	if raw.Results == nil {
		return st, nil
	}
	st.Results = make([]PartnerResult, len(raw.Results))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(raw.Results)/1000))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(raw.Results); i += workers {
				if err := strictDecode(raw.Results[i], &st.Results[i]); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return st, nil
}

// strictDecode decodes one JSON value into v, refusing unknown fields and
// anything after the value.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errTrailingData
	}
	return nil
}

var errTrailingData = jsonError("data after the JSON document")

type jsonError string

func (e jsonError) Error() string { return string(e) }
