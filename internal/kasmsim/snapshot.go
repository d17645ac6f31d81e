package kasmsim

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// snapshotVersion changes whenever the snapshot layout does.
const snapshotVersion = 1

// snapshot is the JSON form of a simulator's state. Request counts and
// faults are test scaffolding and are not part of it.
type snapshot struct {
	Version  int             `json:"version"`
	SavedAt  time.Time       `json:"saved_at"`
	Agent    agentServer     `json:"agent"`
	AdminKey string          `json:"admin_key"`
	APIKeys  []*apiKey       `json:"api_keys"`
	Users    []UserRecord    `json:"users"`
	Groups   []GroupRecord   `json:"groups"`
	Images   []ImageRecord   `json:"images"`
	Sessions []SessionRecord `json:"sessions"`
	Tokens   []*tokenRecord  `json:"tokens"`
}

// Snapshot returns the whole state as JSON, so that a simulator process can
// be restarted without losing it (see NewFromSnapshot). It contains the API
// key secrets and session tokens: store it like a credential.
func (s *Server) Snapshot() ([]byte, error) {
	s.mu.Lock()
	snap := snapshot{
		Version:  snapshotVersion,
		SavedAt:  s.now(),
		Agent:    s.agent,
		AdminKey: s.adminKey,
	}
	for _, k := range s.keys {
		c := *k
		snap.APIKeys = append(snap.APIKeys, &c)
	}
	for _, id := range s.userOrder {
		snap.Users = append(snap.Users, s.users[id].clone())
	}
	for _, id := range s.groupOrder {
		snap.Groups = append(snap.Groups, s.groups[id].clone())
	}
	for _, id := range s.imageOrder {
		snap.Images = append(snap.Images, s.images[id].clone())
	}
	for _, id := range s.sessionOrder {
		snap.Sessions = append(snap.Sessions, s.sessions[id].clone())
	}
	for _, t := range s.tokens {
		c := *t
		snap.Tokens = append(snap.Tokens, &c)
	}
	s.mu.Unlock()

	// Map iteration order is random; sorted output keeps saved files diffable.
	slices.SortFunc(snap.APIKeys, func(a, b *apiKey) int { return cmp.Compare(a.Key, b.Key) })
	slices.SortFunc(snap.Tokens, func(a, b *tokenRecord) int { return cmp.Compare(a.Token, b.Token) })
	data, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode simulator snapshot: %w", err)
	}
	return data, nil
}

// NewFromSnapshot returns a simulator holding the state a Snapshot saved.
// opts apply as in New, except that nothing is seeded; when
// opts.AdminAPIKey and opts.AdminAPIKeySecret are set, the admin key is
// (re)created with those credentials.
func NewFromSnapshot(opts Options, data []byte) (*Server, error) {
	var snap snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return nil, fmt.Errorf("decode simulator snapshot: %w", err)
	}
	if snap.Version != snapshotVersion {
		return nil, fmt.Errorf("simulator snapshot version %d, want %d: %w", snap.Version, snapshotVersion, ErrInvalidArgument)
	}

	s := newEmpty(opts)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agent = snap.Agent
	for _, k := range snap.APIKeys {
		s.keys[k.Key] = k
	}
	s.adminKey = snap.AdminKey
	for i := range snap.Images {
		s.insertImageLocked(&snap.Images[i])
	}
	for i := range snap.Groups {
		g := &snap.Groups[i]
		for name, v := range g.Settings {
			// JSON turned ints into float64; store them as SetGroupSetting would.
			converted, err := s.settingValueLocked(name, v)
			if err != nil {
				return nil, fmt.Errorf("group %s: %w", g.ID, err)
			}
			g.Settings[name] = converted
		}
		s.insertGroupLocked(g)
	}
	for i := range snap.Users {
		s.insertUserLocked(&snap.Users[i])
	}
	for i := range snap.Sessions {
		k := &snap.Sessions[i]
		s.sessions[k.KasmID] = k
		s.sessionOrder = append(s.sessionOrder, k.KasmID)
	}
	for _, t := range snap.Tokens {
		s.tokens[t.Token] = t
	}

	if opts.AdminAPIKey != "" && opts.AdminAPIKeySecret != "" {
		if old := s.keys[s.adminKey]; old != nil && old.Name == AdminKeyName {
			delete(s.keys, s.adminKey)
		}
		s.addAPIKeyLocked(APIKeySpec{Name: AdminKeyName, Permissions: AllPermissions()}, opts.AdminAPIKey, opts.AdminAPIKeySecret)
		s.adminKey = opts.AdminAPIKey
	}
	if s.keys[s.adminKey] == nil {
		return nil, fmt.Errorf("simulator snapshot has no admin key: %w", ErrInvalidArgument)
	}
	return s, nil
}
