package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// recordingSleeper replaces real waiting and records the waits asked for.
type recordingSleeper struct {
	waits []time.Duration
}

func (s *recordingSleeper) sleep(ctx context.Context, d time.Duration) error {
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func testPoller(s *recordingSleeper) sessionPoller {
	return sessionPoller{initialWait: 250 * time.Millisecond, maxWait: 4 * time.Second, sleep: s.sleep}
}

func TestSessionPollerBackoff(t *testing.T) {
	p := testPoller(&recordingSleeper{})
	want := []time.Duration{
		250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
		4 * time.Second, 4 * time.Second, 4 * time.Second,
	}
	for attempt, w := range want {
		if got := p.backoff(attempt); got != w {
			t.Errorf("backoff(%d) = %s, want %s", attempt, got, w)
		}
	}
	if got := p.backoff(1000); got != 4*time.Second {
		t.Errorf("backoff(1000) = %s, want the cap", got)
	}
}

// statusSequence answers get_kasm_status from a script, one entry per call.
type statusSequence struct {
	answers []statusAnswer
	calls   int
}

type statusAnswer struct {
	status *kasm.KasmStatus
	err    error
}

func (s *statusSequence) next(context.Context) (*kasm.KasmStatus, error) {
	a := s.answers[min(s.calls, len(s.answers)-1)]
	s.calls++
	return a.status, a.err
}

func pending(status string) statusAnswer {
	return statusAnswer{status: &kasm.KasmStatus{OperationalStatus: status, Pending: true}}
}

func running(kasmURL string) statusAnswer {
	return statusAnswer{status: &kasm.KasmStatus{
		OperationalStatus: "running", KasmURL: kasmURL, Kasm: &kasm.Kasm{OperationalStatus: "running"},
	}}
}

func TestWaitForRunningReturnsTheFinalAnswer(t *testing.T) {
	sleeper := &recordingSleeper{}
	seq := &statusSequence{answers: []statusAnswer{
		pending("requested"), pending("provisioning"), pending("assigned"), pending("starting"),
		// A running state without the session object is not the end yet.
		{status: &kasm.KasmStatus{OperationalStatus: "running", Pending: true}},
		running("/#/connect/kasm/k/u/final-token"),
	}}

	got, err := testPoller(sleeper).waitForRunning(t.Context(), "k", seq.next)
	if err != nil {
		t.Fatalf("waitForRunning: %v", err)
	}
	if got.KasmURL != "/#/connect/kasm/k/u/final-token" {
		t.Errorf("got the answer with kasm_url %q, want the final one", got.KasmURL)
	}
	if seq.calls != 6 {
		t.Errorf("polled %d times, want 6", seq.calls)
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}
	if !slices.Equal(sleeper.waits, want) {
		t.Errorf("waits = %v, want %v", sleeper.waits, want)
	}
}

func TestWaitForRunningFailures(t *testing.T) {
	apiErr := errors.New("kasm: get_kasm_status: HTTP 401: Unauthorized")
	tests := map[string]struct {
		answers []statusAnswer
		check   func(error) bool
	}{
		"stopped while starting": {
			answers: []statusAnswer{pending("starting"), pending("stopped")},
			check: func(err error) bool {
				var stateErr *sessionStateError
				return errors.As(err, &stateErr) && stateErr.Status == "stopped"
			},
		},
		"deleted while starting": {
			answers: []statusAnswer{pending("starting"), pending("deleting")},
			check: func(err error) bool {
				var stateErr *sessionStateError
				return errors.As(err, &stateErr) && stateErr.Status == "deleting"
			},
		},
		"gone while starting": {
			answers: []statusAnswer{pending("starting"), {err: notFoundError()}},
			check:   func(err error) bool { return errors.Is(err, errSessionVanished) },
		},
		"API error": {
			answers: []statusAnswer{{err: apiErr}},
			check:   func(err error) bool { return errors.Is(err, apiErr) },
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			seq := &statusSequence{answers: tt.answers}
			_, err := testPoller(&recordingSleeper{}).waitForRunning(t.Context(), "k", seq.next)
			if err == nil || !tt.check(err) {
				t.Errorf("waitForRunning error = %v", err)
			}
		})
	}
}

