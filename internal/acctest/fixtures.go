package acctest

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

// EnvTestImageID names an image for the tests to launch and assign. Set it against a real
// server whose first enabled image cannot start a session for a new user.
const EnvTestImageID = "KASM_TEST_IMAGE_ID"

// cleanupTimeout bounds each API call a test makes to remove what it created.
const cleanupTimeout = time.Minute

// CreateUser creates a Kasm user named prefix plus a random suffix, as an e-mail address, on the
// server under test, and deletes it (with any sessions left) when the test ends. Tests create
// the users their configuration does not own this way, so they run unchanged against a real server.
func CreateUser(t *testing.T, prefix string) *kasm.User {
	t.Helper()
	return createUserOn(t, Client(t), prefix)
}

// createUserOn is CreateUser on the server the client talks to.
func createUserOn(t *testing.T, client *kasm.Client, prefix string) *kasm.User {
	t.Helper()
	user, err := client.CreateUser(t.Context(), kasm.CreateUserRequest{
		Username: RandomName(prefix) + "@example.com",
	})
	if err != nil {
		t.Fatalf("creating a test user: %v", err)
	}
	t.Cleanup(func() {
		// t.Context is cancelled before cleanups run; keep its values, drop the cancellation.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), cleanupTimeout)
		defer cancel()
		if err := client.DeleteUser(ctx, user.ID, true); err != nil && !errors.Is(err, kasm.ErrNotFound) {
			t.Errorf("deleting test user %s: %v", user.ID, err)
		}
	})
	return user
}

// ImageID returns the image the tests launch sessions of and assign to groups: the one
// KASM_TEST_IMAGE_ID names, or else the first enabled and available image on the server.
func ImageID(t *testing.T) string {
	t.Helper()
	return ImageIDs(t, 1)[0]
}

// ImageIDs returns n distinct images for tests that need several: the one KASM_TEST_IMAGE_ID
// names first when it is set, then the enabled and available images in the server's order. The
// test skips when the server has fewer.
func ImageIDs(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	if id := os.Getenv(EnvTestImageID); id != "" {
		normalized, err := kasm.NormalizeID(id)
		if err != nil {
			t.Fatalf("%s is not a Kasm id: %v", EnvTestImageID, err)
		}
		ids = append(ids, normalized)
	}
	if len(ids) < n {
		images, err := Client(t).GetImages(t.Context())
		if err != nil {
			t.Fatalf("listing images: %v", err)
		}
		for _, image := range images {
			if len(ids) < n && image.Enabled && image.Available && !slices.ContainsFunc(ids, func(id string) bool {
				return kasmtypes.SameID(id, image.ID)
			}) {
				ids = append(ids, image.ID)
			}
		}
	}
	if len(ids) < n {
		t.Skipf("the Kasm server has %d enabled and available images; the test needs %d (set %s to choose one)",
			len(ids), n, EnvTestImageID)
	}
	return ids
}

// DashedID returns a 32 hex character Kasm id in the dashed UUID form, which the provider must
// accept wherever it accepts an id. Any other string is returned as it is.
func DashedID(id string) string {
	if len(id) != 32 {
		return id
	}
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}
