package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

// Small checks the session tests share. The knownvalue checks compare one value, the state
// checks look at the simulator beside the state.

var (
	_ knownvalue.Check      = stringCapture{}
	_ knownvalue.Check      = laterDate{}
	_ knownvalue.Check      = anyValue{}
	_ compare.ValueComparer = connectURLComparer{}
	_ statecheck.StateCheck = sessionTokenIsCurrent{}
	_ statecheck.StateCheck = onlySessionOfUser{}
	_ statecheck.StateCheck = requestCount{}
)

// stringCapture stores a string value for a later step, optionally checking its form.
type stringCapture struct {
	into    *string
	pattern *regexp.Regexp
}

func capturedString(into *string, pattern *regexp.Regexp) stringCapture {
	return stringCapture{into: into, pattern: pattern}
}

func (c stringCapture) CheckValue(value any) error {
	s, ok := value.(string)
	if !ok {
		return fmt.Errorf("expected a string, got %T", value)
	}
	if c.pattern != nil && !c.pattern.MatchString(s) {
		return fmt.Errorf("%q does not match %s", s, c.pattern)
	}
	*c.into = s
	return nil
}

func (c stringCapture) String() string { return "captured string" }

// laterDate checks that an RFC 3339 date is later than one captured before.
type laterDate struct {
	than *string
}

func laterThan(than *string) laterDate { return laterDate{than: than} }

func (c laterDate) CheckValue(value any) error {
	s, ok := value.(string)
	if !ok {
		return fmt.Errorf("expected a string, got %T", value)
	}
	got, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return err
	}
	before, err := time.Parse(time.RFC3339, *c.than)
	if err != nil {
		return fmt.Errorf("the earlier date %q: %w", *c.than, err)
	}
	if !got.After(before) {
		return fmt.Errorf("%s is not later than %s", s, *c.than)
	}
	return nil
}

func (c laterDate) String() string { return "later than " + *c.than }

// anyValue accepts any value, null included, for attributes whose presence matters but whose
// value depends on timing.
type anyValue struct{}

func (anyValue) CheckValue(any) error { return nil }

func (anyValue) String() string { return "any value" }

// connectURLComparer checks that the first value (connect_url) is the base URL followed by the
// second (kasm_url).
type connectURLComparer struct {
	baseURL string
}

func (c connectURLComparer) CompareValues(values ...any) error {
	if len(values) != 2 {
		return fmt.Errorf("expected connect_url and kasm_url, got %d values", len(values))
	}
	connectURL, ok1 := values[0].(string)
	kasmURL, ok2 := values[1].(string)
	if !ok1 || !ok2 || kasmURL == "" {
		return fmt.Errorf("expected two non-empty strings, got %T and %T", values[0], values[1])
	}
	if connectURL != c.baseURL+kasmURL {
		// The values are secrets; say what differs without printing them.
		return fmt.Errorf("connect_url is not the base URL %s followed by kasm_url", c.baseURL)
	}
	return nil
}

// sessionTokenIsCurrent checks that the state's session_token is the token the simulator holds
// for the session now, that is, the one the last get_kasm_status issued.
type sessionTokenIsCurrent struct {
	sim *kasmsim.Server
}

func (c sessionTokenIsCurrent) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	attrs, err := resourceAttributes(req.State, sessionAddress)
	if err != nil {
		resp.Error = err
		return
	}
	kasmID, _ := attrs["kasm_id"].(string)
	token, _ := attrs["session_token"].(string)
	record, ok := c.sim.Session(kasmID)
	switch {
	case !ok:
		resp.Error = fmt.Errorf("session %s is not on the simulator", kasmID)
	case token == "" || !kasmtypes.SameID(record.Token, token):
		resp.Error = fmt.Errorf("session %s: the stored session_token is not the current one", kasmID)
	case !c.sim.SessionTokenValid(token):
		resp.Error = fmt.Errorf("session %s: the stored session_token is not valid", kasmID)
	}
}

// onlySessionOfUser checks that the user has exactly one session and that it is the one in the
// state.
type onlySessionOfUser struct {
	sim    *kasmsim.Server
	userID string
}

func (c onlySessionOfUser) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	attrs, err := resourceAttributes(req.State, sessionAddress)
	if err != nil {
		resp.Error = err
		return
	}
	var ids []string
	for _, k := range c.sim.Sessions() {
		if k.UserID == c.userID {
			ids = append(ids, k.KasmID)
		}
	}
	if len(ids) != 1 || ids[0] != attrs["id"] {
		resp.Error = fmt.Errorf("user %s should have exactly the session in the state (%v), has %v", c.userID, attrs["id"], ids)
	}
}

// requestCount checks how many requests an endpoint received since the last ResetCounts.
type requestCount struct {
	sim      *kasmsim.Server
	endpoint string
	want     int
}

func (c requestCount) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if got := c.sim.RequestCount(c.endpoint); got != c.want {
		resp.Error = fmt.Errorf("%s received %d requests, want %d", c.endpoint, got, c.want)
	}
}