// notFoundError is an error that matches kasm.ErrNotFound, as the client returns for an
// unknown kasm_id.
func notFoundError() error {
	return errors.Join(kasm.ErrNotFound, errors.New("kasm: get_kasm_status: HTTP 400: Invalid kasm_id (x)"))
}

func TestWaitForRunningTimesOut(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	seq := &statusSequence{answers: []statusAnswer{pending("provisioning")}}
	sleeper := func(context.Context, time.Duration) error {
		cancel()
		return context.DeadlineExceeded
	}
	p := sessionPoller{initialWait: time.Millisecond, maxWait: time.Millisecond, sleep: sleeper}

	_, err := p.waitForRunning(ctx, "k", seq.next)
	if !errors.Is(err, errSessionWaitTimedOut) || !strings.Contains(err.Error(), `last status "provisioning"`) {
		t.Errorf("waitForRunning error = %v, want a time-out naming the last status", err)
	}
}

// fakeSessionsAPI scripts destroy_kasm and get_kasms; other calls are not expected.
type fakeSessionsAPI struct {
	kasm.SessionsAPI
	destroyErrs []error
	lists       [][]kasm.Kasm
	destroys    int
	listCalls   int
}

func (f *fakeSessionsAPI) DestroyKasm(context.Context, string, string) error {
	err := f.destroyErrs[min(f.destroys, len(f.destroyErrs)-1)]
	f.destroys++
	return err
}

func (f *fakeSessionsAPI) GetKasms(context.Context) ([]kasm.Kasm, error) {
	list := f.lists[min(f.listCalls, len(f.lists)-1)]
	f.listCalls++
	return list, nil
}

const testKasmID = "116f18170fdc4a1a87146164a880fb93"

