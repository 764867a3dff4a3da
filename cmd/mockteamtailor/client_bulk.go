package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mockteamtailor/mockteamtailor/internal/text"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/controlapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/store"
)

// bulkPoll is how often a bulk run's progress is read.
const bulkPoll = 100 * time.Millisecond

// runBulk starts a bulk run and follows it to the end, drawing a
// progress bar on stderr unless --json.
func (o *triggerOptions) runBulk(ctx context.Context, c controlapi.Admin, ids []int64, stderr io.Writer) (controlapi.BulkRun, error) {
	run, err := c.BulkTrigger(ctx, controlapi.BulkRequest{PartnerID: o.partner, CandidateIDs: ids, Data: o.dataMap})
	if err != nil {
		return run, err
	}
	// A bar redrawn with \r is for a person at a terminal; a log gets a
	// plain line at the start, at each quarter of the run, at least every
	// bulkLogEvery while it moves, and at the end, so even a run of a
	// second or two shows it moving rather than 0 and then done.
	tty := stderrIsTerminal(stderr)
	last, lastAt, lastQuarter := "", time.Time{}, -1
	for {
		line := progressBar(run)
		quarter := 0
		if run.Total > 0 {
			quarter = (run.Sent + run.Failed) * 4 / run.Total
		}
		switch {
		case o.json || line == last:
		case tty:
			fmt.Fprint(stderr, "\r"+line)
			last = line
		case run.Done || quarter != lastQuarter || time.Since(lastAt) >= bulkLogEvery:
			fmt.Fprintln(stderr, "bulk run "+run.ID+": "+line)
			last, lastAt, lastQuarter = line, time.Now(), quarter
		}
		if run.Done {
			break
		}
		select {
		case <-ctx.Done():
			if tty {
				fmt.Fprintln(stderr)
			}
			return run, fmt.Errorf("stopped following bulk run %s; it goes on in the mock: %w", run.ID, ctx.Err())
		case <-time.After(bulkPoll):
		}
		if run, err = c.BulkRun(ctx, run.ID); err != nil {
			return run, err
		}
	}
	if !o.json && tty {
		fmt.Fprintln(stderr)
	}
	return run, nil
}

// bulkLogEvery is how often, at least, progress that moves is written
// when stderr is not a terminal (a var: tests make it long).
var bulkLogEvery = 2 * time.Second

// stderrIsTerminal is isTerminal; tests stand in for a terminal.
var stderrIsTerminal = isTerminal

// isTerminal reports whether w is a character device (a terminal), not a
// file or a pipe.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar renders "[#####.....] 512/1000 sent 510 failed 2".
func progressBar(r controlapi.BulkRun) string {
	const width = 20
	done, filled := r.Sent+r.Failed, width
	if r.Total > 0 {
		filled = min(width, (r.Sent+r.Failed)*width/r.Total)
	}
	return fmt.Sprintf("[%s%s] %d/%d sent %d failed %d", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, r.Total, r.Sent, r.Failed)
}

// printTriggerReport prints each webhook; for a bulk run, a summary and
// the webhooks whose verdict is not ok.
func printTriggerReport(w io.Writer, rep triggerReport) {
	ds := rep.Webhooks
	if r := rep.BulkRun; r != nil {
		fmt.Fprintf(w, "bulk run %s: %s, %d sent, %d failed\n", r.ID, text.Count(r.Total, "webhook", "webhooks"), r.Sent, r.Failed)
		var bad []store.Delivery
		for _, d := range ds {
			if d.Verdict != store.VerdictOK {
				bad = append(bad, d)
			}
		}
		if len(bad) > 10 {
			fmt.Fprintf(w, "%d webhooks without verdict ok; the first 10:\n", len(bad))
			bad = bad[:10]
		}
		for _, d := range bad {
			printDelivery(w, d)
		}
		// The hint comes after the failures it is about.
		fmt.Fprintf(w, "list them all: mockteamtailor deliveries --bulk-run %s\n", r.ID)
		return
	}
	for _, d := range ds {
		printDelivery(w, d)
	}
}
