// Package provider implements the Kasm Workspaces Terraform provider on top of the Kasm API
// client in internal/kasm.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
)

var (
	_ provider.Provider                       = (*kasmProvider)(nil)
	_ provider.ProviderWithValidateConfig     = (*kasmProvider)(nil)
	_ provider.ProviderWithFunctions          = (*kasmProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*kasmProvider)(nil)
)

// envSetting ties a provider attribute to the environment variable that supplies it when the
// configuration leaves it out.
type envSetting struct {
	attribute string
	variable  string
}

// The provider settings that may come from the environment.
var (
	baseURLSetting      = envSetting{"base_url", "KASM_BASE_URL"}
	apiKeySetting       = envSetting{"api_key", "KASM_API_KEY"}
	apiKeySecretSetting = envSetting{"api_key_secret", "KASM_API_KEY_SECRET"}
	insecureSetting     = envSetting{"insecure", "KASM_INSECURE"}
)

// describe ends an attribute description with the environment variable that can replace it.
func (s envSetting) describe(description string) string {
	return description + " May also be set with the `" + s.variable + "` environment variable."
}

// resolve returns the configured value, or the environment variable's when it is not set.
func (s envSetting) resolve(value types.String) string {
	if knownString(value) {
		return value.ValueString()
	}
	return os.Getenv(s.variable)
}

// kasmProvider is the provider implementation; version and commit come from the build.
type kasmProvider struct {
	version string
	commit  string
}

// kasmProviderModel maps the provider block.
type kasmProviderModel struct {
	BaseURL        types.String `tfsdk:"base_url"`
	APIKey         types.String `tfsdk:"api_key"`
	APIKeySecret   types.String `tfsdk:"api_key_secret"`
	Insecure       types.Bool   `tfsdk:"insecure"`
	CACertPEM      types.String `tfsdk:"ca_cert_pem"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
}

// New returns a constructor for the provider, as providerserver.Serve and the acceptance
// tests expect.
func New(version, commit string) func() provider.Provider {
	return func() provider.Provider {
		return &kasmProvider{version: version, commit: commit}
	}
}

func (p *kasmProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "kasm"
	resp.Version = p.version
}

func (p *kasmProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Kasm Workspaces users, groups, sessions, images and login links through the " +
			"Kasm developer API. The API key needs the permissions each resource lists; a new Kasm API key has none.",
		Attributes: map[string]schema.Attribute{
			"base_url": schema.StringAttribute{
				MarkdownDescription: baseURLSetting.describe("The Kasm web root, for example `https://kasm.example.com` " +
					"or `https://example.com/kasm` (not the `/api/public` path)."),
				Optional: true,
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: apiKeySetting.describe("The Kasm API key."),
				Optional:            true,
			},
			"api_key_secret": schema.StringAttribute{
				MarkdownDescription: apiKeySecretSetting.describe("The Kasm API key secret."),
				Optional:            true,
				Sensitive:           true,
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: insecureSetting.describe("Skip verification of the server's TLS certificate. Only " +
					"for test servers with self-signed certificates; prefer `ca_cert_pem`. Defaults to `false`."),
				Optional: true,
			},
			"ca_cert_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificates to trust in addition to the system roots, for servers " +
					"behind a private certificate authority.",
				Optional: true,
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one HTTP request to Kasm may take, as a Go duration such as `\"30s\"` " +
					"or `\"2m\"`. Defaults to `\"30s\"`.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a failed request that is safe to repeat is sent again, with " +
					"exponential backoff. Requests that create objects are never repeated. Defaults to `4`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
		},
	}
}

// ValidateConfig rejects settings that are wrong whatever the environment holds, so that a
// typo in base_url or request_timeout shows up at validate time instead of at apply.
func (p *kasmProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var config kasmProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if knownString(config.BaseURL) {
		if _, err := kasm.ParseBaseURL(config.BaseURL.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid Kasm Base URL", err.Error())
		}
	}
	if knownString(config.RequestTimeout) {
		if _, err := parseRequestTimeout(config.RequestTimeout.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid Request Timeout", err.Error())
		}
	}
	if knownString(config.CACertPEM) {
		if !containsPEMCertificate(config.CACertPEM.ValueString()) {
			resp.Diagnostics.AddAttributeError(path.Root("ca_cert_pem"), "Invalid CA Certificate",
				"ca_cert_pem must hold at least one PEM-encoded certificate (a \"-----BEGIN CERTIFICATE-----\" block).")
		}
	}
}

