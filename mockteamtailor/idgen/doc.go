// Package idgen makes the identifiers, keys and nonces the mock hands
// out: from the operating system's randomness, or from a seed (--seed) so
// that every key and id of a run is reproducible, and moved past a stored
// state (--state) so that a restart never hands one out twice.
package idgen
