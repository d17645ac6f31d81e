package kasmsim

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
)

// userTextField is an optional string column of a user that create_user and
// update_user write.
type userTextField struct {
	key string
	// truncated columns are cut to 64 characters (and stripped on create).
	truncated bool
	field     func(*UserRecord) **string
}

var createUserTextFields = []userTextField{
	{"first_name", true, func(u *UserRecord) **string { return &u.FirstName }},
	{"last_name", true, func(u *UserRecord) **string { return &u.LastName }},
	{"phone", true, func(u *UserRecord) **string { return &u.Phone }},
	{"organization", true, func(u *UserRecord) **string { return &u.Organization }},
	{"notes", false, func(u *UserRecord) **string { return &u.Notes }},
}

var updateUserTextFields = append(slices.Clone(createUserTextFields),
	userTextField{"city", false, func(u *UserRecord) **string { return &u.City }},
	userTextField{"state", false, func(u *UserRecord) **string { return &u.State }},
	userTextField{"country", false, func(u *UserRecord) **string { return &u.Country }},
	userTextField{"email", false, func(u *UserRecord) **string { return &u.Email }},
	userTextField{"custom_attribute_1", false, func(u *UserRecord) **string { return &u.CustomAttribute1 }},
	userTextField{"custom_attribute_2", false, func(u *UserRecord) **string { return &u.CustomAttribute2 }},
	userTextField{"custom_attribute_3", false, func(u *UserRecord) **string { return &u.CustomAttribute3 }},
)

// truncate64 cuts s to 64 characters, counting code points as Python does.
func truncate64(s string) string {
	r := []rune(s)
	if len(r) > 64 {
		return string(r[:64])
	}
	return s
}

// userPatch is the validated content of a target_user, applied only once
// everything in it is known to be acceptable (a real server's transaction
// would roll back a half-applied update).
type userPatch struct {
	text     map[string]string
	locked   *bool
	disabled *bool
	realm    *string
	password string
}

// readUserPatch validates target_user's optional columns. bad is true when a
// value has a type the real handler would crash on.
func readUserPatch(tu map[string]any, fields []userTextField, strip bool) (p userPatch, bad bool) {
	p.text = map[string]string{}
	for _, f := range fields {
		v, present := value(tu, f.key)
		if !present {
			continue
		}
		sv, isString := v.(string)
		if !isString {
			return p, true
		}
		if f.truncated {
			sv = truncate64(sv)
			if strip {
				sv = strings.TrimSpace(sv)
			}
		}
		p.text[f.key] = sv
	}
	if !readOptional(tu, map[string]**bool{"locked": &p.locked, "disabled": &p.disabled}) ||
		!readOptional(tu, map[string]**string{"realm": &p.realm}) ||
		!readTyped(tu, map[string]*string{"password": &p.password}) {
		return p, true
	}
	return p, false
}

// readTyped copies each value obj sends (present and not null) for a key of
// dsts into its destination, leaving the others alone. It reports false when
// a value has another JSON type, which the real handlers crash on.
func readTyped[T any](obj map[string]any, dsts map[string]*T) bool {
	for key, dst := range dsts {
		if v, sent := value(obj, key); sent {
			typed, isT := v.(T)
			if !isT {
				return false
			}
			*dst = typed
		}
	}
	return true
}

// readOptional is readTyped for optional columns, whose destinations stay
// nil unless the key is sent.
func readOptional[T any](obj map[string]any, dsts map[string]**T) bool {
	for key, dst := range dsts {
		if _, sent := value(obj, key); sent {
			var v T
			if !readTyped(obj, map[string]*T{key: &v}) {
				return false
			}
			*dst = &v
		}
	}
	return true
}

func (p userPatch) apply(u *UserRecord, fields []userTextField) {
	for _, f := range fields {
		if v, ok := p.text[f.key]; ok {
			*f.field(u) = ptr(v)
		}
	}
	if p.locked != nil {
		u.Locked = *p.locked
	}
	if p.disabled != nil {
		u.Disabled = *p.disabled
	}
	if p.realm != nil {
		u.Realm = *p.realm
	}
}

