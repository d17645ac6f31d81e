package kasmsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// controlPrefix is where Options.ControlAPI mounts the test hooks, for
// processes that cannot call the Go methods (the kasmsim command, scripts).
// Every control endpoint takes a JSON object by POST (GET works for the
// read-only ones) and answers JSON; errors are {"error": "..."} with 404 for
// unknown objects and 400 for bad arguments. They need no credentials, which
// is why the API is off by default.
//
//	GET  /__sim/counts                                   {"counts": {...}}
//	POST /__sim/reset_counts
//	POST /__sim/fault            {endpoint, kind, times, retry_after_seconds, latency_ms, message}
//	     kind: "500", "502", "503", "429", "latency", "conn_reset", "lost_answer", "error_message"
//	POST /__sim/clear_faults
//	POST /__sim/api_key          {name, permissions: [100, 200, ...], read_only, expires (RFC 3339), disabled}
//	POST /__sim/delete_user      {user_id}
//	POST /__sim/edit_user        {user_id, username?, first_name?, last_name?, phone?, organization?, notes?, locked?, disabled?}
//	POST /__sim/delete_group     {group_id}
//	POST /__sim/remove_membership  {user_id, group_id}
//	POST /__sim/remove_group_image {group_id, image_id}
//	POST /__sim/destroy_session  {kasm_id}
//	POST /__sim/session_status   {kasm_id, status}
//	POST /__sim/expire_session   {kasm_id}
//	POST /__sim/group_setting    {group_id, name, value}
//	POST /__sim/seed_users       {n, prefix}                  {"user_ids": [...]}
//	POST /__sim/advance          {seconds}  (only with a ManualClock)
//	GET  /__sim/snapshot                                     the Snapshot JSON
const controlPrefix = "/__sim/"

type controlHandler func(s *Server, args controlArgs) (any, error)

var controlHandlers = map[string]controlHandler{
	"counts":             func(s *Server, _ controlArgs) (any, error) { return map[string]any{"counts": s.RequestCounts()}, nil },
	"reset_counts":       func(s *Server, _ controlArgs) (any, error) { s.ResetCounts(); return nil, nil },
	"fault":              controlFault,
	"clear_faults":       func(s *Server, _ controlArgs) (any, error) { s.ClearFaults(); return nil, nil },
	"api_key":            controlAPIKey,
	"delete_user":        func(s *Server, a controlArgs) (any, error) { return nil, s.DeleteUserOutOfBand(a.str("user_id")) },
	"edit_user":          controlEditUser,
	"delete_group":       func(s *Server, a controlArgs) (any, error) { return nil, s.DeleteGroupOutOfBand(a.str("group_id")) },
	"remove_membership":  controlRemoveMembership,
	"remove_group_image": controlRemoveGroupImage,
	"destroy_session":    func(s *Server, a controlArgs) (any, error) { return nil, s.DestroySessionOutOfBand(a.str("kasm_id")) },
	"session_status":     controlSessionStatus,
	"expire_session":     func(s *Server, a controlArgs) (any, error) { return nil, s.ExpireSession(a.str("kasm_id")) },
	"group_setting":      controlGroupSetting,
	"seed_users":         controlSeedUsers,
	"advance":            controlAdvance,
}

// controlArgs is a decoded control request body.
type controlArgs map[string]any

func (a controlArgs) str(k string) string {
	v, _ := a[k].(string)
	return v
}

