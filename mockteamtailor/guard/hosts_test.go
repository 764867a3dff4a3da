package guard

import (
	"net"
	"strings"
	"testing"
)

// Rule: IP addresses, localhost, *.localhost, the public URL's host and
// --allowed-host names are answered; "*" answers every host.
func TestHostPolicy(t *testing.T) {
	p := NewHostPolicy("http://mock.internal:8080", []string{"ci-runner", "*.svc.example", "Upper.Example."})
	for host, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:8080": true, "10.1.2.3": true, "localhost": true, "LOCALHOST:1": true,
		"app.localhost:3000": true, "mock.internal:8080": true, "ci-runner": true, "a.svc.example": true,
		"upper.example": true, "": true,
		"evil.example": false, "svc.example.evil": false, "mock.internal.evil.example": false, "localhost.evil": false, "ci-runner2": false,
	} {
		if got := p.Allows(host); got != want {
			t.Errorf("Allows(%q) = %v, want %v", host, got, want)
		}
	}
	if !NewHostPolicy("http://127.0.0.1", []string{"*"}).Allows("evil.example") {
		t.Errorf(`"*" does not allow every host`)
	}
}

// FuzzHostPolicy: any Host header is judged without panicking, and with no
// names added only IP addresses and localhost names pass.
func FuzzHostPolicy(f *testing.F) {
	for _, s := range []string{"127.0.0.1:8080", "[::1]:1", "localhost", "a.localhost:3", "evil.example", "evil.example:80", "[", "]:", ":", "", "LOCALHOST.", "xn--lcalhost", "127.0.0.1.evil"} {
		f.Add(s)
	}
	p := NewHostPolicy("http://127.0.0.1:8080", nil)
	f.Fuzz(func(t *testing.T, host string) {
		if !p.Allows(host) {
			return
		}
		h := host
		if hh, _, err := net.SplitHostPort(host); err == nil {
			h = hh
		}
		h = strings.TrimSuffix(strings.ToLower(strings.Trim(h, "[]")), ".")
		if h != "" && net.ParseIP(h) == nil && h != "localhost" && !strings.HasSuffix(h, ".localhost") {
			t.Errorf("Allows(%q) with no names added", host)
		}
	})
}

// Rule: an allowed host that could never match a Host header is refused
// at start-up, naming the value and why.
func TestCheckAllowedHost(t *testing.T) {
	for _, ok := range []string{"*", "", "mock.test", "ci-runner", "my_service", "*.svc.example", ".svc.example", "Upper.Example.", "xn--bcher-kva.example", "10.0.0.5", "::1", "[::1]"} {
		if err := CheckAllowedHost(ok); err != nil {
			t.Errorf("CheckAllowedHost(%q) = %v, want nil", ok, err)
		}
	}
	for h, want := range map[string]string{
		"mock.test:8080":                  "has a port",
		"[::1]:8080":                      "",
		"bücher.example":                  "not ASCII",
		"http://mock.test":                "not a host name",
		"mock.test/path":                  "not a host name",
		"mock.*.test":                     "wildcard",
		"*mock.test":                      "wildcard",
		"*.":                              "wildcard",
		"a..b":                            "empty label",
		"-mock.test":                      "starts or ends",
		"mock test":                       "not a letter",
		strings.Repeat("a", 64) + ".test": "longer than 63",
	} {
		err := CheckAllowedHost(h)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), h) {
			t.Errorf("CheckAllowedHost(%q) = %v, want an error naming it and containing %q", h, err, want)
		}
	}
}

// Rule: a name CheckAllowedHost accepts is one the Host check answers,
// as a browser sends it (alone or with a port), and it never panics.
func FuzzCheckAllowedHost(f *testing.F) {
	for _, s := range []string{"mock.test", "ci-runner", "my_service", "*.svc.example", "Upper.Example.", "mock.test:8080", "bücher.example", "xn--bcher-kva.example", "*", "", "[::1]", "a..b", " mock.test "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if CheckAllowedHost(h) != nil {
			return
		}
		name := strings.TrimSpace(h)
		if name == "" || strings.Contains(name, "*") || strings.HasPrefix(name, ".") {
			return
		}
		p := NewHostPolicy("", []string{h})
		for _, host := range []string{name, name + ":8080"} {
			if strings.Contains(name, ":") {
				host = "[" + strings.Trim(name, "[]") + "]:8080" // an IPv6 literal
			}
			if !p.Allows(host) {
				t.Errorf("CheckAllowedHost(%q) accepts it, but Host %q is refused", h, host)
			}
		}
	})
}
