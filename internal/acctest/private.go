package acctest

import (
	"net/http/httptest"
	"testing"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// Private is a simulator that serves one test alone, for tests that change what every reader
// of the shared simulator would see (images, group settings, session timing), inject faults, or
// count requests. Its tests reach it through an explicit provider block.
type Private struct {
	// Sim is the simulator, for its Go test hooks.
	Sim *kasmsim.Server
	// BaseURL is the simulator's web root.
	BaseURL string
	// APIKey and APIKeySecret are the simulator's administrator key, which holds every permission.
	APIKey, APIKeySecret string
}

// PrivateSimulator starts a simulator with the given options for the test alone and stops it
// when the test ends. Like every helper here it skips unless TF_ACC is set (see PreCheck), but
// not against a real server: the private simulator stands in for the server either way.
func PrivateSimulator(t *testing.T, opts kasmsim.Options) *Private {
	t.Helper()
	PreCheck(t)
	sim := kasmsim.New(opts)
	server := httptest.NewServer(sim)
	t.Cleanup(server.Close)
	key, secret := sim.AdminKey()
	return &Private{Sim: sim, BaseURL: server.URL, APIKey: key, APIKeySecret: secret}
}

// ProviderConfig is a provider block that points the provider at the private simulator; each
// extra argument is one more line inside the block, as for the package-level ProviderConfig.
func (p *Private) ProviderConfig(extra ...string) string {
	return ProviderConfig(p.BaseURL, p.APIKey, p.APIKeySecret, extra...)
}

// Client returns an API client of the private simulator, for preparing objects and for checks.
func (p *Private) Client(t *testing.T) *kasm.Client {
	t.Helper()
	client, err := kasm.NewClient(kasm.Config{BaseURL: p.BaseURL, APIKey: p.APIKey, APIKeySecret: p.APIKeySecret})
	if err != nil {
		t.Fatalf("creating a client of the private simulator: %v", err)
	}
	return client
}

// CreateUser is the package-level CreateUser for the private simulator.
func (p *Private) CreateUser(t *testing.T, prefix string) *kasm.User {
	t.Helper()
	return createUserOn(t, p.Client(t), prefix)
}
