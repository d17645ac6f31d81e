package kasm_test

// These tests drive the client against kasmsim, the in-memory Kasm server, over real HTTP:
// every client method, the error classification of the answers a real server gives, and the
// retry policy with faults injected on the wire.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestSimCreateAndGetUser(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()

	created, err := env.client.CreateUser(ctx, kasm.CreateUserRequest{
		Username:     "  Alice.Example@Example.COM ",
		Password:     "Initial-Passw0rd!",
		FirstName:    "Alice",
		LastName:     "Example",
		Organization: "Example Org",
	})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	const username = "alice.example@example.com"
	if created.Username != username {
		t.Errorf("Username = %q, want Kasm's stripped, lower-cased %q", created.Username, username)
	}
	wantHexID(t, "created user ID", created.ID)
	if !hasGroup(created.Groups, kasmsim.AllUsersGroupID) {
		t.Errorf("Groups = %+v, want All Users (%s)", created.Groups, kasmsim.AllUsersGroupID)
	}
	for _, g := range created.Groups {
		wantHexID(t, "group ref ID", g.ID)
	}
	if created.FirstName != "Alice" || created.LastName != "Example" || created.Organization != "Example Org" {
		t.Errorf("names = %q %q %q, want Alice Example Example Org", created.FirstName, created.LastName, created.Organization)
	}
	if created.Realm != "local" {
		t.Errorf("Realm = %q, want local", created.Realm)
	}
	if !env.sim.PasswordMatches(created.ID, "Initial-Passw0rd!") {
		t.Error("the simulator does not hold the password sent with create_user")
	}

	refs := map[string]kasm.UserRef{
		"hex id":         {ID: created.ID},
		"dashed id":      {ID: dashedID(t, created.ID)},
		"upper-case id":  {ID: strings.ToUpper(created.ID)},
		"username":       {Username: username},
		"mixed username": {Username: "ALICE.Example@example.com"},
	}
	for name, ref := range refs {
		got, err := env.client.GetUser(ctx, ref)
		if err != nil {
			t.Errorf("GetUser by %s: %v", name, err)
			continue
		}
		if got.ID != created.ID || got.Username != username {
			t.Errorf("GetUser by %s = %s %q, want %s %q", name, got.ID, got.Username, created.ID, username)
		}
		if got.Created == nil || !got.Created.Equal(simStart) {
			t.Errorf("GetUser by %s: Created = %v, want %v", name, got.Created, simStart)
		}
		if !hasGroup(got.Groups, kasmsim.AllUsersGroupID) {
			t.Errorf("GetUser by %s: Groups = %+v, want All Users", name, got.Groups)
		}
	}

	_, err = env.client.CreateUser(ctx, kasm.CreateUserRequest{Username: "ALICE.example@example.com", Password: "Other-Passw0rd!"})
	wantErrorIs(t, "duplicate CreateUser", err, kasm.ErrAlreadyExists)
	if err != nil && strings.Contains(err.Error(), "Other-Passw0rd!") {
		t.Errorf("the error text %q contains the password", err)
	}
	if n := env.usersNamed(username); n != 1 {
		t.Errorf("%d users named %q, want 1", n, username)
	}

	_, err = env.client.GetUser(ctx, kasm.UserRef{ID: "0123456789abcdef0123456789abcdef"})
	wantErrorIs(t, "GetUser of an unknown id", err, kasm.ErrNotFound)
	_, err = env.client.GetUser(ctx, kasm.UserRef{Username: "nobody@example.com"})
	wantErrorIs(t, "GetUser of an unknown username", err, kasm.ErrNotFound)
	_, err = env.client.GetUser(ctx, kasm.UserRef{ID: "not-an-id"})
	wantErrorIs(t, "GetUser of a malformed id", err, kasm.ErrInvalidArgument)
	env.wantCount(t, "get_user", len(refs)+2)
}

func TestSimGetUsersPages(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()

	seeded := env.sim.SeedUsers(250, "bulk")
	if len(seeded) != 250 {
		t.Fatalf("SeedUsers created %d users, want 250", len(seeded))
	}
	want := env.sim.Users() // The two users of a fresh install, then the seeded ones.
	if len(want) != 252 {
		t.Fatalf("the simulator holds %d users, want 252", len(want))
	}

	env.sim.ResetCounts()
	users, err := env.client.GetUsers(ctx, kasm.GetUsersOptions{PageSize: 100})
	if err != nil {
		t.Fatalf("GetUsers: %v", err)
	}
	env.wantCount(t, "get_users", 3)
	if len(users) != len(want) {
		t.Fatalf("GetUsers returned %d users, want %d", len(users), len(want))
	}
	for i, u := range users {
		wantHexID(t, fmt.Sprintf("users[%d].ID", i), u.ID)
		if u.ID != want[i].ID || u.Username != want[i].Username {
			t.Errorf("users[%d] = %s %q, want %s %q (creation order)", i, u.ID, u.Username, want[i].ID, want[i].Username)
		}
		if u.LastSession != nil {
			t.Errorf("users[%d].LastSession = %v, want nil for Kasm's \"None\"", i, u.LastSession)
		}
	}

	page, total, err := env.client.GetUsersPage(ctx, 2, 100, kasm.GetUsersOptions{})
	if err != nil {
		t.Fatalf("GetUsersPage(2): %v", err)
	}
	if total != 252 || len(page) != 52 {
		t.Errorf("GetUsersPage(2) = %d users of %d, want 52 of 252", len(page), total)
	}
	if len(page) > 0 && page[0].ID != want[200].ID {
		t.Errorf("GetUsersPage(2) starts with %s, want %s", page[0].ID, want[200].ID)
	}

	// Kasm answers an empty listing with {}: no anonymous user exists yet.
	page, total, err = env.client.GetUsersPage(ctx, 0, 100, kasm.GetUsersOptions{AnonymousOnly: true})
	if err != nil || len(page) != 0 || total != 0 {
		t.Errorf("GetUsersPage(anonymous only) = %d users of %d, %v; want 0 of 0, nil", len(page), total, err)
	}
	anonymous, err := env.client.GetUsers(ctx, kasm.GetUsersOptions{AnonymousOnly: true})
	if err != nil || len(anonymous) != 0 {
		t.Errorf("GetUsers(anonymous only) = %d users, %v; want none", len(anonymous), err)
	}
}

