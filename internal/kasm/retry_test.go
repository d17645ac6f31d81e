package kasm

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// failFirst answers the first n requests of every endpoint with fail and the rest with ok.
func failFirst(n int, fail func(w http.ResponseWriter, req recordedRequest), ok string) func(http.ResponseWriter, recordedRequest) {
	return func(w http.ResponseWriter, req recordedRequest) {
		if req.Attempted <= n {
			fail(w, req)
			return
		}
		reply(w, http.StatusOK, ok)
	}
}

func status(code int, headers ...string) func(http.ResponseWriter, recordedRequest) {
	return func(w http.ResponseWriter, _ recordedRequest) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		replyText(w, code, "text/html", "<html><body>upstream trouble</body></html>")
	}
}

func TestReadsRetriedOnTransientFailures(t *testing.T) {
	cases := []struct {
		name string
		fail func(http.ResponseWriter, recordedRequest)
	}{
		{"429", status(http.StatusTooManyRequests)},
		{"500", status(http.StatusInternalServerError)},
		{"502", status(http.StatusBadGateway)},
		{"503", status(http.StatusServiceUnavailable)},
		{"504", status(http.StatusGatewayTimeout)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, failFirst(3, tc.fail, `{"images": [{"image_id": "`+tImage+`"}]}`))
			c, sleeper := newTestClient(t, srv.URL)
			images, err := c.GetImages(t.Context())
			if err != nil || len(images) != 1 || images[0].ID != tImage {
				t.Fatalf("GetImages = %v, %v", images, err)
			}
			if n := srv.count("get_images"); n != 4 {
				t.Errorf("%d requests, want 4", n)
			}
			waits := sleeper.recorded()
			if len(waits) != 3 {
				t.Fatalf("waits = %v", waits)
			}
			for i, w := range waits {
				ceiling := min(DefaultMinRetryWait<<i, DefaultMaxRetryWait)
				if w < DefaultMinRetryWait || w > ceiling {
					t.Errorf("wait %d = %v, want within [%v, %v]", i, w, DefaultMinRetryWait, ceiling)
				}
			}
		})
	}
}

func TestReadRetriedOnConnectionDrop(t *testing.T) {
	srv := newFakeServer(t, failFirst(2, func(w http.ResponseWriter, _ recordedRequest) { dropConnection(t, w) }, `{"groups": []}`))
	c, sleeper := newTestClient(t, srv.URL)
	if _, err := c.GetGroups(t.Context()); err != nil {
		t.Fatalf("GetGroups: %v", err)
	}
	if n := srv.count("get_groups"); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if len(sleeper.recorded()) != 2 {
		t.Errorf("waits = %v", sleeper.recorded())
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	fixedNow := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{"seconds", "3", 3 * time.Second},
		{"zero", "0", 0},
		{"capped at RetryWaitMax", "120", DefaultMaxRetryWait},
		{"http date", fixedNow.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second},
		{"http date in the past", fixedNow.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, failFirst(1, status(http.StatusTooManyRequests, "Retry-After", tc.value), `{"kasms": []}`))
			c, sleeper := newTestClient(t, srv.URL)
			c.now = func() time.Time { return fixedNow }
			if _, err := c.GetKasms(t.Context()); err != nil {
				t.Fatalf("GetKasms: %v", err)
			}
			if waits := sleeper.recorded(); len(waits) != 1 || waits[0] != tc.want {
				t.Errorf("waits = %v, want [%v]", waits, tc.want)
			}
		})
	}
}

func TestRetryWaitBounds(t *testing.T) {
	c, _ := newTestClient(t, "https://kasm.example.com", func(cfg *Config) {
		cfg.RetryWaitMin = 100 * time.Millisecond
		cfg.RetryWaitMax = time.Second
	})
	for _, tc := range []struct {
		attempt  int
		low, top time.Duration
	}{
		{1, 100 * time.Millisecond, 100 * time.Millisecond},
		{2, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 100 * time.Millisecond, 400 * time.Millisecond},
		{5, 100 * time.Millisecond, time.Second},
		{60, 100 * time.Millisecond, time.Second},
	} {
		c.jitter = func(int64) int64 { return 0 }
		if got := c.retryWait(tc.attempt, http.Header{}); got != tc.low {
			t.Errorf("attempt %d, least jitter: %v, want %v", tc.attempt, got, tc.low)
		}
		c.jitter = func(n int64) int64 { return n - 1 }
		if got := c.retryWait(tc.attempt, http.Header{}); got != tc.top {
			t.Errorf("attempt %d, most jitter: %v, want %v", tc.attempt, got, tc.top)
		}
	}
	// The default jitter stays within bounds too.
	c.jitter = nil
	fresh, _ := newTestClient(t, "https://kasm.example.com")
	for range 200 {
		if got := fresh.retryWait(4, http.Header{}); got < DefaultMinRetryWait || got > 2*time.Second {
			t.Fatalf("retryWait(4) = %v", got)
		}
	}
}

