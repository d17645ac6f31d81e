package kasm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// UsersAPI is the part of the client that manages users and their attributes.
// Kasm documents these endpoints under "Users" in the developer API.
type UsersAPI interface {
	CreateUser(ctx context.Context, req CreateUserRequest) (*User, error)
	GetUser(ctx context.Context, ref UserRef) (*User, error)
	GetUsers(ctx context.Context, opts GetUsersOptions) ([]User, error)
	GetUsersPage(ctx context.Context, page, pageSize int, opts GetUsersOptions) ([]User, int, error)
	UpdateUser(ctx context.Context, req UpdateUserRequest) (*User, error)
	DeleteUser(ctx context.Context, userID string, force bool) error
	LogoutUser(ctx context.Context, userID string) error
	GetAttributes(ctx context.Context, userID string) (*UserAttributes, error)
	UpdateUserAttributes(ctx context.Context, req UpdateUserAttributesRequest) error
}

var _ UsersAPI = (*Client)(nil)

// User is a Kasm user as create_user, get_user, update_user and get_users return it. Ids are
// 32 lower-case hex digits; strings Kasm sends as null are "". Which members are present
// depends on the endpoint, the Kasm version and the API key's permissions (groups need Groups
// View, kasms Sessions View).
type User struct {
	ID           string
	Username     string
	FirstName    string
	LastName     string
	Phone        string
	Organization string
	Notes        string
	Realm        string
	Locked       bool
	Disabled     bool
	Anonymous    bool
	// TwoFactor is the require_2fa setting of the user's groups.
	TwoFactor       bool
	ProgramID       string
	Hash            string
	LastSession     *time.Time
	Created         *time.Time
	PasswordSetDate *time.Time
	City            string
	State           string
	Country         string
	Email           string
	// CustomAttribute1 to CustomAttribute3 are free-form fields of newer Kasm versions.
	CustomAttribute1 string
	CustomAttribute2 string
	CustomAttribute3 string
	Groups           []GroupRef
	Kasms            []UserKasm
	// Company is the company object as sent ({} without Companies View), or nil.
	Company json.RawMessage
	// AssignedServers is the assigned_servers member of Kasm 1.18 as sent, or nil.
	AssignedServers json.RawMessage
}

// GroupRef names a group a user belongs to.
type GroupRef struct {
	ID   string
	Name string
}

// UserKasm is the short session entry get_user and get_users list for a user.
type UserKasm struct {
	ID             string
	StartDate      *time.Time
	KeepaliveDate  *time.Time
	ExpirationDate *time.Time
	Server         UserKasmServer
}

// UserKasmServer is the server a UserKasm runs on.
type UserKasmServer struct {
	ID       string
	Hostname string
	Port     int
}

func decodeUser(f fields) User {
	return User{
		ID:               f.id("user_id"),
		Username:         f.str("username"),
		FirstName:        f.str("first_name"),
		LastName:         f.str("last_name"),
		Phone:            f.str("phone"),
		Organization:     f.str("organization"),
		Notes:            f.str("notes"),
		Realm:            f.str("realm"),
		Locked:           f.boolean("locked"),
		Disabled:         f.boolean("disabled"),
		Anonymous:        f.boolean("anonymous"),
		TwoFactor:        f.boolean("two_factor"),
		ProgramID:        f.id("program_id"),
		Hash:             f.str("hash"),
		LastSession:      f.date("last_session"),
		Created:          f.date("created"),
		PasswordSetDate:  f.date("password_set_date"),
		City:             f.str("city"),
		State:            f.str("state"),
		Country:          f.str("country"),
		Email:            f.str("email"),
		CustomAttribute1: f.str("custom_attribute_1"),
		CustomAttribute2: f.str("custom_attribute_2"),
		CustomAttribute3: f.str("custom_attribute_3"),
		Groups:           decodeList(f, "groups", decodeGroupRef),
		Kasms:            decodeList(f, "kasms", decodeUserKasm),
		Company:          f.raw("company"),
		AssignedServers:  f.raw("assigned_servers"),
	}
}

func decodeGroupRef(f fields) GroupRef {
	return GroupRef{ID: f.id("group_id"), Name: f.str("name")}
}

