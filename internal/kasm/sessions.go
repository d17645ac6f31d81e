package kasm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// SessionsAPI is the part of the client that manages sessions ("kasms").
type SessionsAPI interface {
	RequestKasm(ctx context.Context, req RequestKasmRequest) (*RequestKasmResponse, error)
	GetKasmStatus(ctx context.Context, kasmID, userID string, skipAgentCheck bool) (*KasmStatus, error)
	GetKasms(ctx context.Context) ([]Kasm, error)
	JoinKasm(ctx context.Context, shareID, userID string) (*JoinKasmResponse, error)
	Keepalive(ctx context.Context, kasmID string) (*KeepaliveResponse, error)
	DestroyKasm(ctx context.Context, kasmID, userID string) error
}

var _ SessionsAPI = (*Client)(nil)

// Kasm is a session object as get_kasm_status, get_kasms and join_kasm return it. Which
// members are present depends on the endpoint, the session's state and the Kasm version.
// Token, ViewOnlyToken, ConnectionInfo and ConnectionCredential are hidden when a Kasm is
// formatted.
type Kasm struct {
	ID                  string
	UserID              string
	ImageID             string
	ServerID            string
	ContainerID         string
	ContainerIP         string
	Cores               float64
	GPUs                int
	Memory              int64
	Hostname            string
	Host                string
	Port                int
	OperationalStatus   string
	OperationalMessage  string
	OperationalProgress int
	StartDate           *time.Time
	CreatedDate         *time.Time
	KeepaliveDate       *time.Time
	ExpirationDate      *time.Time
	// ShareID is "" unless sharing is enabled.
	ShareID               string
	IsStandby             bool
	DockerNetwork         string
	ConnectionInfo        json.RawMessage
	QueuedTasks           json.RawMessage
	StagingConfigID       string
	CastConfigID          string
	AutoscaleConfigID     string
	ConnectionProxyID     string
	ConnectionCredential  json.RawMessage
	Token                 string
	ViewOnlyToken         string
	IsPersistentProfile   bool
	PersistentProfileMode string
	PortMap               map[string]PortMapping
	Image                 SessionImage
	// ClientSettings is nil while the session starts (Kasm then sends an empty list).
	ClientSettings       map[string]any
	EgressGatewayID      string
	EgressCredentialID   string
	EgressProviderName   string
	EgressGatewayName    string
	EgressGatewayCountry string
	EgressGatewayCity    string
	RDPClientType        string
	AgentInstalled       bool
	Border               json.RawMessage
	PointOfPresence      json.RawMessage
	// User is filled by get_kasms and join_kasm.
	User SessionOwner
	// Server is filled by get_kasms.
	Server SessionServer
}

// String formats the session with its tokens and connection details hidden.
func (k Kasm) String() string { return k.format(false) }

// GoString formats the session with its tokens and connection details hidden.
func (k Kasm) GoString() string { return k.format(true) }

func (k Kasm) format(goSyntax bool) string {
	return formatStruct(k, goSyntax, "Token", "ViewOnlyToken", "ConnectionInfo", "ConnectionCredential")
}

// PortMapping is one entry of a session's port_map (vnc, audio, uploads, ...).
type PortMapping struct {
	Port int
	Path string
}

// SessionImage is the image summary inside a session object.
type SessionImage struct {
	ID               string
	Name             string
	FriendlyName     string
	ImageSrc         string
	SessionTimeLimit int64
	Categories       []string
	DefaultCategory  string
	ImageType        string
}

// SessionOwner is the owner summary inside a session object.
type SessionOwner struct {
	Username string
}

// SessionServer is the server summary get_kasms adds to a session object; its members are
// empty while a session waits for resources.
type SessionServer struct {
	ID       string
	Hostname string
	Port     int
	Provider string
	ZoneName string
}