func (p *kasmProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config kasmProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A value that is unknown until apply cannot configure a client during plan; say so per
	// attribute rather than silently falling back to the environment.
	for _, unknown := range []struct {
		value   types.String
		setting envSetting
	}{
		{config.BaseURL, baseURLSetting},
		{config.APIKey, apiKeySetting},
		{config.APIKeySecret, apiKeySecretSetting},
	} {
		if unknown.value.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(unknown.setting.attribute), "Unknown Kasm Provider Setting",
				fmt.Sprintf("The provider cannot connect to Kasm because %s is not known until apply. Set it to a "+
					"value known at plan time, or set the %s environment variable instead.",
					unknown.setting.attribute, unknown.setting.variable))
		}
	}
	if config.Insecure.IsUnknown() || config.CACertPEM.IsUnknown() || config.RequestTimeout.IsUnknown() || config.MaxRetries.IsUnknown() {
		resp.Diagnostics.AddError("Unknown Kasm Provider Setting",
			"insecure, ca_cert_pem, request_timeout and max_retries must be known at plan time.")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	baseURL := baseURLSetting.resolve(config.BaseURL)
	apiKey := apiKeySetting.resolve(config.APIKey)
	apiKeySecret := apiKeySecretSetting.resolve(config.APIKeySecret)
	for _, missing := range []struct {
		value   string
		setting envSetting
	}{
		{baseURL, baseURLSetting},
		{apiKey, apiKeySetting},
		{apiKeySecret, apiKeySecretSetting},
	} {
		if missing.value == "" {
			resp.Diagnostics.AddAttributeError(path.Root(missing.setting.attribute), "Missing Kasm Provider Setting",
				fmt.Sprintf("The provider needs %s to reach Kasm. Set it in the provider block or in the %s "+
					"environment variable.", missing.setting.attribute, missing.setting.variable))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	parsedBaseURL, err := kasm.ParseBaseURL(baseURL)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid Kasm Base URL", err.Error())
		return
	}

	insecure := config.Insecure.ValueBool()
	if config.Insecure.IsNull() {
		if raw := os.Getenv(insecureSetting.variable); raw != "" {
			insecure, err = strconv.ParseBool(raw)
			if err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("insecure"), "Invalid Kasm Provider Setting",
					fmt.Sprintf("The %s environment variable must be true or false, got %q.", insecureSetting.variable, raw))
				return
			}
		}
	}

	requestTimeout := kasm.DefaultRequestTimeout
	if knownString(config.RequestTimeout) {
		requestTimeout, err = parseRequestTimeout(config.RequestTimeout.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid Request Timeout", err.Error())
			return
		}
	}

	clientConfig := kasm.Config{
		BaseURL:            parsedBaseURL.String(),
		APIKey:             apiKey,
		APIKeySecret:       apiKeySecret,
		InsecureSkipVerify: insecure,
		CACertPEM:          config.CACertPEM.ValueString(),
		RequestTimeout:     requestTimeout,
		MaxRetries:         kasm.DefaultMaxRetries,
		UserAgent:          userAgent(p.version, p.commit),
		Logger:             newClientLogger(apiKeySecret),
	}
	if !config.MaxRetries.IsNull() {
		clientConfig.MaxRetries = int(config.MaxRetries.ValueInt64())
	}
	client, err := kasm.NewClient(clientConfig)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Configure Kasm Provider", "The Kasm client could not be created. "+
			"Check the provider settings.\n\nError: "+err.Error())
		return
	}

	tflog.Debug(ctx, "Configured Kasm client", map[string]any{
		"base_url":        parsedBaseURL.String(),
		"insecure":        insecure,
		"request_timeout": requestTimeout.String(),
	})

	data := &providerData{client: client, baseURL: parsedBaseURL, users: newUserDirectory(client)}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
}

func (p *kasmProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewGroupImageResource,
		NewGroupMembershipResource,
		NewGroupResource,
		NewSessionResource,
		NewUserAttributesResource,
		NewUserResource,
	}
}

func (p *kasmProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewGroupsDataSource,
		NewImageDataSource,
		NewImagesDataSource,
		NewLoginURLDataSource,
		NewSessionsDataSource,
		NewUserDataSource,
		NewUsersDataSource,
	}
}

func (p *kasmProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewLoginURLEphemeralResource,
		NewSessionJoinEphemeralResource,
	}
}

func (p *kasmProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewSessionURLFunction,
	}
}

// userAgent names the provider and its build so Kasm administrators can tell its requests apart.
func userAgent(version, commit string) string {
	agent := "terraform-provider-kasm/" + version
	if commit != "" {
		agent += " (" + commit + ")"
	}
	return agent
}

func parseRequestTimeout(raw string) (time.Duration, error) {
	timeout, err := time.ParseDuration(raw)
	if err != nil || timeout <= 0 {
		return 0, fmt.Errorf("request_timeout must be a positive Go duration such as \"30s\" or \"2m\", got %q", raw)
	}
	return timeout, nil
}

func knownString(value types.String) bool {
	return !value.IsNull() && !value.IsUnknown()
}
