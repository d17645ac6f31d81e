package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// imagesQuery is the cheapest configuration that makes the provider configure a client and
// call Kasm.
const imagesQuery = `
data "kasm_images" "all" {}
`

func TestAccProvider_configurationFromEnvironment(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: imagesQuery},
		},
	})
}

func TestAccProvider_invalidSettingsFailValidation(t *testing.T) {
	acctest.PreCheck(t)
	tests := []struct {
		name   string
		extra  []string
		url    string
		expect string
	}{
		{name: "api path in base_url", url: "https://kasm.example.com/api/public", expect: `(?s)Invalid Kasm Base.*URL.*web root`},
		{name: "base_url without scheme", url: "kasm.example.com", expect: `(?s)Invalid Kasm Base.*URL`},
		{name: "request_timeout", url: "https://kasm.example.com", extra: []string{`request_timeout = "soon"`},
			expect: `(?s)Invalid Request Timeout.*positive Go duration`},
		{name: "ca_cert_pem", url: "https://kasm.example.com", extra: []string{`ca_cert_pem = "not a certificate"`},
			expect: `(?s)Invalid CA Certificate.*PEM-encoded`},
		{name: "max_retries", url: "https://kasm.example.com", extra: []string{`max_retries = 99`},
			expect: `(?s)max_retries.*between 0 and 20`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      acctest.ProviderConfig(tt.url, "key", "secret", tt.extra...) + imagesQuery,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.expect),
				}},
			})
		})
	}
}

func TestAccProvider_missingSettingNamesItsVariable(t *testing.T) {
	acctest.PreCheck(t)
	t.Setenv("KASM_API_KEY_SECRET", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      imagesQuery,
			ExpectError: regexp.MustCompile(`(?s)Missing Kasm Provider Setting.*api_key_secret.*KASM_API_KEY_SECRET`),
		}},
	})
}

func TestAccProvider_unknownSettingIsExplained(t *testing.T) {
	acctest.PreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "url" {
  input = "https://kasm.example.com"
}

provider "kasm" {
  base_url = terraform_data.url.output
}
` + imagesQuery,
			ExpectError: acctest.ExpectErrorText("Unknown Kasm Provider Setting", "base_url is not known until apply"),
		}},
	})
}

func TestAccProvider_wrongCredentials(t *testing.T) {
	acctest.PreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderConfig(acctest.BaseURL(), acctest.APIKey(), "wrong-secret-0123456789abcdef01") + imagesQuery,
			ExpectError: regexp.MustCompile(`(?s)refused the API key.*Images View`),
		}},
	})
}

func TestAccProvider_unreachableServer(t *testing.T) {
	acctest.PreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// Port 1 on loopback is never served here, so the connection is refused at once.
			Config:      acctest.ProviderConfig("http://127.0.0.1:1", "key", "secret", "max_retries = 0") + imagesQuery,
			ExpectError: regexp.MustCompile(`(?s)could not be reached.*base_url`),
		}},
	})
}

func TestAccProvider_keyWithoutPermission(t *testing.T) {
	restricted := acctest.RestrictedProviderConfig(t, kasmsim.PermUsersView)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      restricted + imagesQuery,
			ExpectError: regexp.MustCompile(`(?s)Unable to Read Kasm Images.*permissions.*Images View`),
		}},
	})
}
