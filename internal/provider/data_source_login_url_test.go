package provider_test

import (
	"fmt"
	"net/url"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestAccLoginURLDataSource_basic(t *testing.T) {
	user := acctest.CreateUser(t, "tf-login-url")
	loginURL := loginURLPattern(t, user.ID)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: loginURLDataSourceConfig(user.ID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.kasm_login_url.test", tfjsonpath.New("user_id"), knownvalue.StringExact(user.ID)),
					statecheck.ExpectKnownValue("data.kasm_login_url.test", tfjsonpath.New("url"), knownvalue.StringRegexp(loginURL)),
					statecheck.ExpectSensitiveValue("data.kasm_login_url.test", tfjsonpath.New("url")),
				},
			},
			{
				// The dashed form of the id is accepted and kept as written; the link names the hex form.
				Config: loginURLDataSourceConfig(acctest.DashedID(user.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.kasm_login_url.test", tfjsonpath.New("user_id"),
						knownvalue.StringExact(acctest.DashedID(user.ID))),
					statecheck.ExpectKnownValue("data.kasm_login_url.test", tfjsonpath.New("url"), knownvalue.StringRegexp(loginURL)),
				},
			},
		},
	})
}

func TestAccLoginURLDataSource_unknownUser(t *testing.T) {
	missing := "5d1c0e2f3a4b4c6d8e9f0a1b2c3d4e5f"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      loginURLDataSourceConfig(missing),
				ExpectError: acctest.ExpectErrorText("Unable to Read Kasm Login URL", "No user found with id"),
			},
		},
	})
}

func TestAccLoginURLDataSource_missingPermission(t *testing.T) {
	acctest.Simulator(t)
	user := acctest.CreateUser(t, "tf-login-url-perm")
	restricted := acctest.RestrictedProviderConfig(t, kasmsim.PermUsersView)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: restricted + loginURLDataSourceConfig(user.ID),
				ExpectError: acctest.ExpectErrorText("Unable to Read Kasm Login URL", "The Kasm server refused the API key",
					"(Users Auth Session)"),
			},
		},
	})
}

// loginURLDataSourceConfig is a kasm_login_url data source for the user.
func loginURLDataSourceConfig(userID string) string {
	return fmt.Sprintf(`
data "kasm_login_url" "test" {
  user_id = %[1]q
}
`, userID)
}

// loginURLPattern matches the login link Kasm issues for the user: https, the host the
// provider connects to, the user's hex id and a new session token.
func loginURLPattern(t *testing.T, userID string) *regexp.Regexp {
	t.Helper()
	base, err := url.Parse(acctest.BaseURL())
	if err != nil || base.Host == "" {
		t.Fatalf("the harness set an unusable %s: %v", acctest.EnvBaseURL, err)
	}
	prefix := "https://" + base.Host + "/#/connect/login/dash/" + userID + "/"
	return regexp.MustCompile("^" + regexp.QuoteMeta(prefix) + anyUUIDPattern + "$")
}