func (a controlArgs) number(k string) float64 {
	v, _ := a[k].(float64)
	return v
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, controlPrefix)
	if name == "snapshot" {
		data, err := s.Snapshot()
		if err != nil {
			writeControl(w, http.StatusInternalServerError, map[string]any{"error": err.Error()})
			return
		}
		writeResponse(w, response{status: http.StatusOK, contentType: "application/json", body: data})
		return
	}
	handler, known := controlHandlers[name]
	if !known {
		writeControl(w, http.StatusNotFound, map[string]any{"error": "unknown control endpoint " + name})
		return
	}
	args := controlArgs{}
	if r.Method == http.MethodPost {
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
		if err != nil {
			writeControl(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
		if len(strings.TrimSpace(string(raw))) > 0 {
			if err := json.Unmarshal(raw, &args); err != nil {
				writeControl(w, http.StatusBadRequest, map[string]any{"error": "body must be a JSON object"})
				return
			}
		}
	}
	out, err := handler(s, args)
	switch {
	case errors.Is(err, ErrNotFound):
		writeControl(w, http.StatusNotFound, map[string]any{"error": err.Error()})
	case err != nil:
		writeControl(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
	case out == nil:
		writeControl(w, http.StatusOK, map[string]any{})
	default:
		writeControl(w, http.StatusOK, out)
	}
}

func writeControl(w http.ResponseWriter, status int, v any) {
	writeResponse(w, jsonResponse(status, v))
}

var faultKindNames = map[string]FaultKind{
	"500":           FaultStatus500,
	"502":           FaultStatus502,
	"503":           FaultStatus503,
	"429":           Fault429,
	"latency":       FaultLatency,
	"conn_reset":    FaultConnReset,
	"lost_answer":   FaultLostAnswer,
	"error_message": FaultErrorMessage,
}

func controlFault(s *Server, a controlArgs) (any, error) {
	kind, known := faultKindNames[a.str("kind")]
	if !known {
		return nil, fmt.Errorf("fault kind %q: %w", a.str("kind"), ErrInvalidArgument)
	}
	endpoint := a.str("endpoint")
	if endpoint == "" {
		return nil, fmt.Errorf("fault needs an endpoint: %w", ErrInvalidArgument)
	}
	s.InjectFault(endpoint, Fault{
		Kind:       kind,
		Times:      int(a.number("times")),
		RetryAfter: time.Duration(a.number("retry_after_seconds") * float64(time.Second)),
		Latency:    time.Duration(a.number("latency_ms") * float64(time.Millisecond)),
		Message:    a.str("message"),
	})
	return nil, nil
}

func controlAPIKey(s *Server, a controlArgs) (any, error) {
	spec := APIKeySpec{Name: a.str("name")}
	if spec.Name == "" {
		spec.Name = "kasmsim-control"
	}
	list, _ := a["permissions"].([]any)
	for _, p := range list {
		n, ok := p.(float64)
		if !ok {
			return nil, fmt.Errorf("permission %v: %w", p, ErrInvalidArgument)
		}
		spec.Permissions = append(spec.Permissions, Permission(int(n)))
	}
	spec.ReadOnly, _ = a["read_only"].(bool)
	spec.Disabled, _ = a["disabled"].(bool)
	if e := a.str("expires"); e != "" {
		t, err := time.Parse(time.RFC3339, e)
		if err != nil {
			return nil, fmt.Errorf("expires: %w", errors.Join(err, ErrInvalidArgument))
		}
		spec.Expires = &t
	}
	key, secret := s.CreateAPIKey(spec)
	return map[string]any{"api_key": key, "api_key_secret": secret}, nil
}

func controlEditUser(s *Server, a controlArgs) (any, error) {
	return nil, s.EditUser(a.str("user_id"), func(u *UserRecord) {
		if v, ok := a["username"].(string); ok {
			u.Username = v
		}
		for key, dst := range map[string]**string{
			"first_name": &u.FirstName, "last_name": &u.LastName, "phone": &u.Phone,
			"organization": &u.Organization, "notes": &u.Notes,
		} {
			if v, sent := a[key]; sent {
				if sv, ok := v.(string); ok {
					*dst = &sv
				} else {
					*dst = nil
				}
			}
		}
		if v, ok := a["locked"].(bool); ok {
			u.Locked = v
		}
		if v, ok := a["disabled"].(bool); ok {
			u.Disabled = v
		}
	})
}

func controlRemoveMembership(s *Server, a controlArgs) (any, error) {
	return nil, s.RemoveMembershipOutOfBand(a.str("user_id"), a.str("group_id"))
}

func controlRemoveGroupImage(s *Server, a controlArgs) (any, error) {
	return nil, s.RemoveGroupImageOutOfBand(a.str("group_id"), a.str("image_id"))
}

func controlSessionStatus(s *Server, a controlArgs) (any, error) {
	return nil, s.SetSessionStatus(a.str("kasm_id"), a.str("status"))
}

func controlGroupSetting(s *Server, a controlArgs) (any, error) {
	v := a["value"]
	if f, ok := v.(float64); ok && f == float64(int(f)) {
		v = int(f)
	}
	return nil, s.SetGroupSetting(a.str("group_id"), a.str("name"), v)
}

func controlSeedUsers(s *Server, a controlArgs) (any, error) {
	n := int(a.number("n"))
	if n <= 0 || n > 1_000_000 {
		return nil, fmt.Errorf("n must be between 1 and 1000000: %w", ErrInvalidArgument)
	}
	prefix := a.str("prefix")
	if prefix == "" {
		prefix = "user"
	}
	return map[string]any{"user_ids": s.SeedUsers(n, prefix)}, nil
}

func controlAdvance(s *Server, a controlArgs) (any, error) {
	mc, ok := s.clock.(*ManualClock)
	if !ok {
		return nil, fmt.Errorf("the simulator runs on the real clock: %w", ErrInvalidArgument)
	}
	mc.Advance(time.Duration(a.number("seconds") * float64(time.Second)))
	return map[string]any{"now": mc.Now().UTC().Format(time.RFC3339Nano)}, nil
}
