package partner

import (
	"net/url"
	"time"
)

// DescribeTransportError says what went wrong with a call to the partner
// that got no answer, in the words the suite's reports use, and whether
// the partner was unreachable (connection refused, DNS, TLS) rather than
// slow or misbehaving. A capacity run classifies its failures with it.
func DescribeTransportError(err error, u *url.URL, timeout time.Duration) (msg string, unreachable bool) {
	return describeTransportError(err, u, timeout)
}
