package provider

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// Helpers for the unit tests of the group, membership, group image and user attributes
// resources, which call resource methods directly against a private simulator.

// groupsTestProviderData returns provider data whose client talks to a fresh simulator.
func groupsTestProviderData(t *testing.T) (*providerData, *kasmsim.Server) {
	t.Helper()
	sim := kasmsim.New(kasmsim.Options{})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	key, secret := sim.AdminKey()
	client, err := kasm.NewClient(kasm.Config{BaseURL: srv.URL, APIKey: key, APIKeySecret: secret})
	if err != nil {
		t.Fatalf("creating the client: %v", err)
	}
	baseURL, err := kasm.ParseBaseURL(srv.URL)
	if err != nil {
		t.Fatalf("parsing the base URL: %v", err)
	}
	return &providerData{client: client, baseURL: baseURL}, sim
}

// groupsTestState builds the state of resource r from model.
func groupsTestState(ctx context.Context, t *testing.T, r resource.Resource, model any) tfsdk.State {
	t.Helper()
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	if schemaResp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", schemaResp.Diagnostics)
	}
	state := tfsdk.State{
		Schema: schemaResp.Schema,
		Raw:    tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil),
	}
	if diags := state.Set(ctx, model); diags.HasError() {
		t.Fatalf("building the state: %v", diags)
	}
	return state
}

// groupsTestDelete runs r.Delete on a state built from model and fails on any diagnostic.
func groupsTestDelete(t *testing.T, r resource.Resource, model any) {
	t.Helper()
	ctx := t.Context()
	state := groupsTestState(ctx, t, r, model)
	resp := resource.DeleteResponse{State: state}
	r.Delete(ctx, resource.DeleteRequest{State: state}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Delete: %v", resp.Diagnostics)
	}
}
