//go:build race

package conformance_test

// raceEnabled makes the self-tests build ttconformance with -race too.
const raceEnabled = true
