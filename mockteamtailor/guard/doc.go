// Package guard holds the checks a request passes before it reaches a
// route of the mock. The mock runs beside a browser on developers'
// machines, and no web page on another site may drive it: unknown Host
// names are refused (DNS rebinding), and the control API refuses
// cross-site requests, bodies a plain HTML form can send, and requests
// without the control token when one is set (docs/security.md).
package guard
