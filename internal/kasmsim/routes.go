package kasmsim

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// endpoint is one /api/public/ handler with what the auth pipeline needs to
// know about it.
type endpoint struct {
	handle func(*call) response
	// perms lists the permissions the endpoint accepts; any one will do.
	perms    []Permission
	readOnly bool
	// readOnlyBypass marks mutating handlers that 1.15 flags read-only, so
	// read-only keys get through them.
	readOnlyBypass bool
}

var endpoints = map[string]endpoint{
	"create_user":            {handle: (*call).createUser, perms: perms(PermUsersCreate)},
	"get_user":               {handle: (*call).getUser, perms: perms(PermUsersView), readOnly: true},
	"get_users":              {handle: (*call).getUsers, perms: perms(PermUsersView), readOnly: true},
	"update_user":            {handle: (*call).updateUser, perms: perms(PermUsersModify)},
	"delete_user":            {handle: (*call).deleteUser, perms: perms(PermUsersDelete)},
	"logout_user":            {handle: (*call).logoutUser, perms: perms(PermUsersAuthSession)},
	"get_login":              {handle: (*call).getLogin, perms: perms(PermUsersAuthSession)},
	"get_attributes":         {handle: (*call).getAttributes, perms: perms(PermUsersView), readOnly: true},
	"update_user_attributes": {handle: (*call).updateUserAttributes, perms: perms(PermUsersModify), readOnlyBypass: true},

	"add_user_group":      {handle: (*call).addUserGroup, perms: perms(PermGroupsModify), readOnlyBypass: true},
	"remove_user_group":   {handle: (*call).removeUserGroup, perms: perms(PermGroupsModify), readOnlyBypass: true},
	"get_groups":          {handle: (*call).getGroups, perms: perms(PermGroupsView, PermGroupsViewIfMember, PermGroupsViewSystem), readOnly: true},
	"create_group":        {handle: (*call).createGroup, perms: perms(PermGroupsCreate)},
	"update_group":        {handle: (*call).updateGroup, perms: perms(PermGroupsModify)},
	"delete_group":        {handle: (*call).deleteGroup, perms: perms(PermGroupsDelete)},
	"get_users_group":     {handle: (*call).getUsersGroup, perms: perms(PermGroupsView), readOnly: true},
	"add_images_group":    {handle: (*call).addImagesGroup, perms: perms(PermGroupsModify)},
	"remove_images_group": {handle: (*call).removeImagesGroup, perms: perms(PermGroupsModify)},
	"get_images_group":    {handle: (*call).getImagesGroup, perms: perms(PermGroupsView), readOnly: true},

	"get_images": {handle: (*call).getImages, perms: perms(PermImagesView), readOnly: true},

	"request_kasm":    {handle: (*call).requestKasm, perms: perms(PermUser)},
	"get_kasm_status": {handle: (*call).getKasmStatus, perms: perms(PermUser), readOnly: true},
	"get_kasms":       {handle: (*call).getKasms, perms: perms(PermSessionsView), readOnly: true},
	"join_kasm":       {handle: (*call).joinKasm, perms: perms(PermUser)},
	"keepalive":       {handle: (*call).keepalive, perms: perms(PermSessionsModify), readOnlyBypass: true},
	"destroy_kasm":    {handle: (*call).destroyKasm, perms: perms(PermUser, PermSessionsDelete)},
}

func perms(ps ...Permission) []Permission { return ps }

// call is one API request on its way through the auth pipeline and its
// handler. Handlers run with s.mu held.
type call struct {
	s         *Server
	name      string
	body      map[string]any
	host      string
	hdrKey    string
	hdrSecret string

	now time.Time
	key *apiKey
	// user is the user named by a top-level user_id, nil when none was sent.
	user *UserRecord
	// kasm is the session named by a top-level kasm_id, nil when none was sent.
	kasm *SessionRecord
}

// dispatch runs the auth pipeline and then the endpoint; s.mu is held.
func (s *Server) dispatch(c *call, ep endpoint) response {
	c.now = s.now()
	s.reapLocked(c.now)
	if resp, denied := c.authenticate(ep); denied {
		return resp
	}
	return ep.handle(c)
}