func TestDestroyAndWait(t *testing.T) {
	invalidState := &kasm.APIError{Endpoint: "destroy_kasm", StatusCode: 200, Message: "Session is not in a valid state to be deleted"}
	listed := func(status string) []kasm.Kasm { return []kasm.Kasm{{ID: testKasmID, OperationalStatus: status}} }

	t.Run("waits until the session is no longer listed", func(t *testing.T) {
		api := &fakeSessionsAPI{destroyErrs: []error{nil}, lists: [][]kasm.Kasm{listed("deleting"), listed("deleting"), nil}}
		if err := testPoller(&recordingSleeper{}).destroyAndWait(t.Context(), api, testKasmID, "u"); err != nil {
			t.Fatal(err)
		}
		if api.listCalls != 3 {
			t.Errorf("listed %d times, want 3", api.listCalls)
		}
	})
	t.Run("already gone is success", func(t *testing.T) {
		api := &fakeSessionsAPI{destroyErrs: []error{notFoundError()}}
		if err := testPoller(&recordingSleeper{}).destroyAndWait(t.Context(), api, testKasmID, "u"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("repeats the request while Kasm cannot destroy the session yet", func(t *testing.T) {
		api := &fakeSessionsAPI{
			destroyErrs: []error{invalidState, invalidState, nil},
			lists:       [][]kasm.Kasm{listed("starting"), listed("starting"), nil},
		}
		if err := testPoller(&recordingSleeper{}).destroyAndWait(t.Context(), api, testKasmID, "u"); err != nil {
			t.Fatal(err)
		}
		if api.destroys != 3 {
			t.Errorf("destroy_kasm sent %d times, want 3", api.destroys)
		}
	})
	t.Run("a session already deleting is waited for", func(t *testing.T) {
		api := &fakeSessionsAPI{destroyErrs: []error{invalidState}, lists: [][]kasm.Kasm{listed("deleting"), nil}}
		if err := testPoller(&recordingSleeper{}).destroyAndWait(t.Context(), api, testKasmID, "u"); err != nil {
			t.Fatal(err)
		}
		if api.destroys != 1 {
			t.Errorf("destroy_kasm sent %d times, want 1", api.destroys)
		}
	})
	t.Run("other errors are returned", func(t *testing.T) {
		refused := &kasm.APIError{Endpoint: "destroy_kasm", StatusCode: 200, Message: "Destroy Error"}
		api := &fakeSessionsAPI{destroyErrs: []error{refused}}
		err := testPoller(&recordingSleeper{}).destroyAndWait(t.Context(), api, testKasmID, "u")
		if !errors.Is(err, refused) {
			t.Errorf("error = %v, want %v", err, refused)
		}
	})
	t.Run("time-out while still listed", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		api := &fakeSessionsAPI{destroyErrs: []error{nil}, lists: [][]kasm.Kasm{listed("deleting")}}
		p := sessionPoller{initialWait: time.Millisecond, maxWait: time.Millisecond,
			sleep: func(context.Context, time.Duration) error { cancel(); return context.DeadlineExceeded }}
		if err := p.destroyAndWait(ctx, api, testKasmID, "u"); !errors.Is(err, errSessionWaitTimedOut) {
			t.Errorf("error = %v, want a time-out", err)
		}
	})
}

func TestAdoptableSession(t *testing.T) {
	at := func(minute int) *time.Time {
		d := time.Date(2026, 1, 2, 3, minute, 0, 0, time.UTC)
		return &d
	}
	kasms := []kasm.Kasm{
		{ID: "old", UserID: "u", ImageID: "img", StartDate: at(1), OperationalStatus: "running"},
		{ID: "other-user", UserID: "v", ImageID: "img", StartDate: at(9)},
		{ID: "other-image", UserID: "u", ImageID: "img2", StartDate: at(8)},
		{ID: "deleting", UserID: "u", ImageID: "img", StartDate: at(7), OperationalStatus: "deleting"},
		{ID: "new", UserID: "u", ImageID: "img", StartDate: at(5), OperationalStatus: "requested"},
		{ID: "newer", UserID: "u", ImageID: "img", StartDate: at(6), OperationalStatus: "requested"},
	}
	before := map[string]bool{"old": true}

	if got := adoptableSession(kasms, "u", "img", before); got == nil || got.ID != "newer" {
		t.Errorf("adoptableSession on an image = %v, want the newest new session of the user on the image", got)
	}
	if got := adoptableSession(kasms, "u", "", before); got == nil || got.ID != "other-image" {
		t.Errorf("adoptableSession without an image = %v, want the newest new session of the user", got)
	}
	if got := adoptableSession(kasms[:2], "u", "img", before); got != nil {
		t.Errorf("adoptableSession = %v, want none when the user has no new session", got)
	}
}

func TestSessionIDsOfUserAndFindSession(t *testing.T) {
	kasms := []kasm.Kasm{{ID: testKasmID, UserID: "u"}, {ID: "b", UserID: "v"}}
	if got := sessionIDsOfUser(kasms, "u"); len(got) != 1 || !got[testKasmID] {
		t.Errorf("sessionIDsOfUser = %v", got)
	}
	if got := findSession(kasms, "116f1817-0fdc-4a1a-8714-6164a880fb93"); got == nil || got.ID != testKasmID {
		t.Errorf("findSession by dashed id = %v", got)
	}
	if got := findSession(kasms, "not an id"); got != nil {
		t.Errorf("findSession(not an id) = %v, want nil", got)
	}
}

func TestSessionTokenFromKasmURL(t *testing.T) {
	tests := map[string]string{
		"/#/connect/kasm/116f18170fdc4a1a87146164a880fb93/583035bb-5819-4e51-83b9-21223badc569/2d110a49-4c6a-48b9-8cfb-398d6f543d5b": "2d110a49-4c6a-48b9-8cfb-398d6f543d5b",
		"/#/connect/kasm/k/u/token?disable_chat=1": "token",
		"/#/connect/kasm/k/u/token/":               "token",
		"/#/connect/kasm/k/u":                      "",
		"/#/connect/join/share/u/token":            "",
		"":                                         "",
	}
	for in, want := range tests {
		if got := sessionTokenFromKasmURL(in); got != want {
			t.Errorf("sessionTokenFromKasmURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSessionGoneReason(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Second)
	tests := []struct {
		kasm *kasm.Kasm
		gone bool
	}{
		{nil, true},
		{&kasm.Kasm{OperationalStatus: "running", ExpirationDate: &later}, false},
		{&kasm.Kasm{OperationalStatus: "stopped", ExpirationDate: &later}, false},
		{&kasm.Kasm{OperationalStatus: "paused"}, false},
		{&kasm.Kasm{OperationalStatus: "running", ExpirationDate: &earlier}, true},
	}
	for _, status := range sessionDeletingStatuses {
		tests = append(tests, struct {
			kasm *kasm.Kasm
			gone bool
		}{&kasm.Kasm{OperationalStatus: status, ExpirationDate: &later}, true})
	}
	for _, tt := range tests {
		if got := sessionGoneReason(tt.kasm, now) != ""; got != tt.gone {
			t.Errorf("sessionGoneReason(%v) gone = %t, want %t", tt.kasm, got, tt.gone)
		}
	}
}

func TestSessionKeepaliveDiagnostics(t *testing.T) {
	reached, notReached := true, false
	if diags := sessionKeepaliveDiagnostics(&kasm.KeepaliveResponse{UsageReached: &notReached, Extended: true}); len(diags) != 0 {
		t.Errorf("an extended session gave diagnostics: %v", diags)
	}
	diags := sessionKeepaliveDiagnostics(&kasm.KeepaliveResponse{UsageReached: &reached})
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || !strings.Contains(diags[0].Detail(), "usage limit") {
		t.Errorf("usage_reached: got %v, want one warning about the usage limit", diags)
	}
	diags = sessionKeepaliveDiagnostics(&kasm.KeepaliveResponse{})
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || !strings.Contains(diags[0].Detail(), "session time limit") {
		t.Errorf("empty answer: got %v, want one warning about the session time limit", diags)
	}
}

func TestSessionRequestFailure(t *testing.T) {
	tests := map[string]struct {
		err       error
		attribute string
		detail    string
	}{
		"sharing":          {&kasm.APIError{Message: "Failed to create Share ID"}, "enable_sharing", "allow_kasm_sharing"},
		"unknown user":     {&kasm.APIError{Message: "Invalid user_id (x)"}, "user_id", "No Kasm user has this id"},
		"not authorized":   {&kasm.APIError{Message: "Image Not Authorized"}, "image_id", "not assigned to any group"},
		"unknown image":    {&kasm.APIError{Message: "Invalid Request"}, "image_id", "does not know the image"},
		"no default image": {&kasm.APIError{Message: "No Default Image Found"}, "image_id", "Set image_id"},
		"session limit":    {&kasm.APIError{Message: "Kasm limit exceeded for user: (a@b.c)"}, "", "max_kasms_per_user"},
		"usage limit":      {&kasm.APIError{Message: "Usage limit exceeded for user: (a@b.c)"}, "", "usage_limit"},
		"no resources":     {&kasm.APIError{Message: kasmsim.NoResourcesMessage}, "", "No Kasm agent has room"},
		"other":            {errors.New("boom"), "", "Kasm API error: boom"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			d := sessionRequestFailure(tt.err, "")
			if !strings.Contains(d.Detail(), tt.detail) {
				t.Errorf("detail %q does not mention %q", d.Detail(), tt.detail)
			}
			withPath, ok := d.(diag.DiagnosticWithPath)
			switch {
			case tt.attribute == "" && ok:
				t.Errorf("diagnostic names attribute %s, want none", withPath.Path())
			case tt.attribute != "" && (!ok || !withPath.Path().Equal(path.Root(tt.attribute))):
				t.Errorf("diagnostic does not name attribute %s", tt.attribute)
			}
		})
	}
}

func TestSessionStartFailureReportsTheCleanUp(t *testing.T) {
	const cleanup = "The provider could not destroy the session it started (kasm_id k)"
	timedOut := fmt.Errorf("%w waiting: %w", errSessionWaitTimedOut, context.DeadlineExceeded)
	for name, err := range map[string]error{
		"time-out":     timedOut,
		"stopped":      &sessionStateError{Status: "stopped"},
		"status error": errors.New("boom"),
	} {
		d := sessionStartFailure(err, 2*time.Second, cleanup)
		if d.Severity() != diag.SeverityError || !strings.Contains(d.Detail(), cleanup) {
			t.Errorf("%s: detail %q does not report the clean-up", name, d.Detail())
		}
	}
	if d := sessionStartFailure(timedOut, 2*time.Second, cleanup); !strings.Contains(d.Detail(), "create timeout (2s)") {
		t.Errorf("time-out detail %q does not name the timeout", d.Detail())
	}
	if d := sessionRequestFailure(&kasm.APIError{Message: "Failed to create Share ID"}, cleanup); !strings.Contains(d.Detail(), cleanup) {
		t.Errorf("sharing detail %q does not report the clean-up", d.Detail())
	}
}

func TestSessionModelFromKasm(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 678000, time.UTC)
	expiry := start.Add(time.Hour)
	k := kasm.Kasm{
		ID: testKasmID, UserID: "u1", ImageID: "i1", OperationalStatus: "stopped", ShareID: "30a09d61",
		StartDate: &start, ExpirationDate: &expiry,
		Image: kasm.SessionImage{Name: "kasmweb/chrome:1.16.0", FriendlyName: "Kasm Chrome"},
		User:  kasm.SessionOwner{Username: "alice@example.com"},
	}
	m := sessionResourceModel{LaunchURL: types.StringValue("https://example.com"), ConnectURL: types.StringValue("kept")}
	sessionModelFromKasm(&m, k)

	checks := map[string][2]string{
		"id":              {m.ID.ValueString(), testKasmID},
		"kasm_id":         {m.KasmID.ValueString(), testKasmID},
		"user_id":         {m.UserID.ValueString(), "u1"},
		"image_id":        {m.ImageID.ValueString(), "i1"},
		"status":          {m.Status.ValueString(), "stopped"},
		"share_id":        {m.ShareID.ValueString(), "30a09d61"},
		"image_name":      {m.ImageName.ValueString(), "Kasm Chrome"},
		"username":        {m.Username.ValueString(), "alice@example.com"},
		"start_date":      {m.StartDate.ValueString(), "2026-01-02T03:04:05Z"},
		"expiration_date": {m.ExpirationDate.ValueString(), "2026-01-02T04:04:05Z"},
		"launch_url":      {m.LaunchURL.ValueString(), "https://example.com"},
		"connect_url":     {m.ConnectURL.ValueString(), "kept"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	if !m.EnableSharing.ValueBool() {
		t.Error("enable_sharing unknown to the state should be read from share_id")
	}

	m.EnableSharing = types.BoolValue(false)
	k.ShareID, k.Image.FriendlyName = "", ""
	sessionModelFromKasm(&m, k)
	if m.EnableSharing.ValueBool() || !m.ShareID.IsNull() || m.ImageName.ValueString() != "kasmweb/chrome:1.16.0" {
		t.Errorf("got enable_sharing %s, share_id %s, image_name %s", m.EnableSharing, m.ShareID, m.ImageName)
	}
}

func TestReplaceIfPriorModifiers(t *testing.T) {
	ctx := t.Context()
	present := tftypes.NewValue(tftypes.String, "resource")
	absent := tftypes.NewValue(tftypes.String, nil)
	str := func(s *string) types.String {
		if s == nil {
			return types.StringNull()
		}
		return types.StringValue(*s)
	}
	p := func(s string) *string { return &s }

	stringCases := []struct {
		name          string
		state, plan   *string
		unknownPlan   bool
		creating      bool
		modifier      planmodifier.String
		wantReplacing bool
	}{
		{"recorded after import", nil, p("https://a"), false, false, replaceIfPriorStringDiffers(), false},
		{"changed", p("https://a"), p("https://b"), false, false, replaceIfPriorStringDiffers(), true},
		{"removed", p("https://a"), nil, false, false, replaceIfPriorStringDiffers(), true},
		{"unchanged", p("https://a"), p("https://a"), false, false, replaceIfPriorStringDiffers(), false},
		{"created", nil, p("https://a"), false, true, replaceIfPriorStringDiffers(), false},
		{"same id other form", p(testKasmID), p("116f1817-0fdc-4a1a-8714-6164a880fb93"), false, false, requiresReplaceIfDifferentID(), false},
		{"other id", p(testKasmID), p("0b9bc6a4a31e4b8a9d2f6e8c1f2a7d35"), false, false, requiresReplaceIfDifferentID(), true},
		{"id unknown until apply", p(testKasmID), nil, true, false, requiresReplaceIfDifferentID(), true},
		{"id first read", nil, p(testKasmID), false, false, requiresReplaceIfDifferentID(), false},
	}
	for _, tt := range stringCases {
		t.Run(tt.name, func(t *testing.T) {
			req := planmodifier.StringRequest{
				State:      tfsdk.State{Raw: present},
				Plan:       tfsdk.Plan{Raw: present},
				StateValue: str(tt.state),
				PlanValue:  str(tt.plan),
			}
			if tt.unknownPlan {
				req.PlanValue = types.StringUnknown()
			}
			if tt.creating {
				req.State.Raw = absent
			}
			resp := &planmodifier.StringResponse{PlanValue: req.PlanValue}
			tt.modifier.PlanModifyString(ctx, req, resp)
			if resp.RequiresReplace != tt.wantReplacing {
				t.Errorf("RequiresReplace = %t, want %t", resp.RequiresReplace, tt.wantReplacing)
			}
		})
	}

	env := func(v string) types.Map {
		return types.MapValueMust(types.StringType, map[string]attr.Value{"A": types.StringValue(v)})
	}
	mapCases := []struct {
		name          string
		state, plan   types.Map
		wantReplacing bool
	}{
		{"recorded after import", types.MapNull(types.StringType), env("1"), false},
		{"changed", env("1"), env("2"), true},
		{"unchanged", env("1"), env("1"), false},
	}
	for _, tt := range mapCases {
		t.Run("map "+tt.name, func(t *testing.T) {
			req := planmodifier.MapRequest{
				State: tfsdk.State{Raw: present}, Plan: tfsdk.Plan{Raw: present}, StateValue: tt.state, PlanValue: tt.plan,
			}
			resp := &planmodifier.MapResponse{PlanValue: req.PlanValue}
			replaceIfPriorMapDiffers().PlanModifyMap(ctx, req, resp)
			if resp.RequiresReplace != tt.wantReplacing {
				t.Errorf("RequiresReplace = %t, want %t", resp.RequiresReplace, tt.wantReplacing)
			}
		})
	}
}

// sessionUpdateFixture is a simulator with a user (in a group of its own), one of its running
// sessions, and the resource configured against it.
type sessionUpdateFixture struct {
	sim      *kasmsim.Server
	clock    *kasmsim.ManualClock
	client   *kasm.Client
	resource *sessionResource
	groupID  string
	userID   string
}

func newSessionUpdateFixture(t *testing.T) *sessionUpdateFixture {
	t.Helper()
	clock := kasmsim.NewManualClock(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	sim := kasmsim.New(kasmsim.Options{Clock: clock})
	server := httptest.NewServer(sim)
	t.Cleanup(server.Close)
	key, secret := sim.AdminKey()
	client, err := kasm.NewClient(kasm.Config{BaseURL: server.URL, APIKey: key, APIKeySecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	base, err := kasm.ParseBaseURL(server.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	user, err := client.CreateUser(ctx, kasm.CreateUserRequest{Username: "keepalive@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	group, err := client.CreateGroup(ctx, kasm.CreateGroupRequest{Name: "keepalive", Priority: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.AddUserGroup(ctx, user.ID, group.ID); err != nil {
		t.Fatal(err)
	}
	return &sessionUpdateFixture{
		sim: sim, clock: clock, client: client, groupID: group.ID, userID: user.ID,
		resource: &sessionResource{
			data: &providerData{client: client, baseURL: base}, poller: newSessionPoller(), now: clock.Now,
		},
	}
}

// update starts a session, runs beforeUpdate (when set), then the resource's Update for a change
// of keepalive_triggers ten minutes later. It returns the prior and the new state and the
// diagnostics.
func (f *sessionUpdateFixture) update(t *testing.T, beforeUpdate func()) (sessionResourceModel, sessionResourceModel, diag.Diagnostics) {
	t.Helper()
	ctx := t.Context()
	started, err := f.client.RequestKasm(ctx, kasm.RequestKasmRequest{UserID: f.userID, ImageID: kasmsim.ImageChromeID})
	if err != nil {
		t.Fatal(err)
	}
	kasms, err := f.client.GetKasms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prior := sessionResourceModel{
		EnableSharing:     types.BoolValue(false),
		LaunchURL:         types.StringNull(),
		Environment:       types.MapNull(types.StringType),
		KeepaliveTriggers: types.MapValueMust(types.StringType, map[string]attr.Value{"round": types.StringValue("1")}),
		SessionToken:      types.StringValue("token"),
		KasmURL:           types.StringValue("/#/connect/kasm/k/u/token"),
		ConnectURL:        types.StringValue("https://kasm.example.com/#/connect/kasm/k/u/token"),
		Timeouts:          timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "delete": types.StringType})},
	}
	sessionModelFromKasm(&prior, *findSession(kasms, started.KasmID))

	planned := prior
	planned.KeepaliveTriggers = types.MapValueMust(types.StringType, map[string]attr.Value{"round": types.StringValue("2")})
	planned.Status = types.StringUnknown()
	planned.ExpirationDate = types.StringUnknown()

	var schemaResp resource.SchemaResponse
	f.resource.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	s := schemaResp.Schema
	empty := tftypes.NewValue(s.Type().TerraformType(ctx), nil)
	state := tfsdk.State{Schema: s, Raw: empty}
	plan := tfsdk.Plan{Schema: s, Raw: empty}
	if diags := state.Set(ctx, &prior); diags.HasError() {
		t.Fatal(diags)
	}
	if diags := plan.Set(ctx, &planned); diags.HasError() {
		t.Fatal(diags)
	}

	if beforeUpdate != nil {
		beforeUpdate()
	}
	f.clock.Advance(10 * time.Minute)
	resp := resource.UpdateResponse{State: tfsdk.State{Schema: s, Raw: plan.Raw}}
	f.resource.Update(ctx, resource.UpdateRequest{Plan: plan, State: state}, &resp)
	var updated sessionResourceModel
	if diags := resp.State.Get(ctx, &updated); diags.HasError() {
		t.Fatal(diags)
	}
	return prior, updated, resp.Diagnostics
}

func TestSessionUpdateKeepalive(t *testing.T) {
	t.Run("extends the session", func(t *testing.T) {
		f := newSessionUpdateFixture(t)
		prior, updated, diags := f.update(t, nil)
		if len(diags) != 0 {
			t.Fatalf("diagnostics: %v", diags)
		}
		if updated.ExpirationDate.ValueString() != "2026-03-04T06:16:07Z" {
			t.Errorf("expiration_date = %s, want ten minutes later than %s", updated.ExpirationDate, prior.ExpirationDate)
		}
		if updated.ConnectURL != prior.ConnectURL || updated.SessionToken != prior.SessionToken {
			t.Error("the update changed the stored connection details")
		}
		if updated.KeepaliveTriggers.Equal(prior.KeepaliveTriggers) {
			t.Error("the update did not record the new keepalive_triggers")
		}
	})
	t.Run("warns when the usage limit is reached", func(t *testing.T) {
		f := newSessionUpdateFixture(t)
		// The limit is reached after the session started; request_kasm would refuse it before.
		prior, updated, diags := f.update(t, func() {
			if err := f.sim.SetGroupSetting(f.groupID, "usage_limit_reached", true); err != nil {
				t.Error(err)
			}
		})
		assertDeclinedKeepalive(t, prior, updated, diags, "usage limit")
	})
	t.Run("warns when a session time limit applies", func(t *testing.T) {
		f := newSessionUpdateFixture(t)
		if err := f.sim.SetGroupSetting(f.groupID, "session_time_limit", 7200); err != nil {
			t.Fatal(err)
		}
		prior, updated, diags := f.update(t, nil)
		assertDeclinedKeepalive(t, prior, updated, diags, "session time limit")
	})
}

func assertDeclinedKeepalive(t *testing.T, prior, updated sessionResourceModel, diags diag.Diagnostics, reason string) {
	t.Helper()
	if diags.HasError() || len(diags) != 1 || diags[0].Summary() != "Kasm Session Not Extended" ||
		!strings.Contains(diags[0].Detail(), reason) {
		t.Fatalf("diagnostics = %v, want one warning naming the %s", diags, reason)
	}
	if updated.ExpirationDate != prior.ExpirationDate {
		t.Errorf("expiration_date moved from %s to %s", prior.ExpirationDate, updated.ExpirationDate)
	}
}

func TestSessionsDataSourceItems(t *testing.T) {
	kasms := []kasm.Kasm{
		{ID: "a", UserID: "u1", ImageID: "i1", OperationalStatus: "running", Hostname: "agent1"},
		{ID: "b", UserID: "u1", ImageID: "i2", OperationalStatus: "requested", Server: kasm.SessionServer{}},
		{ID: "c", UserID: "u2", ImageID: "i1", OperationalStatus: "running", Server: kasm.SessionServer{Hostname: "proxy"}},
	}
	ids := func(items []sessionsDataSourceItem) []string {
		var out []string
		for _, item := range items {
			out = append(out, item.ID.ValueString())
		}
		return out
	}
	for _, tt := range []struct {
		user, image string
		want        []string
	}{
		{"", "", []string{"a", "b", "c"}},
		{"u1", "", []string{"a", "b"}},
		{"", "i1", []string{"a", "c"}},
		{"u1", "i1", []string{"a"}},
		{"u3", "", nil},
	} {
		if got := ids(sessionsDataSourceItems(kasms, tt.user, tt.image)); !slices.Equal(got, tt.want) {
			t.Errorf("filter user %q image %q = %v, want %v", tt.user, tt.image, got, tt.want)
		}
	}
	items := sessionsDataSourceItems(kasms, "", "")
	if items[0].Hostname.ValueString() != "agent1" || !items[1].Hostname.IsNull() || items[2].Hostname.ValueString() != "proxy" {
		t.Errorf("hostnames = %s, %s, %s", items[0].Hostname, items[1].Hostname, items[2].Hostname)
	}
}

func TestSessionsDataSourceSchemaHasNoSecrets(t *testing.T) {
	var resp datasource.SchemaResponse
	NewSessionsDataSource().Schema(t.Context(), datasource.SchemaRequest{}, &resp)
	sessions, ok := resp.Schema.Attributes["sessions"].(dsschema.ListNestedAttribute)
	if !ok {
		t.Fatalf("sessions is a %T", resp.Schema.Attributes["sessions"])
	}
	var names []string
	for name, a := range sessions.NestedObject.Attributes {
		names = append(names, name)
		if a.IsSensitive() {
			t.Errorf("attribute %s is sensitive; the data source should carry no secrets", name)
		}
	}
	slices.Sort(names)
	want := []string{"expiration_date", "hostname", "id", "image_id", "image_name", "share_id", "start_date", "status", "user_id", "username"}
	if !slices.Equal(names, want) {
		t.Errorf("session attributes = %v, want %v", names, want)
	}
	for _, name := range names {
		if strings.Contains(name, "token") || strings.Contains(name, "url") {
			t.Errorf("attribute %s looks like a secret", name)
		}
	}
}
