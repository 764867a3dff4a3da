package partnerapi

// rateBucket is what Partner API requests are counted by, in fixed
// windows as Teamtailor reports them in X-Rate-Limit-* headers: a partner,
// or the address of a client that did not authenticate.
type rateBucket struct {
	client bool
	id     string
}