func (c *call) createUser() response {
	s := c.s
	tu, ok := objectValue(c.body, "target_user")
	if !ok {
		return missingParameters(http.StatusBadRequest)
	}
	sent, _ := stringValue(tu, "username")
	username := normalizeUsername(sent)
	if username == "" {
		return missingParameters(http.StatusBadRequest)
	}
	if s.usersByName[username] != "" {
		return errorf(http.StatusBadRequest, "Error creating user (%s): (User already exists)", sent)
	}
	if v, present := value(tu, "company_id"); present && v != "" {
		return errorResponse(http.StatusBadRequest, "Invalid Request: Company does not exist")
	}
	if v, present := value(tu, "program_id"); present && v != "" {
		return errorf(http.StatusBadRequest, "Unknown program_id (%s)", display(v))
	}
	patch, bad := readUserPatch(tu, createUserTextFields, true)
	if bad {
		return htmlError500()
	}

	u := s.newUserLocked(username, c.now)
	patch.apply(u, createUserTextFields)
	if patch.password != "" {
		u.PasswordHash = hashPassword(patch.password)
	}
	if u.Realm == "local" {
		for _, gid := range s.groupOrder {
			g := s.groups[gid]
			if auto, _ := g.Settings["auto_add_local_users"].(bool); auto && !u.memberOf(gid) {
				u.Groups = append(u.Groups, gid)
			}
		}
	}
	s.insertUserLocked(u)
	return answer(map[string]any{"user": s.userJSONLocked(u)})
}

// targetUserLocked finds target_user by user_id (which wins when present) or
// username. sent is the value that was looked up, for error messages.
func (s *Server) targetUserLocked(tu map[string]any) (u *UserRecord, sent any, given bool) {
	if u, raw, present := s.userByIDField(tu); present {
		return u, raw, true
	}
	if name, present := stringValue(tu, "username"); present && name != "" {
		return s.userByNameLocked(name), name, true
	}
	return nil, nil, false
}

// userByIDField finds the user obj's user_id names, in either id form; sent
// is the value given, for error messages, and present false when there was
// none.
func (s *Server) userByIDField(obj map[string]any) (u *UserRecord, sent any, present bool) {
	sent, present = value(obj, "user_id")
	return s.lookupUser(sent), sent, present
}

func (c *call) getUser() response {
	s := c.s
	tu, _ := objectValue(c.body, "target_user")
	u, _, _ := s.targetUserLocked(tu)
	if u == nil {
		return errorResponse(http.StatusBadRequest, "Invalid Request")
	}
	out := s.userJSONLocked(u)
	out["kasms"] = s.userKasmsLocked(u, c.key.has(PermSessionsView))
	out["two_factor"] = s.settingBoolLocked(u, "require_2fa", false)
	out["program_id"] = stringOrNull(u.ProgramID)
	out["created"] = pyTime(u.Created)
	out["password_set_date"] = pyTimeOrNull(u.PasswordSetDate)
	for _, f := range updateUserTextFields {
		out[f.key] = stringOrNull(*f.field(u))
	}
	return answer(map[string]any{"user": out})
}

// userJSONLocked is the user object create_user and update_user answer with.
func (s *Server) userJSONLocked(u *UserRecord) map[string]any {
	out := map[string]any{
		"user_id":      u.ID,
		"username":     u.Username,
		"locked":       u.Locked,
		"disabled":     u.Disabled,
		"last_session": pyTimeOrNull(u.LastSession),
		"groups":       s.groupRefsLocked(u),
		"realm":        u.Realm,
	}
	for _, f := range createUserTextFields {
		out[f.key] = stringOrNull(*f.field(u))
	}
	return out
}

func (s *Server) groupRefsLocked(u *UserRecord) []map[string]any {
	refs := make([]map[string]any, 0, len(u.Groups))
	for _, gid := range u.Groups {
		if g := s.groups[gid]; g != nil {
			refs = append(refs, map[string]any{"name": g.Name, "group_id": g.ID})
		}
	}
	return refs
}

// userKasmsLocked lists a user's sessions as get_user and get_users show
// them; the list stays empty unless the key may view sessions.
func (s *Server) userKasmsLocked(u *UserRecord, visible bool) []map[string]any {
	out := []map[string]any{}
	if !visible {
		return out
	}
	for _, k := range s.sessionsOfLocked(u.ID) {
		out = append(out, s.userKasmJSON(k))
	}
	return out
}

func (s *Server) userKasmJSON(k *SessionRecord) map[string]any {
	return map[string]any{
		"kasm_id":         k.KasmID,
		"start_date":      pyTime(k.Created),
		"keepalive_date":  pyTime(k.KeepaliveDate),
		"expiration_date": pyTime(k.ExpirationDate),
		"server": map[string]any{
			"server_id": s.agent.ID,
			"hostname":  s.agent.Hostname,
			"port":      s.agent.Port,
		},
	}
}

