// Package settings holds what the suite is told about the partner under
// test and the vocabulary its checks are declared with: the flags bound
// into one Settings (TestContext), validated once; the capabilities a
// check may need; the labels, levels and MUST/SHOULD declarations of the
// catalogue with their protocol sections; and the baseline file of known
// failures a run reads.
package settings