func TestSimUpdateUser(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()

	created, err := env.client.CreateUser(ctx, kasm.CreateUserRequest{
		Username: "bob@example.com", FirstName: "Bob", LastName: "Builder", Phone: "555-0100",
	})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}

	updated, err := env.client.UpdateUser(ctx, kasm.UpdateUserRequest{
		UserID:   dashedID(t, created.ID),
		Username: created.Username,
		LastName: kasm.String("Mason"),
		City:     kasm.String("Springfield"),
		Locked:   kasm.Bool(true),
	})
	if err != nil {
		t.Fatalf("UpdateUser (partial): %v", err)
	}
	if updated.ID != created.ID || updated.LastName != "Mason" || !updated.Locked {
		t.Errorf("UpdateUser = %s %q locked=%v, want %s Mason locked", updated.ID, updated.LastName, updated.Locked, created.ID)
	}
	got, err := env.client.GetUser(ctx, kasm.UserRef{ID: created.ID})
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if got.FirstName != "Bob" || got.Phone != "555-0100" {
		t.Errorf("fields not sent changed: first name %q, phone %q; want Bob, 555-0100", got.FirstName, got.Phone)
	}
	if got.LastName != "Mason" || got.City != "Springfield" || !got.Locked {
		t.Errorf("GetUser after update = %q %q locked=%v, want Mason Springfield locked", got.LastName, got.City, got.Locked)
	}

	// A rename is lower-cased like a new username; a password change logs the user out.
	link, err := env.client.GetLogin(ctx, created.ID)
	if err != nil {
		t.Fatalf("GetLogin: %v", err)
	}
	renamed, err := env.client.UpdateUser(ctx, kasm.UpdateUserRequest{
		UserID: created.ID, Username: "Robert@Example.com", Password: "Changed-Passw0rd!",
	})
	if err != nil {
		t.Fatalf("UpdateUser (rename): %v", err)
	}
	if renamed.Username != "robert@example.com" {
		t.Errorf("renamed Username = %q, want robert@example.com", renamed.Username)
	}
	if !env.sim.PasswordMatches(created.ID, "Changed-Passw0rd!") {
		t.Error("the password was not changed")
	}
	if env.sim.SessionTokenValid(lastSegment(link)) {
		t.Error("the login token is still valid after a password change")
	}
	_, err = env.client.GetUser(ctx, kasm.UserRef{Username: "bob@example.com"})
	wantErrorIs(t, "GetUser by the old username", err, kasm.ErrNotFound)
	byNewName, err := env.client.GetUser(ctx, kasm.UserRef{Username: "robert@example.com"})
	if err != nil || byNewName.ID != created.ID {
		t.Errorf("GetUser by the new username = %v, %v; want user %s", byNewName, err, created.ID)
	}

	_, err = env.client.UpdateUser(ctx, kasm.UpdateUserRequest{
		UserID: "0123456789abcdef0123456789abcdef", Username: "ghost@example.com",
	})
	wantErrorIs(t, "UpdateUser of an unknown user", err, kasm.ErrNotFound)
}

func TestSimDeleteUser(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()

	plain := env.createUser(t, "plain@example.com")
	if err := env.client.DeleteUser(ctx, plain.ID, false); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err := env.client.GetUser(ctx, kasm.UserRef{ID: plain.ID})
	wantErrorIs(t, "GetUser after DeleteUser", err, kasm.ErrNotFound)
	err = env.client.DeleteUser(ctx, plain.ID, false)
	wantErrorIs(t, "second DeleteUser", err, kasm.ErrNotFound)

	busy := env.createUser(t, "busy@example.com")
	session := env.requestSession(t, busy.ID)
	withKasms, err := env.client.GetUser(ctx, kasm.UserRef{ID: busy.ID})
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if len(withKasms.Kasms) != 1 || withKasms.Kasms[0].ID != session.KasmID {
		t.Errorf("GetUser Kasms = %+v, want the session %s", withKasms.Kasms, session.KasmID)
	}

	err = env.client.DeleteUser(ctx, busy.ID, false)
	wantErrorIs(t, "DeleteUser of a user with a session, no force", err, kasm.ErrConflict)
	if _, exists := env.sim.User(busy.ID); !exists {
		t.Fatal("the user was deleted without force")
	}
	if err := env.client.DeleteUser(ctx, busy.ID, true); err != nil {
		t.Fatalf("DeleteUser with force: %v", err)
	}
	if _, exists := env.sim.User(busy.ID); exists {
		t.Error("the user still exists after a forced DeleteUser")
	}
	if _, exists := env.sim.Session(session.KasmID); exists {
		t.Error("the user's session survived a forced DeleteUser")
	}
}

