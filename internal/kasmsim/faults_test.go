package kasmsim_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fault       kasmsim.Fault
		wantStatus  int
		wantHeader  string // Retry-After
		wantErr     string // error_message
		wantConnErr bool
		wantApplied bool // whether the create_user went through
	}{
		{name: "500", fault: kasmsim.Fault{Kind: kasmsim.FaultStatus500}, wantStatus: http.StatusInternalServerError},
		{name: "502", fault: kasmsim.Fault{Kind: kasmsim.FaultStatus502}, wantStatus: http.StatusBadGateway},
		{name: "503", fault: kasmsim.Fault{Kind: kasmsim.FaultStatus503}, wantStatus: http.StatusServiceUnavailable},
		{name: "429 with Retry-After", fault: kasmsim.Fault{Kind: kasmsim.Fault429, RetryAfter: 1500 * time.Millisecond}, wantStatus: http.StatusTooManyRequests, wantHeader: "2"},
		{name: "latency", fault: kasmsim.Fault{Kind: kasmsim.FaultLatency, Latency: 20 * time.Millisecond}, wantStatus: http.StatusOK, wantApplied: true},
		{name: "error message", fault: kasmsim.Fault{Kind: kasmsim.FaultErrorMessage, Message: kasmsim.NoResourcesMessage}, wantStatus: http.StatusOK, wantErr: kasmsim.NoResourcesMessage},
		{name: "connection reset", fault: kasmsim.Fault{Kind: kasmsim.FaultConnReset}, wantConnErr: true},
		{name: "lost answer", fault: kasmsim.Fault{Kind: kasmsim.FaultLostAnswer}, wantConnErr: true, wantApplied: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, kasmsim.Options{})
			tt.fault.Times = 1
			h.sim.InjectFault("create_user", tt.fault)

			body, _ := json.Marshal(map[string]any{
				"api_key": h.key, "api_key_secret": h.secret,
				"target_user": map[string]any{"username": "faulty@example.com"},
			})
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.srv.URL+"/api/public/create_user", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			start := time.Now()
			resp, err := h.srv.Client().Do(req)
			if err == nil {
				raw, readErr := io.ReadAll(resp.Body)
				if closeErr := resp.Body.Close(); readErr != nil || closeErr != nil {
					err = errors.Join(readErr, closeErr)
				}
				switch {
				case tt.wantConnErr:
					t.Fatalf("got status %d, want a connection error", resp.StatusCode)
				case resp.StatusCode != tt.wantStatus:
					t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
				case resp.Header.Get("Retry-After") != tt.wantHeader:
					t.Fatalf("Retry-After %q, want %q", resp.Header.Get("Retry-After"), tt.wantHeader)
				}
				var answer map[string]any
				_ = json.Unmarshal(raw, &answer) // Fault pages are HTML.
				if got, _ := answer["error_message"].(string); got != tt.wantErr {
					t.Fatalf("error_message %q, want %q", got, tt.wantErr)
				}
			}
			if (err != nil) != tt.wantConnErr {
				t.Fatalf("request error %v, want a connection error: %v", err, tt.wantConnErr)
			}
			if elapsed := time.Since(start); elapsed < tt.fault.Latency {
				t.Fatalf("answer after %v, want at least %v", elapsed, tt.fault.Latency)
			}
			if _, applied := h.sim.UserByName("faulty@example.com"); applied != tt.wantApplied {
				t.Fatalf("user created = %v, want %v", applied, tt.wantApplied)
			}

			// The fault was for one request only.
			r := h.call("get_user", map[string]any{"target_user": map[string]any{"username": "faulty@example.com"}})
			if tt.wantApplied && r.status != http.StatusOK {
				t.Fatalf("follow-up get_user: %d %s", r.status, r.raw)
			}
			h.ok("create_user", map[string]any{"target_user": map[string]any{"username": "second@example.com"}})
		})
	}
}

func TestFaultTimesAndClear(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})

	h.sim.InjectFault("get_images", kasmsim.Fault{Kind: kasmsim.FaultStatus503, Times: 2})
	for i, want := range []int{503, 503, 200} {
		if r := h.call("get_images", nil); r.status != want {
			t.Fatalf("call %d: status %d, want %d", i, r.status, want)
		}
	}

	h.sim.InjectFault(kasmsim.AnyEndpoint, kasmsim.Fault{Kind: kasmsim.FaultStatus502})
	for _, ep := range []string{"get_images", "get_users", "get_groups"} {
		if r := h.call(ep, nil); r.status != http.StatusBadGateway {
			t.Fatalf("%s: status %d, want 502 from the endpoint-wide fault", ep, r.status)
		}
	}
	h.sim.ClearFaults()
	h.ok("get_images", nil)
}

func TestRequestCounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	h.ok("get_images", nil)
	h.ok("get_images", nil)
	h.callAs("bad", "bad", "get_users", nil)
	h.sim.InjectFault("get_groups", kasmsim.Fault{Kind: kasmsim.FaultStatus500, Times: 1})
	h.call("get_groups", nil)

	if got := h.sim.RequestCount("get_images"); got != 2 {
		t.Fatalf("get_images count %d, want 2", got)
	}
	want := map[string]int{"get_images": 2, "get_users": 1, "get_groups": 1}
	got := h.sim.RequestCounts()
	for ep, n := range want {
		if got[ep] != n {
			t.Fatalf("RequestCounts()[%s] = %d, want %d (all: %v)", ep, got[ep], n, got)
		}
	}
	h.sim.ResetCounts()
	if got := h.sim.RequestCounts(); len(got) != 0 {
		t.Fatalf("counts after reset: %v", got)
	}
}
