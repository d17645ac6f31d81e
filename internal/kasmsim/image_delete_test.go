package kasmsim_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestDeleteImageOutOfBand(t *testing.T) {
	h := newHarness(t, kasmsim.Options{})
	imageID, err := h.sim.AddImage(kasmsim.ImageRecord{Name: "kasmweb/doomed:1.0", FriendlyName: "Doomed"})
	if err != nil {
		t.Fatalf("AddImage: %v", err)
	}
	group, isString := obj(t, h.ok("create_group", map[string]any{
		"target_group": map[string]any{"name": "Doomed Users", "priority": 50},
	}), "group")["group_id"].(string)
	if !isString {
		t.Fatal("create_group answered no group_id")
	}
	h.ok("add_images_group", map[string]any{
		"target_group": map[string]any{"group_id": group}, "target_image": map[string]any{"image_id": imageID},
	})
	userID := h.createUser("doomed@example.com")
	h.ok("update_user_attributes", map[string]any{
		"target_user_attributes": map[string]any{"user_id": userID, "default_image": imageID},
	})

	if err := h.sim.DeleteImageOutOfBand(dashedID(imageID)); err != nil {
		t.Fatalf("DeleteImageOutOfBand: %v", err)
	}

	for _, img := range h.sim.Images() {
		if img.ID == imageID {
			t.Errorf("image %s is still listed", imageID)
		}
	}
	images := list(t, h.ok("get_images_group", map[string]any{"target_group": map[string]any{"group_id": group}}), "images")
	if len(images) != 0 {
		t.Errorf("get_images_group lists %v after the image was deleted", images)
	}
	attrs := obj(t, h.ok("get_attributes", map[string]any{"target_user": map[string]any{"user_id": userID}}), "user_attributes")
	if attrs["default_image"] != nil {
		t.Errorf("default_image = %v, want null after the image was deleted", attrs["default_image"])
	}
	expectError(t, h.call("add_images_group", map[string]any{
		"target_group": map[string]any{"group_id": group}, "target_image": map[string]any{"image_id": imageID},
	}), http.StatusOK, "Image "+imageID+" does not exist")

	if err := h.sim.DeleteImageOutOfBand(imageID); !errors.Is(err, kasmsim.ErrNotFound) {
		t.Errorf("deleting the image again: err = %v, want ErrNotFound", err)
	}
}