func TestSimLoginAndLogout(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()
	user := env.createUser(t, "carol@example.com")

	link, err := env.client.GetLogin(ctx, dashedID(t, user.ID))
	if err != nil {
		t.Fatalf("GetLogin: %v", err)
	}
	host := strings.TrimPrefix(env.server.URL, "http://")
	shape := regexp.MustCompile(`^https://` + regexp.QuoteMeta(host) + `/#/connect/login/dash/` + user.ID +
		`/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	if !shape.MatchString(link) {
		t.Errorf("GetLogin link does not have the shape https://<host>/#/connect/login/dash/<user hex>/<dashed token>")
	}
	if env.client.AbsoluteURL(link) != link {
		t.Error("AbsoluteURL changed get_login's absolute link")
	}
	second, err := env.client.GetLogin(ctx, user.ID)
	if err != nil {
		t.Fatalf("second GetLogin: %v", err)
	}
	if lastSegment(second) == lastSegment(link) {
		t.Error("two get_login calls returned the same token")
	}
	for _, l := range []string{link, second} {
		if !env.sim.SessionTokenValid(lastSegment(l)) {
			t.Error("a fresh login token is not valid")
		}
	}

	if err := env.client.LogoutUser(ctx, user.ID); err != nil {
		t.Fatalf("LogoutUser: %v", err)
	}
	for _, l := range []string{link, second} {
		if env.sim.SessionTokenValid(lastSegment(l)) {
			t.Error("a login token is still valid after LogoutUser")
		}
	}

	const unknown = "0123456789abcdef0123456789abcdef"
	err = env.client.LogoutUser(ctx, unknown)
	wantErrorIs(t, "LogoutUser of an unknown user", err, kasm.ErrNotFound)
	_, err = env.client.GetLogin(ctx, unknown)
	wantErrorIs(t, "GetLogin of an unknown user", err, kasm.ErrNotFound)
}

func TestSimUserAttributesRoundTrip(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()
	user := env.createUser(t, "dave@example.com")

	defaults, err := env.client.GetAttributes(ctx, user.ID)
	if err != nil {
		t.Fatalf("GetAttributes: %v", err)
	}
	wantHexID(t, "attributes ID", defaults.ID)
	if defaults.UserID != user.ID || defaults.DefaultImage != "" || defaults.AutoLoginKasm != nil ||
		defaults.Theme != "Auto" || !defaults.ChatSFX || !strings.HasPrefix(defaults.SSHPublicKey, "ssh-rsa ") {
		t.Errorf("GetAttributes of a new user = %+v, want Kasm's defaults", defaults)
	}

	err = env.client.UpdateUserAttributes(ctx, kasm.UpdateUserAttributesRequest{
		UserID:            dashedID(t, user.ID),
		DefaultImage:      kasm.String(dashedID(t, kasmsim.ImageFirefoxID)),
		ShowTips:          kasm.Bool(true),
		AutoLoginKasm:     kasm.Bool(true),
		ChatSFX:           kasm.Bool(false),
		Theme:             kasm.String("Dark"),
		PreferredLanguage: kasm.String("de-DE"),
		PreferredTimezone: kasm.String("Europe/Berlin"),
	})
	if err != nil {
		t.Fatalf("UpdateUserAttributes: %v", err)
	}
	got, err := env.client.GetAttributes(ctx, user.ID)
	if err != nil {
		t.Fatalf("GetAttributes after the update: %v", err)
	}
	want := kasm.UserAttributes{
		ID: defaults.ID, UserID: user.ID, DefaultImage: kasmsim.ImageFirefoxID, ShowTips: true,
		AutoLoginKasm: kasm.Bool(true), ToggleControlPanel: defaults.ToggleControlPanel, ChatSFX: false,
		SSHPublicKey: defaults.SSHPublicKey, Theme: "Dark", PreferredLanguage: "de-DE", PreferredTimezone: "Europe/Berlin",
	}
	if !attributesEqual(*got, want) {
		t.Errorf("GetAttributes after the update = %+v, want %+v", got, want)
	}

	// Clearing goes back to Kasm's null; keys not sent stay as they are.
	err = env.client.UpdateUserAttributes(ctx, kasm.UpdateUserAttributesRequest{
		UserID: user.ID, DefaultImage: kasm.String(""), ClearAutoLoginKasm: true,
	})
	if err != nil {
		t.Fatalf("UpdateUserAttributes (clear): %v", err)
	}
	cleared, err := env.client.GetAttributes(ctx, user.ID)
	if err != nil {
		t.Fatalf("GetAttributes after clearing: %v", err)
	}
	want.DefaultImage, want.AutoLoginKasm = "", nil
	if !attributesEqual(*cleared, want) {
		t.Errorf("GetAttributes after clearing = %+v, want %+v", cleared, want)
	}

	const unknown = "0123456789abcdef0123456789abcdef"
	_, err = env.client.GetAttributes(ctx, unknown)
	wantErrorIs(t, "GetAttributes of an unknown user", err, kasm.ErrNotFound)
	err = env.client.UpdateUserAttributes(ctx, kasm.UpdateUserAttributesRequest{UserID: unknown, ShowTips: kasm.Bool(true)})
	wantErrorIs(t, "UpdateUserAttributes of an unknown user", err, kasm.ErrNotFound)
}

// attributesEqual compares attributes, the optional boolean by value.
func attributesEqual(a, b kasm.UserAttributes) bool {
	if (a.AutoLoginKasm == nil) != (b.AutoLoginKasm == nil) ||
		(a.AutoLoginKasm != nil && *a.AutoLoginKasm != *b.AutoLoginKasm) {
		return false
	}
	a.AutoLoginKasm, b.AutoLoginKasm = nil, nil
	return a == b
}

func TestSimGroupsLifecycle(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()

	created, err := env.client.CreateGroup(ctx, kasm.CreateGroupRequest{
		Name: "Engineering", Priority: 50, Description: "Builds things",
		GroupMetadata: json.RawMessage(`{"cost_center":"42"}`),
	})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	wantHexID(t, "group ID", created.ID)
	if created.Name != "Engineering" || created.Priority != 50 || created.Description != "Builds things" || created.IsSystem {
		t.Errorf("CreateGroup = %+v, want Engineering, priority 50, not a system group", created)
	}
	if !strings.Contains(string(created.GroupMetadata), `"cost_center":"42"`) {
		t.Errorf("GroupMetadata = %s, want the metadata sent", created.GroupMetadata)
	}

	_, err = env.client.CreateGroup(ctx, kasm.CreateGroupRequest{Name: "Engineering", Priority: 51})
	wantErrorIs(t, "CreateGroup with a taken name", err, kasm.ErrAlreadyExists)

	groups, err := env.client.GetGroups(ctx)
	if err != nil {
		t.Fatalf("GetGroups: %v", err)
	}
	byID := map[string]kasm.Group{}
	for _, g := range groups {
		byID[g.ID] = g
	}
	if len(groups) != 3 || byID[created.ID].Name != "Engineering" ||
		!byID[kasmsim.AllUsersGroupID].IsSystem || !byID[kasmsim.AdministratorsGroupID].IsSystem {
		t.Errorf("GetGroups = %+v, want All Users and Administrators (system) and Engineering", groups)
	}

	described, err := env.client.UpdateGroup(ctx, kasm.UpdateGroupRequest{
		GroupID: dashedID(t, created.ID), Description: kasm.String("Builds and runs things"),
	})
	if err != nil {
		t.Fatalf("UpdateGroup (description): %v", err)
	}
	if described.Name != "Engineering" || described.Priority != 50 || described.Description != "Builds and runs things" {
		t.Errorf("UpdateGroup (description) = %+v, want only the description changed", described)
	}
	renamed, err := env.client.UpdateGroup(ctx, kasm.UpdateGroupRequest{
		GroupID: created.ID, Name: kasm.String("Platform"), Priority: kasm.Int(40),
	})
	if err != nil {
		t.Fatalf("UpdateGroup (rename): %v", err)
	}
	if renamed.ID != created.ID || renamed.Name != "Platform" || renamed.Priority != 40 ||
		renamed.Description != "Builds and runs things" {
		t.Errorf("UpdateGroup (rename) = %+v, want Platform, priority 40, description kept", renamed)
	}
	if stored, _ := env.sim.Group(created.ID); stored.Name != "Platform" {
		t.Errorf("the simulator stores the group as %q, want Platform", stored.Name)
	}
	_, err = env.client.UpdateGroup(ctx, kasm.UpdateGroupRequest{GroupID: created.ID, Name: kasm.String("All Users")})
	wantErrorIs(t, "UpdateGroup to a taken name", err, kasm.ErrAlreadyExists)

	err = env.client.DeleteGroup(ctx, kasmsim.AllUsersGroupID, true)
	wantErrorIs(t, "DeleteGroup of All Users", err, kasm.ErrConflict)
	err = env.client.DeleteGroup(ctx, kasmsim.AdministratorsGroupID, false)
	wantErrorIs(t, "DeleteGroup of Administrators", err, kasm.ErrConflict)

	member := env.createUser(t, "member@example.com")
	if err := env.client.AddUserGroup(ctx, member.ID, created.ID); err != nil {
		t.Fatalf("AddUserGroup: %v", err)
	}
	err = env.client.DeleteGroup(ctx, created.ID, false)
	wantErrorIs(t, "DeleteGroup of a group with users, no force", err, kasm.ErrConflict)
	if _, exists := env.sim.Group(created.ID); !exists {
		t.Fatal("the group was deleted without force")
	}
	if err := env.client.DeleteGroup(ctx, created.ID, true); err != nil {
		t.Fatalf("DeleteGroup with force: %v", err)
	}
	if _, exists := env.sim.Group(created.ID); exists {
		t.Error("the group still exists after DeleteGroup")
	}
	if u, _ := env.sim.User(member.ID); slices.Contains(u.Groups, created.ID) {
		t.Error("the user is still a member of the deleted group")
	}

	err = env.client.DeleteGroup(ctx, created.ID, false)
	wantErrorIs(t, "second DeleteGroup", err, kasm.ErrNotFound)
	_, err = env.client.UpdateGroup(ctx, kasm.UpdateGroupRequest{GroupID: created.ID, Description: kasm.String("x")})
	wantErrorIs(t, "UpdateGroup of a deleted group", err, kasm.ErrNotFound)
}

func TestSimGroupMembership(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()
	user := env.createUser(t, "erin@example.com")
	group := env.createGroup(t, "Support", 60)

	if err := env.client.AddUserGroup(ctx, dashedID(t, user.ID), dashedID(t, group.ID)); err != nil {
		t.Fatalf("AddUserGroup: %v", err)
	}
	got, err := env.client.GetUser(ctx, kasm.UserRef{ID: user.ID})
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if !hasGroup(got.Groups, group.ID) || !hasGroup(got.Groups, kasmsim.AllUsersGroupID) {
		t.Errorf("Groups = %+v, want All Users and Support", got.Groups)
	}

	// Outside a lost answer, an existing membership is an error the caller sees.
	err = env.client.AddUserGroup(ctx, user.ID, group.ID)
	wantErrorIs(t, "AddUserGroup of a member", err, kasm.ErrAlreadyExists)
	err = env.client.AddUserGroup(ctx, user.ID, kasmsim.AllUsersGroupID)
	wantErrorIs(t, "AddUserGroup to All Users", err, kasm.ErrAlreadyExists)
	env.wantCount(t, "add_user_group", 3)

	if err := env.client.RemoveUserGroup(ctx, user.ID, group.ID); err != nil {
		t.Fatalf("RemoveUserGroup: %v", err)
	}
	if u, _ := env.sim.User(user.ID); slices.Contains(u.Groups, group.ID) {
		t.Error("the user is still a member after RemoveUserGroup")
	}
	err = env.client.RemoveUserGroup(ctx, user.ID, group.ID)
	wantErrorIs(t, "RemoveUserGroup of a non-member", err, kasm.ErrNotFound)

	const unknown = "0123456789abcdef0123456789abcdef"
	err = env.client.AddUserGroup(ctx, unknown, group.ID)
	wantErrorIs(t, "AddUserGroup of an unknown user", err, kasm.ErrNotFound)
	err = env.client.AddUserGroup(ctx, user.ID, unknown)
	wantErrorIs(t, "AddUserGroup to an unknown group", err, kasm.ErrNotFound)
}

func TestSimGroupImages(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()
	group := env.createGroup(t, "Browsers", 70)

	none, err := env.client.GetImagesGroup(ctx, group.ID)
	if err != nil || len(none) != 0 {
		t.Fatalf("GetImagesGroup of a new group = %+v, %v; want none", none, err)
	}
	if err := env.client.AddImagesGroup(ctx, dashedID(t, group.ID), dashedID(t, kasmsim.ImageFirefoxID)); err != nil {
		t.Fatalf("AddImagesGroup: %v", err)
	}
	assigned, err := env.client.GetImagesGroup(ctx, group.ID)
	if err != nil {
		t.Fatalf("GetImagesGroup: %v", err)
	}
	if len(assigned) != 1 {
		t.Fatalf("GetImagesGroup = %+v, want the Firefox image", assigned)
	}
	if a := assigned[0]; a.ImageID != kasmsim.ImageFirefoxID || a.GroupID != group.ID ||
		a.FriendlyName != "Kasm Firefox" || a.Name != "kasmweb/firefox:1.16.0" || !hexIDPattern.MatchString(a.ID) {
		t.Errorf("GetImagesGroup[0] = %+v, want Firefox assigned to %s", a, group.ID)
	}
	err = env.client.AddImagesGroup(ctx, group.ID, kasmsim.ImageFirefoxID)
	wantErrorIs(t, "AddImagesGroup of an assigned image", err, kasm.ErrAlreadyExists)

	allUsers, err := env.client.GetImagesGroup(ctx, kasmsim.AllUsersGroupID)
	if err != nil || len(allUsers) != len(env.sim.Images()) {
		t.Errorf("GetImagesGroup(All Users) = %d images, %v; want every seeded image", len(allUsers), err)
	}

	if err := env.client.RemoveImagesGroup(ctx, group.ID, kasmsim.ImageFirefoxID); err != nil {
		t.Fatalf("RemoveImagesGroup: %v", err)
	}
	if stored, _ := env.sim.Group(group.ID); len(stored.Images) != 0 {
		t.Errorf("the simulator still assigns %+v to the group", stored.Images)
	}
	err = env.client.RemoveImagesGroup(ctx, group.ID, kasmsim.ImageFirefoxID)
	wantErrorIs(t, "RemoveImagesGroup of an unassigned image", err, kasm.ErrNotFound)

	const unknown = "0123456789abcdef0123456789abcdef"
	err = env.client.AddImagesGroup(ctx, group.ID, unknown)
	wantErrorIs(t, "AddImagesGroup of an unknown image", err, kasm.ErrNotFound)
	err = env.client.AddImagesGroup(ctx, unknown, kasmsim.ImageFirefoxID)
	wantErrorIs(t, "AddImagesGroup to an unknown group", err, kasm.ErrNotFound)
	_, err = env.client.GetImagesGroup(ctx, unknown)
	wantErrorIs(t, "GetImagesGroup of an unknown group", err, kasm.ErrNotFound)
}

func TestSimGetImages(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	limit := 7200
	disabledID, err := env.sim.AddImage(kasmsim.ImageRecord{
		Name: "kasmweb/retired:1.0.0", FriendlyName: "Retired", Enabled: false, Cores: 1.5,
		Memory: 1 << 30, ImageType: "Container", Categories: []string{"Old"}, SessionTimeLimit: &limit,
	})
	if err != nil {
		t.Fatalf("AddImage: %v", err)
	}

	images, err := env.client.GetImages(t.Context())
	if err != nil {
		t.Fatalf("GetImages: %v", err)
	}
	want := env.sim.Images()
	if len(images) != len(want) || len(want) != 6 {
		t.Fatalf("GetImages returned %d images, want the 5 seeded ones and the disabled one", len(images))
	}
	for i, img := range images {
		w := want[i]
		if img.ID != w.ID || img.Name != w.Name || img.FriendlyName != w.FriendlyName ||
			img.Description != w.Description || img.Enabled != w.Enabled || img.Available != w.Available ||
			img.Cores != w.Cores || img.Memory != w.Memory || img.XRes != w.XRes || img.YRes != w.YRes ||
			img.ImageSrc != w.ImageSrc || img.ImageType != w.ImageType || img.DockerRegistry != w.DockerRegistry ||
			!slices.Equal(img.Categories, w.Categories) {
			t.Errorf("images[%d] = %+v, want the fields of %+v", i, img, w)
		}
	}
	chrome := images[0]
	if chrome.ID != kasmsim.ImageChromeID || chrome.Cores != 2 || chrome.Memory != 2768000000 {
		t.Errorf("the first image = %s cores %v memory %d, want Chrome with 2 cores and 2768000000 bytes",
			chrome.ID, chrome.Cores, chrome.Memory)
	}
	var runConfig map[string]any
	if err := json.Unmarshal(chrome.RunConfig, &runConfig); err != nil || runConfig["hostname"] != "kasm" {
		t.Errorf("Chrome RunConfig = %s (%v), want {\"hostname\":\"kasm\"}", chrome.RunConfig, err)
	}
	if !strings.Contains(string(chrome.ExecConfig), "google-chrome") {
		t.Errorf("Chrome ExecConfig = %s, want the launch command", chrome.ExecConfig)
	}
	retired := images[5]
	if retired.ID != disabledID || retired.Enabled || retired.SessionTimeLimit != 7200 || retired.Cores != 1.5 {
		t.Errorf("the added image = %s enabled=%v limit=%d cores=%v, want %s disabled, 7200 s, 1.5 cores",
			retired.ID, retired.Enabled, retired.SessionTimeLimit, retired.Cores, disabledID)
	}
}

func TestSimSessionLifecycle(t *testing.T) {
	t.Parallel()
	const keepalive = 45 * time.Minute
	env := newSimEnv(t, kasmsim.Options{
		KeepaliveExpiration: keepalive,
		SessionTiming:       kasmsim.SessionTiming{Deleting: 30 * time.Second},
	})
	ctx := t.Context()
	owner := env.createUser(t, "frank@example.com")
	viewer := env.createUser(t, "grace@example.com")

	resp, err := env.client.RequestKasm(ctx, kasm.RequestKasmRequest{
		UserID: dashedID(t, owner.ID), ImageID: kasmsim.ImageChromeID, EnableSharing: true,
		KasmURL: "https://example.com/start", Environment: map[string]string{"GREETING": "hello"},
	})
	if err != nil {
		t.Fatalf("RequestKasm: %v", err)
	}
	wantHexID(t, "KasmID", resp.KasmID)
	if resp.UserID != owner.ID || resp.Username != owner.Username || resp.Status != "starting" {
		t.Errorf("RequestKasm = user %s %q status %q, want %s %q starting", resp.UserID, resp.Username, resp.Status, owner.ID, owner.Username)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}$`).MatchString(resp.ShareID) {
		t.Errorf("ShareID = %q, want 8 hex digits", resp.ShareID)
	}
	if !dashedIDPattern.MatchString(resp.SessionToken) || !env.sim.SessionTokenValid(resp.SessionToken) {
		t.Error("RequestKasm's session token is not a valid dashed token")
	}
	if want := "/#/connect/kasm/" + dashedID(t, resp.KasmID) + "/" + owner.ID + "/" + resp.SessionToken; resp.KasmURL != want {
		t.Error("RequestKasm's kasm_url is not /#/connect/kasm/<kasm id>/<user id>/<token>")
	}
	stored, ok := env.sim.Session(resp.KasmID)
	if !ok || stored.Environment["KASM_URL"] != "https://example.com/start" || stored.Environment["GREETING"] != "hello" {
		t.Errorf("the stored session environment = %v, want KASM_URL and GREETING", stored.Environment)
	}

	// Every status call mints a new token and retires the previous one.
	first, err := env.client.GetKasmStatus(ctx, resp.KasmID, owner.ID, true)
	if err != nil {
		t.Fatalf("GetKasmStatus: %v", err)
	}
	if first.Pending || first.Kasm == nil || first.OperationalStatus != "running" {
		t.Fatalf("GetKasmStatus = %+v, want a running session object", first)
	}
	if first.Kasm.ID != resp.KasmID || first.Kasm.UserID != owner.ID || first.Kasm.ShareID != resp.ShareID ||
		first.Kasm.ImageID != kasmsim.ImageChromeID || first.Kasm.Image.FriendlyName != "Kasm Chrome" ||
		first.Kasm.ContainerID == "" || first.Kasm.ClientSettings == nil {
		t.Errorf("GetKasmStatus session = %+v, want the running Chrome session of %s", first.Kasm, owner.ID)
	}
	if first.CurrentTime == nil || !first.CurrentTime.Equal(simStart) {
		t.Errorf("CurrentTime = %v, want %v", first.CurrentTime, simStart)
	}
	statusURL := regexp.MustCompile(`^/#/connect/kasm/` + resp.KasmID + `/` + dashedID(t, owner.ID) + `/[0-9a-f-]{36}$`)
	if !statusURL.MatchString(first.KasmURL) {
		t.Error("get_kasm_status's kasm_url is not /#/connect/kasm/<kasm hex>/<user dashed>/<dashed token>")
	}
	if env.sim.SessionTokenValid(resp.SessionToken) {
		t.Error("RequestKasm's token is still valid after GetKasmStatus")
	}
	second, err := env.client.GetKasmStatus(ctx, resp.KasmID, owner.ID, true)
	if err != nil {
		t.Fatalf("second GetKasmStatus: %v", err)
	}
	firstToken, secondToken := lastSegment(first.KasmURL), lastSegment(second.KasmURL)
	if firstToken == secondToken || env.sim.SessionTokenValid(firstToken) || !env.sim.SessionTokenValid(secondToken) {
		t.Error("the second GetKasmStatus did not replace the first call's token")
	}

	kasms, err := env.client.GetKasms(ctx)
	if err != nil {
		t.Fatalf("GetKasms: %v", err)
	}
	if len(kasms) != 1 || kasms[0].ID != resp.KasmID || kasms[0].User.Username != owner.Username ||
		kasms[0].Server.Hostname == "" || kasms[0].OperationalStatus != "running" {
		t.Fatalf("GetKasms = %+v, want the running session of %s", kasms, owner.Username)
	}
	if kasms[0].ExpirationDate == nil || !kasms[0].ExpirationDate.Equal(simStart.Add(keepalive)) {
		t.Errorf("ExpirationDate = %v, want %v", kasms[0].ExpirationDate, simStart.Add(keepalive))
	}

	joined, err := env.client.JoinKasm(ctx, resp.ShareID, viewer.ID)
	if err != nil {
		t.Fatalf("JoinKasm: %v", err)
	}
	if joined.UserID != viewer.ID || joined.Username != viewer.Username || joined.Kasm == nil ||
		joined.Kasm.ID != resp.KasmID || joined.Kasm.User.Username != owner.Username {
		t.Errorf("JoinKasm = %+v, want a link for %s to %s's session", joined, viewer.Username, owner.Username)
	}
	if !strings.HasPrefix(joined.KasmURL, "/#/connect/join/"+resp.ShareID+"/"+viewer.ID+"/") ||
		!env.sim.SessionTokenValid(joined.SessionToken) || lastSegment(joined.KasmURL) != joined.SessionToken {
		t.Error("JoinKasm's kasm_url is not /#/connect/join/<share id>/<viewer hex>/<valid token>")
	}
	anonymous, err := env.client.JoinKasm(ctx, resp.ShareID, "")
	if err != nil {
		t.Fatalf("JoinKasm (anonymous): %v", err)
	}
	anonymousUsers, err := env.client.GetUsers(ctx, kasm.GetUsersOptions{AnonymousOnly: true})
	if err != nil || len(anonymousUsers) != 1 || anonymousUsers[0].ID != anonymous.UserID || !anonymousUsers[0].Anonymous {
		t.Errorf("GetUsers(anonymous only) = %+v, %v; want the viewer %s JoinKasm created", anonymousUsers, err, anonymous.UserID)
	}
	_, err = env.client.JoinKasm(ctx, "deadbeef", viewer.ID)
	wantAPIMessage(t, "JoinKasm with an unknown share id", err, "No Kasm found with share_id (deadbeef)")

	env.clock.Advance(20 * time.Minute)
	alive, err := env.client.Keepalive(ctx, resp.KasmID)
	if err != nil {
		t.Fatalf("Keepalive: %v", err)
	}
	if !alive.Extended || alive.UsageReached == nil || *alive.UsageReached {
		t.Errorf("Keepalive = %+v, want an extension", alive)
	}
	kept, _ := env.sim.Session(resp.KasmID)
	if want := simStart.Add(20*time.Minute + keepalive); !kept.ExpirationDate.Equal(want) ||
		!kept.KeepaliveDate.Equal(simStart.Add(20*time.Minute)) {
		t.Errorf("after Keepalive: keepalive %v, expiration %v; want %v, %v",
			kept.KeepaliveDate, kept.ExpirationDate, simStart.Add(20*time.Minute), want)
	}

	if err := env.client.DestroyKasm(ctx, dashedID(t, resp.KasmID), owner.ID); err != nil {
		t.Fatalf("DestroyKasm: %v", err)
	}
	deleting, err := env.client.GetKasmStatus(ctx, resp.KasmID, owner.ID, true)
	if err != nil {
		t.Fatalf("GetKasmStatus while deleting: %v", err)
	}
	if !deleting.Pending || deleting.OperationalStatus != "deleting" || deleting.Kasm != nil {
		t.Errorf("GetKasmStatus while deleting = %+v, want pending deleting", deleting)
	}
	_, err = env.client.Keepalive(ctx, resp.KasmID)
	wantAPIMessage(t, "Keepalive of a deleting session", err,
		"Kasm ("+resp.KasmID[:8]+") is currently scheduled to be deleted. Can not honor keepalive request")

	env.clock.Advance(30 * time.Second)
	_, err = env.client.GetKasmStatus(ctx, resp.KasmID, owner.ID, true)
	wantErrorIs(t, "GetKasmStatus after the deletion", err, kasm.ErrNotFound)
	_, err = env.client.Keepalive(ctx, resp.KasmID)
	wantErrorIs(t, "Keepalive after the deletion", err, kasm.ErrNotFound)
	err = env.client.DestroyKasm(ctx, resp.KasmID, owner.ID)
	wantErrorIs(t, "DestroyKasm after the deletion", err, kasm.ErrNotFound)
	if kasms, err := env.client.GetKasms(ctx); err != nil || len(kasms) != 0 {
		t.Errorf("GetKasms after the deletion = %+v, %v; want none", kasms, err)
	}
}

