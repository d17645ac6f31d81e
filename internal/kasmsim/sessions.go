package kasmsim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Session operational statuses (kasm-api.md §2.1).
const (
	StatusRequested          = "requested"
	StatusProvisioning       = "provisioning"
	StatusAssigned           = "assigned"
	StatusStarting           = "starting"
	StatusRunning            = "running"
	StatusStopping           = "stopping"
	StatusStopped            = "stopped"
	StatusPausing            = "pausing"
	StatusPaused             = "paused"
	StatusSaving             = "saving"
	StatusDeletePending      = "delete_pending"
	StatusUserDeletePending  = "user_delete_pending"
	StatusAdminDeletePending = "admin_delete_pending"
	StatusDeleting           = "deleting"
	StatusDestroying         = "destroying"
)

// sessionStatuses lists every status SetSessionStatus accepts.
var sessionStatuses = []string{
	StatusRequested, StatusProvisioning, StatusAssigned, StatusStarting, StatusRunning,
	StatusStopping, StatusStopped, StatusPausing, StatusPaused, StatusSaving,
	StatusDeletePending, StatusUserDeletePending, StatusAdminDeletePending, StatusDeleting, StatusDestroying,
}

// phase is one step of a session's start.
type phase struct {
	status   string
	duration time.Duration
	progress int
	message  string
}

// phases is the start lifecycle of a new session.
func (s *Server) phases() []phase {
	t := s.opts.SessionTiming
	if !s.opts.Autoscale {
		return []phase{{StatusStarting, t.Starting, 85, "Starting Session"}}
	}
	return []phase{
		{StatusRequested, t.Requested, 10, "Requesting Additional Resources"},
		{StatusProvisioning, t.Provisioning, 45, "Creating Resources"},
		{StatusAssigned, t.Assigned, 75, "Assigned Resources"},
		{StatusStarting, t.Starting, 85, "Resources Provisioned"},
	}
}

// operational returns the progress and message that go with a status.
func (s *Server) operational(status string) (progress int, message string) {
	for _, p := range s.phases() {
		if p.status == status {
			return p.progress, p.message
		}
	}
	if status == StatusRunning {
		return 100, "Session Running"
	}
	return 0, ""
}

// statusLocked derives a session's status from the clock, lazily, so there
// is no background goroutine to race with. gone means the session has
// finished deleting and must be removed.
func (s *Server) statusLocked(k *SessionRecord, now time.Time) (status string, gone bool) {
	if k.DeleteRequested != nil {
		if !now.Before(k.DeleteRequested.Add(s.opts.SessionTiming.Deleting)) {
			return "", true
		}
		return StatusDeleting, false
	}
	if k.StatusOverride != "" {
		return k.StatusOverride, false
	}
	elapsed := now.Sub(k.Created)
	for _, p := range s.phases() {
		if elapsed < p.duration {
			return p.status, false
		}
		elapsed -= p.duration
	}
	return StatusRunning, false
}

// reapLocked applies expiry and finishes deletions that are due. Every
// request runs it first, so a client never sees a session that should
// already be gone.
func (s *Server) reapLocked(now time.Time) {
	for _, id := range slices.Clone(s.sessionOrder) {
		k := s.sessions[id]
		if k.DeleteRequested == nil && now.After(k.ExpirationDate) {
			// keepalive_expiration_action "delete", the default.
			k.DeleteRequested = ptr(k.ExpirationDate)
			s.touch()
		}
		if _, gone := s.statusLocked(k, now); gone {
			s.removeSessionLocked(id)
		}
	}
}

func (s *Server) removeSessionLocked(kasmID string) {
	if _, ok := s.sessions[kasmID]; !ok {
		return
	}
	delete(s.sessions, kasmID)
	s.sessionOrder = slices.DeleteFunc(s.sessionOrder, func(id string) bool { return id == kasmID })
	for t, rec := range s.tokens {
		if rec.KasmID == kasmID {
			delete(s.tokens, t)
		}
	}
	s.touch()
}

