package provider

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

// groupImageTestModel is the kasm_group_image state, for building test states.
type groupImageTestModel struct {
	ID      types.String      `tfsdk:"id"`
	GroupID kasmtypes.IDValue `tfsdk:"group_id"`
	ImageID kasmtypes.IDValue `tfsdk:"image_id"`
}

// TestGroupImageDeleteIsIdempotent withdraws assignments that are already gone, in every way
// they can go: withdrawn, group deleted, image deleted.
func TestGroupImageDeleteIsIdempotent(t *testing.T) {
	data, sim := groupsTestProviderData(t)
	r := &groupImageResource{groupPairResource{pair: groupImagePair, data: data}}
	const unknownID = "0000000000000000000000000000abcd"

	for name, ids := range map[string][2]string{
		"not assigned": {kasmsim.AdministratorsGroupID, kasmsim.ImageChromeID},
		"group gone":   {unknownID, kasmsim.ImageChromeID},
		"image gone":   {kasmsim.AllUsersGroupID, unknownID},
	} {
		t.Run(name, func(t *testing.T) {
			groupsTestDelete(t, r, groupImageTestModel{
				ID:      types.StringValue(compositeID(ids[0], ids[1])),
				GroupID: kasmtypes.NewIDValue(ids[0]),
				ImageID: kasmtypes.NewIDValue(ids[1]),
			})
		})
	}

	// An assignment that exists is really withdrawn.
	groupsTestDelete(t, r, groupImageTestModel{
		ID:      types.StringValue(compositeID(kasmsim.AllUsersGroupID, kasmsim.ImageChromeID)),
		GroupID: kasmtypes.NewIDValue(dashed(kasmsim.AllUsersGroupID)),
		ImageID: kasmtypes.NewIDValue(kasmsim.ImageChromeID),
	})
	allUsers, _ := sim.Group(kasmsim.AllUsersGroupID)
	if slices.ContainsFunc(allUsers.Images, func(gi kasmsim.GroupImage) bool { return gi.ImageID == kasmsim.ImageChromeID }) {
		t.Error("the image is still assigned to All Users")
	}
}
