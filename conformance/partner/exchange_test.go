package partner

import (
	"net/http"
	"strings"
	"testing"
)

// The embedded mock serves only what a partner calls: the control API
// (keys, reset) is not reachable on --mock-listen.
// print as a few lines saying how much was cut.
func TestDescribeCapsHeaders(t *testing.T) {
	h := http.Header{}
	for i := range 500 {
		h.Set("X-Junk-"+strings.Repeat("a", i%7)+string(rune('a'+i%26))+strings.Repeat("b", i/26), strings.Repeat("v", 20000))
	}
	x := &Exchange{Direction: ToPartner, Method: "GET", URL: "http://p/config", Status: 200, ResponseHeader: h, ResponseBody: strings.Repeat("x", 1<<20)}
	out := x.Describe()
	if len(out) > 10000 {
		t.Errorf("Describe printed %d bytes", len(out))
	}
	for _, want := range []string{"more header bytes not shown", "(20000 bytes in all)", "bytes in all)"} {
		if !strings.Contains(out, want) {
			t.Errorf("Describe does not say %q", want)
		}
	}
}

// Levels: a failed SHOULD is a warning that fails the run only with
// --strict; the summary line agrees with the exit status.
