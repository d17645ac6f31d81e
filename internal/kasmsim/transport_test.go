package kasmsim_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func TestTransport(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	creds := `{"api_key": "` + h.key + `", "api_key_secret": "` + h.secret + `"}`

	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		chunked     bool
		wantStatus  int
		wantBody    string
	}{
		{
			name: "valid call", method: http.MethodPost, path: "/api/public/get_images",
			contentType: "application/json", body: creds, wantStatus: http.StatusOK,
		},
		{
			name: "content type with charset", method: http.MethodPost, path: "/api/public/get_images",
			contentType: "application/json; charset=utf-8", body: creds, wantStatus: http.StatusOK,
		},
		{
			name: "wrong content type", method: http.MethodPost, path: "/api/public/get_images",
			contentType: "text/plain", body: creds, wantStatus: http.StatusUnsupportedMediaType,
			wantBody: "An error has occurred 415 Unsupported Media Type - see logs for details",
		},
		{
			name: "missing content type", method: http.MethodPost, path: "/api/public/get_images",
			body: creds, wantStatus: http.StatusUnsupportedMediaType,
			wantBody: "An error has occurred 415 Unsupported Media Type - see logs for details",
		},
		{
			name: "chunked body", method: http.MethodPost, path: "/api/public/get_images",
			contentType: "application/json", body: creds, chunked: true, wantStatus: http.StatusLengthRequired,
			wantBody: "An error has occurred 411 Length Required - see logs for details",
		},
		{
			name: "malformed JSON", method: http.MethodPost, path: "/api/public/get_images",
			contentType: "application/json", body: `{"api_key": `, wantStatus: http.StatusBadRequest,
			wantBody: "An error has occurred 400 Bad Request - see logs for details",
		},
		{
			name: "trailing garbage", method: http.MethodPost, path: "/api/public/get_images",
			contentType: "application/json", body: creds + `}`, wantStatus: http.StatusBadRequest,
			wantBody: "An error has occurred 400 Bad Request - see logs for details",
		},
		{
			name: "GET", method: http.MethodGet, path: "/api/public/get_images",
			wantStatus: http.StatusInternalServerError, wantBody: htmlPage,
		},
		{
			name: "empty POST body", method: http.MethodPost, path: "/api/public/get_images",
			contentType: "application/json", wantStatus: http.StatusInternalServerError, wantBody: htmlPage,
		},
		{
			name: "JSON array", method: http.MethodPost, path: "/api/public/get_images",
			contentType: "application/json", body: `[]`, wantStatus: http.StatusInternalServerError, wantBody: htmlPage,
		},
		{
			name: "JSON string", method: http.MethodPost, path: "/api/public/get_images",
			contentType: "application/json", body: `"x"`, wantStatus: http.StatusInternalServerError, wantBody: htmlPage,
		},
		{
			name: "unknown endpoint", method: http.MethodPost, path: "/api/public/update_attributes",
			contentType: "application/json", body: creds, wantStatus: http.StatusNotFound,
			wantBody: "An error has occurred 404 Not Found - see logs for details",
		},
		{
			name: "outside the API", method: http.MethodGet, path: "/index.html",
			wantStatus: http.StatusNotFound, wantBody: "An error has occurred 404 Not Found - see logs for details",
		},
		{
			name: "health check", method: http.MethodGet, path: "/api/__healthcheck",
			wantStatus: http.StatusOK, wantBody: `{"ok": true}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequestWithContext(t.Context(), tt.method, h.srv.URL+tt.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.chunked {
				req.ContentLength = -1
				req.Body = io.NopCloser(bytes.NewBufferString(tt.body))
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			r := h.do(req)
			if r.status != tt.wantStatus {
				t.Fatalf("status %d, want %d (body %q)", r.status, tt.wantStatus, r.raw)
			}
			if tt.wantBody != "" && r.raw != tt.wantBody {
				t.Fatalf("body %q, want %q", r.raw, tt.wantBody)
			}
		})
	}
}

const htmlPage = "<html><body>An unhandled exception occurred check logs for details<body><html>"

func TestHeaderCredentials(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{})
	limitedKey, limitedSecret := h.restrictedKey("images only", kasmsim.PermImagesView)

	tests := []struct {
		name       string
		headerKey  string
		headerSec  string
		bodyKey    string
		bodySecret string
		wantStatus int
	}{
		{name: "headers only", headerKey: h.key, headerSec: h.secret, wantStatus: http.StatusOK},
		{name: "header wins over a wrong body", headerKey: h.key, headerSec: h.secret, bodyKey: "nope", bodySecret: "nope", wantStatus: http.StatusOK},
		{name: "wrong header wins over a right body", headerKey: "unknownkey12", headerSec: "x", bodyKey: h.key, bodySecret: h.secret, wantStatus: http.StatusForbidden},
		{name: "header key, body secret", headerKey: limitedKey, bodySecret: limitedSecret, wantStatus: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := `{}`
			if tt.bodyKey != "" || tt.bodySecret != "" {
				body = `{"api_key": "` + tt.bodyKey + `", "api_key_secret": "` + tt.bodySecret + `"}`
			}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.srv.URL+"/api/public/get_images", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if tt.headerKey != "" {
				req.Header.Set("api-key", tt.headerKey)
			}
			if tt.headerSec != "" {
				req.Header.Set("api-key-secret", tt.headerSec)
			}
			if r := h.do(req); r.status != tt.wantStatus {
				t.Fatalf("status %d, want %d (%s)", r.status, tt.wantStatus, r.raw)
			}
		})
	}
}

func TestLatencyOption(t *testing.T) {
	t.Parallel()
	h := newHarness(t, kasmsim.Options{Latency: 50 * time.Millisecond})
	start := time.Now()
	h.ok("get_images", nil)
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond {
		t.Fatalf("answer took %v, want at least 50ms", elapsed)
	}
}
