package settings

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/mockteamtailor/mockteamtailor/mockteamtailor/providerkey"
)

// parse registers the flags on a fresh flag set, parses args with env as
// the environment and validates, as TestMain and Run do.
func parse(t *testing.T, args []string, env map[string]string) error {
	t.Helper()
	saved := TestContext
	t.Cleanup(func() { TestContext = saved })
	TestContext = Settings{}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	RegisterFlags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return AfterReadingAllFlags()
}

// Missing settings are all reported at once, each saying what to set.
func TestSettingsReportEveryMissingOne(t *testing.T) {
	err := parse(t, nil, nil)
	if err == nil {
		t.Fatal("no error without settings")
	}
	for _, want := range []string{"--base-url (or TTCONF_BASE_URL) is required", "--api-key (or TTCONF_API_KEY)", "--webhook-secret (or TTCONF_WEBHOOK_SECRET)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q: %v", want, err)
		}
	}
}

// Environment variables fill flags; the command line wins.
func TestSettingsFromEnvironment(t *testing.T) {
	env := map[string]string{"TTCONF_BASE_URL": "http://env:3000", "TTCONF_API_KEY": "k", "TTCONF_WEBHOOK_SECRET": "s",
		"TTCONF_TIMEOUT": "3s", "TTCONF_BULK": "true"}
	if err := parse(t, []string{"--base-url", "http://flag:3000"}, env); err != nil {
		t.Fatal(err)
	}
	c := TestContext
	if c.BaseURL != "http://flag:3000" || c.APIKey != "k" || c.Timeout != 3*time.Second || !c.Bulk || c.Assessment {
		t.Errorf("settings = %+v", c)
	}
	if !isUUID(c.ProviderKey) {
		t.Errorf("provider key %q, want a random UUID without --provider-key or --activation-field", c.ProviderKey)
	}
}

// --activation-field builds the provider key as Teamtailor does: a JWT
// signed with the API key carrying the values.
func TestActivationFieldsBuildAJWT(t *testing.T) {
	args := []string{"--base-url", "http://p", "--api-key", "the-api-key", "--webhook-secret", "s",
		"--activation-field", "api_token=abc", "--activation-field", "region=eu,plan=pro"}
	if err := parse(t, args, nil); err != nil {
		t.Fatal(err)
	}
	values, _, err := providerkey.ParseJWT("the-api-key", TestContext.ProviderKey)
	if err != nil {
		t.Fatal(err)
	}
	if values["api_token"] != "abc" || values["region"] != "eu" || values["plan"] != "pro" {
		t.Errorf("claims = %v", values)
	}
}

func TestSettingsRefuseBadValues(t *testing.T) {
	args := []string{"--base-url", "localhost:3000", "--api-key", "k", "--webhook-secret", "s",
		"--provider-key", "p", "--activation-field", "a=b", "--mock-listen", "8081", "--timeout", "0s"}
	err := parse(t, args, map[string]string{"TTCONF_VERIFIES_SIGNATURES": "sure"})
	for _, want := range []string{"--base-url \"localhost:3000\" must be an absolute http(s) URL", "not both", "--mock-listen \"8081\" must be host:port",
		"--timeout must be positive", "TTCONF_VERIFIES_SIGNATURES=\"sure\" is not a boolean"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q: %v", want, err)
		}
	}
}

func isUUID(s string) bool { return providerkey.KindOf(s) == providerkey.KindUUID }
