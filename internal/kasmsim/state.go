package kasmsim

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// This file holds the state helpers every endpoint and hook shares. All of
// them expect s.mu to be held.

// normalizeUsername applies Kasm's rule: stripped and lower-cased.
func normalizeUsername(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}

// hashPassword keeps passwords out of snapshots; the simulator never checks
// them, so an unsalted hash is enough.
func hashPassword(password string) string {
	sum := sha256.Sum256([]byte(password))
	return hex.EncodeToString(sum[:])
}

// newUserLocked builds a local user with Kasm's defaults: All Users
// membership, a random password and a fresh attributes row.
func (s *Server) newUserLocked(username string, now time.Time) *UserRecord {
	setDate := now
	return &UserRecord{
		ID:              s.rand.newID(),
		Username:        username,
		PasswordHash:    hashPassword(s.rand.hexString(32)),
		Realm:           "local",
		Created:         now,
		PasswordSetDate: &setDate,
		Groups:          []string{AllUsersGroupID},
		Attributes: UserAttributes{
			ID:                s.rand.newID(),
			Theme:             "Auto",
			ChatSFX:           true,
			SSHPublicKey:      s.rand.sshPublicKey(),
			PreferredLanguage: "Auto",
			PreferredTimezone: "Auto",
		},
	}
}

func (s *Server) insertUserLocked(u *UserRecord) {
	s.users[u.ID] = u
	s.userOrder = append(s.userOrder, u.ID)
	s.usersByName[u.Username] = u.ID
	s.touch()
}

// createAnonymousLocked makes the throw-away user request_kasm and join_kasm
// use when no user_id is sent.
func (s *Server) createAnonymousLocked(now time.Time) *UserRecord {
	name := "anon_" + s.rand.randomString(16, alnumLower)
	for s.usersByName[name] != "" {
		name = "anon_" + s.rand.randomString(16, alnumLower)
	}
	u := s.newUserLocked(name, now)
	u.Anonymous = true
	s.insertUserLocked(u)
	return u
}

// removeUserLocked deletes a user with its sessions and tokens.
func (s *Server) removeUserLocked(u *UserRecord) {
	for _, k := range s.sessionsOfLocked(u.ID) {
		s.removeSessionLocked(k.KasmID)
	}
	s.revokeUserTokensLocked(u.ID)
	delete(s.users, u.ID)
	delete(s.usersByName, u.Username)
	s.userOrder = slices.DeleteFunc(s.userOrder, func(id string) bool { return id == u.ID })
	s.touch()
}

// renameUserLocked changes a username and keeps the name index right.
func (s *Server) renameUserLocked(u *UserRecord, username string) {
	delete(s.usersByName, u.Username)
	u.Username = username
	s.usersByName[username] = u.ID
}

// lookupUser finds a user by an id taken from a request, in either form.
func (s *Server) lookupUser(raw any) *UserRecord {
	id, ok := idValue(raw)
	if !ok {
		return nil
	}
	return s.users[id]
}

func (s *Server) userByNameLocked(name string) *UserRecord {
	return s.users[s.usersByName[normalizeUsername(name)]]
}

// isAdminUserLocked reports whether a user holds Global Admin through the
// Administrators group, which makes changing them need Users Modify Admin.
func (s *Server) isAdminUserLocked(u *UserRecord) bool {
	return u.memberOf(AdministratorsGroupID)
}

func (s *Server) insertGroupLocked(g *GroupRecord) {
	s.groups[g.ID] = g
	s.groupOrder = append(s.groupOrder, g.ID)
	s.touch()
}

func (s *Server) removeGroupLocked(g *GroupRecord) {
	for _, u := range s.users {
		u.Groups = slices.DeleteFunc(u.Groups, func(id string) bool { return id == g.ID })
	}
	delete(s.groups, g.ID)
	s.groupOrder = slices.DeleteFunc(s.groupOrder, func(id string) bool { return id == g.ID })
	s.touch()
}

func (s *Server) groupByNameLocked(name string) *GroupRecord {
	for _, id := range s.groupOrder {
		if s.groups[id].Name == name {
			return s.groups[id]
		}
	}
	return nil
}