func (s *Server) sessionsOfLocked(userID string) []*SessionRecord {
	var out []*SessionRecord
	for _, id := range s.sessionOrder {
		if k := s.sessions[id]; k.UserID == userID {
			out = append(out, k)
		}
	}
	return out
}

// isStarting reports whether the session has not reached its agent yet or
// its container is still starting.
func isStarting(status string) bool {
	switch status {
	case StatusRequested, StatusProvisioning, StatusAssigned, StatusStarting:
		return true
	}
	return false
}

func isDeleting(status string) bool {
	switch status {
	case StatusDeletePending, StatusUserDeletePending, StatusAdminDeletePending, StatusDeleting, StatusDestroying:
		return true
	}
	return false
}

// placed reports whether a session has an agent yet (autoscaled sessions
// have none while requested, provisioning or assigned).
func placed(status string) bool {
	switch status {
	case StatusRequested, StatusProvisioning, StatusAssigned:
		return false
	}
	return true
}

// notRunningMessage is the error_message that get_kasm_status and join_kasm
// give for sessions that are on their way in or out; ok is false for the
// states that have no such message.
func notRunningMessage(status string) (msg string, ok bool) {
	switch {
	case isStarting(status):
		return "This session is currently " + status + ".", true
	case status == StatusPausing:
		return "This session is currently scheduled to be paused.", true
	case status == StatusStopping:
		return "This session is currently scheduled to be stopped.", true
	case isDeleting(status):
		return "Kasm is currently scheduled to be deleted.", true
	}
	return "", false
}

func (c *call) requestKasm() response {
	s := c.s
	u := c.user
	if u == nil {
		u = s.createAnonymousLocked(c.now)
	}

	var imageID string
	if sent, present := value(c.body, "image_id"); present {
		id, wellFormed := idValue(sent)
		if !wellFormed {
			return c.malformed(errorResponse(http.StatusOK, "Invalid Request"))
		}
		imageID = id
	} else if u.Attributes.DefaultImage != nil {
		imageID = *u.Attributes.DefaultImage
	} else if v, defined := s.userSettingLocked(u, "default_image"); defined {
		imageID, _ = v.(string)
	} else {
		return errorResponse(http.StatusOK, "No Default Image Found")
	}
	img := s.images[imageID]
	if img == nil {
		return errorResponse(http.StatusOK, "Invalid Request")
	}
	if !s.userMayLaunchLocked(u, img.ID) {
		return errorResponse(http.StatusOK, "Image Not Authorized")
	}
	if s.usageReachedLocked(u) {
		return errorf(http.StatusOK, "Usage limit exceeded for user: (%s)", u.Username)
	}
	if len(s.sessionsOfLocked(u.ID)) >= s.maxKasmsLocked(u) {
		return errorf(http.StatusOK, "Kasm limit exceeded for user: (%s)", u.Username)
	}
	if limit := s.opts.ConcurrentSessionLimit; limit > 0 && len(s.sessions) >= limit {
		return errorResponse(http.StatusOK, "Per concurrent session license limit exceeded. Unable to create session")
	}

	k := &SessionRecord{
		KasmID:        s.rand.newID(),
		UserID:        u.ID,
		ImageID:       img.ID,
		ServerID:      s.agent.ID,
		ContainerID:   s.rand.hexString(64),
		ContainerIP:   "172.18.0." + strconv.Itoa(2+len(s.sessionOrder)%250),
		Cores:         img.Cores,
		Memory:        img.Memory,
		Created:       c.now,
		KeepaliveDate: c.now,
		Environment:   map[string]any{},
	}
	if limit, limited := s.sessionTimeLimitLocked(u, img); limited {
		k.ExpirationDate = c.now.Add(limit)
	} else {
		k.ExpirationDate = c.now.Add(s.keepaliveExpirationLocked(u))
	}
	if env, isObject := c.body["environment"].(map[string]any); isObject {
		k.Environment = env
	}
	if url, isString := c.body["kasm_url"].(string); isString && url != "" {
		k.KasmURL = url
		k.Environment["KASM_URL"] = url
	}
	if info, isObject := c.body["connection_info"].(map[string]any); isObject {
		k.ConnectionInfo = info
	}
	shareFailed := false
	if c.body["enable_sharing"] == true {
		if s.sharingAllowedLocked(u) {
			k.ShareID = s.rand.newID()[:8]
		} else {
			shareFailed = true
		}
	}
	k.Token = s.mintTokenLocked(u.ID, k.KasmID, c.now)
	s.sessions[k.KasmID] = k
	s.sessionOrder = append(s.sessionOrder, k.KasmID)
	u.LastSession = ptr(c.now)
	s.touch()

	status := StatusStarting
	if s.opts.Autoscale {
		status = StatusRequested
	}
	out := map[string]any{
		"kasm_id":       dashed(k.KasmID),
		"status":        status,
		"user_id":       u.ID,
		"username":      u.Username,
		"session_token": dashed(k.Token),
		"kasm_url":      "/#/connect/kasm/" + dashed(k.KasmID) + "/" + u.ID + "/" + dashed(k.Token),
	}
	if k.ShareID != "" {
		out["share_id"] = k.ShareID
	}
	if shareFailed {
		// The session exists all the same; a client that stops at the error leaks it.
		out["error_message"] = "Failed to create Share ID"
	}
	return answer(out)
}

