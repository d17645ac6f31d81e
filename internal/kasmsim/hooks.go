package kasmsim

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Errors returned by the test hooks.
var (
	ErrNotFound        = errors.New("kasmsim: no such object")
	ErrInvalidArgument = errors.New("kasmsim: invalid argument")
)

// rowByID finds the row a hook names by id (either form); kind names the
// row in the ErrNotFound error.
func rowByID[T any](rows map[string]*T, kind, id string) (*T, error) {
	hexID, _ := normalizeID(id)
	if row := rows[hexID]; row != nil {
		return row, nil
	}
	return nil, fmt.Errorf("%s %q: %w", kind, id, ErrNotFound)
}

func (s *Server) userLocked(id string) (*UserRecord, error) {
	return rowByID(s.users, "user", id)
}

func (s *Server) groupLocked(id string) (*GroupRecord, error) {
	return rowByID(s.groups, "group", id)
}

// sessionLocked reaps first, so a session past its end counts as unknown.
func (s *Server) sessionLocked(kasmID string) (*SessionRecord, error) {
	s.reapLocked(s.now())
	return rowByID(s.sessions, "session", kasmID)
}

// withRow runs fn under withChange on the row lookup finds for id; when
// lookup fails (ErrNotFound) fn does not run.
func withRow[T any](s *Server, lookup func(string) (T, error), id string, fn func(T) error) error {
	return s.withChange(func() error {
		row, err := lookup(id)
		if err != nil {
			return err
		}
		return fn(row)
	})
}

// withUser runs fn on the user with the given id (either form).
func (s *Server) withUser(id string, fn func(*UserRecord) error) error {
	return withRow(s, s.userLocked, id, fn)
}

// withGroup runs fn on the group with the given id.
func (s *Server) withGroup(id string, fn func(*GroupRecord) error) error {
	return withRow(s, s.groupLocked, id, fn)
}

// withSession runs fn on a live session.
func (s *Server) withSession(kasmID string, fn func(*SessionRecord) error) error {
	return withRow(s, s.sessionLocked, kasmID, fn)
}

// withMembership runs fn on a user and a group, both of which must exist.
func (s *Server) withMembership(userID, groupID string, fn func(*UserRecord, *GroupRecord) error) error {
	return s.withChange(func() error {
		u, err := s.userLocked(userID)
		if err != nil {
			return err
		}
		g, err := s.groupLocked(groupID)
		if err != nil {
			return err
		}
		return fn(u, g)
	})
}

// DeleteUserOutOfBand deletes a user (and its sessions) as an administrator
// working in the Kasm UI would.
func (s *Server) DeleteUserOutOfBand(id string) error {
	return s.withUser(id, func(u *UserRecord) error {
		s.removeUserLocked(u)
		return nil
	})
}

// EditUser changes a user behind the client's back. fn gets a copy; the id
// cannot change, a changed username is stripped and lower-cased, and a
// username taken by another user is refused.
func (s *Server) EditUser(id string, fn func(*UserRecord)) error {
	return s.withUser(id, func(u *UserRecord) error {
		next := u.clone()
		fn(&next)
		next.ID = u.ID
		next.Username = normalizeUsername(next.Username)
		if next.Username == "" {
			return fmt.Errorf("empty username: %w", ErrInvalidArgument)
		}
		if other := s.usersByName[next.Username]; other != "" && other != u.ID {
			return fmt.Errorf("username %q is taken: %w", next.Username, ErrInvalidArgument)
		}
		for i, gid := range next.Groups {
			next.Groups[i], _ = normalizeID(gid)
			if s.groups[next.Groups[i]] == nil {
				return fmt.Errorf("group %q: %w", gid, ErrNotFound)
			}
		}
		delete(s.usersByName, u.Username)
		*u = next
		s.usersByName[u.Username] = u.ID
		s.touch()
		return nil
	})
}

// DeleteGroupOutOfBand deletes a group, system or not, with its memberships.
func (s *Server) DeleteGroupOutOfBand(id string) error {
	return s.withGroup(id, func(g *GroupRecord) error {
		s.removeGroupLocked(g)
		return nil
	})
}

// EditGroup changes a group behind the client's back; fn gets a copy whose
// id cannot change.
func (s *Server) EditGroup(id string, fn func(*GroupRecord)) error {
	return s.withGroup(id, func(g *GroupRecord) error {
		next := g.clone()
		fn(&next)
		next.ID = g.ID
		*g = next
		s.touch()
		return nil
	})
}

// RemoveMembershipOutOfBand takes a user out of a group.
func (s *Server) RemoveMembershipOutOfBand(userID, groupID string) error {
	return s.withMembership(userID, groupID, func(u *UserRecord, g *GroupRecord) error {
		if !u.memberOf(g.ID) {
			return fmt.Errorf("user %q is not in group %q: %w", userID, groupID, ErrNotFound)
		}
		u.Groups = slices.DeleteFunc(u.Groups, func(id string) bool { return id == g.ID })
		s.touch()
		return nil
	})
}