func decodeKasm(f fields) Kasm {
	image := f.object("image")
	user := f.object("user")
	server := f.object("server")
	k := Kasm{
		ID:                    f.id("kasm_id"),
		UserID:                f.id("user_id"),
		ImageID:               f.id("image_id"),
		ServerID:              f.id("server_id"),
		ContainerID:           f.str("container_id"),
		ContainerIP:           f.str("container_ip"),
		Cores:                 f.floatValue("cores"),
		GPUs:                  f.intValue("gpus"),
		Memory:                f.int64Value("memory"),
		Hostname:              f.str("hostname"),
		Host:                  f.str("host"),
		Port:                  f.intValue("port"),
		OperationalStatus:     f.str("operational_status"),
		OperationalMessage:    f.str("operational_message"),
		OperationalProgress:   f.intValue("operational_progress"),
		StartDate:             f.date("start_date"),
		CreatedDate:           f.date("created_date"),
		KeepaliveDate:         f.date("keepalive_date"),
		ExpirationDate:        f.date("expiration_date"),
		ShareID:               f.str("share_id"),
		IsStandby:             f.boolean("is_standby"),
		DockerNetwork:         f.str("docker_network"),
		ConnectionInfo:        f.raw("connection_info"),
		QueuedTasks:           f.raw("queued_tasks"),
		StagingConfigID:       f.id("staging_config_id"),
		CastConfigID:          f.id("cast_config_id"),
		AutoscaleConfigID:     f.id("autoscale_config_id"),
		ConnectionProxyID:     f.id("connection_proxy_id"),
		ConnectionCredential:  f.raw("connection_credential"),
		Token:                 f.str("token"),
		ViewOnlyToken:         f.str("view_only_token"),
		IsPersistentProfile:   f.boolean("is_persistent_profile"),
		PersistentProfileMode: f.str("persistent_profile_mode"),
		ClientSettings:        f.anyMap("client_settings"),
		EgressGatewayID:       f.id("egress_gateway_id"),
		EgressCredentialID:    f.id("egress_credential_id"),
		EgressProviderName:    f.str("egress_provider_name"),
		EgressGatewayName:     f.str("egress_gateway_name"),
		EgressGatewayCountry:  f.str("egress_gateway_country"),
		EgressGatewayCity:     f.str("egress_gateway_city"),
		RDPClientType:         f.str("rdp_client_type"),
		AgentInstalled:        f.boolean("agent_installed"),
		Border:                f.raw("border"),
		PointOfPresence:       f.raw("point_of_presence"),
		Image: SessionImage{
			ID:               image.id("image_id"),
			Name:             image.str("name"),
			FriendlyName:     image.str("friendly_name"),
			ImageSrc:         image.str("image_src"),
			SessionTimeLimit: image.int64Value("session_time_limit"),
			Categories:       image.stringList("categories"),
			DefaultCategory:  image.str("default_category"),
			ImageType:        image.str("image_type"),
		},
		User: SessionOwner{Username: user.str("username")},
		Server: SessionServer{
			ID:       server.id("server_id"),
			Hostname: server.str("hostname"),
			Port:     server.intValue("port"),
			Provider: server.str("provider"),
			ZoneName: server.str("zone_name"),
		},
	}
	if ports := f.object("port_map"); len(ports) > 0 {
		k.PortMap = make(map[string]PortMapping, len(ports))
		for name := range ports {
			entry := ports.object(name)
			k.PortMap[name] = PortMapping{Port: entry.intValue("port"), Path: entry.str("path")}
		}
	}
	return k
}

// RequestKasmRequest asks for a new session. Every field is optional: without UserID Kasm
// creates an anonymous user, without ImageID it uses the user's or group's default image.
// KasmURL, Environment and ConnectionInfo are hidden when the request is formatted.
type RequestKasmRequest struct {
	UserID        string `json:"user_id,omitempty"`
	ImageID       string `json:"image_id,omitempty"`
	EnableSharing bool   `json:"enable_sharing,omitempty"`
	// KasmURL is the page a browser image opens (the KASM_URL environment variable).
	KasmURL string `json:"kasm_url,omitempty"`
	// Environment is added to the session's environment.
	Environment map[string]string `json:"environment,omitempty"`
	// ConnectionInfo is stored on the session, for RDP, VNC and SSH server images.
	ConnectionInfo json.RawMessage `json:"connection_info,omitempty"`
	ClientLanguage string          `json:"client_language,omitempty"`
	ClientTimezone string          `json:"client_timezone,omitempty"`
	// PersistentProfileMode is "Enabled", "Disabled" or "Reset".
	PersistentProfileMode string          `json:"persistent_profile_mode,omitempty"`
	ZoneID                string          `json:"zone_id,omitempty"`
	NetworkID             string          `json:"network_id,omitempty"`
	XRes                  int             `json:"x_res,omitempty"`
	YRes                  int             `json:"y_res,omitempty"`
	LaunchSelections      json.RawMessage `json:"launch_selections,omitempty"`
	EgressGatewayID       string          `json:"egress_gateway_id,omitempty"`
	// RDPClientType is "GUAC" or "RDP_CLIENT".
	RDPClientType string `json:"rdp_client_type,omitempty"`
	ServerID      string `json:"server_id,omitempty"`
}