func (c *call) getKasmStatus() response {
	s := c.s
	k := c.kasm
	if k == nil {
		return errorResponse(http.StatusOK, "Invalid Request")
	}
	if c.user == nil {
		// The handler dereferences the missing user and fails unhandled.
		return htmlError500()
	}
	if k.UserID != c.user.ID {
		return errorResponse(http.StatusOK, "Access Denied")
	}

	// Every call issues a new connection token and retires the previous one.
	s.revokeTokenLocked(k.Token)
	k.Token = s.mintTokenLocked(k.UserID, k.KasmID, c.now)

	status, _ := s.statusLocked(k, c.now)
	if isStarting(status) && s.opts.DocumentedStatusShape {
		progress, message := s.operational(status)
		return answer(map[string]any{
			"operational_status":   status,
			"operational_message":  message,
			"operational_progress": progress,
		})
	}
	if msg, has := notRunningMessage(status); has {
		return errorResponse(http.StatusOK, msg)
	}
	if status != StatusRunning {
		return answer(map[string]any{"operational_status": status})
	}
	if s.usageReachedLocked(c.user) {
		return errorResponse(http.StatusOK, "Usage limit exceeded for user")
	}
	return answer(map[string]any{
		"kasm":         s.kasmJSONLocked(k, status),
		"current_time": pyTime(c.now),
		"kasm_url":     "/#/connect/kasm/" + k.KasmID + "/" + dashed(k.UserID) + "/" + dashed(k.Token),
	})
}

func (c *call) getKasms() response {
	s := c.s
	if len(s.sessionOrder) == 0 {
		return answer(map[string]any{"kasms": []any{}})
	}
	kasms := make([]map[string]any, 0, len(s.sessionOrder))
	for _, id := range s.sessionOrder {
		k := s.sessions[id]
		status, _ := s.statusLocked(k, c.now)
		obj := s.kasmJSONLocked(k, status)
		username := ""
		if u := s.users[k.UserID]; u != nil {
			username = u.Username
		}
		obj["user"] = map[string]any{"username": username}
		server := map[string]any{"hostname": nil, "port": nil, "provider": nil, "zone_name": s.agent.ZoneName}
		if placed(status) {
			server["hostname"] = s.agent.Hostname
			server["port"] = s.agent.Port
			server["provider"] = s.agent.Provider
		}
		obj["server"] = server
		kasms = append(kasms, obj)
	}
	return answer(map[string]any{"kasms": kasms, "current_time": pyTime(c.now)})
}