// AddMembershipOutOfBand puts a user into a group.
func (s *Server) AddMembershipOutOfBand(userID, groupID string) error {
	return s.withMembership(userID, groupID, func(u *UserRecord, g *GroupRecord) error {
		if !u.memberOf(g.ID) {
			u.Groups = append(u.Groups, g.ID)
			s.touch()
		}
		return nil
	})
}

// RemoveGroupImageOutOfBand withdraws an image from a group.
func (s *Server) RemoveGroupImageOutOfBand(groupID, imageID string) error {
	return s.withGroup(groupID, func(g *GroupRecord) error {
		iid, _ := normalizeID(imageID)
		if !g.hasImage(iid) {
			return fmt.Errorf("image %q is not assigned to group %q: %w", imageID, groupID, ErrNotFound)
		}
		g.Images = slices.DeleteFunc(g.Images, func(gi GroupImage) bool { return gi.ImageID == iid })
		s.touch()
		return nil
	})
}

// DeleteImageOutOfBand removes a workspace image as an administrator
// deleting it in the Kasm UI would: its group assignments go with it, and
// users who had it as their default image fall back to none.
func (s *Server) DeleteImageOutOfBand(imageID string) error {
	return s.withChange(func() error {
		id, _ := normalizeID(imageID)
		if s.images[id] == nil {
			return fmt.Errorf("image %q: %w", imageID, ErrNotFound)
		}
		delete(s.images, id)
		s.imageOrder = slices.DeleteFunc(s.imageOrder, func(other string) bool { return other == id })
		for _, g := range s.groups {
			g.Images = slices.DeleteFunc(g.Images, func(gi GroupImage) bool { return gi.ImageID == id })
		}
		for _, u := range s.users {
			if d := u.Attributes.DefaultImage; d != nil && *d == id {
				u.Attributes.DefaultImage = nil
			}
		}
		s.touch()
		return nil
	})
}

// DestroySessionOutOfBand makes a session disappear at once, as if its
// agent had died.
func (s *Server) DestroySessionOutOfBand(kasmID string) error {
	return s.withSession(kasmID, func(k *SessionRecord) error {
		s.removeSessionLocked(k.KasmID)
		return nil
	})
}

// SetSessionStatus pins a session's operational status (one of the Status
// constants). StatusDeleting starts a deletion that completes after
// SessionTiming.Deleting; an empty status returns the session to its
// clock-driven lifecycle.
func (s *Server) SetSessionStatus(kasmID, status string) error {
	if status != "" && !slices.Contains(sessionStatuses, status) {
		return fmt.Errorf("session status %q: %w", status, ErrInvalidArgument)
	}
	return s.withSession(kasmID, func(k *SessionRecord) error {
		now := s.now()
		if status == StatusDeleting {
			k.DeleteRequested = ptr(now)
			s.touch()
			s.reapLocked(now)
			return nil
		}
		k.StatusOverride = status
		s.touch()
		return nil
	})
}

// ExpireSession moves a session's expiration date into the past, so it is
// deleted as Kasm deletes sessions nobody kept alive.
func (s *Server) ExpireSession(kasmID string) error {
	return s.withSession(kasmID, func(k *SessionRecord) error {
		now := s.now()
		k.ExpirationDate = now.Add(-time.Microsecond)
		s.touch()
		s.reapLocked(now)
		return nil
	})
}

// settingKinds lists the group settings SetGroupSetting understands and the
// kind of value each takes.
var settingKinds = map[string]string{
	"allow_kasm_sharing":   "bool",
	"allow_kasm_delete":    "bool",
	"auto_add_local_users": "bool",
	"require_2fa":          "bool",
	// usage_limit_reached stands in for a usage_limit whose budget is spent.
	"usage_limit_reached":  "bool",
	"max_kasms_per_user":   "int",
	"keepalive_expiration": "seconds",
	"session_time_limit":   "seconds",
	"default_image":        "image",
}

// SetGroupSetting sets a group setting: allow_kasm_sharing,
// allow_kasm_delete, auto_add_local_users, require_2fa and
// usage_limit_reached take a bool; max_kasms_per_user an int;
// keepalive_expiration and session_time_limit an int of seconds or a
// time.Duration; default_image an image id. A nil value removes the
// setting, so the user's other groups (or the default) decide.
func (s *Server) SetGroupSetting(groupID, name string, value any) error {
	return s.withGroup(groupID, func(g *GroupRecord) error {
		if value == nil {
			delete(g.Settings, name)
			s.touch()
			return nil
		}
		v, err := s.settingValueLocked(name, value)
		if err != nil {
			return err
		}
		if g.Settings == nil {
			g.Settings = map[string]any{}
		}
		g.Settings[name] = v
		s.touch()
		return nil
	})
}

