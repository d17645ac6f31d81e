package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
)

// sensitiveLogFieldKeys are field names whose values are masked whenever they reach a log line.
// The client never logs them; the mask is a second line of defence against a future change
// that would.
var sensitiveLogFieldKeys = []string{
	"api_key_secret", "password", "session_token", "token", "view_only_token",
	"kasm_url", "connect_url", "join_url", "url", "ssh_private_key",
}

// clientLogger bridges the Kasm client's logging to terraform-plugin-log, so that client
// messages carry structured fields and obey TF_LOG and TF_LOG_PROVIDER.
type clientLogger struct {
	apiKeySecret string
}

var _ kasm.Logger = clientLogger{}

func newClientLogger(apiKeySecret string) clientLogger {
	return clientLogger{apiKeySecret: apiKeySecret}
}

func (l clientLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, sensitiveLogFieldKeys...)
	if l.apiKeySecret != "" {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, l.apiKeySecret)
		ctx = tflog.MaskMessageStrings(ctx, l.apiKeySecret)
	}
	return ctx
}

func (l clientLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l clientLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(l.mask(ctx), msg, fields)
}

func (l clientLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}