func (c *call) joinKasm() response {
	s := c.s
	shareID, _ := stringValue(c.body, "share_id")
	if shareID == "" {
		return errorResponse(http.StatusOK, "Missing Parameters: share_id is missing")
	}
	var k *SessionRecord
	for _, id := range s.sessionOrder {
		if cand := s.sessions[id]; cand.ShareID != "" && strings.EqualFold(cand.ShareID, shareID) {
			k = cand
			break
		}
	}
	if k == nil {
		return errorf(http.StatusOK, "No Kasm found with share_id (%s)", shareID)
	}
	owner := s.users[k.UserID]
	if owner == nil || !s.sharingAllowedLocked(owner) {
		return errorResponse(http.StatusOK, "Sharing is not enabled for this Kasm")
	}
	status, _ := s.statusLocked(k, c.now)
	if msg, has := notRunningMessage(status); has {
		return errorResponse(http.StatusOK, msg)
	}
	if status != StatusRunning {
		return errorf(http.StatusOK, "Kasm (%s) is not running", k.KasmID)
	}

	viewer := c.user
	if viewer == nil {
		viewer = s.createAnonymousLocked(c.now)
	}
	token := s.mintTokenLocked(viewer.ID, k.KasmID, c.now)
	img := s.images[k.ImageID]
	return answer(map[string]any{
		"kasm": map[string]any{
			"kasm_id":         k.KasmID,
			"share_id":        k.ShareID,
			"port_map":        portMap(k.KasmID, false),
			"host":            s.agent.Host,
			"port":            s.agent.Port,
			"hostname":        s.agent.Hostname,
			"view_only_token": "",
			"user":            map[string]any{"username": owner.Username},
			"image":           imageRefJSON(img),
			"client_settings": s.clientSettingsLocked(owner),
		},
		"current_time":  pyTime(c.now),
		"user_id":       viewer.ID,
		"username":      viewer.Username,
		"session_token": dashed(token),
		"kasm_url":      "/#/connect/join/" + k.ShareID + "/" + viewer.ID + "/" + dashed(token),
	})
}

func (c *call) keepalive() response {
	s := c.s
	k := c.kasm
	if k == nil {
		return missingParameters(http.StatusBadRequest)
	}
	status, _ := s.statusLocked(k, c.now)
	if isDeleting(status) || status == StatusPausing || status == StatusStopping {
		return errorf(http.StatusOK,
			"Kasm (%s) is currently scheduled to be deleted. Can not honor keepalive request", k.KasmID[:8])
	}
	owner := s.users[k.UserID]
	if owner == nil {
		return errorResponse(http.StatusOK, "Keepalive Error")
	}
	if s.usageReachedLocked(owner) {
		return answer(map[string]any{"usage_reached": true})
	}
	if _, limited := s.sessionTimeLimitLocked(owner, s.images[k.ImageID]); limited {
		return empty()
	}
	k.KeepaliveDate = c.now
	k.ExpirationDate = c.now.Add(s.keepaliveExpirationLocked(owner))
	s.touch()
	return answer(map[string]any{"usage_reached": false})
}

func (c *call) destroyKasm() response {
	s := c.s
	k := c.kasm
	if k == nil {
		return errorResponse(http.StatusOK, "Invalid Request")
	}
	admin := c.key.has(PermSessionsDelete)
	switch {
	case c.user == nil && !admin:
		// Without a user_id the ownership check dereferences nothing.
		return htmlError500()
	case c.user != nil && c.user.ID != k.UserID && !admin:
		return errorResponse(http.StatusOK, "Unauthorized attempt to delete session")
	}
	if owner := s.users[k.UserID]; owner != nil && !admin && !s.settingBoolLocked(owner, "allow_kasm_delete", true) {
		return errorResponse(http.StatusOK, "User is not authorized to issue a delete request")
	}
	if k.DeleteRequested != nil {
		return errorResponse(http.StatusOK, "Session is not in a valid state to be deleted")
	}
	k.DeleteRequested = ptr(c.now)
	s.touch()
	if _, gone := s.statusLocked(k, c.now); gone {
		s.removeSessionLocked(k.KasmID)
	}
	return empty()
}

