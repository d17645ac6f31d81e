package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
)

// The function needs no Kasm server: these tests run without TF_ACC, with only a Terraform CLI.

func TestSessionURLFunction_options(t *testing.T) {
	const (
		joinPath = "/#/connect/join/89cc8cd3/c7357f11eb4d47ad8021b5847d8415d8/070fce1f-86c6-4e05-9b10-935632acb8ce"
		joinURL  = "https://kasm.example.com" + joinPath
	)
	// Each case is a root output: the function call it holds and the URL it must give.
	cases := []struct{ output, call, want string }{
		{
			// The example of the developer API's "Session Component Control" section.
			output: "all_options_path",
			call: `provider::kasm::session_url(local.join_path, {
    disable_fixed_res     = true
    disable_chat          = true
    disable_tips          = true
    disable_control_panel = true
  })`,
			want: joinPath + "?disable_control_panel=1&disable_tips=1&disable_chat=1&disable_fixed_res=1",
		},
		{
			output: "absolute",
			call:   `provider::kasm::session_url(local.join_url, { disable_chat = true, disable_tips = true })`,
			want:   joinURL + "?disable_tips=1&disable_chat=1",
		},
		{
			output: "false_options",
			call:   `provider::kasm::session_url(local.join_url, { disable_chat = false, disable_tips = true })`,
			want:   joinURL + "?disable_tips=1",
		},
		{
			output: "all_false",
			call:   `provider::kasm::session_url(local.join_url, { disable_chat = false, disable_control_panel = false })`,
			want:   joinURL,
		},
		{
			output: "empty_map",
			call:   `provider::kasm::session_url(local.join_url, {})`,
			want:   joinURL,
		},
		{
			output: "existing_query",
			call:   `provider::kasm::session_url("${local.join_url}?lang=de", { disable_control_panel = true })`,
			want:   joinURL + "?lang=de&disable_control_panel=1",
		},
		{
			output: "existing_key",
			call:   `provider::kasm::session_url("${local.join_url}?disable_chat=0&lang=de", { disable_chat = true, disable_tips = true })`,
			want:   joinURL + "?disable_chat=1&lang=de&disable_tips=1",
		},
		{
			output: "prefixed_base_url",
			call:   `provider::kasm::session_url("https://example.com/kasm/#/connect/kasm/a/b/c", { disable_fixed_res = true })`,
			want:   "https://example.com/kasm/#/connect/kasm/a/b/c?disable_fixed_res=1",
		},
	}

	var config strings.Builder
	fmt.Fprintf(&config, `
locals {
  join_path = %q
  join_url  = "https://kasm.example.com${local.join_path}"
}
`, joinPath)
	checks := make([]statecheck.StateCheck, 0, len(cases))
	for _, c := range cases {
		fmt.Fprintf(&config, "\noutput %q {\n  value = %s\n}\n", c.output, c.call)
		checks = append(checks, statecheck.ExpectKnownOutputValue(c.output, knownvalue.StringExact(c.want)))
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config:            config.String(),
				ConfigStateChecks: checks,
			},
		},
	})
}

func TestSessionURLFunction_sensitiveInputGivesSensitiveResult(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				// Terraform refuses a root output that holds a sensitive value unless the output
				// is marked sensitive, which proves that the mark of url reaches the result.
				Config: `
variable "kasm_url" {
  type      = string
  sensitive = true
  default   = "/#/connect/kasm/a/b/c"
}

output "url" {
  value = provider::kasm::session_url(var.kasm_url, { disable_tips = true })
}
`,
				ExpectError: regexp.MustCompile(`Output refers to sensitive values`),
			},
			{
				Config: `
variable "kasm_url" {
  type      = string
  sensitive = true
  default   = "/#/connect/kasm/a/b/c"
}

output "url" {
  value     = provider::kasm::session_url(var.kasm_url, { disable_tips = true })
  sensitive = true
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("url", knownvalue.StringExact("/#/connect/kasm/a/b/c?disable_tips=1")),
				},
			},
		},
	})
}

func TestSessionURLFunction_unknownArguments(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config: `
resource "terraform_data" "path" {
  input = "/#/connect/kasm/a/b/c"
}

output "url" {
  value = provider::kasm::session_url(terraform_data.path.output, { disable_chat = true })
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownOutputValue("url")},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("url", knownvalue.StringExact("/#/connect/kasm/a/b/c?disable_chat=1")),
				},
			},
		},
	})
}

func TestSessionURLFunction_errors(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config: `
output "url" {
  value = provider::kasm::session_url("/#/connect/kasm/a/b/c", { disable_chat = true, hide_chat = true })
}
`,
				ExpectError: acctest.ExpectErrorText(`Invalid value for "options" parameter: unknown option "hide_chat"; the valid options are ` +
					"disable_control_panel, disable_tips, disable_chat, disable_fixed_res"),
			},
			{
				Config: `
output "url" {
  value = provider::kasm::session_url("https://kasm.example.com/", { disable_chat = true })
}
`,
				ExpectError: regexp.MustCompile(`Invalid value for "url" parameter: the URL has no "#/" fragment`),
			},
			{
				Config: `
output "url" {
  value = provider::kasm::session_url("/#/connect/kasm/a/b/c", null)
}
`,
				ExpectError: regexp.MustCompile(`Invalid value for "options" parameter: argument must not be null`),
			},
		},
	})
}