func TestAttemptsCapRespected(t *testing.T) {
	for _, retries := range []int{0, 1, 3} {
		srv := newFakeServer(t, status(http.StatusBadGateway))
		c, sleeper := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = retries })
		_, err := c.GetUsers(t.Context(), GetUsersOptions{})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway {
			t.Errorf("MaxRetries %d: error = %v", retries, err)
		}
		if n := srv.count("get_users"); n != retries+1 {
			t.Errorf("MaxRetries %d: %d requests, want %d", retries, n, retries+1)
		}
		if len(sleeper.recorded()) != retries {
			t.Errorf("MaxRetries %d: waits = %v", retries, sleeper.recorded())
		}
	}
}

func TestNeverResentOnceReached(t *testing.T) {
	cases := []struct {
		name     string
		fail     func(t *testing.T) func(http.ResponseWriter, recordedRequest)
		wantHTTP int
	}{
		{"connection dropped", func(t *testing.T) func(http.ResponseWriter, recordedRequest) {
			return func(w http.ResponseWriter, _ recordedRequest) { dropConnection(t, w) }
		}, 0},
		{"502", func(*testing.T) func(http.ResponseWriter, recordedRequest) { return status(502) }, 502},
		{"500", func(*testing.T) func(http.ResponseWriter, recordedRequest) { return status(500) }, 500},
		{"503 without Retry-After", func(*testing.T) func(http.ResponseWriter, recordedRequest) { return status(503) }, 503},
		{"504", func(*testing.T) func(http.ResponseWriter, recordedRequest) { return status(504) }, 504},
	}
	for _, endpoint := range []string{"create_user", "create_group", "request_kasm", "join_kasm", "get_login"} {
		for _, tc := range cases {
			t.Run(endpoint+"/"+tc.name, func(t *testing.T) {
				srv := newFakeServer(t, tc.fail(t))
				c, sleeper := newTestClient(t, srv.URL)
				err := methodCalls[endpoint](t.Context(), c)
				if !errors.Is(err, ErrOutcomeUnknown) {
					t.Fatalf("error = %v, want ErrOutcomeUnknown", err)
				}
				if !strings.Contains(err.Error(), "may have been applied") {
					t.Errorf("error text %q does not warn that the request may have been applied", err)
				}
				var apiErr *APIError
				if tc.wantHTTP != 0 && (!errors.As(err, &apiErr) || apiErr.StatusCode != tc.wantHTTP) {
					t.Errorf("cause not kept: %v", err)
				}
				if n := srv.count(endpoint); n != 1 {
					t.Errorf("%s sent %d times, want once", endpoint, n)
				}
				if len(sleeper.recorded()) != 0 {
					t.Errorf("waited %v before giving up", sleeper.recorded())
				}
			})
		}
	}
}

func TestNeverResendEndpointRetriedAfterRefusal(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(http.ResponseWriter, recordedRequest)
	}{
		{"429", status(http.StatusTooManyRequests)},
		{"429 with Retry-After", status(http.StatusTooManyRequests, "Retry-After", "1")},
		{"503 with Retry-After", status(http.StatusServiceUnavailable, "Retry-After", "2")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, failFirst(1, tc.fail, `{"user": {"user_id": "`+tUser+`", "username": "bob"}}`))
			c, _ := newTestClient(t, srv.URL)
			user, err := c.CreateUser(t.Context(), CreateUserRequest{Username: "bob"})
			if err != nil || user.ID != tUser {
				t.Fatalf("CreateUser = %v, %v", user, err)
			}
			if n := srv.count("create_user"); n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
		})
	}

	// Refusals to the end: the outcome is known (nothing happened), so no ErrOutcomeUnknown.
	srv := newFakeServer(t, status(http.StatusTooManyRequests, "Retry-After", "1"))
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c.CreateUser(t.Context(), CreateUserRequest{Username: "bob"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("error = %v, want the 429 APIError without ErrOutcomeUnknown", err)
	}
	if n := srv.count("create_user"); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// flakyDialer fails the first n dials with "connection refused", proving the request never
// left, then dials normally.
type flakyDialer struct {
	failures atomic.Int32
	dials    atomic.Int32
}

func (d *flakyDialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.dials.Add(1)
	if d.failures.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}
	var dialer net.Dialer
	return dialer.DialContext(ctx, network, addr)
}

