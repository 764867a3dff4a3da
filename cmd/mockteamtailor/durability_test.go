package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mockteamtailor/mockteamtailor/internal/syncbuf"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/skipreport"
)

// binDir holds the binary buildBinary builds; TestMain removes it.
var (
	binDir    string
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	skipreport.Finish("cmd/mockteamtailor", code)
	os.Exit(code)
}

// buildBinary builds the mockteamtailor binary once per test run. It skips
// the test when no go command is on PATH.
func buildBinary(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		skipreport.Skip(t, "binary tests", fmt.Sprintf("the go command is not on PATH, so the binary cannot be built (%v)", err))
	}
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "mockteamtailor-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "mockteamtailor")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		// Under -race the binary is built with -race too: it reuses the
		// packages the test build compiled and race-checks the server.
		args := []string{"build", "-o", binPath}
		if raceEnabled() {
			args = append(args, "-race")
		}
		out, err := exec.Command(goCmd, append(args, ".")...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// child is the binary running as a child process.
type child struct {
	banner
	cmd            *exec.Cmd
	stdout, stderr *syncbuf.Buffer
	waitOnce       sync.Once
	waitErr        error
}

// wait waits for the process to end, once.
func (c *child) wait() error {
	c.waitOnce.Do(func() { c.waitErr = c.cmd.Wait() })
	return c.waitErr
}

// startChild starts the binary with args and waits for its banner. The
// process is killed when the test ends, whatever happens.
func startChild(t *testing.T, bin string, args ...string) *child {
	t.Helper()
	return startChildWithin(t, 10*time.Second, bin, args...)
}

// startChildWithin is startChild with a deadline for the banner.
func startChildWithin(t *testing.T, within time.Duration, bin string, args ...string) *child {
	t.Helper()
	c := &child{stdout: &syncbuf.Buffer{}, stderr: &syncbuf.Buffer{}}
	c.cmd = exec.Command(bin, args...)
	// No MOCKTT_ variables from the test's environment; a -race binary
	// must not sleep a second before exiting.
	c.cmd.Env = []string{"GORACE=atexit_sleep_ms=0"}
	c.cmd.Stdout, c.cmd.Stderr = c.stdout, c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { c.wait(); close(exited) }()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-exited
	})
	deadline := time.After(within)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if b, ok := parseBanner(c.stdout.String()); ok {
			c.banner = b
			return c
		}
		select {
		case <-exited:
			t.Fatalf("%q exited before printing its banner: %v\nstdout:\n%s\nstderr:\n%s", args, c.waitErr, c.stdout, c.stderr)
		case <-deadline:
			t.Fatalf("%q printed no banner within %v\nstdout:\n%s\nstderr:\n%s", args, within, c.stdout, c.stderr)
		case <-tick.C:
		}
	}
}

// resultState is what a client knows of one result's attributes.
type resultState struct {
	Status      string `json:"status"`
	CandidateID int64  `json:"candidate-id"`
	Summary     string `json:"summary"`
}

// tracked is one result a client created: its last acknowledged state
// and the write in flight when the server died, if any.
type tracked struct {
	id            string
	acked         resultState
	deleted       bool         // a DELETE was acknowledged
	pending       *resultState // an update was sent but not answered
	pendingDelete bool         // a DELETE was sent but not answered
}

