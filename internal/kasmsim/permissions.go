package kasmsim

import (
	"crypto/subtle"
	"slices"
	"strconv"
	"time"
)

// Permission is an API key permission, numbered as in Kasm's API key
// permission tab.
type Permission int

// The permissions the simulated endpoints check. Global Admin implies every
// permission numbered 200 or above, but not User.
const (
	PermUser                  Permission = 100
	PermGlobalAdmin           Permission = 200
	PermUsersView             Permission = 300
	PermUsersModify           Permission = 301
	PermUsersCreate           Permission = 302
	PermUsersDelete           Permission = 303
	PermUsersModifyAdmin      Permission = 351
	PermUsersAuthSession      Permission = 352
	PermGroupsView            Permission = 400
	PermGroupsModify          Permission = 401
	PermGroupsCreate          Permission = 402
	PermGroupsDelete          Permission = 403
	PermGroupsViewIfMember    Permission = 420
	PermGroupsModifyIfMember  Permission = 421
	PermGroupsViewSystem      Permission = 440
	PermGroupsModifySystem    Permission = 441
	PermGroupsDeleteSystem    Permission = 443
	PermSessionsView          Permission = 800
	PermSessionsModify        Permission = 801
	PermSessionsDelete        Permission = 803
	PermSessionRecordingsView Permission = 850
	PermImagesView            Permission = 900
	PermImagesModify          Permission = 901
	PermImagesCreate          Permission = 902
	PermImagesDelete          Permission = 903
	PermImagesModifyResources Permission = 904
)

var permissionNames = map[Permission]string{
	PermUser:                  "User",
	PermGlobalAdmin:           "Global Admin",
	PermUsersView:             "Users View",
	PermUsersModify:           "Users Modify",
	PermUsersCreate:           "Users Create",
	PermUsersDelete:           "Users Delete",
	PermUsersModifyAdmin:      "Users Modify Admin",
	PermUsersAuthSession:      "Users Auth Session",
	PermGroupsView:            "Groups View",
	PermGroupsModify:          "Groups Modify",
	PermGroupsCreate:          "Groups Create",
	PermGroupsDelete:          "Groups Delete",
	PermGroupsViewIfMember:    "Groups View Ifmember",
	PermGroupsModifyIfMember:  "Groups Modify Ifmember",
	PermGroupsViewSystem:      "Groups View System",
	PermGroupsModifySystem:    "Groups Modify System",
	PermGroupsDeleteSystem:    "Groups Delete System",
	PermSessionsView:          "Sessions View",
	PermSessionsModify:        "Sessions Modify",
	PermSessionsDelete:        "Sessions Delete",
	PermSessionRecordingsView: "Session Recordings View",
	PermImagesView:            "Images View",
	PermImagesModify:          "Images Modify",
	PermImagesCreate:          "Images Create",
	PermImagesDelete:          "Images Delete",
	PermImagesModifyResources: "Images Modify Resources",
}

// String returns the permission's name as the Kasm admin UI shows it.
func (p Permission) String() string {
	if n, ok := permissionNames[p]; ok {
		return n
	}
	return "Permission(" + strconv.Itoa(int(p)) + ")"
}

// AllPermissions lists every permission the simulator knows, in numeric
// order.
func AllPermissions() []Permission {
	ps := make([]Permission, 0, len(permissionNames))
	for p := range permissionNames {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// APIKeySpec describes an API key for CreateAPIKey.
type APIKeySpec struct {
	// Name appears in some error messages ("API Key (<name>) is not
	// authorized to impersonate a user.").
	Name        string
	Permissions []Permission
	// ReadOnly keys may only call read-only endpoints (plus the handlers
	// 1.15 wrongly flags read-only, unless Options.StrictReadOnly is set).
	ReadOnly bool
	// Expires, when set, makes the key answer 401 "Access has expired" from
	// that moment on.
	Expires  *time.Time
	Disabled bool
}

// apiKey is a stored API key.
type apiKey struct {
	Name        string              `json:"name"`
	Key         string              `json:"api_key"`
	Secret      string              `json:"api_key_secret"`
	Permissions map[Permission]bool `json:"permissions"`
	ReadOnly    bool                `json:"read_only"`
	Expires     *time.Time          `json:"expires"`
	Disabled    bool                `json:"disabled"`
}

// has reports whether the key carries p, taking Global Admin's implications
// into account.
func (k *apiKey) has(p Permission) bool {
	if k.Permissions[p] {
		return true
	}
	return p >= PermGlobalAdmin && k.Permissions[PermGlobalAdmin]
}

func (k *apiKey) hasAny(ps []Permission) bool {
	return slices.ContainsFunc(ps, k.has)
}

func (k *apiKey) secretMatches(secret string) bool {
	return subtle.ConstantTimeCompare([]byte(k.Secret), []byte(secret)) == 1
}

// CreateAPIKey adds an API key and returns its generated key and secret
// (12 and 32 alphanumerics, like Kasm's).
func (s *Server) CreateAPIKey(spec APIKeySpec) (key, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key = s.rand.randomString(12, alnumMixed)
	secret = s.rand.randomString(32, alnumMixed)
	s.addAPIKeyLocked(spec, key, secret)
	return key, secret
}

// AdminKey returns the seeded API key that carries every permission.
func (s *Server) AdminKey() (key, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys[s.adminKey]
	return k.Key, k.Secret
}

func (s *Server) addAPIKeyLocked(spec APIKeySpec, key, secret string) {
	perms := make(map[Permission]bool, len(spec.Permissions))
	for _, p := range spec.Permissions {
		perms[p] = true
	}
	var expires *time.Time
	if spec.Expires != nil {
		e := *spec.Expires
		expires = &e
	}
	s.keys[key] = &apiKey{
		Name:        spec.Name,
		Key:         key,
		Secret:      secret,
		Permissions: perms,
		ReadOnly:    spec.ReadOnly,
		Expires:     expires,
		Disabled:    spec.Disabled,
	}
	s.touch()
}
