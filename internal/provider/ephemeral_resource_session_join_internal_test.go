package provider

import (
	"path"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

func TestSessionJoinModelFromAPI(t *testing.T) {
	config := sessionJoinModel{
		ShareID: types.StringValue("30a09d61"),
		UserID:  kasmtypes.NewIDValue("583035bb-5819-4e51-83b9-21223badc569"),
	}
	const joinPath = "/#/connect/join/30a09d61/583035bb58194e5183b921223badc569/c9ade890-7693-44bc-a1d4-797bbddf6771"
	joined := &kasm.JoinKasmResponse{
		Kasm:     &kasm.Kasm{ID: "116f18170fdc4a1a87146164a880fb93"},
		UserID:   "583035bb58194e5183b921223badc569",
		Username: "viewer@example.com",
		KasmURL:  joinPath,
	}
	// The token is the last segment of the link, as in Kasm's answers.
	joined.SessionToken = path.Base(joinPath)
	absolute := func(path string) string { return "https://kasm.example.com/kasm" + path }

	got := sessionJoinModelFromAPI(config, joined, absolute)
	checks := map[string][2]string{
		"share_id":      {got.ShareID.ValueString(), "30a09d61"},
		"user_id":       {got.UserID.ValueString(), "583035bb-5819-4e51-83b9-21223badc569"},
		"kasm_id":       {got.KasmID.ValueString(), "116f18170fdc4a1a87146164a880fb93"},
		"username":      {got.Username.ValueString(), "viewer@example.com"},
		"session_token": {got.SessionToken.ValueString(), "c9ade890-7693-44bc-a1d4-797bbddf6771"},
		"kasm_url":      {got.KasmURL.ValueString(), joined.KasmURL},
		"join_url":      {got.JoinURL.ValueString(), "https://kasm.example.com/kasm" + joined.KasmURL},
	}
	for name, pair := range checks {
		if pair[0] != pair[1] {
			t.Errorf("%s = %q, want %q", name, pair[0], pair[1])
		}
	}

	// An answer without a session object or a link leaves those attributes null rather than
	// inventing a URL from the base alone.
	sparse := sessionJoinModelFromAPI(config, &kasm.JoinKasmResponse{Username: "viewer@example.com"}, absolute)
	if !sparse.KasmID.IsNull() || !sparse.KasmURL.IsNull() || !sparse.JoinURL.IsNull() || !sparse.SessionToken.IsNull() {
		t.Errorf("kasm_id = %v, kasm_url, join_url and session_token null: %v %v %v; want all null",
			sparse.KasmID, sparse.KasmURL.IsNull(), sparse.JoinURL.IsNull(), sparse.SessionToken.IsNull())
	}
}