// String formats the request with the URL, environment and connection details hidden.
func (r RequestKasmRequest) String() string { return r.format(false) }

// GoString formats the request with the URL, environment and connection details hidden.
func (r RequestKasmRequest) GoString() string { return r.format(true) }

func (r RequestKasmRequest) format(goSyntax bool) string {
	return formatStruct(r, goSyntax, "KasmURL", "Environment", "ConnectionInfo")
}

// RequestKasmResponse is request_kasm's answer. KasmURL is a path to append to the web root
// (see Client.AbsoluteURL); it and SessionToken grant access to the session and are hidden
// when the response is formatted.
type RequestKasmResponse struct {
	KasmID       string
	Status       string
	UserID       string
	Username     string
	SessionToken string
	KasmURL      string
	// ShareID is set when sharing was enabled.
	ShareID string
}

// String formats the response with the token and URL hidden.
func (r RequestKasmResponse) String() string { return r.format(false) }

// GoString formats the response with the token and URL hidden.
func (r RequestKasmResponse) GoString() string { return r.format(true) }

func (r RequestKasmResponse) format(goSyntax bool) string {
	return formatStruct(r, goSyntax, "SessionToken", "KasmURL")
}

func decodeRequestKasm(f fields) *RequestKasmResponse {
	return &RequestKasmResponse{
		KasmID:       f.id("kasm_id"),
		Status:       f.str("status"),
		UserID:       f.id("user_id"),
		Username:     f.str("username"),
		SessionToken: f.str("session_token"),
		KasmURL:      f.str("kasm_url"),
		ShareID:      f.str("share_id"),
	}
}

// RequestKasm creates and starts a session. It is never sent twice once it may have reached
// Kasm: a lost answer matches ErrOutcomeUnknown, and a session may then exist (list the
// user's sessions to find it). A reached session limit matches ErrConflict.
//
// When Kasm answers with the session AND an error_message (it does so with "Failed to create
// Share ID" when sharing was requested but is not allowed), RequestKasm returns both the
// response and an *APIError: the session exists, and the caller decides whether to keep it
// or destroy it.
func (c *Client) RequestKasm(ctx context.Context, req RequestKasmRequest) (*RequestKasmResponse, error) {
	var err error
	for _, id := range []struct {
		field string
		value *string
	}{
		{"user id", &req.UserID}, {"image id", &req.ImageID}, {"zone id", &req.ZoneID}, {"server id", &req.ServerID},
	} {
		if *id.value, err = optionalID(epRequestKasm, id.field, *id.value); err != nil {
			return nil, err
		}
	}
	secrets := []string{req.KasmURL}
	for _, v := range req.Environment {
		secrets = append(secrets, v)
	}
	f, err := c.call(ctx, epRequestKasm, req, callOptions{secrets: secrets})
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && f.has("kasm_id") {
			return decodeRequestKasm(f), err
		}
		return nil, err
	}
	if !f.has("kasm_id") {
		return nil, missingMember(epRequestKasm, "kasm_id")
	}
	return decodeRequestKasm(f), nil
}

// KasmStatus is get_kasm_status's answer. For a running session Kasm is set, with KasmURL (a
// fresh connection path; every call mints a new token and invalidates the previous one) and
// CurrentTime. Before the session runs (or while it stops, pauses or is deleted) Kasm sends
// no session object; Pending is then true and OperationalStatus holds the state Kasm named.
type KasmStatus struct { //nolint:revive // The name is part of the client API the provider is built on; it mirrors get_kasm_status.
	Kasm        *Kasm
	KasmURL     string
	CurrentTime *time.Time
	// OperationalStatus is the session state ("starting", "running", "stopped", ...), taken
	// from the session object when there is one.
	OperationalStatus   string
	OperationalMessage  string
	OperationalProgress int
	// Pending is true when the answer carried no session object, only a state.
	Pending bool
}