func decodeUserKasm(f fields) UserKasm {
	server := f.object("server")
	return UserKasm{
		ID:             f.id("kasm_id"),
		StartDate:      f.date("start_date"),
		KeepaliveDate:  f.date("keepalive_date"),
		ExpirationDate: f.date("expiration_date"),
		Server: UserKasmServer{
			ID:       server.id("server_id"),
			Hostname: server.str("hostname"),
			Port:     server.intValue("port"),
		},
	}
}

// decodeUserAnswer decodes {"user": {...}}.
func decodeUserAnswer(endpoint string, f fields) (*User, error) {
	obj := f.object("user")
	if obj == nil {
		return nil, missingMember(endpoint, "user")
	}
	user := decodeUser(obj)
	return &user, nil
}

// CreateUserRequest is the target_user of create_user. Only Username is required; without a
// Password Kasm sets a random one. Empty strings are not sent.
type CreateUserRequest struct {
	Username     string `json:"username"`
	Password     string `json:"password,omitempty"`
	FirstName    string `json:"first_name,omitempty"`
	LastName     string `json:"last_name,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Organization string `json:"organization,omitempty"`
	Notes        string `json:"notes,omitempty"`
	Locked       bool   `json:"locked"`
	Disabled     bool   `json:"disabled"`
	Realm        string `json:"realm,omitempty"`
	CompanyID    string `json:"company_id,omitempty"`
	ProgramID    string `json:"program_id,omitempty"`
	OIDCID       string `json:"oidc_id,omitempty"`
	SAMLID       string `json:"saml_id,omitempty"`
}

// String formats the request with the password hidden.
func (r CreateUserRequest) String() string { return r.format(false) }

// GoString formats the request with the password hidden.
func (r CreateUserRequest) GoString() string { return r.format(true) }

func (r CreateUserRequest) format(goSyntax bool) string {
	return formatStruct(r, goSyntax, "Password")
}

// CreateUser creates a user. Kasm adds it to the All Users group (and to groups that add new
// local users automatically) and lower-cases the username. A duplicate username matches
// ErrAlreadyExists. create_user is never sent twice once it may have reached Kasm: a lost
// answer matches ErrOutcomeUnknown, and the caller should look the user up by username.
func (c *Client) CreateUser(ctx context.Context, req CreateUserRequest) (*User, error) {
	if strings.TrimSpace(req.Username) == "" {
		return nil, fmt.Errorf("kasm: %s: %w: username is required", epCreateUser, ErrInvalidArgument)
	}
	payload := struct {
		TargetUser CreateUserRequest `json:"target_user"`
	}{req}
	f, err := c.call(ctx, epCreateUser, payload, callOptions{secrets: []string{req.Password}})
	if err != nil {
		return nil, err
	}
	return decodeUserAnswer(epCreateUser, f)
}

// UserRef names a user by id or by username. When both are set Kasm uses the id.
type UserRef struct {
	ID       string
	Username string
}

type targetUser struct {
	UserID   string `json:"user_id,omitempty"`
	Username string `json:"username,omitempty"`
}

type targetUserPayload struct {
	TargetUser targetUser `json:"target_user"`
}

// GetUser reads one user by id or username. Kasm answers a user it does not know with a bare
// "Invalid Request"; that answer matches ErrNotFound here because the request is checked
// before sending (a well-formed id, or a username).
func (c *Client) GetUser(ctx context.Context, ref UserRef) (*User, error) {
	id, err := optionalID(epGetUser, "user id", ref.ID)
	if err != nil {
		return nil, err
	}
	if id == "" && strings.TrimSpace(ref.Username) == "" {
		return nil, fmt.Errorf("kasm: %s: %w: a user id or a username is required", epGetUser, ErrInvalidArgument)
	}
	payload := targetUserPayload{TargetUser: targetUser{UserID: id, Username: ref.Username}}
	f, err := c.call(ctx, epGetUser, payload, callOptions{
		classify: classifyOptions{invalidRequestIsNotFound: true},
	})
	if err != nil {
		return nil, err
	}
	return decodeUserAnswer(epGetUser, f)
}

// DefaultUsersPageSize is the page size GetUsers uses when GetUsersOptions.PageSize is 0.
const DefaultUsersPageSize = 100

// GetUsersOptions selects which users get_users lists.
type GetUsersOptions struct {
	// PageSize is the number of users per request; 0 means DefaultUsersPageSize.
	PageSize int
	// Anonymous includes anonymous users (created by sessions requested without a user).
	Anonymous bool
	// AnonymousOnly lists anonymous users only.
	AnonymousOnly bool
}

type getUsersPayload struct {
	Page          int  `json:"page"`
	PageSize      int  `json:"page_size"`
	Anonymous     bool `json:"anonymous,omitempty"`
	AnonymousOnly bool `json:"anonymous_only,omitempty"`
}

// GetUsers lists every user, reading page after page until it has collected the total Kasm
// reports or a page comes back empty. Kasm lists users in creation order, so users created
// while the pages are read appear at the end; a user deleted meanwhile can shift the pages
// and hide another user until the next listing. A server that does not page (no total in the
// answer) is read once; one that repeats a page instead of moving on gives an error rather
// than a partial list.
func (c *Client) GetUsers(ctx context.Context, opts GetUsersOptions) ([]User, error) {
	pageSize := opts.PageSize
	if pageSize <= 0 {
		pageSize = DefaultUsersPageSize
	}
	var all []User
	seen := make(map[string]bool)
	for page := 0; ; page++ {
		users, total, paged, err := c.readUsersPage(ctx, page, pageSize, opts)
		if err != nil {
			return nil, err
		}
		added := 0
		for _, u := range users {
			if u.ID != "" {
				if seen[u.ID] {
					continue
				}
				seen[u.ID] = true
			}
			all = append(all, u)
			added++
		}
		if len(users) > 0 && added == 0 {
			// A server that ignores "page" would otherwise be read forever.
			return nil, fmt.Errorf("kasm: %s: page %d lists only users of earlier pages; "+
				"the server does not page as expected", epGetUsers, page)
		}
		if !paged || len(users) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

// GetUsersPage reads one page of users (page counts from 0). total is the number of users
// Kasm reports across all pages, or the number on this page when Kasm reports none. An empty
// listing is answered by Kasm with {} and gives no users and a total of 0.
func (c *Client) GetUsersPage(ctx context.Context, page, pageSize int, opts GetUsersOptions) ([]User, int, error) {
	users, total, _, err := c.readUsersPage(ctx, page, pageSize, opts)
	return users, total, err
}

func (c *Client) readUsersPage(ctx context.Context, page, pageSize int, opts GetUsersOptions) (
	users []User, total int, paged bool, err error,
) {
	if page < 0 || pageSize <= 0 {
		return nil, 0, false, fmt.Errorf("kasm: %s: %w: page must be 0 or more and page size more than 0",
			epGetUsers, ErrInvalidArgument)
	}
	payload := getUsersPayload{
		Page: page, PageSize: pageSize, Anonymous: opts.Anonymous, AnonymousOnly: opts.AnonymousOnly,
	}
	f, err := c.call(ctx, epGetUsers, payload, callOptions{})
	if err != nil {
		return nil, 0, false, err
	}
	users, total, paged = decodeUsersPage(f)
	return users, total, paged, nil
}

// decodeUsersPage decodes {"users": [...], "total": N}; paged reports whether a total was sent.
func decodeUsersPage(f fields) (users []User, total int, paged bool) {
	users = decodeList(f, "users", decodeUser)
	if f.has("total") {
		return users, f.intValue("total"), true
	}
	return users, len(users), false
}

// UpdateUserRequest is the target_user of update_user. UserID and Username are required:
// Kasm refuses an update without the username even when it does not change. Nil fields are
// not sent and stay unchanged; Kasm cannot clear a field to null, but "" is accepted.
// Changing the password logs the user out of all sessions.
type UpdateUserRequest struct {
	UserID             string  `json:"user_id"`
	Username           string  `json:"username"`
	Password           string  `json:"password,omitempty"`
	FirstName          *string `json:"first_name,omitempty"`
	LastName           *string `json:"last_name,omitempty"`
	Phone              *string `json:"phone,omitempty"`
	Organization       *string `json:"organization,omitempty"`
	Notes              *string `json:"notes,omitempty"`
	City               *string `json:"city,omitempty"`
	State              *string `json:"state,omitempty"`
	Country            *string `json:"country,omitempty"`
	Email              *string `json:"email,omitempty"`
	CustomAttribute1   *string `json:"custom_attribute_1,omitempty"`
	CustomAttribute2   *string `json:"custom_attribute_2,omitempty"`
	CustomAttribute3   *string `json:"custom_attribute_3,omitempty"`
	Locked             *bool   `json:"locked,omitempty"`
	Disabled           *bool   `json:"disabled,omitempty"`
	Status             *string `json:"status,omitempty"`
	Realm              *string `json:"realm,omitempty"`
	CompanyID          *string `json:"company_id,omitempty"`
	ProgramID          *string `json:"program_id,omitempty"`
	ForcePasswordReset *bool   `json:"force_password_reset,omitempty"`
	SetTwoFactor       *bool   `json:"set_two_factor,omitempty"`
	ResetWebauthn      *bool   `json:"reset_webauthn,omitempty"`
}

// String formats the request with the password hidden.
func (r UpdateUserRequest) String() string { return r.format(false) }

// GoString formats the request with the password hidden.
func (r UpdateUserRequest) GoString() string { return r.format(true) }

func (r UpdateUserRequest) format(goSyntax bool) string {
	return formatStruct(r, goSyntax, "Password")
}

// UpdateUser changes a user and returns it as Kasm stores it. An unknown user matches
// ErrNotFound.
func (c *Client) UpdateUser(ctx context.Context, req UpdateUserRequest) (*User, error) {
	id, err := requireID(epUpdateUser, "user id", req.UserID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Username) == "" {
		return nil, fmt.Errorf("kasm: %s: %w: username is required (Kasm refuses updates without it)",
			epUpdateUser, ErrInvalidArgument)
	}
	req.UserID = id
	payload := struct {
		TargetUser UpdateUserRequest `json:"target_user"`
	}{req}
	f, err := c.call(ctx, epUpdateUser, payload, callOptions{secrets: []string{req.Password}})
	if err != nil {
		return nil, err
	}
	return decodeUserAnswer(epUpdateUser, f)
}

// DeleteUser deletes a user. A user who still has sessions matches ErrConflict unless force
// is set, which destroys the sessions first. An unknown user matches ErrNotFound, except when
// it answers a repetition after a lost answer, which counts as success.
func (c *Client) DeleteUser(ctx context.Context, userID string, force bool) error {
	id, err := requireID(epDeleteUser, "user id", userID)
	if err != nil {
		return err
	}
	payload := struct {
		TargetUser targetUser `json:"target_user"`
		Force      bool       `json:"force"`
	}{TargetUser: targetUser{UserID: id}, Force: force}
	_, err = c.call(ctx, epDeleteUser, payload, callOptions{})
	return err
}

// LogoutUser ends all of a user's session tokens, which invalidates login links and session
// URLs handed out before. An unknown user matches ErrNotFound.
func (c *Client) LogoutUser(ctx context.Context, userID string) error {
	id, err := requireID(epLogoutUser, "user id", userID)
	if err != nil {
		return err
	}
	_, err = c.call(ctx, epLogoutUser, targetUserPayload{TargetUser: targetUser{UserID: id}}, callOptions{})
	return err
}

// UserAttributes are a user's preferences as get_attributes returns them.
type UserAttributes struct {
	// ID is the user_attributes_id.
	ID     string
	UserID string
	// DefaultImage is the id of the image launched by default, or "" for none.
	DefaultImage string
	ShowTips     bool
	// AutoLoginKasm is nil when Kasm sends null (the group setting applies).
	AutoLoginKasm      *bool
	ToggleControlPanel bool
	ChatSFX            bool
	SSHPublicKey       string
	Theme              string
	PreferredLanguage  string
	PreferredTimezone  string
}

func decodeUserAttributes(f fields) UserAttributes {
	return UserAttributes{
		ID:                 f.id("user_attributes_id"),
		UserID:             f.id("user_id"),
		DefaultImage:       f.id("default_image"),
		ShowTips:           f.boolean("show_tips"),
		AutoLoginKasm:      f.optBool("auto_login_kasm"),
		ToggleControlPanel: f.boolean("toggle_control_panel"),
		ChatSFX:            f.boolean("chat_sfx"),
		SSHPublicKey:       f.str("ssh_public_key"),
		Theme:              f.str("theme"),
		PreferredLanguage:  f.str("preferred_language"),
		PreferredTimezone:  f.str("preferred_timezone"),
	}
}

func decodeAttributesAnswer(f fields) (*UserAttributes, error) {
	obj := f.object("user_attributes")
	if obj == nil {
		return nil, missingMember(epGetAttributes, "user_attributes")
	}
	attrs := decodeUserAttributes(obj)
	return &attrs, nil
}

// GetAttributes reads a user's preferences. An unknown user matches ErrNotFound.
func (c *Client) GetAttributes(ctx context.Context, userID string) (*UserAttributes, error) {
	id, err := requireID(epGetAttributes, "user id", userID)
	if err != nil {
		return nil, err
	}
	f, err := c.call(ctx, epGetAttributes, targetUserPayload{TargetUser: targetUser{UserID: id}}, callOptions{})
	if err != nil {
		return nil, err
	}
	return decodeAttributesAnswer(f)
}

// UpdateUserAttributesRequest changes a user's preferences. Only non-nil fields are sent, and
// Kasm changes only the keys it receives. DefaultImage set to "" sends null, which clears the
// default image. SSHPrivateKey (with SSHPassphrase when it is encrypted) replaces the key
// pair; Kasm derives the public key from it.
type UpdateUserAttributesRequest struct {
	UserID        string
	DefaultImage  *string
	ShowTips      *bool
	AutoLoginKasm *bool
	// ClearAutoLoginKasm sends auto_login_kasm as null, Kasm's default, which lets the group
	// setting decide again. It wins over AutoLoginKasm.
	ClearAutoLoginKasm bool
	ToggleControlPanel *bool
	ChatSFX            *bool
	SSHPublicKey       *string
	SSHPrivateKey      *string
	SSHPassphrase      *string
	Theme              *string
	PreferredLanguage  *string
	PreferredTimezone  *string
}

// String formats the request with the private key and passphrase hidden.
func (r UpdateUserAttributesRequest) String() string { return r.format(false) }

// GoString formats the request with the private key and passphrase hidden.
func (r UpdateUserAttributesRequest) GoString() string { return r.format(true) }

func (r UpdateUserAttributesRequest) format(goSyntax bool) string {
	return formatStruct(r, goSyntax, "SSHPrivateKey", "SSHPassphrase")
}

// UpdateUserAttributes changes a user's preferences. An unknown user matches ErrNotFound.
func (c *Client) UpdateUserAttributes(ctx context.Context, req UpdateUserAttributesRequest) error {
	id, err := requireID(epUpdateUserAttributes, "user id", req.UserID)
	if err != nil {
		return err
	}
	attrs := map[string]any{"user_id": id}
	if req.DefaultImage != nil {
		if *req.DefaultImage == "" {
			attrs["default_image"] = nil
		} else {
			image, err := requireID(epUpdateUserAttributes, "default image id", *req.DefaultImage)
			if err != nil {
				return err
			}
			attrs["default_image"] = image
		}
	}
	setIf(attrs, "show_tips", req.ShowTips)
	setIf(attrs, "auto_login_kasm", req.AutoLoginKasm)
	if req.ClearAutoLoginKasm {
		attrs["auto_login_kasm"] = nil
	}
	setIf(attrs, "toggle_control_panel", req.ToggleControlPanel)
	setIf(attrs, "chat_sfx", req.ChatSFX)
	setIf(attrs, "ssh_public_key", req.SSHPublicKey)
	setIf(attrs, "ssh_private_key", req.SSHPrivateKey)
	setIf(attrs, "ssh_passphrase", req.SSHPassphrase)
	setIf(attrs, "theme", req.Theme)
	setIf(attrs, "preferred_language", req.PreferredLanguage)
	setIf(attrs, "preferred_timezone", req.PreferredTimezone)

	var secrets []string
	for _, s := range []*string{req.SSHPrivateKey, req.SSHPassphrase} {
		if s != nil {
			secrets = append(secrets, *s)
		}
	}
	payload := map[string]any{"target_user_attributes": attrs}
	_, err = c.call(ctx, epUpdateUserAttributes, payload, callOptions{secrets: secrets})
	return err
}

// setIf sets m[key] to *v when v is not nil.
func setIf[T any](m map[string]any, key string, v *T) {
	if v != nil {
		m[key] = *v
	}
}