func TestSimSessionStartStates(t *testing.T) {
	t.Parallel()
	const step = 10 * time.Second
	timing := kasmsim.SessionTiming{Requested: step, Provisioning: step, Assigned: step, Starting: step}
	states := []struct {
		status   string
		progress int // In the documented shape; 1.15's error_message form carries none.
	}{
		{"requested", 10}, {"provisioning", 45}, {"assigned", 75}, {"starting", 85},
	}

	for _, documented := range []bool{false, true} {
		t.Run(fmt.Sprintf("documented shape %v", documented), func(t *testing.T) {
			t.Parallel()
			env := newSimEnv(t, kasmsim.Options{SessionTiming: timing, Autoscale: true, DocumentedStatusShape: documented})
			ctx := t.Context()
			user := env.createUser(t, "heidi@example.com")
			resp := env.requestSession(t, user.ID)
			if resp.Status != "requested" {
				t.Errorf("RequestKasm status = %q, want requested", resp.Status)
			}

			for _, state := range states {
				status, err := env.client.GetKasmStatus(ctx, resp.KasmID, user.ID, true)
				if err != nil {
					t.Fatalf("GetKasmStatus while %s: %v", state.status, err)
				}
				if !status.Pending || status.Kasm != nil || status.OperationalStatus != state.status {
					t.Errorf("GetKasmStatus = pending %v, status %q; want pending %s", status.Pending, status.OperationalStatus, state.status)
				}
				wantProgress := 0
				if documented {
					wantProgress = state.progress
				}
				if status.OperationalProgress != wantProgress {
					t.Errorf("while %s: progress = %d, want %d", state.status, status.OperationalProgress, wantProgress)
				}
				if status.OperationalMessage == "" {
					t.Errorf("while %s: no operational message", state.status)
				}
				kasms, err := env.client.GetKasms(ctx)
				if err != nil || len(kasms) != 1 || kasms[0].OperationalStatus != state.status {
					t.Errorf("GetKasms while %s = %+v, %v", state.status, kasms, err)
				}
				placed := state.status == "starting"
				if len(kasms) == 1 && (kasms[0].Server.Hostname != "") != placed {
					t.Errorf("while %s: server hostname %q, want one only once placed", state.status, kasms[0].Server.Hostname)
				}
				env.clock.Advance(step)
			}

			running, err := env.client.GetKasmStatus(ctx, resp.KasmID, user.ID, true)
			if err != nil {
				t.Fatalf("GetKasmStatus once started: %v", err)
			}
			if running.Pending || running.Kasm == nil || running.OperationalStatus != "running" || running.OperationalProgress != 100 {
				t.Errorf("GetKasmStatus once started = %+v, want running with progress 100", running)
			}
		})
	}
}