// userSortKeys are the columns get_users can sort by.
var userSortKeys = map[string]func(a, b *UserRecord) int{
	"username": func(a, b *UserRecord) int { return strings.Compare(a.Username, b.Username) },
	"created":  func(a, b *UserRecord) int { return a.Created.Compare(b.Created) },
	"last_session": func(a, b *UserRecord) int {
		switch {
		case a.LastSession == nil || b.LastSession == nil:
			return cmp.Compare(boolRank(a.LastSession != nil), boolRank(b.LastSession != nil))
		default:
			return a.LastSession.Compare(*b.LastSession)
		}
	},
	"first_name":   func(a, b *UserRecord) int { return strings.Compare(deref(a.FirstName), deref(b.FirstName)) },
	"last_name":    func(a, b *UserRecord) int { return strings.Compare(deref(a.LastName), deref(b.LastName)) },
	"organization": func(a, b *UserRecord) int { return strings.Compare(deref(a.Organization), deref(b.Organization)) },
	"locked":       func(a, b *UserRecord) int { return cmp.Compare(boolRank(a.Locked), boolRank(b.Locked)) },
	"disabled":     func(a, b *UserRecord) int { return cmp.Compare(boolRank(a.Disabled), boolRank(b.Disabled)) },
	"realm":        func(a, b *UserRecord) int { return strings.Compare(a.Realm, b.Realm) },
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// userFilter reports whether a user passes one get_users filter.
func (s *Server) userFilter(f map[string]any) func(*UserRecord) bool {
	id, _ := stringValue(f, "id")
	v := f["value"]
	switch id {
	case "username":
		needle := strings.ToLower(display(v))
		return func(u *UserRecord) bool { return strings.Contains(u.Username, needle) }
	case "locked", "disabled":
		want := v == true || strings.EqualFold(display(v), "true")
		if id == "locked" {
			return func(u *UserRecord) bool { return u.Locked == want }
		}
		return func(u *UserRecord) bool { return u.Disabled == want }
	case "exclude_group":
		gid, _ := idValue(v)
		return func(u *UserRecord) bool { return !u.memberOf(gid) }
	default:
		return func(*UserRecord) bool { return true }
	}
}

func (c *call) getUsers() response {
	s := c.s
	anonymous := c.body["anonymous"] == true
	anonymousOnly := c.body["anonymous_only"] == true
	var filters []func(*UserRecord) bool
	if list, isList := c.body["filters"].([]any); isList {
		for _, f := range list {
			if fm, isObject := f.(map[string]any); isObject {
				filters = append(filters, s.userFilter(fm))
			}
		}
	}

	matched := make([]*UserRecord, 0, len(s.userOrder))
	for _, id := range s.userOrder {
		u := s.users[id]
		if (u.Anonymous && !anonymous && !anonymousOnly) || (anonymousOnly && !u.Anonymous) {
			continue
		}
		if slices.ContainsFunc(filters, func(keep func(*UserRecord) bool) bool { return !keep(u) }) {
			continue
		}
		matched = append(matched, u)
	}
	if sortBy, _ := stringValue(c.body, "sort_by"); userSortKeys[sortBy] != nil {
		less := userSortKeys[sortBy]
		if dir, _ := stringValue(c.body, "sort_direction"); strings.EqualFold(dir, "asc") {
			slices.SortStableFunc(matched, less)
		} else {
			slices.SortStableFunc(matched, func(a, b *UserRecord) int { return less(b, a) })
		}
	}
	if len(matched) == 0 {
		return empty()
	}

	onPage, page, pageSent := pageOf(c.body, matched)

	showGroups := c.key.has(PermGroupsView)
	showKasms := c.key.has(PermSessionsView)
	byUser := map[string][]*SessionRecord{}
	if showKasms {
		for _, id := range s.sessionOrder {
			k := s.sessions[id]
			byUser[k.UserID] = append(byUser[k.UserID], k)
		}
	}
	users := make([]map[string]any, 0, len(onPage))
	for _, u := range onPage {
		lastSession := "None"
		if u.LastSession != nil {
			lastSession = pyTime(*u.LastSession)
		}
		groups := []map[string]any{}
		if showGroups {
			groups = s.groupRefsLocked(u)
		}
		kasms := []map[string]any{}
		for _, k := range byUser[u.ID] {
			kasms = append(kasms, s.userKasmJSON(k))
		}
		item := map[string]any{
			"user_id":      dashed(u.ID),
			"username":     u.Username,
			"anonymous":    u.Anonymous,
			"locked":       u.Locked,
			"disabled":     u.Disabled,
			"last_session": lastSession,
			"groups":       groups,
			"kasms":        kasms,
			"realm":        u.Realm,
			"company":      map[string]any{},
			"created":      pyTime(u.Created),
		}
		for _, f := range createUserTextFields {
			item[f.key] = stringOrNull(*f.field(u))
		}
		users = append(users, item)
	}
	out := map[string]any{"users": users, "total": len(matched)}
	if pageSent {
		out["page"] = page
	}
	return answer(out)
}

func (c *call) updateUser() response {
	s := c.s
	tu, isObject := objectValue(c.body, "target_user")
	if !isObject {
		return errorResponse(http.StatusBadRequest, "Invalid Request")
	}
	sent, _ := stringValue(tu, "username")
	if strings.TrimSpace(sent) == "" {
		return errorResponse(http.StatusBadRequest, "Username is not present")
	}
	raw, present := value(tu, "user_id")
	if !present {
		return errorResponse(http.StatusBadRequest, "Invalid Request")
	}
	u, fail := findByUUID(c, s.users, raw, errorResponse(http.StatusBadRequest, "Unknown User"))
	if fail != nil {
		return *fail
	}
	if s.isAdminUserLocked(u) && !c.key.has(PermUsersModifyAdmin) {
		return unauthorized()
	}

	patch, bad := readUserPatch(tu, updateUserTextFields, false)
	if bad {
		return htmlError500()
	}
	if v, present := value(tu, "status"); present {
		var locked bool
		switch v {
		case "active":
		case "inactive":
			locked = true
		default:
			return errorf(http.StatusBadRequest, "Invalid Status (%s)", display(v))
		}
		patch.locked = &locked
	}
	realm := u.Realm
	if patch.realm != nil {
		realm = *patch.realm
	}
	if patch.password != "" && realm != "local" && realm != "ldap" {
		return errorResponse(http.StatusBadRequest, "Passwords can only be set on local and ldap accounts.")
	}
	if v, present := value(tu, "company_id"); present && v != "" {
		return errorf(http.StatusBadRequest, "Company does not exist by id (%s)", display(v))
	}
	if v, present := value(tu, "program_id"); present && v != "" {
		return errorf(http.StatusBadRequest, "Unknown program_id (%s)", display(v))
	}
	username := normalizeUsername(sent)
	if other := s.usersByName[username]; other != "" && other != u.ID {
		// The unique constraint fires inside the handler and nothing catches it.
		return htmlError500()
	}

	s.renameUserLocked(u, username)
	patch.apply(u, updateUserTextFields)
	if patch.password != "" {
		u.PasswordHash = hashPassword(patch.password)
		u.PasswordSetDate = ptr(c.now)
		u.Locked = false
		s.revokeUserTokensLocked(u.ID)
	}
	s.touch()
	return answer(map[string]any{"user": s.userJSONLocked(u)})
}

func (c *call) deleteUser() response {
	s := c.s
	force := false
	if v, present := value(c.body, "force"); present {
		b, isBool := v.(bool)
		if !isBool {
			return errorResponse(http.StatusOK, "Invalid Request. 'force' option must be boolean")
		}
		force = b
	}
	tu, _ := objectValue(c.body, "target_user")
	raw, present := value(tu, "user_id")
	if !present {
		return missingParameters(http.StatusBadRequest)
	}
	u, fail := findByUUID(c, s.users, raw, errorf(http.StatusBadRequest, "Unknown user (%s)", display(raw)))
	if fail != nil {
		return *fail
	}
	if s.isAdminUserLocked(u) && !c.key.has(PermUsersModifyAdmin) {
		return errorf(http.StatusUnauthorized, "API Key (%s) unauthorized for deleting the requested user (%s).",
			c.key.Name, u.Username)
	}
	if n := len(s.sessionsOfLocked(u.ID)); n > 0 {
		if !force {
			return errorf(http.StatusBadRequest, "Users contains (%d) kasms and 'force' option not set to True", n)
		}
		if !c.key.has(PermSessionsDelete) {
			return errorf(http.StatusUnauthorized,
				"API Key (%s) unauthorized for deleting the requested user (%s) sessions.", c.key.Name, u.Username)
		}
	}
	s.removeUserLocked(u)
	return empty()
}

func (c *call) logoutUser() response {
	s := c.s
	tu, isObject := objectValue(c.body, "target_user")
	if !isObject {
		return errorResponse(http.StatusBadRequest, "Invalid Request: Missing required target_user")
	}
	u, raw, present := s.userByIDField(tu)
	if !present {
		return errorResponse(http.StatusBadRequest, "Invalid Request: Missing required user_id")
	}
	if u == nil {
		return errorf(http.StatusBadRequest, "Unknown user (%s)", display(raw))
	}
	s.revokeUserTokensLocked(u.ID)
	return empty()
}

func (c *call) getLogin() response {
	s := c.s
	tu, _ := objectValue(c.body, "target_user")
	u, raw, present := s.userByIDField(tu)
	if !present {
		return missingParameters(http.StatusBadRequest)
	}
	if u == nil {
		return errorf(http.StatusBadRequest, "No user found with id: (%s)", display(raw))
	}
	token := s.mintTokenLocked(u.ID, "", c.now)
	return answer(map[string]any{
		"url": "https://" + c.host + "/#/connect/login/dash/" + u.ID + "/" + dashed(token),
	})
}

func (c *call) getAttributes() response {
	s := c.s
	tu, _ := objectValue(c.body, "target_user")
	u, sent, given := s.targetUserLocked(tu)
	if !given {
		return missingParameters(http.StatusBadRequest)
	}
	if u == nil {
		return errorf(http.StatusBadRequest, "No user found with name/id: (%s)", display(sent))
	}
	a := u.Attributes
	var autoLogin any
	if a.AutoLoginKasm != nil {
		autoLogin = *a.AutoLoginKasm
	}
	return answer(map[string]any{"user_attributes": map[string]any{
		"user_attributes_id":   a.ID,
		"user_id":              u.ID,
		"default_image":        stringOrNull(a.DefaultImage),
		"show_tips":            a.ShowTips,
		"auto_login_kasm":      autoLogin,
		"toggle_control_panel": a.ToggleControlPanel,
		"theme":                a.Theme,
		"chat_sfx":             a.ChatSFX,
		"ssh_public_key":       a.SSHPublicKey,
		"preferred_language":   a.PreferredLanguage,
		"preferred_timezone":   a.PreferredTimezone,
	}})
}

func (c *call) updateUserAttributes() response {
	s := c.s
	ta, isObject := objectValue(c.body, "target_user_attributes")
	if !isObject {
		return errorResponse(http.StatusBadRequest, "No target user attribute in request")
	}
	u, _, present := s.userByIDField(ta)
	if !present {
		return errorResponse(http.StatusBadRequest, "Missing required parameters")
	}
	if u == nil {
		return errorResponse(http.StatusBadRequest, "Missing or invalid user")
	}
	if s.isAdminUserLocked(u) && !c.key.has(PermUsersModifyAdmin) {
		return unauthorized()
	}
	if _, present := value(ta, "ssh_private_key"); present {
		return errorResponse(http.StatusBadRequest,
			"Error processing SSH Private Key: (the simulator does not derive public keys)")
	}

	// Validate everything first so a bad value changes nothing, as the
	// rolled-back transaction would.
	next := u.Attributes
	if v, sent := ta["default_image"]; sent {
		if v == nil {
			next.DefaultImage = nil
		} else {
			id, wellFormed := idValue(v)
			if !wellFormed || s.images[id] == nil {
				// The foreign key rejects it and nothing catches that.
				return htmlError500()
			}
			next.DefaultImage = &id
		}
	}
	if v, sent := ta["auto_login_kasm"]; sent {
		if v == nil {
			next.AutoLoginKasm = nil
		} else if b, isBool := v.(bool); isBool {
			next.AutoLoginKasm = &b
		} else {
			return htmlError500()
		}
	}
	bools := map[string]*bool{
		"show_tips":            &next.ShowTips,
		"toggle_control_panel": &next.ToggleControlPanel,
		"chat_sfx":             &next.ChatSFX,
	}
	strs := map[string]*string{
		"theme":              &next.Theme,
		"preferred_language": &next.PreferredLanguage,
		"preferred_timezone": &next.PreferredTimezone,
		"ssh_public_key":     &next.SSHPublicKey,
	}
	if !readTyped(ta, bools) || !readTyped(ta, strs) {
		return htmlError500()
	}
	u.Attributes = next
	s.touch()
	return empty()
}
