package publicapi

// /v1 requests are counted per key, or per client address for requests
// without a valid key, in fixed windows, as the X-Rate-Limit-* headers
// report them (docs/public-api.md §4), by the Partner API's limiter
// (internal/ratelimit) with string buckets.