func TestSimRequestKasmShareIDQuirk(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()
	if err := env.sim.SetGroupSetting(kasmsim.AllUsersGroupID, "allow_kasm_sharing", false); err != nil {
		t.Fatalf("SetGroupSetting: %v", err)
	}
	user := env.createUser(t, "ivan@example.com")

	resp, err := env.client.RequestKasm(ctx, kasm.RequestKasmRequest{
		UserID: user.ID, ImageID: kasmsim.ImageChromeID, EnableSharing: true,
	})
	wantAPIMessage(t, "RequestKasm with sharing not allowed", err, "Failed to create Share ID")
	if resp == nil {
		t.Fatal("RequestKasm returned no response with the share error; the session would leak")
	}
	if resp.ShareID != "" || resp.UserID != user.ID || !hexIDPattern.MatchString(resp.KasmID) {
		t.Errorf("RequestKasm = %+v, want a session without a share id", resp)
	}
	if _, exists := env.sim.Session(resp.KasmID); !exists {
		t.Fatal("the session the response names does not exist")
	}
	if err := env.client.DestroyKasm(ctx, resp.KasmID, user.ID); err != nil {
		t.Errorf("DestroyKasm of the session: %v", err)
	}
	if _, exists := env.sim.Session(resp.KasmID); exists {
		t.Error("the session still exists after DestroyKasm")
	}
}