// portMap is the session's port_map; a viewer joining a shared session gets
// only the display and the sound.
func portMap(kasmID string, full bool) map[string]any {
	names := []string{"vnc", "audio"}
	if full {
		names = append(names, "audio_input", "uploads", "webcam")
	}
	m := make(map[string]any, len(names))
	for _, n := range names {
		m[n] = map[string]any{"port": 443, "path": "desktop/" + dashed(kasmID) + "/" + n}
	}
	return m
}

// clientSettingsLocked is the client_settings object of a running session.
func (s *Server) clientSettingsLocked(owner *UserRecord) map[string]any {
	sharing := false
	if owner != nil {
		sharing = s.sharingAllowedLocked(owner)
	}
	return map[string]any{
		"allow_kasm_audio":              true,
		"idle_disconnect":               pyFloat(20),
		"lock_sharing_video_mode":       true,
		"allow_persistent_profile":      false,
		"allow_kasm_clipboard_down":     true,
		"allow_kasm_microphone":         false,
		"allow_kasm_downloads":          true,
		"kasm_audio_default_on":         true,
		"allow_point_of_presence":       false,
		"allow_kasm_uploads":            true,
		"allow_kasm_clipboard_up":       true,
		"enable_webp":                   true,
		"allow_kasm_sharing":            sharing,
		"allow_kasm_clipboard_seamless": true,
		"allow_kasm_gamepad":            false,
		"allow_kasm_webcam":             false,
		"allow_kasm_printing":           false,
	}
}

// kasmJSONLocked is the session object of get_kasm_status and get_kasms.
func (s *Server) kasmJSONLocked(k *SessionRecord, status string) map[string]any {
	progress, message := s.operational(status)
	running := !isStarting(status)
	var shareID any
	if k.ShareID != "" {
		shareID = k.ShareID
	}
	obj := map[string]any{
		"kasm_id":                 k.KasmID,
		"user_id":                 k.UserID,
		"image_id":                k.ImageID,
		"server_id":               nil,
		"container_id":            "",
		"container_ip":            nil,
		"cores":                   pyFloat(k.Cores),
		"gpus":                    0,
		"memory":                  k.Memory,
		"hostname":                nil,
		"host":                    nil,
		"port":                    nil,
		"operational_status":      status,
		"operational_message":     message,
		"operational_progress":    progress,
		"start_date":              pyTime(k.Created),
		"created_date":            pyTime(k.Created),
		"keepalive_date":          pyTime(k.KeepaliveDate),
		"expiration_date":         pyTime(k.ExpirationDate),
		"share_id":                shareID,
		"is_standby":              false,
		"docker_network":          "kasm_default_network",
		"connection_info":         k.ConnectionInfo,
		"queued_tasks":            []any{},
		"staging_config_id":       nil,
		"cast_config_id":          nil,
		"autoscale_config_id":     nil,
		"connection_proxy_id":     nil,
		"connection_credential":   "",
		"token":                   "",
		"view_only_token":         "",
		"is_persistent_profile":   false,
		"persistent_profile_mode": nil,
		"port_map":                portMap(k.KasmID, true),
		"image":                   imageRefJSON(s.images[k.ImageID]),
		"client_settings":         []any{},
		"point_of_presence":       nil,
		"egress_gateway_id":       nil,
		"egress_credential_id":    nil,
		"egress_provider_name":    nil,
		"egress_gateway_name":     nil,
		"egress_gateway_country":  nil,
		"egress_gateway_city":     nil,
		"rdp_client_type":         nil,
		"agent_installed":         false,
		"border":                  nil,
	}
	if placed(status) {
		obj["server_id"] = k.ServerID
		obj["hostname"] = s.agent.Hostname
		obj["host"] = s.agent.Host
		obj["port"] = s.agent.Port
	}
	if running {
		obj["container_id"] = k.ContainerID
		obj["container_ip"] = k.ContainerIP
		obj["client_settings"] = s.clientSettingsLocked(s.users[k.UserID])
	}
	return obj
}
