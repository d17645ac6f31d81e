package provider

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

const testAttributesUserID = "57e8fc1afa864ff4947460d9831f42d5"

// unsetAttributes is a configuration that sets nothing but the user.
func unsetAttributes() userAttributesResourceModel {
	return userAttributesResourceModel{
		ID:                 kasmtypes.NewIDUnknown(),
		UserID:             kasmtypes.NewIDValue(testAttributesUserID),
		DefaultImage:       kasmtypes.NewIDNull(),
		AutoLoginKasm:      types.BoolNull(),
		ShowTips:           types.BoolNull(),
		ToggleControlPanel: types.BoolNull(),
		ChatSFX:            types.BoolNull(),
		Theme:              types.StringNull(),
		PreferredLanguage:  types.StringNull(),
		PreferredTimezone:  types.StringNull(),
		SSHPublicKey:       types.StringNull(),
	}
}

func TestUserAttributesUpdateRequestSendsOnlyConfiguredValues(t *testing.T) {
	if got := userAttributesUpdateRequest(testAttributesUserID, unsetAttributes()); !reflect.DeepEqual(got,
		kasm.UpdateUserAttributesRequest{UserID: testAttributesUserID}) {
		t.Errorf("nothing configured: %+v", got)
	}

	config := unsetAttributes()
	config.DefaultImage = kasmtypes.NewIDValue("B2609FBF-7295-4B20-A56C-1FE502AA2C41")
	config.AutoLoginKasm = types.BoolValue(false)
	config.ChatSFX = types.BoolValue(false)
	config.Theme = types.StringValue("Dark")
	config.PreferredTimezone = types.StringUnknown()
	want := kasm.UpdateUserAttributesRequest{
		UserID:        testAttributesUserID,
		DefaultImage:  kasm.String("b2609fbf72954b20a56c1fe502aa2c41"),
		AutoLoginKasm: kasm.Bool(false),
		ChatSFX:       kasm.Bool(false),
		Theme:         kasm.String("Dark"),
	}
	if got := userAttributesUpdateRequest(testAttributesUserID, config); !reflect.DeepEqual(got, want) {
		t.Errorf("some configured:\n got %+v\nwant %+v", got, want)
	}
}

func TestUserAttributesModelFromAPI(t *testing.T) {
	userID := kasmtypes.NewIDValue("57e8fc1a-fa86-4ff4-9474-60d9831f42d5")
	got := userAttributesModelFromAPI(kasm.UserAttributes{
		UserID: testAttributesUserID, ChatSFX: true, Theme: "Auto", PreferredLanguage: "Auto",
		PreferredTimezone: "Auto", SSHPublicKey: "ssh-rsa AAAA",
	}, userID)
	want := userAttributesResourceModel{
		ID:                 kasmtypes.NewIDValue(testAttributesUserID),
		UserID:             userID,
		DefaultImage:       kasmtypes.NewIDNull(),
		AutoLoginKasm:      types.BoolNull(),
		ShowTips:           types.BoolValue(false),
		ToggleControlPanel: types.BoolValue(false),
		ChatSFX:            types.BoolValue(true),
		Theme:              types.StringValue("Auto"),
		PreferredLanguage:  types.StringValue("Auto"),
		PreferredTimezone:  types.StringValue("Auto"),
		SSHPublicKey:       types.StringValue("ssh-rsa AAAA"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", got, want)
	}

	got = userAttributesModelFromAPI(kasm.UserAttributes{
		DefaultImage: "b2609fbf72954b20a56c1fe502aa2c41", AutoLoginKasm: kasm.Bool(true),
	}, userID)
	if got.DefaultImage != kasmtypes.NewIDValue("b2609fbf72954b20a56c1fe502aa2c41") || got.AutoLoginKasm != types.BoolValue(true) {
		t.Errorf("set values: %+v", got)
	}
}

// TestUserAttributesDeleteResetsDefaults changes every attribute, destroys the resource and
// expects Kasm's defaults back, except the SSH key.
func TestUserAttributesDeleteResetsDefaults(t *testing.T) {
	data, sim := groupsTestProviderData(t)
	user, found := sim.UserByName(kasmsim.DefaultUsername)
	if !found {
		t.Fatal("the simulator has no default user")
	}
	const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBv1X3cPqTJ8oZ6kV2nYq8m3r0bWJ3hL8c6tq7mC1d2e test"
	err := data.client.UpdateUserAttributes(t.Context(), kasm.UpdateUserAttributesRequest{
		UserID: user.ID, DefaultImage: kasm.String(kasmsim.ImageChromeID), AutoLoginKasm: kasm.Bool(true),
		ShowTips: kasm.Bool(true), ToggleControlPanel: kasm.Bool(true), ChatSFX: kasm.Bool(false),
		Theme: kasm.String("Dark"), PreferredLanguage: kasm.String("de-DE"),
		PreferredTimezone: kasm.String("Europe/Berlin"), SSHPublicKey: kasm.String(sshKey),
	})
	if err != nil {
		t.Fatalf("changing the attributes: %v", err)
	}

	model := unsetAttributes()
	model.ID = kasmtypes.NewIDValue(user.ID)
	model.UserID = kasmtypes.NewIDValue(user.ID)
	groupsTestDelete(t, &userAttributesResource{data: data}, model)

	got, err := data.client.GetAttributes(t.Context(), user.ID)
	if err != nil {
		t.Fatalf("reading the attributes: %v", err)
	}
	want := kasm.UserAttributes{
		ID: got.ID, UserID: user.ID, ChatSFX: true, Theme: "Auto", PreferredLanguage: "Auto",
		PreferredTimezone: "Auto", SSHPublicKey: sshKey,
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("after destroy:\n got %+v\nwant %+v", *got, want)
	}
}

func TestUserAttributesDeleteOfMissingUserSucceeds(t *testing.T) {
	data, _ := groupsTestProviderData(t)
	model := unsetAttributes()
	model.ID = kasmtypes.NewIDValue("0000000000000000000000000000abcd")
	model.UserID = model.ID
	groupsTestDelete(t, &userAttributesResource{data: data}, model)
}
