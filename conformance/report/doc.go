// Package report is the results document of a run and everything written
// from it: the JSON results (report.schema.json), the JUnit and HTML
// reports, the console report printed as checks end, the baseline of
// known failures applied to a run, and the exit status.
package report