func TestNeverResendEndpointRetriedAfterDialFailure(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) {
		reply(w, 200, `{"url": "https://kasm.example.com/#/connect/login/dash/x/y"}`)
	})
	dialer := &flakyDialer{}
	dialer.failures.Store(2)
	transport := &http.Transport{DialContext: dialer.dial}
	t.Cleanup(transport.CloseIdleConnections)
	c, sleeper := newTestClient(t, srv.URL, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: transport} })

	if _, err := c.GetLogin(t.Context(), tUser); err != nil {
		t.Fatalf("GetLogin: %v", err)
	}
	if n := srv.count("get_login"); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
	if n := dialer.dials.Load(); n != 3 {
		t.Errorf("%d dials, want 3", n)
	}
	if len(sleeper.recorded()) != 2 {
		t.Errorf("waits = %v", sleeper.recorded())
	}
}

func TestConnectionRefusedEverywhere(t *testing.T) {
	var lc net.ListenConfig
	l, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()

	c, sleeper := newTestClient(t, "http://"+addr, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err = c.CreateGroup(t.Context(), CreateGroupRequest{Name: "devs", Priority: 5})
	if err == nil || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("error = %v, want a connection error without ErrOutcomeUnknown", err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error = %v, want it to wrap ECONNREFUSED", err)
	}
	if len(sleeper.recorded()) != 2 {
		t.Errorf("waits = %v, want 2 (every attempt refused)", sleeper.recorded())
	}
}

func TestIdempotentWritesTakeRepeatAnswerAsSuccess(t *testing.T) {
	cases := []struct {
		endpoint string
		repeat   string
		status   int
	}{
		{"add_user_group", "User (" + tUser + ") is already a member of group (" + tGroup + ")", 400},
		{"remove_user_group", "User (" + tUser + ") is not a member of group (" + tGroup + ")", 400},
		{"add_images_group", "Image (" + tImage + ") is already assigned to group (" + tGroup + ")", 200},
		{"remove_images_group", "Image (" + tImage + ") is not assigned to group (" + tGroup + ")", 200},
		{"delete_user", "Unknown user (" + tUser + ")", 400},
		{"destroy_kasm", "Invalid kasm_id (" + tKasm + ")", 400},
		{"delete_group", "Group " + tGroup + " does not exist", 200},
	}
	lostAnswers := []struct {
		name string
		fail func(t *testing.T) func(http.ResponseWriter, recordedRequest)
	}{
		{"connection dropped", func(t *testing.T) func(http.ResponseWriter, recordedRequest) {
			return func(w http.ResponseWriter, _ recordedRequest) { dropConnection(t, w) }
		}},
		{"502", func(*testing.T) func(http.ResponseWriter, recordedRequest) { return status(502) }},
	}
	for _, tc := range cases {
		for _, lost := range lostAnswers {
			t.Run(tc.endpoint+"/"+lost.name, func(t *testing.T) {
				srv := newFakeServer(t, func(w http.ResponseWriter, req recordedRequest) {
					if req.Attempted == 1 {
						lost.fail(t)(w, req)
						return
					}
					reply(w, tc.status, errorBody(tc.repeat))
				})
				c, _ := newTestClient(t, srv.URL)
				if err := methodCalls[tc.endpoint](t.Context(), c); err != nil {
					t.Errorf("error = %v, want success: the repeat answer follows a lost answer", err)
				}
				if n := srv.count(tc.endpoint); n != 2 {
					t.Errorf("%d requests, want 2", n)
				}
			})
		}

		t.Run(tc.endpoint+"/first attempt", func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) { reply(w, tc.status, errorBody(tc.repeat)) })
			c, _ := newTestClient(t, srv.URL)
			err := methodCalls[tc.endpoint](t.Context(), c)
			if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("error = %v, want ErrNotFound or ErrAlreadyExists on a first attempt", err)
			}
		})

		t.Run(tc.endpoint+"/after a refusal", func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, req recordedRequest) {
				if req.Attempted == 1 {
					status(http.StatusTooManyRequests)(w, req)
					return
				}
				reply(w, tc.status, errorBody(tc.repeat))
			})
			c, _ := newTestClient(t, srv.URL)
			if err := methodCalls[tc.endpoint](t.Context(), c); err == nil {
				t.Errorf("a refused first attempt changed nothing, so the answer must stay an error")
			}
		})
	}
}

