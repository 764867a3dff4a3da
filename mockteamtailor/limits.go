package mockteamtailor

// Everything the mock keeps of what a partner or a request sent is
// bounded in bytes as well as in count; the README's table of limits names
// each of these (docs/security.md).
const (
	// MaxPartnerHeaderBytes bounds the headers of a partner's answer;
	// a larger header block fails the call (Go's client default is 10 MB).
	MaxPartnerHeaderBytes = 1 << 20

	// MaxGenerate is how many candidates one generate call makes, and
	// MaxGeneratedCandidates how many candidates the store may hold for
	// generate to add more.
	MaxGenerate            = 10000
	MaxGeneratedCandidates = 20000
)