// String formats the status with the connection URL hidden.
func (s KasmStatus) String() string { return s.format(false) }

// GoString formats the status with the connection URL hidden.
func (s KasmStatus) GoString() string { return s.format(true) }

func (s KasmStatus) format(goSyntax bool) string {
	return formatStruct(s, goSyntax, "KasmURL")
}

// GetKasmStatus reads a session's state. userID is the session owner. With skipAgentCheck
// Kasm reports the state it has stored instead of asking the agent, which is what polling
// should use. An unknown (or deleted) session matches ErrNotFound.
//
// Kasm 1.15 answers a session that is not running yet with an error_message such as "This
// session is currently starting."; that answer is not an error here but a KasmStatus with
// Pending set, as is the documented form with a top-level operational_status.
func (c *Client) GetKasmStatus(ctx context.Context, kasmID, userID string, skipAgentCheck bool) (*KasmStatus, error) {
	kid, err := requireID(epGetKasmStatus, "kasm id", kasmID)
	if err != nil {
		return nil, err
	}
	uid, err := requireID(epGetKasmStatus, "user id", userID)
	if err != nil {
		return nil, err
	}
	payload := struct {
		KasmID         string `json:"kasm_id"`
		UserID         string `json:"user_id"`
		SkipAgentCheck bool   `json:"skip_agent_check,omitempty"`
	}{kid, uid, skipAgentCheck}
	f, err := c.call(ctx, epGetKasmStatus, payload, callOptions{})
	return decodeKasmStatus(f, err)
}

// decodeKasmStatus interprets get_kasm_status's answer, including the error_message forms
// that only report a state.
func decodeKasmStatus(f fields, err error) (*KasmStatus, error) {
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusOK && apiErr.kind == nil {
			if state, ok := pendingState(apiErr.Message); ok {
				return &KasmStatus{OperationalStatus: state, OperationalMessage: apiErr.Message, Pending: true}, nil
			}
		}
		return nil, err
	}
	status := &KasmStatus{
		KasmURL:             f.str("kasm_url"),
		CurrentTime:         f.date("current_time"),
		OperationalStatus:   f.str("operational_status"),
		OperationalMessage:  f.str("operational_message"),
		OperationalProgress: f.intValue("operational_progress"),
	}
	obj := f.object("kasm")
	if obj == nil {
		if status.OperationalStatus == "" {
			return nil, missingMember(epGetKasmStatus, "kasm")
		}
		status.Pending = true
		return status, nil
	}
	kasm := decodeKasm(obj)
	status.Kasm = &kasm
	if kasm.OperationalStatus != "" {
		status.OperationalStatus = kasm.OperationalStatus
	}
	if status.OperationalMessage == "" {
		status.OperationalMessage = kasm.OperationalMessage
	}
	if status.OperationalProgress == 0 {
		status.OperationalProgress = kasm.OperationalProgress
	}
	return status, nil
}

var currentlyState = regexp.MustCompile(`^this session is currently ([a-z_]+)$`)

// pendingState recognises the error_message forms get_kasm_status uses to report a state.
func pendingState(message string) (string, bool) {
	msg := normalizeMessage(message)
	switch {
	case strings.HasSuffix(msg, "is currently scheduled to be paused"):
		return "pausing", true
	case strings.HasSuffix(msg, "is currently scheduled to be stopped"):
		return "stopping", true
	case strings.HasSuffix(msg, "is currently scheduled to be deleted"):
		return "deleting", true
	}
	if m := currentlyState.FindStringSubmatch(msg); m != nil {
		return m[1], true
	}
	return "", false
}

// GetKasms lists every live session of every user, anonymous ones included.
func (c *Client) GetKasms(ctx context.Context) ([]Kasm, error) {
	f, err := c.call(ctx, epGetKasms, nil, callOptions{})
	if err != nil {
		return nil, err
	}
	return decodeList(f, "kasms", decodeKasm), nil
}