func TestSimRequestKasmLimit(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()
	user := env.createUser(t, "judy@example.com")

	// A fresh install allows two sessions per user.
	env.requestSession(t, user.ID)
	env.requestSession(t, user.ID)
	resp, err := env.client.RequestKasm(ctx, kasm.RequestKasmRequest{UserID: user.ID, ImageID: kasmsim.ImageChromeID})
	wantErrorIs(t, "the third RequestKasm", err, kasm.ErrConflict)
	wantAPIMessage(t, "the third RequestKasm", err, "Kasm limit exceeded for user: (judy@example.com)")
	if resp != nil {
		t.Errorf("RequestKasm over the limit returned %+v, want nil", resp)
	}
	if n := len(env.sim.Sessions()); n != 2 {
		t.Errorf("%d sessions exist, want 2", n)
	}
}

func TestSimReadsRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault kasmsim.Fault
	}{
		{"503", kasmsim.Fault{Kind: kasmsim.FaultStatus503, Times: 2}},
		{"502", kasmsim.Fault{Kind: kasmsim.FaultStatus502, Times: 2}},
		{"500", kasmsim.Fault{Kind: kasmsim.FaultStatus500, Times: 1}},
		// Retry-After asks for a second; RetryWaitMax caps the wait at 5 ms.
		{"429 with Retry-After", kasmsim.Fault{Kind: kasmsim.Fault429, RetryAfter: time.Second, Times: 3}},
		{"connection reset", kasmsim.Fault{Kind: kasmsim.FaultConnReset, Times: 2}},
		{"lost answer", kasmsim.Fault{Kind: kasmsim.FaultLostAnswer, Times: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newSimEnv(t, kasmsim.Options{})
			env.sim.InjectFault("get_groups", tt.fault)
			start := time.Now()
			groups, err := env.client.GetGroups(t.Context())
			if err != nil {
				t.Fatalf("GetGroups: %v", err)
			}
			if len(groups) != 2 {
				t.Errorf("GetGroups returned %d groups, want the 2 seeded ones", len(groups))
			}
			env.wantCount(t, "get_groups", tt.fault.Times+1)
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("the retries took %v; Retry-After is not capped by RetryWaitMax", elapsed)
			}
		})
	}
}

