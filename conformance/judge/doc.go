// Package judge holds the suite's judges of what a partner sends and
// answers: the config and result documents sorted into aspects with their
// problems (a Verdict), the documents' fields the checks read, and the
// Gomega matchers of statuses, schemas and problems.
package judge
