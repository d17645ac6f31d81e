package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ resource.Resource                = (*groupImageResource)(nil)
	_ resource.ResourceWithConfigure   = (*groupImageResource)(nil)
	_ resource.ResourceWithImportState = (*groupImageResource)(nil)
)

// groupImagePair is the assignment of one image to one group.
var groupImagePair = groupPair{
	object:           "Kasm Group Image",
	memberAttribute:  "image_id",
	importFormat:     "<group_id>/<image_id>",
	importExample:    allUsersGroupID + "/b2609fbf72954b20a56c1fe502aa2c41",
	writePermissions: []string{"Groups Modify", "Groups Modify System for All Users and Administrators"},
	readPermissions:  []string{"Groups View", "Groups View System for All Users and Administrators"},
	add: func(ctx context.Context, client *kasm.Client, groupID, imageID string) error {
		return client.AddImagesGroup(ctx, groupID, imageID)
	},
	remove: func(ctx context.Context, client *kasm.Client, groupID, imageID string) error {
		return client.RemoveImagesGroup(ctx, groupID, imageID)
	},
	exists: isImageAssigned,
	existingDetail: func(groupID, imageID string) string {
		return fmt.Sprintf("The image %s is already assigned to the group %s. kasm_group_image manages one "+
			"assignment and does not take over existing ones. To manage it with Terraform (and withdraw it on "+
			"destroy), import it:\n\n    terraform import <resource address> %s",
			imageID, groupID, compositeID(groupID, imageID))
	},
	missingReferences: func(groupID, imageID string) []missingReference {
		return []missingReference{
			{attribute: "group_id", answerPrefix: "group ", object: "group", id: groupID},
			{attribute: "image_id", answerPrefix: "image ", object: "image", id: imageID},
		}
	},
	lostAnswerLog: "The answer to add_images_group was lost; checking the group's images",
	addedLog:      "Assigned Kasm image to group",
	removedLog:    "Withdrew Kasm image from group",
	goneLog:       "Kasm group image assignment no longer exists, removing from state",
}

// groupImageResource manages the assignment of one image to one group.
type groupImageResource struct {
	groupPairResource
}

// NewGroupImageResource returns the kasm_group_image resource.
func NewGroupImageResource() resource.Resource {
	return &groupImageResource{groupPairResource{pair: groupImagePair}}
}

func (r *groupImageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_image"
}

func (r *groupImageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = groupPairSchema(r.pair, "Assigns one workspace image to one Kasm group, which lets the group's "+
		"members launch it: Kasm starts a session for a user only with an image assigned to one of the user's "+
		"groups.\n\n"+
		"The resource is pairwise and not authoritative: it manages the one assignment it names and never "+
		"touches the group's other images. An assignment removed outside Terraform, or whose group or image "+
		"was deleted, disappears from the state and is created again by the next apply.\n\n"+
		"The API key needs the Groups View, Groups Modify and Images View permissions, and Groups Modify "+
		"System for the All Users and Administrators groups.",
		"assignment", "image")
}

// isImageAssigned reports whether the image is assigned to the group; a group that does not
// exist has no images, and an image that does not exist is assigned nowhere.
func isImageAssigned(ctx context.Context, client *kasm.Client, groupID, imageID string) (bool, error) {
	images, err := client.GetImagesGroup(ctx, groupID)
	if errors.Is(err, kasm.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(images, func(gi kasm.GroupImage) bool { return kasmtypes.SameID(gi.ImageID, imageID) }), nil
}
