package kasm

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"reflect"
	"strings"
	"testing"
)

// The files in testdata/docs are the example response bodies of the Kasm developer API
// document (/work/shared/kasm-developer-api.txt), byte for byte. The files in testdata/contract
// follow the shapes contract.md gives for the group endpoints the document does not cover.

// testdata holds the recorded answers.
var testdata = os.DirFS("testdata")

func loadAnswer(t *testing.T, endpoint string) []byte {
	t.Helper()
	for _, dir := range []string{"docs", "contract"} {
		data, err := fs.ReadFile(testdata, path.Join(dir, endpoint+".json"))
		if err == nil {
			return data
		}
	}
	t.Fatalf("no recorded answer for %s", endpoint)
	return nil
}

// recordedAnswers loads every recorded answer, keyed by endpoint.
func recordedAnswers(t *testing.T) map[string][]byte {
	t.Helper()
	answers := map[string][]byte{}
	for _, dir := range []string{"docs", "contract"} {
		files, err := fs.Glob(testdata, path.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := fs.ReadFile(testdata, f)
			if err != nil {
				t.Fatal(err)
			}
			answers[strings.TrimSuffix(path.Base(f), ".json")] = data
		}
	}
	return answers
}

// serveRecorded writes the recorded answer of an endpoint unchanged, or Kasm's 404 text.
func serveRecorded(w http.ResponseWriter, answers map[string][]byte, endpoint string) {
	body, ok := answers[endpoint]
	if !ok {
		replyText(w, http.StatusNotFound, "text/plain", "An error has occurred 404 Not Found - see logs for details")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// newReplayServer serves the recorded answer of each endpoint unchanged.
func newReplayServer(t *testing.T) *fakeServer {
	t.Helper()
	answers := recordedAnswers(t)
	return newFakeServer(t, func(w http.ResponseWriter, req recordedRequest) {
		serveRecorded(w, answers, req.Endpoint)
	})
}

const (
	docUserID       = "4bbb6998064a4d1ea4685f3cdd05feb4"
	allUsersGroupID = "68d557ac4cac42cca9f31c7c853de0f3"
	docImageID      = "6a2d63fa8959412ca5fddd3890fb7223"
	docKasmID       = "116f18170fdc4a1a87146164a880fb93"
	docGroupID      = "3c7a5e2b9d1f4a6b8e0c2f4d6b8a1c3e"
)

func TestReplayUsers(t *testing.T) {
	srv := newReplayServer(t)
	c, _ := newTestClient(t, srv.URL)
	ctx := t.Context()

	created, err := c.CreateUser(ctx, CreateUserRequest{
		Username: "test_user1@example.com", FirstName: "Bob", LastName: "Williams",
		Organization: "example", Phone: "123-456-7890", Password: secretPassword,
	})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	wantCreated := User{
		ID: "50faa5439c574b518cd868dac9256e4b", Username: "test_user1@example.com", FirstName: "Bob",
		LastName: "Williams", Phone: "123-456-7890", Organization: "example", Realm: "local",
		Groups: []GroupRef{{ID: allUsersGroupID, Name: "All Users"}},
	}
	if !reflect.DeepEqual(*created, wantCreated) {
		t.Errorf("CreateUser = %+v\nwant %+v", *created, wantCreated)
	}
	sent := srv.last("create_user").Body
	if lookup(sent, "target_user.username") != "test_user1@example.com" ||
		lookup(sent, "target_user.password") != secretPassword || lookup(sent, "target_user.locked") != false {
		t.Errorf("create_user body = %v", sent)
	}

	updated, err := c.UpdateUser(ctx, UpdateUserRequest{
		UserID: "50FAA543-9C57-4B51-8CD8-68DAC9256E4B", Username: "test_user1@example.com", FirstName: String("Bob"),
	})
	if err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	if !reflect.DeepEqual(*updated, wantCreated) {
		t.Errorf("UpdateUser = %+v", *updated)
	}
	sent = srv.last("update_user").Body
	if lookup(sent, "target_user.user_id") != "50faa5439c574b518cd868dac9256e4b" || lookup(sent, "target_user.first_name") != "Bob" {
		t.Errorf("update_user body = %v", sent)
	}
	if _, present := sent["target_user"].(map[string]any)["last_name"]; present {
		t.Errorf("update_user sent a field that was not set: %v", sent)
	}

	user, err := c.GetUser(ctx, UserRef{ID: docUserID})
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if user.ID != docUserID || user.Username != "user@kasm.local" || user.Locked || user.Realm != "local" ||
		user.TwoFactor || user.ProgramID != "" || user.FirstName != "" || user.Notes != "" ||
		user.Hash != "9fdfdaad0098cdd8a466b2badbaf962e40214affb07596a6e9d776a409793780" {
		t.Errorf("GetUser = %+v", user)
	}
	if !timeEqual(user.LastSession, mustTime(t, "2020-11-09 14:41:33.578622")) {
		t.Errorf("LastSession = %v", user.LastSession)
	}
	if len(user.Kasms) != 1 {
		t.Fatalf("Kasms = %+v", user.Kasms)
	}
	k := user.Kasms[0]
	if k.ID != "28cfc2a510bb424cad18e571f11ee26c" ||
		!timeEqual(k.StartDate, mustTime(t, "2020-11-09 14:46:42.321900")) ||
		!timeEqual(k.KeepaliveDate, mustTime(t, "2020-11-09 14:46:43.140623")) ||
		!timeEqual(k.ExpirationDate, mustTime(t, "2020-11-09 15:46:43.140623")) ||
		k.Server != (UserKasmServer{ID: "36e2aeff0e02445db26a521c9c85f1c1", Hostname: "proxy", Port: 443}) {
		t.Errorf("Kasms[0] = %+v", k)
	}
	if lookup(srv.last("get_user").Body, "target_user.user_id") != docUserID {
		t.Errorf("get_user body = %v", srv.last("get_user").Body)
	}

	users, err := c.GetUsers(ctx, GetUsersOptions{})
	if err != nil {
		t.Fatalf("GetUsers: %v", err)
	}
	if srv.count("get_users") != 1 {
		t.Errorf("an answer without total should be read once, got %d requests", srv.count("get_users"))
	}
	if len(users) != 2 {
		t.Fatalf("GetUsers = %+v", users)
	}
	if users[0].ID != "57e8fc1afa864ff4947460d9831f42d5" || users[0].Username != "user@kasm.local" ||
		!users[0].Disabled || string(users[0].Company) != "{}" || users[0].Kasms != nil ||
		!timeEqual(users[0].LastSession, mustTime(t, "2020-11-12 14:29:25.808258")) {
		t.Errorf("users[0] = %+v", users[0])
	}
	wantGroups := []GroupRef{
		{ID: allUsersGroupID, Name: "All Users"}, {ID: "31aa063c670648589533d3c42092d02a", Name: "Administrators"},
	}
	if users[1].ID != "4acb13bf121549729f0d8c537d17f2da" || users[1].Disabled ||
		!reflect.DeepEqual(users[1].Groups, wantGroups) {
		t.Errorf("users[1] = %+v", users[1])
	}

	attrs, err := c.GetAttributes(ctx, "67d7c4e6-f891-4900-897f-ce5ed62fecc0")
	if err != nil {
		t.Fatalf("GetAttributes: %v", err)
	}
	if attrs.ID != "ef7b72db25b14ab1ac98ac19676ac93f" || attrs.UserID != "57e8fc1afa864ff4947460d9831f42d5" ||
		attrs.ShowTips || attrs.ToggleControlPanel || !attrs.ChatSFX || attrs.DefaultImage != "" ||
		attrs.AutoLoginKasm != nil || !strings.HasPrefix(attrs.SSHPublicKey, "ssh-rsa AAAAB3NzaC1yc2E") {
		t.Errorf("GetAttributes = %+v", attrs)
	}

	err = c.UpdateUserAttributes(ctx, UpdateUserAttributesRequest{
		UserID: "67d7c4e6-f891-4900-897f-ce5ed62fecc0", AutoLoginKasm: Bool(false),
		DefaultImage: String("b2609fbf72954b20a56c1fe502aa2c41"), ShowTips: Bool(false),
	})
	if err != nil {
		t.Fatalf("UpdateUserAttributes: %v", err)
	}
	wantAttrs := map[string]any{
		"user_id": "67d7c4e6f8914900897fce5ed62fecc0", "auto_login_kasm": false,
		"default_image": "b2609fbf72954b20a56c1fe502aa2c41", "show_tips": false,
	}
	if got := srv.last("update_user_attributes").Body["target_user_attributes"]; !reflect.DeepEqual(got, wantAttrs) {
		t.Errorf("target_user_attributes = %v, want %v", got, wantAttrs)
	}

	if err := c.DeleteUser(ctx, docUserID, false); err != nil {
		t.Errorf("DeleteUser: %v", err)
	}
	if got := srv.last("delete_user").Body; lookup(got, "target_user.user_id") != docUserID || got["force"] != false {
		t.Errorf("delete_user body = %v", got)
	}
	if err := c.LogoutUser(ctx, docUserID); err != nil {
		t.Errorf("LogoutUser: %v", err)
	}

	login, err := c.GetLogin(ctx, "67d7c4e6-f891-4900-897f-ce5ed62fecc0")
	if err != nil {
		t.Fatalf("GetLogin: %v", err)
	}
	if login != "https://kasm.server/#/connect/login/dash/57e8fc1afa864ff4947460d9831f42d5/930d6a5d-082e-438a-b5cf-98ae7ca5b67c" {
		t.Errorf("GetLogin = %q", login)
	}
}

func TestReplayGroups(t *testing.T) {
	srv := newReplayServer(t)
	c, _ := newTestClient(t, srv.URL)
	ctx := t.Context()

	if err := c.AddUserGroup(ctx, "67d7c4e6-f891-4900-897f-ce5ed62fecc0", "87fd617577984033be5bd269b4d170c6"); err != nil {
		t.Errorf("AddUserGroup: %v", err)
	}
	body := srv.last("add_user_group").Body
	if lookup(body, "target_user.user_id") != "67d7c4e6f8914900897fce5ed62fecc0" ||
		lookup(body, "target_group.group_id") != "87fd617577984033be5bd269b4d170c6" {
		t.Errorf("add_user_group body = %v", body)
	}
	if err := c.RemoveUserGroup(ctx, "67d7c4e6-f891-4900-897f-ce5ed62fecc0", "87fd617577984033be5bd269b4d170c6"); err != nil {
		t.Errorf("RemoveUserGroup: %v", err)
	}

	groups, err := c.GetGroups(ctx)
	if err != nil {
		t.Fatalf("GetGroups: %v", err)
	}
	want := []Group{
		{
			ID: allUsersGroupID, Name: "All Users", Description: "Default group for all users", Priority: 4095,
			IsSystem: true, GroupMetadata: json.RawMessage(`{}`), GroupMappings: json.RawMessage(`[]`),
		},
		{
			ID: docGroupID, Name: "Developers", Priority: 10, GroupMetadata: json.RawMessage(`{"team": "dev"}`),
			GroupMappings: json.RawMessage(`[{"sso_id": "x"}]`),
		},
	}
	if !reflect.DeepEqual(groups, want) {
		t.Errorf("GetGroups = %+v\nwant %+v", groups, want)
	}

	group, err := c.CreateGroup(ctx, CreateGroupRequest{
		Name: "Developers", Priority: 10, Description: "Development team", GroupMetadata: json.RawMessage(`{"team":"dev"}`),
	})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	wantGroup := Group{
		ID: docGroupID, Name: "Developers", Description: "Development team", Priority: 10,
		GroupMetadata: json.RawMessage(`{"team": "dev"}`), GroupMappings: json.RawMessage(`[]`),
		ProgramData: json.RawMessage(`{}`),
	}
	if !reflect.DeepEqual(*group, wantGroup) {
		t.Errorf("CreateGroup = %+v", *group)
	}
	wantBody := map[string]any{
		"name": "Developers", "priority": float64(10), "description": "Development team",
		"group_metadata": map[string]any{"team": "dev"},
	}
	if got := srv.last("create_group").Body["target_group"]; !reflect.DeepEqual(got, wantBody) {
		t.Errorf("target_group = %v", got)
	}

	updated, err := c.UpdateGroup(ctx, UpdateGroupRequest{GroupID: docGroupID, Name: String("Developers 2"), Priority: Int(20)})
	if err != nil {
		t.Fatalf("UpdateGroup: %v", err)
	}
	if updated.Name != "Developers 2" || updated.Priority != 20 || updated.GroupMetadata != nil || updated.ProgramData != nil {
		t.Errorf("UpdateGroup = %+v", *updated)
	}
	wantBody = map[string]any{"group_id": docGroupID, "name": "Developers 2", "priority": float64(20)}
	if got := srv.last("update_group").Body["target_group"]; !reflect.DeepEqual(got, wantBody) {
		t.Errorf("update_group target_group = %v", got)
	}

	if err := c.AddImagesGroup(ctx, docGroupID, docImageID); err != nil {
		t.Errorf("AddImagesGroup: %v", err)
	}
	body = srv.last("add_images_group").Body
	if lookup(body, "target_group.group_id") != docGroupID || lookup(body, "target_image.image_id") != docImageID {
		t.Errorf("add_images_group body = %v", body)
	}
	if err := c.RemoveImagesGroup(ctx, docGroupID, docImageID); err != nil {
		t.Errorf("RemoveImagesGroup: %v", err)
	}
	images, err := c.GetImagesGroup(ctx, docGroupID)
	if err != nil {
		t.Fatalf("GetImagesGroup: %v", err)
	}
	wantImages := []GroupImage{{
		ID: "0f1e2d3c4b5a69788796a5b4c3d2e1f0", GroupID: docGroupID, ImageID: "b483f0a4fb6546f79064f9b6759758cb",
		Name: "kasmweb/chrome:1.8.0", FriendlyName: "Kasm Chrome", ImageSrc: "img/thumbnails/chrome.png",
	}}
	if !reflect.DeepEqual(images, wantImages) {
		t.Errorf("GetImagesGroup = %+v", images)
	}
	if err := c.DeleteGroup(ctx, docGroupID, true); err != nil {
		t.Errorf("DeleteGroup: %v", err)
	}
	if got := srv.last("delete_group").Body; got["force"] != true || lookup(got, "target_group.group_id") != docGroupID {
		t.Errorf("delete_group body = %v", got)
	}
}

func TestReplayImages(t *testing.T) {
	srv := newReplayServer(t)
	c, _ := newTestClient(t, srv.URL)

	images, err := c.GetImages(t.Context())
	if err != nil {
		t.Fatalf("GetImages: %v", err)
	}
	if len(images) != 1 {
		t.Fatalf("GetImages = %+v", images)
	}
	img := images[0]
	wantAttrs := []ImageAttribute{
		{ID: "11cd3b92d73c4caaa84c70e75190ec25", ImageID: "b483f0a4fb6546f79064f9b6759758cb", Name: "vnc", Category: "port_map", Value: "6901/tcp"},
		{ID: "ec1531322190445db70d10c31766503a", ImageID: "b483f0a4fb6546f79064f9b6759758cb", Name: "audio", Category: "port_map", Value: "4901/tcp"},
		{ID: "3634ba1144bc4f64a932a561983c64f5", ImageID: "b483f0a4fb6546f79064f9b6759758cb", Name: "uploads", Category: "port_map", Value: "4902/tcp"},
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"ID", img.ID, "b483f0a4fb6546f79064f9b6759758cb"},
		{"Name", img.Name, "kasmweb/chrome:1.8.0"},
		{"FriendlyName", img.FriendlyName, "Kasm Chrome"},
		{"Description", img.Description, "Single-Application : Chrome"},
		{"Memory", img.Memory, int64(768000000)},
		{"Cores", img.Cores, 1.0},
		{"XRes", img.XRes, 800},
		{"YRes", img.YRes, 600},
		{"Enabled", img.Enabled, true},
		{"Available", img.Available, true},
		{"RestrictToNetwork", img.RestrictToNetwork, false},
		{"RestrictToZone", img.RestrictToZone, false},
		{"RestrictToServer", img.RestrictToServer, false},
		{"ZoneName", img.ZoneName, ""},
		{"ZoneID", img.ZoneID, ""},
		{"ServerID", img.ServerID, ""},
		{"NetworkName", img.NetworkName, ""},
		{"PersistentProfilePath", img.PersistentProfilePath, ""},
		{"DockerRegistry", img.DockerRegistry, "https://index.docker.io/v1/"},
		{"DockerUser", img.DockerUser, ""},
		{"DockerToken", img.DockerToken, ""},
		{"Hash", img.Hash, ""},
		{"ImageSrc", img.ImageSrc, "img/thumbnails/chrome.png"},
		{"VolumeMappings", string(img.VolumeMappings), "{}"},
		{"PersistentProfileConfig", string(img.PersistentProfileConfig), "{}"},
		{"RunConfig", string(img.RunConfig), `{ "hostname": "kasm" }`},
		{"Attributes", img.Attributes, wantAttrs},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	var exec map[string]any
	if err := json.Unmarshal(img.ExecConfig, &exec); err != nil || lookup(exec, "first_launch.environment.LAUNCH_URL") != "" {
		t.Errorf("ExecConfig = %s (%v)", img.ExecConfig, err)
	}
}

func TestReplaySessions(t *testing.T) {
	srv := newReplayServer(t)
	c, _ := newTestClient(t, srv.URL)
	ctx := t.Context()

	created, err := c.RequestKasm(ctx, RequestKasmRequest{
		UserID: "8affcdbc16fc4910acb8a6dc268cd7ed", ImageID: docImageID, EnableSharing: true,
	})
	if err != nil {
		t.Fatalf("RequestKasm: %v", err)
	}
	wantCreated := RequestKasmResponse{
		KasmID: "6d62ec6630624f1db861aeb3f5ca2390", Status: "starting", UserID: "8affcdbc16fc4910acb8a6dc268cd7ed",
		Username: "1d47uudwcynkd2su", SessionToken: docSessionToken, ShareID: "fe9770a4",
		KasmURL: "/#/connect/kasm/6d62ec66-3062-4f1d-b861-aeb3f5ca2390/8affcdbc16fc4910acb8a6dc268cd7ed/b03bf84a-53fc-4934-85e4-c434461f1178",
	}
	if *created != wantCreated {
		t.Errorf("RequestKasm = %#v", *created)
	}
	body := srv.last("request_kasm").Body
	if body["user_id"] != "8affcdbc16fc4910acb8a6dc268cd7ed" || body["image_id"] != docImageID || body["enable_sharing"] != true {
		t.Errorf("request_kasm body = %v", body)
	}

	status, err := c.GetKasmStatus(ctx, "d79ccb22-f6e7-4473-b8a2-a77da82278da", "c7357f11eb4d47ad8021b5847d8415d8", true)
	if err != nil {
		t.Fatalf("GetKasmStatus: %v", err)
	}
	body = srv.last("get_kasm_status").Body
	if body["kasm_id"] != "d79ccb22f6e74473b8a2a77da82278da" || body["user_id"] != "c7357f11eb4d47ad8021b5847d8415d8" ||
		body["skip_agent_check"] != true {
		t.Errorf("get_kasm_status body = %v", body)
	}
	if status.Pending || status.OperationalStatus != "running" || status.Kasm == nil ||
		status.KasmURL != "/#/connect/kasm/116f18170fdc4a1a87146164a880fb93/583035bb-5819-4e51-83b9-21223badc569/2d110a49-4c6a-48b9-8cfb-398d6f543d5b" ||
		!timeEqual(status.CurrentTime, mustTime(t, "2020-11-12 13:30:24.833834")) {
		t.Fatalf("GetKasmStatus = %#v", status)
	}
	k := status.Kasm
	checkKasmCommon(t, "get_kasm_status", k, "kasm.server")
	if k.ContainerID != "dbc977159f79e55c466fec52a5b4954b7c26ba88e51937d85a5077d7c79e92e5" || k.ContainerIP != "192.168.32.9" ||
		k.Cores != 1.0 || k.Memory != 1768000000 || k.OperationalStatus != "running" || k.IsPersistentProfile ||
		k.PersistentProfileMode != "" || k.PointOfPresence != nil || k.ServerID != "8270f8f0acfd4a34a56cc9a9cb7a67d9" ||
		k.ImageID != "e12266d0f5f44bf5afb80b6c41fabce2" || k.UserID != "583035bb58194e5183b921223badc569" ||
		k.Token != docKasmToken || len(k.PortMap) != 4 ||
		!timeEqual(k.StartDate, mustTime(t, "2020-11-12 13:28:40.446737")) ||
		!timeEqual(k.KeepaliveDate, mustTime(t, "2020-11-12 13:28:40.446754")) ||
		!timeEqual(k.ExpirationDate, mustTime(t, "2020-11-12 14:28:40.446756")) {
		t.Errorf("status kasm = %#v", *k)
	}
	if k.PortMap["uploads"] != (PortMapping{Port: 443, Path: "desktop/116f1817-0fdc-4a1a-8714-6164a880fb93/uploads"}) {
		t.Errorf("PortMap = %+v", k.PortMap)
	}

	kasms, err := c.GetKasms(ctx)
	if err != nil {
		t.Fatalf("GetKasms: %v", err)
	}
	if len(kasms) != 1 {
		t.Fatalf("GetKasms = %v", kasms)
	}
	checkKasmCommon(t, "get_kasms", &kasms[0], "proxy")
	if kasms[0].Server != (SessionServer{Hostname: "proxy", Port: 443, Provider: "hardware", ZoneName: "default"}) ||
		kasms[0].User.Username != "anon_2wipg0symxwmm4i1" || kasms[0].Memory != 1768000000 {
		t.Errorf("GetKasms[0] = %#v", kasms[0])
	}

	joined, err := c.JoinKasm(ctx, "89cc8cd3", "c7357f11eb4d47ad8021b5847d8415d8")
	if err != nil {
		t.Fatalf("JoinKasm: %v", err)
	}
	if joined.SessionToken != docJoinToken || joined.UserID != "583035bb58194e5183b921223badc569" ||
		joined.Username != "anon_2wipg0symxwmm4i1" ||
		joined.KasmURL != "/#/connect/join/30a09d61/583035bb58194e5183b921223badc569/c9ade890-7693-44bc-a1d4-797bbddf6771" ||
		!timeEqual(joined.CurrentTime, mustTime(t, "2020-11-12 13:36:16.065711")) || joined.Kasm == nil {
		t.Fatalf("JoinKasm = %#v", joined)
	}
	checkKasmCommon(t, "join_kasm", joined.Kasm, "kasm.server")
	if joined.Kasm.User.Username != "anon_2wipg0symxwmm4i1" || len(joined.Kasm.PortMap) != 2 {
		t.Errorf("JoinKasm.Kasm = %#v", *joined.Kasm)
	}
	if body := srv.last("join_kasm").Body; body["share_id"] != "89cc8cd3" || body["user_id"] != "c7357f11eb4d47ad8021b5847d8415d8" {
		t.Errorf("join_kasm body = %v", body)
	}

	alive, err := c.Keepalive(ctx, "1a85859d-9d75-45e1-a173-e720472a24f8")
	if err != nil {
		t.Fatalf("Keepalive: %v", err)
	}
	if alive.UsageReached == nil || *alive.UsageReached || !alive.Extended {
		t.Errorf("Keepalive = %+v", alive)
	}
	if err := c.DestroyKasm(ctx, "1a85859d-9d75-45e1-a173-e720472a24f8", "4d892bf39321494da9a159178972c147"); err != nil {
		t.Errorf("DestroyKasm: %v", err)
	}
	if body := srv.last("destroy_kasm").Body; body["kasm_id"] != "1a85859d9d7545e1a173e720472a24f8" ||
		body["user_id"] != "4d892bf39321494da9a159178972c147" {
		t.Errorf("destroy_kasm body = %v", body)
	}
}

// checkKasmCommon checks the members every session example in the document shares.
func checkKasmCommon(t *testing.T, name string, k *Kasm, hostname string) {
	t.Helper()
	wantImage := SessionImage{
		ID: "e12266d0f5f44bf5afb80b6c41fabce2", Name: "kasmweb/chrome:1.8.0",
		ImageSrc: "img/thumbnails/chrome.png", FriendlyName: "Kasm Chrome",
	}
	if k.ID != docKasmID || k.ShareID != "30a09d61" || k.Host != "192.168.32.8" || k.Port != 443 ||
		k.Hostname != hostname || k.ViewOnlyToken != docViewOnlyToken ||
		!reflect.DeepEqual(k.Image, wantImage) {
		t.Errorf("%s kasm = %#v", name, *k)
	}
	if k.PortMap["vnc"] != (PortMapping{Port: 443, Path: "desktop/116f1817-0fdc-4a1a-8714-6164a880fb93/vnc"}) {
		t.Errorf("%s PortMap = %+v", name, k.PortMap)
	}
	if k.ClientSettings["idle_disconnect"] != float64(20) || k.ClientSettings["allow_kasm_sharing"] != true ||
		len(k.ClientSettings) != 14 {
		t.Errorf("%s ClientSettings = %v", name, k.ClientSettings)
	}
}

func TestReplayErrorExample(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(loadAnswer(t, "error_message"))
	})
	c, _ := newTestClient(t, srv.URL)
	_, err := c.GetImages(t.Context())
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("GetImages error = %v, want *APIError", err)
	}
	if apiErr.StatusCode != http.StatusOK || apiErr.Message != "<error details>" || apiErr.Endpoint != "get_images" {
		t.Errorf("APIError = %+v", apiErr)
	}
	if srv.count("get_images") != 1 {
		t.Errorf("an error_message answer must not be retried, got %d requests", srv.count("get_images"))
	}
}