func (s *Server) groupMemberCountLocked(groupID string) int {
	n := 0
	for _, u := range s.users {
		if u.memberOf(groupID) {
			n++
		}
	}
	return n
}

func (s *Server) insertImageLocked(img *ImageRecord) {
	s.images[img.ID] = img
	s.imageOrder = append(s.imageOrder, img.ID)
	s.touch()
}

// userMayLaunchLocked reports whether the image is assigned to one of the
// user's groups.
func (s *Server) userMayLaunchLocked(u *UserRecord, imageID string) bool {
	for _, gid := range u.Groups {
		if g := s.groups[gid]; g != nil && g.hasImage(imageID) {
			return true
		}
	}
	return false
}

// userSettingLocked resolves a group setting for a user the way Kasm does:
// among the user's groups that define it, the one with the best (lowest)
// priority wins.
func (s *Server) userSettingLocked(u *UserRecord, name string) (any, bool) {
	var best *GroupRecord
	for _, gid := range u.Groups {
		g := s.groups[gid]
		if g == nil {
			continue
		}
		if _, defined := g.Settings[name]; defined && (best == nil || g.Priority < best.Priority) {
			best = g
		}
	}
	if best == nil {
		return nil, false
	}
	return best.Settings[name], true
}

func (s *Server) settingBoolLocked(u *UserRecord, name string, fallback bool) bool {
	if v, ok := s.userSettingLocked(u, name); ok {
		if b, isBool := v.(bool); isBool {
			return b
		}
	}
	return fallback
}

func (s *Server) settingIntLocked(u *UserRecord, name string) (int, bool) {
	if v, ok := s.userSettingLocked(u, name); ok {
		if n, isInt := v.(int); isInt {
			return n, true
		}
	}
	return 0, false
}

// sharingAllowedLocked is the user's effective allow_kasm_sharing.
func (s *Server) sharingAllowedLocked(u *UserRecord) bool {
	fallback := true
	if s.opts.SharingAllowed != nil {
		fallback = *s.opts.SharingAllowed
	}
	return s.settingBoolLocked(u, "allow_kasm_sharing", fallback)
}

func (s *Server) maxKasmsLocked(u *UserRecord) int {
	if n, ok := s.settingIntLocked(u, "max_kasms_per_user"); ok {
		return n
	}
	if s.opts.MaxKasmsPerUser > 0 {
		return s.opts.MaxKasmsPerUser
	}
	return defaultMaxKasmsPerUser
}

func (s *Server) keepaliveExpirationLocked(u *UserRecord) time.Duration {
	if n, ok := s.settingIntLocked(u, "keepalive_expiration"); ok {
		return time.Duration(n) * time.Second
	}
	return time.Duration(s.keepaliveDefault()) * time.Second
}

// sessionTimeLimitLocked is the session_time_limit that applies to a
// session of this user and image, from the image or the user's groups.
func (s *Server) sessionTimeLimitLocked(u *UserRecord, img *ImageRecord) (time.Duration, bool) {
	if img != nil && img.SessionTimeLimit != nil && *img.SessionTimeLimit > 0 {
		return time.Duration(*img.SessionTimeLimit) * time.Second, true
	}
	if n, ok := s.settingIntLocked(u, "session_time_limit"); ok && n > 0 {
		return time.Duration(n) * time.Second, true
	}
	return 0, false
}

func (s *Server) usageReachedLocked(u *UserRecord) bool {
	return s.settingBoolLocked(u, "usage_limit_reached", false)
}

// mintTokenLocked issues a session token for a user (optionally tied to a
// session) and returns it in hex.
func (s *Server) mintTokenLocked(userID, kasmID string, now time.Time) string {
	t := &tokenRecord{Token: s.rand.newID(), UserID: userID, KasmID: kasmID, Created: now}
	s.tokens[t.Token] = t
	s.touch()
	return t.Token
}

func (s *Server) revokeTokenLocked(token string) {
	if _, ok := s.tokens[token]; ok {
		delete(s.tokens, token)
		s.touch()
	}
}

func (s *Server) revokeUserTokensLocked(userID string) {
	for t, rec := range s.tokens {
		if rec.UserID == userID {
			delete(s.tokens, t)
			s.touch()
		}
	}
}