func TestSimReadRetriesExhausted(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	env.sim.InjectFault("get_images", kasmsim.Fault{Kind: kasmsim.FaultStatus503})

	_, err := env.client.GetImages(t.Context())
	var apiErr *kasm.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("GetImages = %v, want the last 503 answer", err)
	}
	env.wantCount(t, "get_images", kasm.DefaultMaxRetries+1)
}

func TestSimTimeouts(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	key, secret := env.sim.AdminKey()
	client, err := kasm.NewClient(kasm.Config{
		BaseURL: env.server.URL, APIKey: key, APIKeySecret: secret, MaxRetries: 2,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, RequestTimeout: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	// The simulator finishes a delayed request even after the client gave up on it, as a
	// server does, so the latency is kept short to keep the server's shutdown quick.
	slow := kasmsim.Fault{Kind: kasmsim.FaultLatency, Latency: 300 * time.Millisecond, Times: 1}
	env.sim.InjectFault("get_user", slow)
	env.sim.InjectFault("create_user", slow)

	user, err := client.GetUser(t.Context(), kasm.UserRef{Username: kasmsim.DefaultUsername})
	if err != nil {
		t.Fatalf("GetUser after a timed-out attempt: %v", err)
	}
	if user.Username != kasmsim.DefaultUsername {
		t.Errorf("GetUser = %q, want %q", user.Username, kasmsim.DefaultUsername)
	}
	env.wantCount(t, "get_user", 2)

	_, err = client.CreateUser(t.Context(), kasm.CreateUserRequest{Username: "uma@example.com"})
	wantErrorIs(t, "CreateUser that timed out", err, kasm.ErrOutcomeUnknown)
	wantErrorIs(t, "CreateUser that timed out", err, context.DeadlineExceeded)
	env.wantCount(t, "create_user", 1)
}

func TestSimCreateUserNeverSentTwice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fault       kasmsim.Fault
		wantApplied bool
	}{
		// The server applied the request and the answer was lost.
		{"lost answer", kasmsim.Fault{Kind: kasmsim.FaultLostAnswer, Times: 1}, true},
		// A reset after sending may come after Kasm acted, as may a gateway error.
		{"connection reset", kasmsim.Fault{Kind: kasmsim.FaultConnReset, Times: 1}, false},
		{"502", kasmsim.Fault{Kind: kasmsim.FaultStatus502, Times: 1}, false},
		{"503 without Retry-After", kasmsim.Fault{Kind: kasmsim.FaultStatus503, Times: 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newSimEnv(t, kasmsim.Options{})
			env.sim.InjectFault("create_user", tt.fault)

			user, err := env.client.CreateUser(t.Context(), kasm.CreateUserRequest{Username: "Kim@Example.com"})
			wantErrorIs(t, "CreateUser", err, kasm.ErrOutcomeUnknown)
			if user != nil {
				t.Errorf("CreateUser returned %+v with an unknown outcome", user)
			}
			env.wantCount(t, "create_user", 1)
			want := 0
			if tt.wantApplied {
				want = 1
			}
			if n := env.usersNamed("kim@example.com"); n != want {
				t.Errorf("%d users named kim@example.com, want %d", n, want)
			}
		})
	}
}

func TestSimCreateUserRetriedAfterRefusal(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	// 429 proves the request was not acted on, so even create_user may be sent again.
	env.sim.InjectFault("create_user", kasmsim.Fault{Kind: kasmsim.Fault429, RetryAfter: time.Second, Times: 1})

	user, err := env.client.CreateUser(t.Context(), kasm.CreateUserRequest{Username: "leo@example.com"})
	if err != nil {
		t.Fatalf("CreateUser after a 429: %v", err)
	}
	wantHexID(t, "user ID", user.ID)
	env.wantCount(t, "create_user", 2)
	if n := env.usersNamed("leo@example.com"); n != 1 {
		t.Errorf("%d users named leo@example.com, want 1", n)
	}
}

