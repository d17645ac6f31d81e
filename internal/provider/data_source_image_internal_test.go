package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

func TestImageLookupFromModel(t *testing.T) {
	tests := []struct {
		name  string
		model imageModel
		want  imageLookup
		ok    bool
	}{
		{
			name:  "id",
			model: imageModel{ID: kasmtypes.NewIDValue("abc"), Name: types.StringNull(), FriendlyName: types.StringNull()},
			want:  imageLookup{attribute: "id", value: "abc"},
			ok:    true,
		},
		{
			name:  "name",
			model: imageModel{ID: kasmtypes.NewIDNull(), Name: types.StringValue("kasmweb/chrome:1.16.0"), FriendlyName: types.StringNull()},
			want:  imageLookup{attribute: "name", value: "kasmweb/chrome:1.16.0"},
			ok:    true,
		},
		{
			name:  "friendly name",
			model: imageModel{ID: kasmtypes.NewIDNull(), Name: types.StringNull(), FriendlyName: types.StringValue("Kasm Chrome")},
			want:  imageLookup{attribute: "friendly_name", value: "Kasm Chrome"},
			ok:    true,
		},
		{
			name:  "none",
			model: imageModel{ID: kasmtypes.NewIDNull(), Name: types.StringNull(), FriendlyName: types.StringUnknown()},
			ok:    false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := imageLookupFromModel(tt.model)
			if ok != tt.ok || got != tt.want {
				t.Errorf("imageLookupFromModel() = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestImageLookupMatch(t *testing.T) {
	images := testImages()
	tests := []struct {
		lookup  imageLookup
		wantIDs []string
	}{
		{imageLookup{attribute: "id", value: "0000000000000000000000000000000b"}, []string{"0000000000000000000000000000000b"}},
		// The dashed and upper-case forms name the same id.
		{imageLookup{attribute: "id", value: "00000000-0000-0000-0000-00000000000B"}, []string{"0000000000000000000000000000000b"}},
		{imageLookup{attribute: "name", value: "kasmweb/chrome:1.16.0"}, []string{"0000000000000000000000000000000a"}},
		// Names compare exactly: no substring, no case folding.
		{imageLookup{attribute: "name", value: "kasmweb/chrome"}, nil},
		{imageLookup{attribute: "friendly_name", value: "kasm chrome"}, nil},
		{
			imageLookup{attribute: "friendly_name", value: "Kasm Chrome"},
			[]string{"0000000000000000000000000000000f", "0000000000000000000000000000000a"},
		},
		{imageLookup{attribute: "id", value: "ffffffffffffffffffffffffffffffff"}, nil},
	}
	for _, tt := range tests {
		got := imageIDs(tt.lookup.match(images))
		if len(got) == 0 && len(tt.wantIDs) == 0 {
			continue
		}
		if !slices.Equal(got, tt.wantIDs) {
			t.Errorf("%+v.match() = %v, want %v", tt.lookup, got, tt.wantIDs)
		}
	}
}

func TestImageLookupNoMatchDetail(t *testing.T) {
	lookup := imageLookup{attribute: "friendly_name", value: "kasm chrome"}
	got := lookup.noMatchDetail(testImages())
	want := `No Kasm image has the friendly name "kasm chrome" (the comparison is exact and case-sensitive). ` +
		`The server has 5 images with these friendly names: "chrome beta", "Kasm Chrome", "Kasm Firefox", ` +
		`"Kasm Terminal". Use the kasm_images data source to search by part of a name.`
	if got != want {
		t.Errorf("noMatchDetail()\n got  %s\n want %s", got, want)
	}

	byID := imageLookup{attribute: "id", value: "ffffffffffffffffffffffffffffffff"}.noMatchDetail(testImages()[:1])
	wantByID := `No Kasm image has the id "ffffffffffffffffffffffffffffffff". The server has 1 image with these ` +
		`friendly names: "Kasm Terminal". Use the kasm_images data source to search by part of a name.`
	if byID != wantByID {
		t.Errorf("noMatchDetail() by id\n got  %s\n want %s", byID, wantByID)
	}

	empty := lookup.noMatchDetail(nil)
	if !strings.HasSuffix(empty, "The server has no images, or the API key cannot see them.") {
		t.Errorf("noMatchDetail() without images = %s", empty)
	}
}

func TestImageLookupNoMatchDetail_truncatesLongLists(t *testing.T) {
	images := make([]kasm.Image, 0, 45)
	for i := range 45 {
		images = append(images, kasm.Image{FriendlyName: fmt.Sprintf("Image %02d", i)})
	}
	got := imageLookup{attribute: "name", value: "x"}.noMatchDetail(images)
	if !strings.Contains(got, `"Image 18", "Image 19" and 25 more.`) {
		t.Errorf("noMatchDetail() does not stop after %d names: %s", imageListLimit, got)
	}
	if strings.Contains(got, `"Image 20"`) {
		t.Errorf("noMatchDetail() lists more than %d names: %s", imageListLimit, got)
	}
}

func TestImageLookupSeveralMatchesDetail(t *testing.T) {
	lookup := imageLookup{attribute: "friendly_name", value: "Kasm Chrome"}
	got := lookup.severalMatchesDetail(lookup.match(testImages()))
	want := `2 Kasm images have the friendly name "Kasm Chrome", but the kasm_image data source needs exactly one: ` +
		`"Kasm Chrome" (name "kasmweb/chrome:1.15.0", id 0000000000000000000000000000000f), ` +
		`"Kasm Chrome" (name "kasmweb/chrome:1.16.0", id 0000000000000000000000000000000a). Choose the image by id instead.`
	if got != want {
		t.Errorf("severalMatchesDetail()\n got  %s\n want %s", got, want)
	}
}
