package kasmsim

import (
	"maps"
	"slices"
	"time"
)

// UserRecord is the simulator's row for one user. Lookups return copies, so
// changing one has no effect; use EditUser to change a user behind the
// client's back.
type UserRecord struct {
	ID               string         `json:"id"`
	Username         string         `json:"username"`
	PasswordHash     string         `json:"password_hash"`
	FirstName        *string        `json:"first_name"`
	LastName         *string        `json:"last_name"`
	Phone            *string        `json:"phone"`
	Organization     *string        `json:"organization"`
	Notes            *string        `json:"notes"`
	City             *string        `json:"city"`
	State            *string        `json:"state"`
	Country          *string        `json:"country"`
	Email            *string        `json:"email"`
	CustomAttribute1 *string        `json:"custom_attribute_1"`
	CustomAttribute2 *string        `json:"custom_attribute_2"`
	CustomAttribute3 *string        `json:"custom_attribute_3"`
	Locked           bool           `json:"locked"`
	Disabled         bool           `json:"disabled"`
	Anonymous        bool           `json:"anonymous"`
	Realm            string         `json:"realm"`
	ProgramID        *string        `json:"program_id"`
	Created          time.Time      `json:"created"`
	PasswordSetDate  *time.Time     `json:"password_set_date"`
	LastSession      *time.Time     `json:"last_session"`
	Groups           []string       `json:"groups"` // Group ids in membership order.
	Attributes       UserAttributes `json:"attributes"`
}

// UserAttributes is a user's preferences row (get_attributes).
type UserAttributes struct {
	ID                 string  `json:"user_attributes_id"`
	DefaultImage       *string `json:"default_image"`
	ShowTips           bool    `json:"show_tips"`
	AutoLoginKasm      *bool   `json:"auto_login_kasm"`
	ToggleControlPanel bool    `json:"toggle_control_panel"`
	Theme              string  `json:"theme"`
	ChatSFX            bool    `json:"chat_sfx"`
	SSHPublicKey       string  `json:"ssh_public_key"`
	PreferredLanguage  string  `json:"preferred_language"`
	PreferredTimezone  string  `json:"preferred_timezone"`
}

func (u *UserRecord) clone() UserRecord {
	c := *u
	c.Groups = slices.Clone(u.Groups)
	return c
}

func (u *UserRecord) memberOf(groupID string) bool {
	return slices.Contains(u.Groups, groupID)
}

// GroupRecord is the simulator's row for one group, with its settings and
// image assignments.
type GroupRecord struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description *string        `json:"description"`
	Priority    int            `json:"priority"`
	IsSystem    bool           `json:"is_system"`
	Metadata    map[string]any `json:"group_metadata"`
	// Settings holds group settings by name (see SetGroupSetting) with Go
	// values: bool, int (seconds for durations) or string.
	Settings map[string]any `json:"settings"`
	Images   []GroupImage   `json:"images"`
}

// GroupImage assigns an image to a group, which lets the group's members
// launch it.
type GroupImage struct {
	ID      string `json:"group_image_id"`
	ImageID string `json:"image_id"`
}

func (g *GroupRecord) clone() GroupRecord {
	c := *g
	c.Metadata = maps.Clone(g.Metadata)
	c.Settings = maps.Clone(g.Settings)
	c.Images = slices.Clone(g.Images)
	return c
}

func (g *GroupRecord) hasImage(imageID string) bool {
	return slices.ContainsFunc(g.Images, func(gi GroupImage) bool { return gi.ImageID == imageID })
}

// ImageRecord is a workspace image as get_images describes it.
type ImageRecord struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	FriendlyName     string         `json:"friendly_name"`
	Description      string         `json:"description"`
	Enabled          bool           `json:"enabled"`
	Available        bool           `json:"available"`
	Hidden           bool           `json:"hidden"`
	Cores            float64        `json:"cores"`
	Memory           int64          `json:"memory"`
	GPUCount         int            `json:"gpu_count"`
	XRes             int            `json:"x_res"`
	YRes             int            `json:"y_res"`
	ImageSrc         string         `json:"image_src"`
	ImageType        string         `json:"image_type"`
	Categories       []string       `json:"categories"`
	DockerRegistry   string         `json:"docker_registry"`
	RunConfig        map[string]any `json:"run_config"`
	ExecConfig       map[string]any `json:"exec_config"`
	SessionTimeLimit *int           `json:"session_time_limit"` // Seconds.
}

func (i *ImageRecord) clone() ImageRecord {
	c := *i
	c.Categories = slices.Clone(i.Categories)
	c.RunConfig = maps.Clone(i.RunConfig)
	c.ExecConfig = maps.Clone(i.ExecConfig)
	return c
}

// SessionRecord is one Kasm session. Status is computed from the clock when
// a copy is handed out; the stored fields are the timestamps it derives from.
type SessionRecord struct {
	KasmID         string         `json:"kasm_id"`
	UserID         string         `json:"user_id"`
	ImageID        string         `json:"image_id"`
	ServerID       string         `json:"server_id"`
	ContainerID    string         `json:"container_id"`
	ContainerIP    string         `json:"container_ip"`
	Cores          float64        `json:"cores"`
	Memory         int64          `json:"memory"`
	Created        time.Time      `json:"created"`
	KeepaliveDate  time.Time      `json:"keepalive_date"`
	ExpirationDate time.Time      `json:"expiration_date"`
	ShareID        string         `json:"share_id"`
	KasmURL        string         `json:"kasm_url"`
	Environment    map[string]any `json:"environment"`
	ConnectionInfo map[string]any `json:"connection_info"`
	// StatusOverride pins the operational status (SetSessionStatus); empty
	// means the status follows the configured lifecycle timing.
	StatusOverride string `json:"status_override"`
	// DeleteRequested is when destroy_kasm (or expiry) started deleting the
	// session; it disappears SessionTiming.Deleting later.
	DeleteRequested *time.Time `json:"delete_requested"`
	// Token is the current connection token (hex); get_kasm_status replaces it.
	Token string `json:"token"`
	// Status is the operational status at the time the copy was made.
	Status string `json:"-"`
}

func (k *SessionRecord) clone() SessionRecord {
	c := *k
	c.Environment = maps.Clone(k.Environment)
	c.ConnectionInfo = maps.Clone(k.ConnectionInfo)
	return c
}

// agentServer describes the single docker agent every container session runs
// on.
type agentServer struct {
	ID       string `json:"server_id"`
	Hostname string `json:"hostname"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Provider string `json:"provider"`
	ZoneName string `json:"zone_name"`
}

// tokenRecord is a user session token (login links, kasm_url tokens).
type tokenRecord struct {
	Token   string    `json:"token"`
	UserID  string    `json:"user_id"`
	KasmID  string    `json:"kasm_id,omitempty"`
	Created time.Time `json:"created"`
}
