// Package acctest is the harness the provider's acceptance tests share. By default it starts
// one in-process Kasm simulator for the whole test binary and points the provider at it through
// the same environment variables a practitioner would set. When KASM_BASE_URL, KASM_API_KEY and
// KASM_API_KEY_SECRET are already set, the tests run unchanged against that real server instead,
// and tests that need simulator-only hooks (fault injection, out-of-band changes) skip.
package acctest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/provider"
)

// serverVariables are the environment variables that select a real Kasm server; they are the
// ones a practitioner sets for the provider, so the harness configures the simulator through them too.
var serverVariables = struct{ baseURL, key, keySecret string }{"KASM_BASE_URL", "KASM_API_KEY", "KASM_API_KEY_SECRET"}

// EnvBaseURL is the environment variable holding the base URL of the server under test.
const EnvBaseURL = "KASM_BASE_URL"

// ProviderName is the provider's type name in test configurations.
const ProviderName = "kasm"

// ProtoV6ProviderFactories serves the provider in-process to the Terraform CLI the tests drive.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	ProviderName: providerserver.NewProtocol6WithError(provider.New("test", "")()),
}

// SessionStageDelay is how long the shared simulator keeps a new session in each start-up
// state (requested, provisioning, assigned, starting), so that acceptance tests exercise
// the provider's polling the way an autoscaled real deployment would.
const SessionStageDelay = 250 * time.Millisecond

var (
	setupOnce  sync.Once
	simulator  *kasmsim.Server
	realServer bool
)

// setup decides, once per test binary, whether the tests talk to a real server or to the
// simulator, and starts the simulator when needed.
func setup() {
	setupOnce.Do(func() {
		if BaseURL() != "" && APIKey() != "" && APIKeySecret() != "" {
			realServer = true
			return
		}
		simulator = kasmsim.New(kasmsim.Options{
			Autoscale: true,
			SessionTiming: kasmsim.SessionTiming{
				Requested:    SessionStageDelay,
				Provisioning: SessionStageDelay,
				Assigned:     SessionStageDelay,
				Starting:     SessionStageDelay,
				Deleting:     SessionStageDelay,
			},
		})
		// The server lives as long as the test binary; the process exit closes it.
		server := httptest.NewServer(simulator)
		key, secret := simulator.AdminKey()
		setEnv(serverVariables.baseURL, server.URL)
		setEnv(serverVariables.key, key)
		setEnv(serverVariables.keySecret, secret)
	})
}

func setEnv(name, value string) {
	if err := os.Setenv(name, value); err != nil {
		panic(fmt.Sprintf("acctest: cannot set %s: %v", name, err))
	}
}

// PreCheck makes sure the tests have a Kasm server: the simulator, or the real server the
// KASM_ variables name. A partial set of variables is a mistake worth failing loudly on.
//
// Like resource.Test, it skips the test unless TF_ACC is set. Every helper here that reaches
// the server calls it first, so a test that prepares objects through the API before
// resource.Test skips before it creates anything, rather than after.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test skipped unless %s is set", resource.EnvTfAcc)
	}
	set := 0
	for _, value := range []string{BaseURL(), APIKey(), APIKeySecret()} {
		if value != "" {
			set++
		}
	}
	if set > 0 && set < 3 && !usingSimulator() {
		t.Fatalf("set all of %s, %s and %s to test against a real Kasm server, or none of them to use the simulator",
			serverVariables.baseURL, serverVariables.key, serverVariables.keySecret)
	}
	setup()
}

func usingSimulator() bool {
	return simulator != nil
}

// Simulator returns the shared simulator, or skips the test when it runs against a real server,
// because the test needs a hook that only the simulator has.
func Simulator(t *testing.T) *kasmsim.Server {
	t.Helper()
	PreCheck(t)
	if realServer {
		t.Skip("this test uses simulator-only hooks (fault injection or out-of-band changes); skipped against a real Kasm server")
	}
	return simulator
}

// IsRealServer reports whether the tests run against a real Kasm server.
func IsRealServer(t *testing.T) bool {
	t.Helper()
	PreCheck(t)
	return realServer
}

// Client returns an API client for the server under test, for checks that read back through the
// API (destroy checks, drift set-up on a real server).
func Client(t *testing.T) *kasm.Client {
	t.Helper()
	PreCheck(t)
	client, err := kasm.NewClient(kasm.Config{
		BaseURL:      BaseURL(),
		APIKey:       APIKey(),
		APIKeySecret: APIKeySecret(),
		MaxRetries:   2,
	})
	if err != nil {
		t.Fatalf("creating the Kasm client for checks: %v", err)
	}
	return client
}

// RandomName returns prefix followed by a random suffix, so that tests sharing a server, or
// running against a real one, never collide.
func RandomName(prefix string) string {
	suffix := make([]byte, 5)
	if _, err := rand.Read(suffix); err != nil {
		panic(fmt.Sprintf("acctest: reading random bytes: %v", err))
	}
	return prefix + "-" + hex.EncodeToString(suffix)
}

// BaseURL is the base URL of the Kasm server under test; it is empty before PreCheck has run
// unless a real server is configured.
func BaseURL() string {
	return os.Getenv(serverVariables.baseURL)
}

// WebRoot is the base URL of the server under test as the provider normalizes it, the prefix
// of the absolute URLs the provider builds.
func WebRoot(t *testing.T) string {
	t.Helper()
	PreCheck(t)
	base, err := kasm.ParseBaseURL(BaseURL())
	if err != nil {
		t.Fatalf("parsing %s: %v", serverVariables.baseURL, err)
	}
	return base.String()
}

// APIKey is the API key of the server under test, for tests that write an explicit provider block.
func APIKey() string {
	return os.Getenv(serverVariables.key)
}

// APIKeySecret is the secret of that key; tests use it to prove it never reaches a log.
func APIKeySecret() string {
	return os.Getenv(serverVariables.keySecret)
}

// ProviderConfig returns an explicit provider block, for tests that need other credentials or
// settings than the environment's. Each extra argument is one more line inside the block, such
// as `max_retries = 0`.
func ProviderConfig(baseURL, key, secret string, extra ...string) string {
	var block strings.Builder
	fmt.Fprintf(&block, "provider %q {\n  base_url       = %q\n  api_key        = %q\n  api_key_secret = %q\n",
		ProviderName, baseURL, key, secret)
	for _, line := range extra {
		block.WriteString("  " + line + "\n")
	}
	block.WriteString("}\n")
	return block.String()
}

// RestrictedProviderConfig creates an API key on the shared simulator that holds only the given
// permissions and returns a provider block that uses it, for the tests of what the provider
// says when a permission is missing. It skips against a real server.
func RestrictedProviderConfig(t *testing.T, perms ...kasmsim.Permission) string {
	t.Helper()
	key, secret := Simulator(t).CreateAPIKey(kasmsim.APIKeySpec{Name: RandomName("tf-acc-restricted"), Permissions: perms})
	return ProviderConfig(BaseURL(), key, secret)
}
