package curl

import "testing"

// Rule: the command sends the request again as recorded, less the headers
// curl sets itself and those the caller leaves out, quoted for a shell.
func TestCommand(t *testing.T) {
	r := Request{Method: "POST", URL: "http://partner/webhook", Body: `{"a": "it's"}`,
		Header: map[string][]string{"Content-Type": {"application/json"}, "Content-Length": {"12"}, "User-Agent": {"x"}}}
	for _, tc := range []struct {
		indent string
		skip   []string
		want   string
	}{
		{"  ", nil, "curl -sS -i -X POST 'http://partner/webhook' \\\n  -H 'Content-Type: application/json' \\\n  -H 'User-Agent: x' \\\n  --data-binary '{\"a\": \"it'\\''s\"}'"},
		{"    ", []string{"user-agent"}, "curl -sS -i -X POST 'http://partner/webhook' \\\n    -H 'Content-Type: application/json' \\\n    --data-binary '{\"a\": \"it'\\''s\"}'"},
	} {
		if got := Command(r, tc.indent, tc.skip...); got != tc.want {
			t.Errorf("Command(%q, %q) =\n%s\nwant\n%s", tc.indent, tc.skip, got, tc.want)
		}
	}
}
