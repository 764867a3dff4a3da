// Package capacity is the partner capacity run of ttconformance: it plays
// Teamtailor sending many webhooks, as a bulk send or a busy day does, at
// a set rate whatever the partner's latency (an open model), and judges
// the partner's answers, lost webhooks and the results that come back
// against a budget.
//
// Each webhook is a real, distinct, signed event built by the suite's own
// code (package framework: the embedded mock builds the event and its
// partner result, partner.Sign signs it, the partner.Client sets the
// headers Teamtailor sends), and the results come back to the embedded
// mock's Partner API. Arrivals are paced by vegeta's ConstantPacer and
// answer latencies summarised by vegeta's Metrics; the dispatch loop is
// this package's own (see engine.go for why).
package capacity
