package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/protocol"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/publicapi"
	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/sandbox"
)

// printBanner tells the user, on stdout, where the mock is and which keys
// to use. Logs go to stderr and never carry keys.
func printBanner(w io.Writer, version string, cfg mockteamtailor.Config, sb sandbox.Seeded, state string, bundled bool) {
	p := sb.Partner
	base := p.BaseURL
	switch {
	case bundled:
		base += "   (the bundled example partner, running in-process; --partner-base-url points at yours)"
	case base == "":
		base = "(none set: use --partner-base-url)"
	}
	ui := cfg.PublicURL + "/"
	token := "off (loopback only; --control-token sets one)"
	if cfg.ControlToken != "" {
		// The link hands the token to the browser once; the UI keeps it
		// in a cookie and drops it from the address bar.
		ui = cfg.PublicURL + "/?token=" + cfg.ControlToken
		token = cfg.ControlToken + "   (control API: Authorization: Bearer <token>; CLI: MOCKTT_CONTROL_TOKEN)"
	}
	durable := "in memory (use --state FILE to keep it)"
	if state != "" {
		durable = state
	}
	fmt.Fprintf(w, `mockteamtailor %s: a fake Teamtailor
  listening on      %s
  web UI            %s
  Partner API       %s/partner/v1   (stack %s, Teamtailor-Host %s)
  public API        %s/v1   (the company keys below; X-Api-Version: %s)
  control API       %s/mock/v1
  control token     %s
  state             %s

partner %s %q
  base URL          %s
  API key           %s
  webhook secret    %s

sandbox company %q (uuid %s), integration activated
  provider key      %s
%s
try:
  curl -H 'Authorization: Token %s' -H 'X-Api-Version: %s' %s/partner/v1/partner-results

`, version, cfg.PublicURL, ui, cfg.PublicURL, cfg.Stack, cfg.HostHeader(), cfg.PublicURL, publicapi.CurrentVersion, cfg.PublicURL, token, durable,
		p.ID, p.Name, base, p.APIKey, p.WebhookSecret,
		sb.Company.Name, sb.Company.UUID, sb.Activation.ProviderKey, companyKeyLines(sb),
		p.APIKey, protocol.APIVersion, cfg.PublicURL)
}

// companyKeyLines are the sandbox company's /v1 keys, one line each.
func companyKeyLines(sb sandbox.Seeded) string {
	var b strings.Builder
	for _, k := range sb.Company.APIKeys() {
		note := permissions(k)
		if k.Key == sb.Activation.APIToken {
			note += "; sent as Teamtailor-Api-Token when the partner requires one"
		}
		fmt.Fprintf(&b, "  /v1 %-13s %s   (%s)\n", k.Scope+" key", k.Key, note)
	}
	return b.String()
}
