package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// instance is a kasmsim started in-process by startRun.
type instance struct {
	env    map[string]string
	cancel context.CancelFunc
	done   chan error
}

// startRun runs the command's main logic with args and waits for its
// connection details.
func startRun(t *testing.T, args ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	inst := &instance{env: map[string]string{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		err := run(ctx, args, pw, io.Discard)
		_ = pw.CloseWithError(errors.New("run returned"))
		inst.done <- err
	}()
	t.Cleanup(func() {
		cancel()
		_ = pr.Close()
	})

	want := 3
	if slices.Contains(args, "-tls") {
		want++ // KASM_CA_CERT.
	}
	lines := bufio.NewScanner(pr)
	for len(inst.env) < want && lines.Scan() {
		key, value, found := strings.Cut(lines.Text(), "=")
		if !found {
			t.Fatalf("unexpected output line %q", lines.Text())
		}
		inst.env[key] = value
	}
	if len(inst.env) < want {
		t.Fatalf("run ended before printing its details: %v", <-inst.done)
	}
	// Keep draining so that nothing the command prints later can block it.
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return inst
}

// stop ends the instance as SIGINT would and returns run's error.
func (i *instance) stop(t *testing.T) {
	t.Helper()
	i.cancel()
	select {
	case err := <-i.done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("run did not return after cancellation")
	}
}

// post calls an API endpoint with the printed credentials.
func (i *instance) post(t *testing.T, client *http.Client, endpoint string, body map[string]any) (int, map[string]any) {
	t.Helper()
	b := map[string]any{"api_key": i.env["KASM_API_KEY"], "api_key_secret": i.env["KASM_API_KEY_SECRET"]}
	for k, v := range body {
		b[k] = v
	}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, i.env["KASM_BASE_URL"]+"/api/public/"+endpoint, strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", endpoint, err)
	}
	var out map[string]any
	derr := json.NewDecoder(resp.Body).Decode(&out)
	if cerr := resp.Body.Close(); derr != nil || cerr != nil {
		t.Fatalf("%s: decode %v, close %v", endpoint, derr, cerr)
	}
	return resp.StatusCode, out
}

func TestRunPrintsDetailsAndPersistsState(t *testing.T) {
	t.Parallel()
	statePath := filepath.Join(t.TempDir(), "state.json")

	first := startRun(t, "-state", statePath, "-api-key", "demo00000001", "-api-key-secret", "demo-secret", "-startup-delay", "1h")
	if !strings.HasPrefix(first.env["KASM_BASE_URL"], "http://127.0.0.1:") || first.env["KASM_API_KEY"] != "demo00000001" ||
		first.env["KASM_API_KEY_SECRET"] != "demo-secret" {
		t.Fatalf("printed %v", first.env)
	}
	status, body := first.post(t, http.DefaultClient, "create_user", map[string]any{"target_user": map[string]any{"username": "persisted@example.com"}})
	if status != http.StatusOK {
		t.Fatalf("create_user: %d %v", status, body)
	}
	userID, _ := body["user"].(map[string]any)["user_id"].(string)
	status, body = first.post(t, http.DefaultClient, "request_kasm", map[string]any{"user_id": userID, "image_id": "b483f0a4fb6546f79064f9b6759758cb"})
	if status != http.StatusOK || body["error_message"] != nil {
		t.Fatalf("request_kasm: %d %v", status, body)
	}
	kasmID, _ := body["kasm_id"].(string)

	// Saved on change, without waiting for the exit.
	deadline := time.Now().Add(5 * time.Second)
	for {
		data, err := os.ReadFile(filepath.Clean(statePath))
		if err == nil && strings.Contains(string(data), "persisted@example.com") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("state not saved after a change (%v)", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	first.stop(t)
	info, err := os.Stat(statePath)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("state file mode %v, want 0600", perm)
	}

	// The restart keeps the users, the session (still starting: the
	// -startup-delay is measured from the session's creation) and the key.
	second := startRun(t, "-state", statePath, "-startup-delay", "1h")
	if second.env["KASM_API_KEY"] != "demo00000001" {
		t.Fatalf("admin key not restored: %v", second.env)
	}
	status, body = second.post(t, http.DefaultClient, "get_user", map[string]any{"target_user": map[string]any{"username": "persisted@example.com"}})
	if status != http.StatusOK {
		t.Fatalf("get_user after restart: %d %v", status, body)
	}
	status, body = second.post(t, http.DefaultClient, "get_kasm_status", map[string]any{"user_id": userID, "kasm_id": kasmID})
	if status != http.StatusOK || body["error_message"] != "This session is currently starting." {
		t.Fatalf("get_kasm_status after restart: %d %v", status, body)
	}
	second.stop(t)
}

func TestRunTLS(t *testing.T) {
	t.Parallel()
	certPath := filepath.Join(t.TempDir(), "ca.pem")
	inst := startRun(t, "-tls", "-tls-cert-out", certPath, "-control")
	if !strings.HasPrefix(inst.env["KASM_BASE_URL"], "https://127.0.0.1:") {
		t.Fatalf("base URL %q", inst.env["KASM_BASE_URL"])
	}
	pemBytes, err := os.ReadFile(filepath.Clean(certPath))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("no certificate in %s", certPath)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	status, body := inst.post(t, client, "get_images", nil)
	if images, _ := body["images"].([]any); status != http.StatusOK || len(images) < 5 {
		t.Fatalf("get_images over TLS: %d %v", status, body)
	}

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, inst.env["KASM_BASE_URL"]+"/__sim/counts", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("-control did not enable /__sim/: %d", resp.StatusCode)
	}

	// An untrusting client is refused.
	req, err = http.NewRequestWithContext(t.Context(), http.MethodGet, inst.env["KASM_BASE_URL"]+"/api/__healthcheck", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatalf("a client without the certificate connected")
	}
	inst.stop(t)
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "defaults", args: nil},
		{name: "localhost", args: []string{"-addr", "localhost:0"}},
		{name: "IPv6 loopback", args: []string{"-addr", "[::1]:0"}},
		{name: "all interfaces", args: []string{"-addr", ":8080"}, wantErr: "not a loopback address"},
		{name: "remote address", args: []string{"-addr", "10.1.2.3:0"}, wantErr: "not a loopback address"},
		{name: "remote allowed", args: []string{"-addr", "0.0.0.0:0", "-allow-remote"}},
		{name: "key without secret", args: []string{"-api-key", "x"}, wantErr: "go together"},
		{name: "stray argument", args: []string{"serve"}, wantErr: "unexpected arguments"},
		{name: "unknown flag", args: []string{"-nope"}, wantErr: "parse flags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseFlags(tt.args, io.Discard)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("parseFlags(%q) = %v, want error containing %q", tt.args, err, tt.wantErr)
			}
		})
	}

	cfg, err := parseFlags([]string{"-autoscale", "-startup-delay", "2s", "-latency", "5ms", "-session-limit", "5"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	opts := cfg.options()
	if !opts.Autoscale || opts.SessionTiming.Requested != 2*time.Second || opts.SessionTiming.Starting != 2*time.Second ||
		opts.Latency != 5*time.Millisecond || opts.ConcurrentSessionLimit != 5 {
		t.Fatalf("options %+v", opts)
	}
}

func TestRunRejectsCorruptState(t *testing.T) {
	t.Parallel()
	statePath := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(statePath, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(t.Context(), []string{"-state", statePath}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "restore") {
		t.Fatalf("run with a corrupt state: %v", err)
	}
}