func TestSimIdempotentWritesAfterLostAnswer(t *testing.T) {
	t.Parallel()
	lost := kasmsim.Fault{Kind: kasmsim.FaultLostAnswer, Times: 1}

	t.Run("add_user_group", func(t *testing.T) {
		t.Parallel()
		env := newSimEnv(t, kasmsim.Options{})
		user := env.createUser(t, "mallory@example.com")
		group := env.createGroup(t, "Auditors", 80)
		env.sim.InjectFault("add_user_group", lost)

		// The repetition answers "already a member", which is the success the first attempt had.
		if err := env.client.AddUserGroup(t.Context(), user.ID, group.ID); err != nil {
			t.Fatalf("AddUserGroup: %v", err)
		}
		env.wantCount(t, "add_user_group", 2)
		if u, _ := env.sim.User(user.ID); !slices.Contains(u.Groups, group.ID) {
			t.Error("the user is not a member of the group")
		}
	})

	t.Run("remove_user_group", func(t *testing.T) {
		t.Parallel()
		env := newSimEnv(t, kasmsim.Options{})
		user := env.createUser(t, "niaj@example.com")
		group := env.createGroup(t, "Auditors", 80)
		if err := env.sim.AddMembershipOutOfBand(user.ID, group.ID); err != nil {
			t.Fatalf("AddMembershipOutOfBand: %v", err)
		}
		env.sim.InjectFault("remove_user_group", lost)

		if err := env.client.RemoveUserGroup(t.Context(), user.ID, group.ID); err != nil {
			t.Fatalf("RemoveUserGroup: %v", err)
		}
		env.wantCount(t, "remove_user_group", 2)
		if u, _ := env.sim.User(user.ID); slices.Contains(u.Groups, group.ID) {
			t.Error("the user is still a member of the group")
		}
	})

	t.Run("delete_user", func(t *testing.T) {
		t.Parallel()
		env := newSimEnv(t, kasmsim.Options{})
		user := env.createUser(t, "olivia@example.com")
		env.sim.InjectFault("delete_user", lost)

		if err := env.client.DeleteUser(t.Context(), user.ID, false); err != nil {
			t.Fatalf("DeleteUser: %v", err)
		}
		env.wantCount(t, "delete_user", 2)
		if _, exists := env.sim.User(user.ID); exists {
			t.Error("the user still exists")
		}
	})

	t.Run("destroy_kasm", func(t *testing.T) {
		t.Parallel()
		env := newSimEnv(t, kasmsim.Options{})
		user := env.createUser(t, "peggy@example.com")
		session := env.requestSession(t, user.ID)
		env.sim.InjectFault("destroy_kasm", lost)

		if err := env.client.DestroyKasm(t.Context(), session.KasmID, user.ID); err != nil {
			t.Fatalf("DestroyKasm: %v", err)
		}
		env.wantCount(t, "destroy_kasm", 2)
		if _, exists := env.sim.Session(session.KasmID); exists {
			t.Error("the session still exists")
		}
	})

	t.Run("destroy_kasm of a session that deletes slowly", func(t *testing.T) {
		t.Parallel()
		env := newSimEnv(t, kasmsim.Options{SessionTiming: kasmsim.SessionTiming{Deleting: time.Minute}})
		user := env.createUser(t, "quentin@example.com")
		session := env.requestSession(t, user.ID)
		env.sim.InjectFault("destroy_kasm", lost)

		// The repetition finds the session deleting, which Kasm refuses as an invalid state
		// rather than answering "Invalid kasm_id". The client reports that answer as it is;
		// the provider's destroy loop lists the sessions and sees the deletion under way.
		err := env.client.DestroyKasm(t.Context(), session.KasmID, user.ID)
		wantAPIMessage(t, "DestroyKasm", err, "Session is not in a valid state to be deleted")
		env.wantCount(t, "destroy_kasm", 2)
		if s, exists := env.sim.Session(session.KasmID); !exists || s.Status != kasmsim.StatusDeleting {
			t.Errorf("the session is %q (exists %v), want deleting", s.Status, exists)
		}
	})
}

func TestSimCreatingWritesAfterLostAnswer(t *testing.T) {
	t.Parallel()
	lost := kasmsim.Fault{Kind: kasmsim.FaultLostAnswer, Times: 1}

	t.Run("request_kasm", func(t *testing.T) {
		t.Parallel()
		env := newSimEnv(t, kasmsim.Options{})
		user := env.createUser(t, "rupert@example.com")
		env.sim.InjectFault("request_kasm", lost)

		resp, err := env.client.RequestKasm(t.Context(), kasm.RequestKasmRequest{UserID: user.ID, ImageID: kasmsim.ImageChromeID})
		wantErrorIs(t, "RequestKasm", err, kasm.ErrOutcomeUnknown)
		if resp != nil {
			t.Errorf("RequestKasm returned %+v with an unknown outcome", resp)
		}
		env.wantCount(t, "request_kasm", 1)
		if n := len(env.sim.Sessions()); n != 1 {
			t.Errorf("%d sessions exist, want the 1 the lost request created", n)
		}
	})

	t.Run("create_group", func(t *testing.T) {
		t.Parallel()
		env := newSimEnv(t, kasmsim.Options{})
		env.sim.InjectFault("create_group", lost)

		_, err := env.client.CreateGroup(t.Context(), kasm.CreateGroupRequest{Name: "Ops", Priority: 90})
		wantErrorIs(t, "CreateGroup", err, kasm.ErrOutcomeUnknown)
		env.wantCount(t, "create_group", 1)
		if _, exists := env.sim.GroupByName("Ops"); !exists {
			t.Error("the group the lost request created does not exist")
		}
	})

	t.Run("get_login", func(t *testing.T) {
		t.Parallel()
		env := newSimEnv(t, kasmsim.Options{})
		user := env.createUser(t, "sybil@example.com")
		env.sim.InjectFault("get_login", lost)

		_, err := env.client.GetLogin(t.Context(), user.ID)
		wantErrorIs(t, "GetLogin", err, kasm.ErrOutcomeUnknown)
		env.wantCount(t, "get_login", 1)
	})
}

func TestSimAuthentication(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t, kasmsim.Options{})
	ctx := t.Context()
	key, secret := env.sim.AdminKey()

	t.Run("wrong secret", func(t *testing.T) {
		wrong := strings.Repeat("x", len(secret))
		client := newSimClient(t, env.server.URL, key, wrong)
		_, err := client.GetUsers(ctx, kasm.GetUsersOptions{})
		wantErrorIs(t, "GetUsers with a wrong secret", err, kasm.ErrUnauthorized)
		if err != nil && strings.Contains(err.Error(), wrong) {
			t.Error("the error text contains the secret")
		}
	})

	t.Run("missing permission", func(t *testing.T) {
		viewKey, viewSecret := env.sim.CreateAPIKey(kasmsim.APIKeySpec{
			Name: "viewer", Permissions: []kasmsim.Permission{kasmsim.PermUsersView},
		})
		client := newSimClient(t, env.server.URL, viewKey, viewSecret)
		if _, err := client.GetUser(ctx, kasm.UserRef{Username: kasmsim.DefaultUsername}); err != nil {
			t.Fatalf("GetUser with Users View: %v", err)
		}
		_, err := client.CreateUser(ctx, kasm.CreateUserRequest{Username: "trent@example.com"})
		wantErrorIs(t, "CreateUser with only Users View", err, kasm.ErrUnauthorized)
		if _, exists := env.sim.UserByName("trent@example.com"); exists {
			t.Error("the user was created without Users Create")
		}
	})

	t.Run("expired key", func(t *testing.T) {
		expires := simStart.Add(time.Hour)
		shortKey, shortSecret := env.sim.CreateAPIKey(kasmsim.APIKeySpec{
			Name: "short-lived", Permissions: kasmsim.AllPermissions(), Expires: &expires,
		})
		client := newSimClient(t, env.server.URL, shortKey, shortSecret)
		if _, err := client.GetGroups(ctx); err != nil {
			t.Fatalf("GetGroups before the expiry: %v", err)
		}
		env.clock.Advance(2 * time.Hour)
		_, err := client.GetGroups(ctx)
		wantErrorIs(t, "GetGroups after the expiry", err, kasm.ErrUnauthorized)
		wantAPIMessage(t, "GetGroups after the expiry", err, "Access has expired")
	})
}