// JoinKasmResponse is join_kasm's answer: a view-only link to a shared session. KasmURL and
// SessionToken grant access and are hidden when the response is formatted.
type JoinKasmResponse struct {
	Kasm         *Kasm
	CurrentTime  *time.Time
	UserID       string
	Username     string
	SessionToken string
	KasmURL      string
}

// String formats the response with the token and URL hidden.
func (r JoinKasmResponse) String() string { return r.format(false) }

// GoString formats the response with the token and URL hidden.
func (r JoinKasmResponse) GoString() string { return r.format(true) }

func (r JoinKasmResponse) format(goSyntax bool) string {
	return formatStruct(r, goSyntax, "SessionToken", "KasmURL")
}

func decodeJoinKasm(f fields) (*JoinKasmResponse, error) {
	if !f.has("kasm_url") && !f.has("kasm") {
		return nil, missingMember(epJoinKasm, "kasm_url")
	}
	resp := &JoinKasmResponse{
		CurrentTime:  f.date("current_time"),
		UserID:       f.id("user_id"),
		Username:     f.str("username"),
		SessionToken: f.str("session_token"),
		KasmURL:      f.str("kasm_url"),
	}
	if obj := f.object("kasm"); obj != nil {
		kasm := decodeKasm(obj)
		resp.Kasm = &kasm
	}
	return resp, nil
}

// JoinKasm creates a view-only link to a shared session for userID (or, with userID "", for
// a new anonymous user). It is never sent twice once it may have reached Kasm.
func (c *Client) JoinKasm(ctx context.Context, shareID, userID string) (*JoinKasmResponse, error) {
	if strings.TrimSpace(shareID) == "" {
		return nil, fmt.Errorf("kasm: %s: %w: share id is required", epJoinKasm, ErrInvalidArgument)
	}
	uid, err := optionalID(epJoinKasm, "user id", userID)
	if err != nil {
		return nil, err
	}
	payload := struct {
		ShareID string `json:"share_id"`
		UserID  string `json:"user_id,omitempty"`
	}{shareID, uid}
	f, err := c.call(ctx, epJoinKasm, payload, callOptions{})
	if err != nil {
		return nil, err
	}
	return decodeJoinKasm(f)
}

// KeepaliveResponse is keepalive's answer.
type KeepaliveResponse struct {
	// UsageReached is Kasm's usage_reached: true when the user's usage limit is exhausted,
	// false after a normal extension, nil when Kasm sent none (a session time limit applies).
	UsageReached *bool
	// Extended reports whether the expiry was pushed back (usage_reached sent and false).
	Extended bool
}

func decodeKeepalive(f fields) *KeepaliveResponse {
	reached := f.optBool("usage_reached")
	return &KeepaliveResponse{UsageReached: reached, Extended: reached != nil && !*reached}
}

// Keepalive pushes a session's expiry back by the keepalive_expiration of the owner's group.
// An unknown session matches ErrNotFound.
func (c *Client) Keepalive(ctx context.Context, kasmID string) (*KeepaliveResponse, error) {
	id, err := requireID(epKeepalive, "kasm id", kasmID)
	if err != nil {
		return nil, err
	}
	payload := struct {
		KasmID string `json:"kasm_id"`
	}{id}
	f, err := c.call(ctx, epKeepalive, payload, callOptions{})
	if err != nil {
		return nil, err
	}
	return decodeKeepalive(f), nil
}

// DestroyKasm destroys a session; userID is the owner (it may be "" when the API key has
// Sessions Delete). Destruction may finish after the call returns: the session goes through
// a deleting state and then disappears. An unknown session matches ErrNotFound, except when
// it answers a repetition after a lost answer, which counts as success.
func (c *Client) DestroyKasm(ctx context.Context, kasmID, userID string) error {
	kid, err := requireID(epDestroyKasm, "kasm id", kasmID)
	if err != nil {
		return err
	}
	uid, err := optionalID(epDestroyKasm, "user id", userID)
	if err != nil {
		return err
	}
	payload := struct {
		KasmID string `json:"kasm_id"`
		UserID string `json:"user_id,omitempty"`
	}{kid, uid}
	_, err = c.call(ctx, epDestroyKasm, payload, callOptions{})
	return err
}
