package provider

import (
	"encoding/pem"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
)

// providerData is what Configure hands to every resource, data source and ephemeral resource.
type providerData struct {
	client *kasm.Client
	// baseURL is the Kasm web root; session and join paths are appended to it to build the
	// absolute URLs people open in a browser.
	baseURL *url.URL
	// users serves kasm_user reads, from one listing when many arrive together. Every write
	// to a user must call users.invalidate().
	users *userDirectory
}

// absoluteURL joins a path that Kasm returns (such as "/#/connect/kasm/...") to the web root.
func (d *providerData) absoluteURL(kasmPath string) string {
	return d.baseURL.String() + kasmPath
}

// configuredData extracts the provider data passed to an entity's Configure method. It returns
// nil without a diagnostic when the provider is not configured yet (during validation), and
// nil with a diagnostic when the value has the wrong type.
func configuredData(object string, data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	configured, ok := data.(*providerData)
	if !ok {
		diags.Append(diagnostics.UnexpectedProviderData(object, data))
		return nil
	}
	return configured
}

// containsPEMCertificate reports whether raw holds at least one PEM certificate block.
func containsPEMCertificate(raw string) bool {
	rest := []byte(raw)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return false
		}
		if block.Type == "CERTIFICATE" {
			return true
		}
	}
}