// Rule: every write acknowledged with 201/200/204 survives a SIGKILL that
// hits while other writes are in flight, and the state file is left
// readable by the restarted process.
func TestDurabilityUnderKill(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.json")
	// Results for made-up candidates: the load is about durability.
	args := []string{"serve", "--listen", "127.0.0.1:0", "--state", statePath, "--seed", "3", "--accept-unknown-candidates"}
	first := startChild(t, bin, args...)

	const (
		clients      = 8
		opsPerClient = 40  // at most 320 writes in all
		killAfter    = 120 // acknowledged writes before the kill
	)
	var (
		acked    atomic.Int64
		killNow  = make(chan struct{})
		killOnce sync.Once
		results  [clients][]*tracked
		inFlight atomic.Int64 // writes that got no answer
	)
	ack := func() {
		if acked.Add(1) == killAfter {
			killOnce.Do(func() { close(killNow) })
		}
	}
	httpClient := &http.Client{Timeout: 5 * time.Second}
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 42))
			var mine []*tracked
			defer func() { results[c] = mine }()
			live := func() []*tracked {
				var out []*tracked
				for _, r := range mine {
					if !r.deleted {
						out = append(out, r)
					}
				}
				return out
			}
			for n := range opsPerClient {
				candidates := live()
				op := rng.IntN(10)
				switch {
				case len(candidates) == 0 || op < 4: // create
					st := resultState{Status: "pending", CandidateID: int64(1000*(c+1) + n), Summary: fmt.Sprintf("client %d write %d", c, n)}
					body := fmt.Sprintf(`{"data":{"type":"partner-results","attributes":{"status":%q,"candidate-id":%d,"summary":%q}}}`, st.Status, st.CandidateID, st.Summary)
					resp, data, err := apiCall(httpClient, http.MethodPost, first.URL+"/partner/v1/partner-results", first.APIKey, body)
					if err != nil {
						inFlight.Add(1) // the create may or may not have happened
						return
					}
					if resp.StatusCode != http.StatusCreated {
						t.Errorf("client %d: POST: status %d, want 201: %s", c, resp.StatusCode, data)
						return
					}
					var doc struct {
						Data struct {
							ID         string      `json:"id"`
							Attributes resultState `json:"attributes"`
						} `json:"data"`
					}
					if err := json.Unmarshal(data, &doc); err != nil || doc.Data.ID == "" || doc.Data.Attributes != st {
						t.Errorf("client %d: POST answered %s (%v), want result %+v", c, data, err, st)
						return
					}
					mine = append(mine, &tracked{id: doc.Data.ID, acked: st})
				case op < 8: // update, PATCH or PUT
					r := candidates[rng.IntN(len(candidates))]
					st := r.acked
					st.Status = []string{"sending", "sent", "completed", "failed"}[rng.IntN(4)]
					st.Summary = fmt.Sprintf("client %d write %d", c, n)
					method := http.MethodPatch
					if op%2 == 1 {
						method = http.MethodPut
					}
					body := fmt.Sprintf(`{"data":{"type":"partner-results","id":%q,"attributes":{"status":%q,"summary":%q}}}`, r.id, st.Status, st.Summary)
					resp, data, err := apiCall(httpClient, method, first.URL+"/partner/v1/partner-results/"+r.id, first.APIKey, body)
					if err != nil {
						r.pending = &st
						inFlight.Add(1)
						return
					}
					if resp.StatusCode != http.StatusOK {
						t.Errorf("client %d: %s %s: status %d, want 200: %s", c, method, r.id, resp.StatusCode, data)
						return
					}
					r.acked = st
				default: // delete
					r := candidates[rng.IntN(len(candidates))]
					resp, data, err := apiCall(httpClient, http.MethodDelete, first.URL+"/partner/v1/partner-results/"+r.id, first.APIKey, "")
					if err != nil {
						r.pendingDelete = true
						inFlight.Add(1)
						return
					}
					if resp.StatusCode != http.StatusNoContent {
						t.Errorf("client %d: DELETE %s: status %d, want 204: %s", c, r.id, resp.StatusCode, data)
						return
					}
					r.deleted = true
				}
				ack()
			}
		})
	}
	clientsDone := make(chan struct{})
	go func() { wg.Wait(); close(clientsDone) }()

	select {
	case <-killNow:
		if err := first.cmd.Process.Kill(); err != nil {
			t.Fatalf("kill: %v", err)
		}
	case <-clientsDone:
		t.Fatalf("the clients finished with %d acknowledged writes, before the kill at %d", acked.Load(), killAfter)
	}
	if err := first.wait(); err == nil {
		t.Errorf("the killed process exited cleanly; want it killed")
	}
	select {
	case <-clientsDone:
	case <-time.After(10 * time.Second):
		t.Fatalf("clients still running 10s after the kill")
	}
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("killed after %d acknowledged writes; %d writes were in flight", acked.Load(), inFlight.Load())

	// The snapshot is replaced whole or not at all; the restart below
	// refuses to start if any of it is damaged.
	data, err := os.ReadFile(statePath)
	if err != nil || !bytes.HasPrefix(data, []byte("mockteamtailor-state 3\n")) {
		t.Fatalf("state file after the kill is unreadable or not a snapshot (%v): %.200q", err, data)
	}

	second := startChild(t, bin, args...)
	if second.APIKey != first.APIKey || second.ProviderKey != first.ProviderKey {
		t.Errorf("restart changed the keys: %+v, was %+v", second.banner, first.banner)
	}
	verify := &http.Client{Timeout: 10 * time.Second}
	checked := 0
	for c := range clients {
		for _, r := range results[c] {
			url := second.URL + "/partner/v1/partner-results/" + r.id
			resp, data, err := apiCall(verify, http.MethodGet, url, second.APIKey, "")
			if err != nil {
				t.Fatalf("GET %s: %v", url, err)
			}
			checked++
			if r.deleted {
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("result %s: acknowledged DELETE, but GET gives %d: %s", r.id, resp.StatusCode, data)
				}
				continue
			}
			if resp.StatusCode == http.StatusNotFound && r.pendingDelete {
				continue
			}
			if resp.StatusCode != http.StatusOK {
				t.Errorf("result %s: acknowledged write %+v, but GET gives %d: %s", r.id, r.acked, resp.StatusCode, data)
				continue
			}
			var doc struct {
				Data struct {
					Attributes resultState `json:"attributes"`
				} `json:"data"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatalf("GET %s: %v: %s", url, err, data)
			}
			got := doc.Data.Attributes
			if r.pending != nil && got == *r.pending {
				continue
			}
			if diff := cmp.Diff(r.acked, got); diff != "" {
				t.Errorf("result %s lost its last acknowledged write (-acknowledged +after restart):\n%s", r.id, diff)
			}
		}
	}
	if checked == 0 {
		t.Fatalf("no result was acknowledged")
	}

	if runtime.GOOS != "windows" {
		if err := second.cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatalf("interrupt: %v", err)
		}
		done := make(chan error, 1)
		go func() { done <- second.wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("restarted process did not exit cleanly on interrupt: %v\nstderr:\n%s", err, second.stderr)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("restarted process still running 10s after an interrupt")
		}
	}
	for i, c := range []*child{first, second} {
		if logs := c.stderr.String(); strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "DATA RACE") {
			t.Errorf("process %d logged errors:\n%s", i+1, logs)
		}
	}
}

// Rule: after a kill -9, a bit flipped in a middle record of the log
// stops start-up with an error naming the log, the byte offset and the
// repair command, changing no file; "state check" reports the results a
// repair drops, and "state repair" drops exactly those, keeps a copy of
// the damaged files, and the state starts again with every other result.
func TestKillThenBitFlipRefusedThenRepaired(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.json")
	args := []string{"serve", "--listen", "127.0.0.1:0", "--state", statePath, "--seed", "4", "--accept-unknown-candidates"}
	first := startChild(t, bin, args...)
	httpClient := &http.Client{Timeout: 5 * time.Second}
	var ids []string
	for i := range 30 {
		body := fmt.Sprintf(`{"data":{"type":"partner-results","attributes":{"status":"completed","candidate-id":%d,"summary":"result %d"}}}`, i+1, i)
		resp, data, err := apiCall(httpClient, http.MethodPost, first.URL+"/partner/v1/partner-results", first.APIKey, body)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST: %v %s", err, data)
		}
		var doc struct {
			Data struct{ ID string } `json:"data"`
		}
		json.Unmarshal(data, &doc)
		ids = append(ids, doc.Data.ID)
	}
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	first.wait()

	logs, _ := filepath.Glob(statePath + ".log.*")
	if len(logs) != 1 {
		t.Fatalf("log files after the kill: %v, want one", logs)
	}
	log := logs[0]
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	// The records: a 54-byte header, then length, checksum, payload and
	// end mark (4 bytes) each; the middle one gets a bit flipped.
	var starts []int
	for off := 54; off+8 <= len(data); {
		n := int(uint32(data[off]) | uint32(data[off+1])<<8 | uint32(data[off+2])<<16 | uint32(data[off+3])<<24)
		if n == 0 {
			break
		}
		starts = append(starts, off)
		off += 8 + n + 4
	}
	if len(starts) < 30 {
		t.Fatalf("%d records in the log, want at least 30", len(starts))
	}
	// The middle result record: a bit of its summary.
	damaged := -1
	for _, off := range starts[len(starts)/2:] {
		if i := bytes.Index(data[off:off+300], []byte("result ")); data[off+8] == 'B' && i > 0 {
			damaged = off
			data[off+i] ^= 0x04
			break
		}
	}
	if damaged < 0 {
		t.Fatal("no result record in the second half of the log")
	}
	if err := os.WriteFile(log, data, 0o600); err != nil {
		t.Fatal(err)
	}
	snapshot, _ := os.ReadFile(statePath)

	runCmd := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"GORACE=atexit_sleep_ms=0"}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := runCmd(args...)
	if err == nil || !strings.Contains(out, log) || !strings.Contains(out, fmt.Sprintf("byte offset %d ", damaged)) || !strings.Contains(out, "mockteamtailor state repair --state "+statePath) {
		t.Fatalf("serve over a damaged log: %v\n%s\nwant a refusal naming %s, offset %d and state repair", err, out, log, damaged)
	}
	if got, _ := os.ReadFile(log); !bytes.Equal(got, data) {
		t.Fatal("the refused start-up changed the log")
	}
	if got, _ := os.ReadFile(statePath); !bytes.Equal(got, snapshot) {
		t.Fatal("the refused start-up changed the snapshot")
	}

	check, err := runCmd("state", "check", "--state", statePath)
	if err == nil || !strings.Contains(check, fmt.Sprintf("byte offset %d ", damaged)) {
		t.Fatalf("state check: %v\n%s\nwant exit 1 and offset %d", err, check, damaged)
	}
	dropped := map[string]bool{}
	for _, line := range strings.Split(check, "\n") {
		if m := regexp.MustCompile(`nam(?:es?|ing) \d+ results?: (.*)`).FindStringSubmatch(line); m != nil {
			list, _, _ := strings.Cut(m[1], ", 1 of them")
			for _, id := range strings.Split(list, ", ") {
				dropped[id] = true
			}
		}
	}
	if len(dropped) == 0 || len(dropped) >= len(ids) {
		t.Fatalf("state check lists %d results dropped of %d, want some:\n%s", len(dropped), len(ids), check)
	}
	repair, err := runCmd("state", "repair", "--state", statePath)
	if err != nil || !strings.Contains(repair, check[:strings.Index(check, "\n")]) {
		t.Fatalf("state repair: %v\n%s", err, repair)
	}
	backups, _ := filepath.Glob(statePath + ".damaged-*")
	if len(backups) != 1 {
		t.Fatalf("copies of the damaged state: %v, want one folder", backups)
	}
	if got, _ := os.ReadFile(filepath.Join(backups[0], filepath.Base(log))); !bytes.Equal(got, data) {
		t.Errorf("the copy of the damaged log differs from it")
	}
	if got, _ := os.ReadFile(filepath.Join(backups[0], filepath.Base(statePath))); !bytes.Equal(got, snapshot) {
		t.Errorf("the copy of the snapshot differs from it")
	}

	second := startChild(t, bin, args...)
	for _, id := range ids {
		resp, body, err := apiCall(httpClient, http.MethodGet, second.URL+"/partner/v1/partner-results/"+id, second.APIKey, "")
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: http.StatusNotFound, false: http.StatusOK}[dropped[id]]; resp.StatusCode != want {
			t.Errorf("result %s (reported dropped: %v) after the repair: %d, want %d: %s", id, dropped[id], resp.StatusCode, want, body)
		}
	}
	t.Logf("state check:\n%s", check)
}