// authenticate is the 1.15 pipeline of kasm-api.md §1.3, in its order.
func (c *call) authenticate(ep endpoint) (response, bool) {
	s := c.s
	if s.opts.Unlicensed {
		return errorResponse(http.StatusForbidden, "Access Denied. This feature is not licensed"), true
	}

	key, _ := stringValue(c.body, "api_key")
	secret, _ := stringValue(c.body, "api_key_secret")
	if c.hdrKey != "" {
		key = c.hdrKey
	}
	if c.hdrSecret != "" {
		secret = c.hdrSecret
	}
	if key == "" || secret == "" {
		return errorResponse(http.StatusBadRequest, "Invalid Request"), true
	}
	k, known := s.keys[key]
	if !known {
		return errorResponse(http.StatusForbidden, "Access Denied"), true
	}
	valid := k.secretMatches(secret) && !k.Disabled && (k.Expires == nil || c.now.Before(*k.Expires))
	if !valid {
		switch {
		case k.Expires == nil && s.opts.WrongSecretHTML500:
			return htmlError500(), true
		case k.Expires == nil:
			return errorResponse(http.StatusForbidden, "Access Denied"), true
		case !c.now.Before(*k.Expires):
			return errorResponse(http.StatusUnauthorized, "Access has expired"), true
		default:
			return errorResponse(http.StatusForbidden, "Access Denied"), true
		}
	}
	c.key = k

	if k.ReadOnly && !ep.readOnly && (s.opts.StrictReadOnly || !ep.readOnlyBypass) {
		return unauthorized(), true
	}

	if raw, present := value(c.body, "user_id"); present {
		if !k.has(PermUsersAuthSession) {
			return errorf(http.StatusUnauthorized, "API Key (%s) is not authorized to impersonate a user.", k.Name), true
		}
		u := s.lookupUser(raw)
		if u == nil {
			return errorf(http.StatusBadRequest, "Invalid user_id (%s)", display(raw)), true
		}
		c.user = u
	}

	if raw, present := value(c.body, "kasm_id"); present {
		id, wellFormed := idValue(raw)
		if !wellFormed && !s.opts.LenientMalformedIDs {
			return htmlError500(), true
		}
		k, exists := s.sessions[id]
		if !exists {
			return errorf(http.StatusBadRequest, "Invalid kasm_id (%s)", display(raw)), true
		}
		c.kasm = k
	}

	accepted := ep.perms
	if c.name == "keepalive" && s.opts.KeepaliveUserPermission {
		accepted = append(slices.Clone(accepted), PermUser)
	}
	if !k.hasAny(accepted) {
		return unauthorized(), true
	}
	return response{}, false
}

// malformed answers a malformed UUID that a real server hands straight to
// PostgreSQL: the HTML 500 page, or notFound under LenientMalformedIDs.
func (c *call) malformed(notFound response) response {
	if c.s.opts.LenientMalformedIDs {
		return notFound
	}
	return htmlError500()
}

// value returns m[k] unless it is absent or JSON null; the Kasm handlers
// treat both the same way.
func value(m map[string]any, k string) (any, bool) {
	v, ok := m[k]
	if !ok || v == nil {
		return nil, false
	}
	return v, true
}

// stringValue returns m[k] when it is a string.
func stringValue(m map[string]any, k string) (string, bool) {
	v, ok := m[k].(string)
	return v, ok
}

// objectValue returns m[k] when it is a JSON object.
func objectValue(m map[string]any, k string) (map[string]any, bool) {
	v, ok := m[k].(map[string]any)
	return v, ok
}

// idValue normalises an id taken from a request body.
func idValue(v any) (string, bool) {
	s, isString := v.(string)
	if !isString {
		return "", false
	}
	return normalizeID(s)
}

// findByID finds the row a request names by id, in either form; an id that
// is not a UUID names no row, so both get notFound.
func findByID[T any](rows map[string]*T, sent any, notFound response) (*T, *response) {
	id, _ := idValue(sent)
	if row := rows[id]; row != nil {
		return row, nil
	}
	return nil, &notFound
}

// findByUUID is findByID for handlers that hand the id to PostgreSQL
// unchecked, so an id that is not a UUID gets c.malformed(notFound).
func findByUUID[T any](c *call, rows map[string]*T, sent any, notFound response) (*T, *response) {
	if _, wellFormed := idValue(sent); !wellFormed {
		r := c.malformed(notFound)
		return nil, &r
	}
	return findByID(rows, sent, notFound)
}

// pageOf returns the page of items that the body's page and page_size (100
// by default) ask for; page is the page number, sent whether one was given.
func pageOf[T any](body map[string]any, items []T) (onPage []T, page int, sent bool) {
	pageSize := 100
	if n, valid := intValue(body["page_size"]); valid && n > 0 {
		pageSize = n
	}
	page, sent = intValue(body["page"])
	page = max(page, 0)
	start := min(page*pageSize, len(items))
	end := min(start+pageSize, len(items))
	return items[start:end], page, sent
}

// intValue reads a JSON number (or a Go number handed to a hook) that holds
// an integer.
func intValue(v any) (int, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := strconv.Atoi(n.String())
		return i, err == nil
	case int:
		return n, true
	case int64:
		if n > math.MaxInt32 || n < math.MinInt32 {
			return 0, false
		}
		return int(n), true
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > math.MaxInt32 {
			return 0, false
		}
		return int(n), true
	default:
		return 0, false
	}
}

// display renders a request value inside an error message the way Python's
// str() would.
func display(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case json.Number:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

// pyFloat renders f as Python does for floats, keeping the ".0" that Go's
// encoder drops (cores: 1.0, idle_disconnect: 20.0).
func pyFloat(f float64) json.Number {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if f == math.Trunc(f) && !math.IsInf(f, 0) {
		s += ".0"
	}
	return json.Number(s)
}

// stringOrNull returns JSON null for unset optional strings.
func stringOrNull(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}