func TestIdempotentWritesRetried(t *testing.T) {
	for _, endpoint := range []string{
		"update_user", "update_user_attributes", "update_group", "keepalive", "logout_user",
	} {
		t.Run(endpoint, func(t *testing.T) {
			ok := map[string]string{
				"update_user":  `{"user": {"user_id": "` + tUser + `", "username": "bob"}}`,
				"update_group": `{"group": {"group_id": "` + tGroup + `", "name": "devs"}}`,
				"keepalive":    `{"usage_reached": false}`,
			}[endpoint]
			if ok == "" {
				ok = `{}`
			}
			srv := newFakeServer(t, failFirst(1, func(w http.ResponseWriter, _ recordedRequest) { dropConnection(t, w) }, ok))
			c, _ := newTestClient(t, srv.URL)
			if err := methodCalls[endpoint](t.Context(), c); err != nil {
				t.Fatalf("error = %v", err)
			}
			if n := srv.count(endpoint); n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
		})
	}
}

func TestContextCancellationStopsWaiting(t *testing.T) {
	srv := newFakeServer(t, status(http.StatusServiceUnavailable, "Retry-After", "3600"))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	logger := &recordingLogger{onWarn: cancel}
	c, err := NewClient(Config{
		BaseURL: srv.URL, APIKey: testAPIKey, APIKeySecret: testAPISecret,
		MaxRetries: 3, RetryWaitMax: time.Hour, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	_, err = c.GetImages(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("returned after %v; cancellation must stop the wait at once", elapsed)
	}
	if n := srv.count("get_images"); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestContextCancelledBeforeSending(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) { reply(w, 200, `{}`) })
	c, _ := newTestClient(t, srv.URL)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.CreateUser(ctx, CreateUserRequest{Username: "bob"})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("error = %v, want context.Canceled only: nothing was sent", err)
	}
	if srv.count("create_user") != 0 {
		t.Errorf("a request was sent with a cancelled context")
	}
}

func TestContextCancelledInFlight(t *testing.T) {
	for _, tc := range []struct {
		endpoint    string
		wantUnknown bool
	}{{"request_kasm", true}, {"get_kasms", false}} {
		ctx, cancel := context.WithCancel(t.Context())
		// The server cancels the caller's context once it holds the request, then waits for
		// the client to hang up: the request has certainly reached it.
		srv := newFakeServer(t, func(_ http.ResponseWriter, req recordedRequest) {
			cancel()
			<-req.Context.Done()
		})
		c, sleeper := newTestClient(t, srv.URL)
		err := methodCalls[tc.endpoint](ctx, c)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: error = %v, want context.Canceled", tc.endpoint, err)
		}
		if errors.Is(err, ErrOutcomeUnknown) != tc.wantUnknown {
			t.Errorf("%s: errors.Is(err, ErrOutcomeUnknown) = %v", tc.endpoint, !tc.wantUnknown)
		}
		if n := srv.count(tc.endpoint); n != 1 || len(sleeper.recorded()) != 0 {
			t.Errorf("%s: %d requests, waits %v; want 1 request and no retry", tc.endpoint, n, sleeper.recorded())
		}
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, req recordedRequest) {
		if req.Attempted == 1 {
			// Hold the first answer until the client gives up on it.
			<-req.Context.Done()
			return
		}
		reply(w, 200, `{"users": [], "total": 0}`)
	})
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RequestTimeout = 100 * time.Millisecond })

	if _, err := c.GetUsers(t.Context(), GetUsersOptions{}); err != nil {
		t.Fatalf("GetUsers: %v", err)
	}
	if n := srv.count("get_users"); n != 2 {
		t.Errorf("%d requests, want 2 (the first timed out)", n)
	}

	_, err := c.CreateUser(t.Context(), CreateUserRequest{Username: "bob"})
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("CreateUser after a timeout = %v, want ErrOutcomeUnknown wrapping the deadline", err)
	}
	if n := srv.count("create_user"); n != 1 {
		t.Errorf("create_user sent %d times", n)
	}
}
