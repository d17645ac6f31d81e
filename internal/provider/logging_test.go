package provider

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// The client never logs secrets; this checks the second line of defence, the bridge's masks,
// for the case where a future change would hand one to a log call.
func TestClientLoggerMasksSecrets(t *testing.T) {
	secret := strings.Repeat("KUNAvRw4", 4)
	sessionToken := "b03bf84a-53fc-4934-85e4-" + strings.Repeat("c4", 6)
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(t.Context(), &out)
	logger := newClientLogger(secret)

	logger.Debug(ctx, "calling Kasm with "+secret, map[string]any{
		"endpoint":       "create_user",
		"api_key_secret": secret,
		"password":       "hunter2-password",
		"url":            "https://kasm.example.com/#/connect/login/dash/x/y",
		"note":           "contains " + secret,
	})
	logger.Trace(ctx, "trace", map[string]any{"session_token": sessionToken})
	logger.Warn(ctx, "warn", map[string]any{"kasm_url": "/#/connect/kasm/a/b/c"})

	logged := out.String()
	for _, leaked := range []string{secret, "hunter2-password", "connect/login", "b03bf84a-53fc", "/#/connect/kasm"} {
		if strings.Contains(logged, leaked) {
			t.Errorf("log output contains %q:\n%s", leaked, logged)
		}
	}
	if !strings.Contains(logged, "create_user") {
		t.Errorf("log output lost the non-secret fields:\n%s", logged)
	}
}

func TestUserAgent(t *testing.T) {
	if got := userAgent("1.2.3", "abc123"); got != "terraform-provider-kasm/1.2.3 (abc123)" {
		t.Errorf("userAgent = %q", got)
	}
	if got := userAgent("dev", ""); got != "terraform-provider-kasm/dev" {
		t.Errorf("userAgent = %q", got)
	}
}
