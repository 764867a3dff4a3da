package fuzz_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The evaluation is opt-in (FUZZ_EVAL=1), not CI: for each planted bug
// and each of ten seeds, a run of at most FUZZ_EVAL_BUDGET (120s) against
// the example partner posting results after its default 2 s, stopping at
// the first finding, then 10 replays of the finding's fixture; and a
// FUZZ_EVAL_BUDGET run against the unmodified partner. FUZZ_EVAL_VARIANTS
// (names, comma separated, or "none") and FUZZ_EVAL_BASELINE=0 split it
// across processes; FUZZ_EVAL_OUT names a JSON file for the figures.
//
//	FUZZ_EVAL=1 go test -run TestEvaluation -timeout 3h -v ./conformance/fuzz/
func TestEvaluation(t *testing.T) {
	if os.Getenv("FUZZ_EVAL") == "" {
		t.Skip("set FUZZ_EVAL=1 to run the evaluation (tens of minutes)")
	}
	budget := 120 * time.Second
	if s := os.Getenv("FUZZ_EVAL_BUDGET"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatal(err)
		}
		budget = d
	}
	seeds := 10
	const delay = 2 * time.Second // the example partner's default --result-delay
	type run struct {
		Variant    string  `json:"variant"`
		Seed       int     `json:"seed"`
		Found      bool    `json:"found"`
		Kind       string  `json:"kind,omitempty"`
		FoundAfter float64 `json:"foundAfterS,omitempty"`
		Cases      int     `json:"cases"`
		Shrunk     int     `json:"shrunkSize,omitempty"`
		Planted    int     `json:"plantedSize"`
		Replayed   int     `json:"replayedSame"`
		Fixture    string  `json:"fixture,omitempty"`
	}
	var runs []run
	var baseline map[string]any
	selected := variants
	if s := os.Getenv("FUZZ_EVAL_VARIANTS"); s != "" {
		names := strings.Split(s, ",")
		selected = slices.DeleteFunc(slices.Clone(variants), func(v variant) bool { return !slices.Contains(names, v.name) })
	}
	for _, v := range selected {
		for seed := 1; seed <= seeds; seed++ {
			url := servePartner(t, &v, delay)
			dir := filepath.Join(t.TempDir(), fmt.Sprintf("%s-%d", v.name, seed))
			_, _, rep := mainRun(t, append(keys(url), "--seed", strconv.Itoa(seed), "--duration", budget.String(), "--max-findings", "1",
				"--result-deadline", "5s", "--out", dir)...)
			r := run{Variant: v.name, Seed: seed, Planted: v.plantedSize()}
			if rep != nil {
				r.Cases = rep.Cases
			}
			if rep != nil && len(rep.Findings) == 1 && rep.Findings[0].Verdict.Kind == v.kind {
				f := rep.Findings[0]
				r.Found, r.Kind, r.FoundAfter, r.Shrunk, r.Fixture = true, f.Verdict.Kind, f.FoundAfterMS/1000, f.ShrunkSize, f.Name
				r.Replayed = replay(t, url, dir, f.Name, v.kind, 10, delay+5*time.Second)
			}
			t.Logf("%s seed %d: found %v after %.1fs (%d cases), shrunk %d (planted %d), replayed %d/10, %s",
				v.name, seed, r.Found, r.FoundAfter, r.Cases, r.Shrunk, r.Planted, r.Replayed, r.Fixture)
			runs = append(runs, r)
		}
	}
	if os.Getenv("FUZZ_EVAL_BASELINE") != "0" {
		url := servePartner(t, nil, delay)
		code, out, rep := mainRun(t, append(keys(url), "--seed", "1", "--duration", budget.String(), "--out", "")...)
		if rep == nil {
			t.Fatalf("the run against the example partner wrote no report (exit %d)\n%s", code, out)
		}
		baseline = map[string]any{"cases": rep.Cases, "casesPerSecond": rep.CasesPerSecond, "findings": len(rep.Findings), "exit": code,
			"coverageFields": rep.Coverage.Fields, "coverageVariants": rep.Coverage.Variants}
		t.Logf("unmodified example partner, %s: exit %d, %d cases, %.1f cases/s, %d findings", budget, code, rep.Cases, rep.CasesPerSecond, len(rep.Findings))
		if len(rep.Findings) != 0 || rep.CasesPerSecond < 20 {
			t.Errorf("against the unmodified partner: %d findings, %.1f cases/s; want 0 and at least 20", len(rep.Findings), rep.CasesPerSecond)
		}
	}
	// Per seed, how many of the selected bugs were found; the median over
	// the seeds is the figure.
	perSeed := make([]int, seeds)
	for _, r := range runs {
		if r.Found && r.Replayed == 10 {
			perSeed[r.Seed-1]++
		}
	}
	slices.Sort(perSeed)
	median := float64(perSeed[seeds/2-1]+perSeed[seeds/2]) / 2
	t.Logf("found and replayed 10/10, per seed (sorted): %v; median %.1f of %d; %d CPUs, %s", perSeed, median, len(selected), runtime.NumCPU(), runtime.GOARCH)
	if path := os.Getenv("FUZZ_EVAL_OUT"); path != "" {
		raw, _ := json.MarshalIndent(map[string]any{"runs": runs, "baseline": baseline, "perSeed": perSeed, "median": median, "budget": budget.String(), "cpus": runtime.NumCPU()}, "", "  ")
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