// settingValueLocked converts a setting value to the type it is stored as.
func (s *Server) settingValueLocked(name string, value any) (any, error) {
	bad := fmt.Errorf("group setting %s=%v: %w", name, value, ErrInvalidArgument)
	switch settingKinds[name] {
	case "bool":
		if b, ok := value.(bool); ok {
			return b, nil
		}
	case "int", "seconds":
		if d, ok := value.(time.Duration); ok && settingKinds[name] == "seconds" {
			return int(d / time.Second), nil
		}
		if n, ok := intValue(value); ok && n >= 0 {
			return n, nil
		}
	case "image":
		id, _ := idValue(value)
		if s.images[id] != nil {
			return id, nil
		}
	default:
		return nil, fmt.Errorf("unknown group setting %q: %w", name, ErrInvalidArgument)
	}
	return nil, bad
}

// SeedUsers creates n local users named <prefix><i>@example.com quickly, for
// scale tests, and returns their ids in creation order.
func (s *Server) SeedUsers(n int, prefix string) []string {
	ids := make([]string, 0, max(n, 0))
	_ = s.withChange(func() error {
		now := s.now()
		for i := range n {
			name := normalizeUsername(fmt.Sprintf("%s%d@example.com", prefix, i))
			if s.usersByName[name] != "" {
				continue
			}
			u := s.newUserLocked(name, now)
			s.insertUserLocked(u)
			ids = append(ids, u.ID)
		}
		return nil
	})
	return ids
}

// AddImage adds a workspace image (not assigned to any group) and returns
// its id; an empty ID is generated.
func (s *Server) AddImage(img ImageRecord) (string, error) {
	var id string
	err := s.withChange(func() error {
		c := img.clone()
		if c.ID == "" {
			c.ID = s.rand.newID()
		}
		normalized, ok := normalizeID(c.ID)
		if !ok {
			return fmt.Errorf("image id %q: %w", img.ID, ErrInvalidArgument)
		}
		if s.images[normalized] != nil {
			return fmt.Errorf("image %q exists: %w", img.ID, ErrInvalidArgument)
		}
		c.ID = normalized
		if c.ImageType == "" {
			c.ImageType = "Container"
		}
		s.insertImageLocked(&c)
		id = normalized
		return nil
	})
	return id, err
}

// SessionTokenValid reports whether a session token (from a kasm_url, a
// join link or a login link, in either id form) is still usable.
func (s *Server) SessionTokenValid(token string) bool {
	id, ok := normalizeID(token)
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, valid := s.tokens[id]
	return valid
}

// User returns a copy of the user with the given id (either form).
func (s *Server) User(id string) (UserRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hexID, _ := normalizeID(id)
	if u := s.users[hexID]; u != nil {
		return u.clone(), true
	}
	return UserRecord{}, false
}

// PasswordMatches reports whether password is the current password of the
// user with the given id (either form), so tests can prove a password was
// set or changed without the simulator ever exposing it.
func (s *Server) PasswordMatches(id, password string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	hexID, _ := normalizeID(id)
	u := s.users[hexID]
	return u != nil && u.PasswordHash == hashPassword(password)
}

// UserByName returns a copy of the user with the given username, compared
// case-insensitively as Kasm does.
func (s *Server) UserByName(username string) (UserRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.userByNameLocked(username); u != nil {
		return u.clone(), true
	}
	return UserRecord{}, false
}

// Users returns copies of every user (anonymous ones included) in creation
// order.
func (s *Server) Users() []UserRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copiesInOrder(s.userOrder, s.users)
}

// Group returns a copy of the group with the given id.
func (s *Server) Group(id string) (GroupRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hexID, _ := normalizeID(id)
	if g := s.groups[hexID]; g != nil {
		return g.clone(), true
	}
	return GroupRecord{}, false
}

// GroupByName returns a copy of the group with exactly this name.
func (s *Server) GroupByName(name string) (GroupRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.groupByNameLocked(name); g != nil {
		return g.clone(), true
	}
	return GroupRecord{}, false
}

// Groups returns copies of every group in creation order.
func (s *Server) Groups() []GroupRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copiesInOrder(s.groupOrder, s.groups)
}

// Images returns copies of every image in creation order.
func (s *Server) Images() []ImageRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copiesInOrder(s.imageOrder, s.images)
}

// Session returns a copy of a live session with its current status.
func (s *Server) Session(kasmID string) (SessionRecord, bool) {
	var out SessionRecord
	err := s.withSession(kasmID, func(k *SessionRecord) error {
		out = k.clone()
		out.Status, _ = s.statusLocked(k, s.now())
		return nil
	})
	return out, err == nil
}

// Sessions returns copies of every live session with its current status, in
// creation order.
func (s *Server) Sessions() []SessionRecord {
	var out []SessionRecord
	_ = s.withChange(func() error {
		now := s.now()
		s.reapLocked(now)
		out = make([]SessionRecord, 0, len(s.sessionOrder))
		for _, id := range s.sessionOrder {
			k := s.sessions[id]
			c := k.clone()
			c.Status, _ = s.statusLocked(k, now)
			out = append(out, c)
		}
		return nil
	})
	return out
}

// copiesInOrder copies the rows named by order, in that order, so callers
// can read them without holding the lock.
func copiesInOrder[R any, P interface{ clone() R }](order []string, rows map[string]P) []R {
	out := make([]R, 0, len(order))
	for _, id := range order {
		out = append(out, rows[id].clone())
	}
	return out
}
