package kasm

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults applied by NewClient to zero Config fields.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultMinRetryWait   = 250 * time.Millisecond
	DefaultMaxRetryWait   = 10 * time.Second
	DefaultUserAgent      = "terraform-provider-kasm"

	// DefaultMaxRetries is the number of re-sends callers are advised to configure. The zero
	// value of Config.MaxRetries means no retries, so callers set this explicitly.
	DefaultMaxRetries = 4
)

// maxResponseBytes bounds how much of an answer the client reads. Kasm's largest answers
// (a page of users with their sessions, the image list) are far below it.
const maxResponseBytes = 32 << 20

// Config configures a Client.
type Config struct {
	// BaseURL is the Kasm web root, such as "https://kasm.example.com" or
	// "https://example.com/kasm"; a trailing slash is optional. See ParseBaseURL.
	BaseURL string
	// APIKey and APIKeySecret are the developer API credentials, sent in every request body.
	APIKey       string
	APIKeySecret string
	// InsecureSkipVerify turns off TLS certificate verification. Opt-in, for test servers.
	InsecureSkipVerify bool
	// CACertPEM is an optional PEM bundle of CA certificates trusted in addition to the
	// system roots.
	CACertPEM string
	// RequestTimeout bounds each attempt (not the whole call with its retries). Default 30s.
	RequestTimeout time.Duration
	// MaxRetries is how many times a failed request may be sent again after the first
	// attempt, when its endpoint's retry class allows it. 0 means no retries (see
	// DefaultMaxRetries); negative values are rejected.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the wait between attempts. Defaults 250ms and 10s.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// UserAgent is sent on every request. Default "terraform-provider-kasm".
	UserAgent string
	// HTTPClient replaces the client's own HTTP client. InsecureSkipVerify and CACertPEM are
	// not applied to it, and its redirect policy is kept.
	HTTPClient *http.Client
	// Logger receives one line per attempt; nil means no logging.
	Logger Logger
}

// Logger receives the client's log lines with structured fields. The fields never carry
// request or response bodies, credentials, passwords, tokens or URLs that embed tokens.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// Client calls the Kasm developer API. It is safe for concurrent use.
type Client struct {
	baseURL        *url.URL
	apiKey         string
	apiKeySecret   string
	userAgent      string
	httpClient     *http.Client
	logger         Logger
	requestTimeout time.Duration
	maxRetries     int
	retryWaitMin   time.Duration
	retryWaitMax   time.Duration

	// Replaceable in tests so that retries need no real waiting.
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(n int64) int64
	now    func() time.Time
}

// NewClient validates cfg and returns a Client.
func NewClient(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, fmt.Errorf("%w: the API key is empty", ErrInvalidArgument)
	}
	if strings.TrimSpace(cfg.APIKeySecret) == "" {
		return nil, fmt.Errorf("%w: the API key secret is empty", ErrInvalidArgument)
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("%w: max retries must not be negative, got %d", ErrInvalidArgument, cfg.MaxRetries)
	}
	if cfg.RequestTimeout < 0 || cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0 {
		return nil, fmt.Errorf("%w: request timeout and retry waits must not be negative", ErrInvalidArgument)
	}

	c := &Client{
		baseURL:        base,
		apiKey:         cfg.APIKey,
		apiKeySecret:   cfg.APIKeySecret,
		userAgent:      valueOr(cfg.UserAgent, DefaultUserAgent),
		httpClient:     cfg.HTTPClient,
		logger:         cfg.Logger,
		requestTimeout: valueOr(cfg.RequestTimeout, DefaultRequestTimeout),
		maxRetries:     cfg.MaxRetries,
		retryWaitMin:   valueOr(cfg.RetryWaitMin, DefaultMinRetryWait),
		retryWaitMax:   valueOr(cfg.RetryWaitMax, DefaultMaxRetryWait),
		sleep:          sleepContext,
		jitter:         rand.Int64N, // Backoff jitter needs no cryptographic randomness.
		now:            time.Now,
	}
	if c.retryWaitMax < c.retryWaitMin {
		c.retryWaitMax = c.retryWaitMin
	}
	if c.logger == nil {
		c.logger = nopLogger{}
	}
	if c.httpClient == nil {
		c.httpClient, err = newHTTPClient(cfg.InsecureSkipVerify, cfg.CACertPEM)
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

func valueOr[T comparable](v, fallback T) T {
	var zero T
	if v == zero {
		return fallback
	}
	return v
}

// newHTTPClient builds the default HTTP client: system roots plus the optional bundle, no
// redirects (a redirected POST turns into a GET, which Kasm answers with a confusing 500).
func newHTTPClient(insecure bool, caCertPEM string) (*http.Client, error) {
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if insecure {
		tlsConfig.InsecureSkipVerify = true // An explicit opt-in by the user, for test servers.
	}
	if strings.TrimSpace(caCertPEM) != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if err := appendPEMCertificates(pool, []byte(caCertPEM)); err != nil {
			return nil, err
		}
		tlsConfig.RootCAs = pool
	}
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, errors.New("kasm: http.DefaultTransport is not an *http.Transport")
	}
	transport := base.Clone()
	transport.TLSClientConfig = tlsConfig
	return &http.Client{
		Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

// appendPEMCertificates adds every certificate of a PEM bundle to pool, failing on anything
// that is not a parseable certificate so that a damaged bundle is noticed at configuration
// time instead of as a verification error later.
func appendPEMCertificates(pool *x509.CertPool, data []byte) error {
	count := 0
	for block := 1; ; block++ {
		var p *pem.Block
		p, data = pem.Decode(data)
		if p == nil {
			break
		}
		if p.Type != "CERTIFICATE" {
			return fmt.Errorf("%w: CA certificate bundle: PEM block %d is a %q block, not a CERTIFICATE",
				ErrInvalidArgument, block, p.Type)
		}
		cert, err := x509.ParseCertificate(p.Bytes)
		if err != nil {
			return fmt.Errorf("%w: CA certificate bundle: PEM block %d: %w", ErrInvalidArgument, block, err)
		}
		pool.AddCert(cert)
		count++
	}
	if count == 0 {
		return fmt.Errorf("%w: CA certificate bundle contains no PEM-encoded certificate", ErrInvalidArgument)
	}
	return nil
}

// ParseBaseURL checks that raw is the Kasm web root, an absolute http or https URL with a
// host, and returns it without a trailing slash. A URL that points at the API itself (a path
// ending in /api or /api/public, or anything below /api/public) is rejected with a hint to
// give the web root instead. URLs with credentials, a query or a fragment are rejected too.
func ParseBaseURL(raw string) (*url.URL, error) {
	trimmed := strings.TrimSpace(raw)
	if trimmed == "" {
		return nil, fmt.Errorf("%w: the Kasm base URL is empty; give the Kasm web root, "+
			`for example "https://kasm.example.com"`, ErrInvalidArgument)
	}
	u, err := url.Parse(trimmed)
	if err != nil {
		return nil, fmt.Errorf("%w: the Kasm base URL is not a valid URL; give the Kasm web root, "+
			`for example "https://kasm.example.com"`, ErrInvalidArgument)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return nil, fmt.Errorf("%w: the Kasm base URL must start with https:// or http://, "+
			`for example "https://kasm.example.com"`, ErrInvalidArgument)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("%w: the Kasm base URL has no host; give the Kasm web root, "+
			`for example "https://kasm.example.com"`, ErrInvalidArgument)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w: the Kasm base URL must not contain credentials; "+
			"set the API key and secret separately", ErrInvalidArgument)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(trimmed, "#") {
		return nil, fmt.Errorf("%w: the Kasm base URL must not contain a query or a fragment; "+
			`give the Kasm web root, for example "https://kasm.example.com"`, ErrInvalidArgument)
	}

	path := strings.TrimRight(u.Path, "/")
	if root, isAPI := cutAPIPath(path); isAPI {
		suggestion := url.URL{Scheme: scheme, Host: u.Host, Path: root}
		return nil, fmt.Errorf("%w: the Kasm base URL points at the API (%q); give the Kasm web root "+
			"instead, for example %q: the client adds /api/public/<endpoint> itself",
			ErrInvalidArgument, u.Path, suggestion.String())
	}

	return &url.URL{Scheme: scheme, Host: u.Host, Path: path}, nil
}

// cutAPIPath reports whether path is (or is inside) Kasm's API path and returns the web root
// in front of it.
func cutAPIPath(path string) (root string, isAPI bool) {
	lower := strings.ToLower(path)
	if i := strings.Index(lower+"/", "/api/public/"); i >= 0 {
		return path[:i], true
	}
	if strings.HasSuffix(lower, "/api") {
		return path[:len(path)-len("/api")], true
	}
	return "", false
}

// BaseURL returns a copy of the Kasm web root the client talks to.
func (c *Client) BaseURL() *url.URL {
	u := *c.baseURL
	return &u
}

// AbsoluteURL turns a path Kasm returns for the browser (such as a kasm_url,
// "/#/connect/kasm/...") into an absolute URL under the web root. An absolute http or https
// URL (such as get_login's) is returned unchanged.
func (c *Client) AbsoluteURL(path string) string {
	lower := strings.ToLower(path)
	if strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") {
		return path
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return c.baseURL.String() + path
}

func (c *Client) endpointURL(endpoint string) string {
	return c.baseURL.JoinPath("api", "public", endpoint).String()
}

// callOptions tunes one call.
type callOptions struct {
	classify classifyOptions
	// secrets are request values (passwords, keys) removed from any error text built from
	// the answer, in case a server or proxy echoes them.
	secrets []string
}

// call sends payload to endpoint with the credentials added, applying the endpoint's retry
// class, and returns the decoded answer object. On an error answer that carries a JSON object
// the object is returned too, so that callers can use success fields sent alongside an
// error_message.
func (c *Client) call(ctx context.Context, endpoint string, payload any, opts callOptions) (fields, error) {
	spec, ok := endpointTable[endpoint]
	if !ok {
		return nil, fmt.Errorf("kasm: %s: endpoint missing from the retry table", endpoint)
	}
	body, err := c.encodeBody(payload)
	if err != nil {
		return nil, fmt.Errorf("kasm: %s: encoding the request: %w", endpoint, err)
	}
	target := c.endpointURL(endpoint)

	// mayHaveApplied records whether an earlier attempt may have reached Kasm and changed
	// something, which is what lets an idempotent write take a repeat answer as success.
	mayHaveApplied := false
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, c.contextError(endpoint, spec, mayHaveApplied, err)
		}
		res := c.attempt(ctx, endpoint, target, body, attempt)

		var retryErr error // the error to return if no attempt is left
		refused := false   // the server provably did not act on the request
		switch {
		case res.err != nil:
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, c.contextError(endpoint, spec, mayHaveApplied || res.sent, ctxErr)
			}
			failure := fmt.Errorf("kasm: %s: %w", endpoint, res.err)
			if res.permanent {
				return nil, failure
			}
			if spec.class == RetryNever && res.sent {
				return nil, outcomeUnknown(endpoint, failure)
			}
			retryErr, refused = failure, !res.sent

		case isRefusal(res):
			retryErr, refused = c.apiError(endpoint, res, opts), true

		case res.status >= http.StatusInternalServerError:
			apiErr := c.apiError(endpoint, res, opts)
			if spec.class == RetryNever {
				return nil, outcomeUnknown(endpoint, apiErr)
			}
			retryErr = apiErr

		default:
			return c.finish(ctx, endpoint, spec, res, opts, mayHaveApplied, attempt)
		}

		if attempt > c.maxRetries {
			c.logger.Debug(ctx, "Kasm API request failed, no retries left", map[string]any{
				"endpoint": endpoint, "attempt": attempt, "status": res.status, "error_class": res.errorClass(),
			})
			return nil, retryErr
		}
		mayHaveApplied = mayHaveApplied || !refused
		wait := c.retryWait(attempt, res.header)
		c.logger.Warn(ctx, "Retrying Kasm API request", map[string]any{
			"endpoint":      endpoint,
			"attempt":       attempt,
			"status":        res.status,
			"error_class":   res.errorClass(),
			"retry_wait_ms": wait.Milliseconds(),
		})
		if err := c.sleep(ctx, wait); err != nil {
			return nil, c.contextError(endpoint, spec, mayHaveApplied, err)
		}
	}
}

// finish interprets a complete answer that is not to be retried.
func (c *Client) finish(ctx context.Context, endpoint string, spec endpointSpec, res attemptResult,
	opts callOptions, mayHaveApplied bool, attempt int,
) (fields, error) {
	f, apiErr := c.interpret(endpoint, res, opts)
	if apiErr == nil {
		return f, nil
	}
	c.logger.Debug(ctx, "Kasm API error answer", map[string]any{
		"endpoint": endpoint, "attempt": attempt, "status": res.status, "error_class": kindName(apiErr.kind),
	})
	if mayHaveApplied && spec.repeatMatch != nil && spec.repeatMatch(normalizeMessage(apiErr.Message)) {
		c.logger.Debug(ctx, "Kasm API repeat answer taken as success", map[string]any{
			"endpoint": endpoint, "attempt": attempt, "status": res.status,
		})
		return fields{}, nil
	}
	return f, apiErr
}

// kindName names a sentinel for log fields.
func kindName(kind error) string {
	switch {
	case kind == nil:
		return "api_error"
	case errors.Is(kind, ErrNotFound):
		return "not_found"
	case errors.Is(kind, ErrUnauthorized):
		return "unauthorized"
	case errors.Is(kind, ErrAlreadyExists):
		return "already_exists"
	case errors.Is(kind, ErrConflict):
		return "conflict"
	default:
		return "api_error"
	}
}

// contextError reports a cancelled or expired caller context. For a write that must not be
// repeated and may already have reached Kasm, the error also matches ErrOutcomeUnknown.
func (c *Client) contextError(endpoint string, spec endpointSpec, mayHaveReached bool, err error) error {
	if spec.class == RetryNever && mayHaveReached {
		return outcomeUnknown(endpoint, err)
	}
	return fmt.Errorf("kasm: %s: %w", endpoint, err)
}

// encodeBody builds the request object: the credentials followed by payload's members.
func (c *Client) encodeBody(payload any) ([]byte, error) {
	key, err := json.Marshal(c.apiKey)
	if err != nil {
		return nil, err
	}
	secret, err := json.Marshal(c.apiKeySecret)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"api_key":`)
	buf.Write(key)
	buf.WriteString(`,"api_key_secret":`)
	buf.Write(secret)
	if payload != nil {
		members, err := json.Marshal(payload)
		if err != nil {
			return nil, err
		}
		members = bytes.TrimSpace(members)
		if len(members) < 2 || members[0] != '{' || members[len(members)-1] != '}' {
			return nil, errors.New("request payload is not a JSON object")
		}
		if inner := bytes.TrimSpace(members[1 : len(members)-1]); len(inner) > 0 {
			buf.WriteByte(',')
			buf.Write(inner)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// attemptResult is what one attempt produced: a complete answer, or a transport error.
type attemptResult struct {
	status int
	header http.Header
	body   []byte

	err       error
	sent      bool // the request may have reached the server
	permanent bool // sending again cannot help (TLS verification, oversized answer)
	class     string
}

func (r attemptResult) errorClass() string {
	switch {
	case r.class != "":
		return r.class
	case r.status == http.StatusTooManyRequests:
		return "rate_limited"
	case r.status == http.StatusServiceUnavailable:
		return "unavailable"
	case r.status >= http.StatusInternalServerError:
		return "server_error"
	default:
		return ""
	}
}

// attempt sends the request once, bounded by the per-attempt timeout, and reads the answer.
func (c *Client) attempt(ctx context.Context, endpoint, target string, body []byte, attempt int) attemptResult {
	attemptCtx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()

	req, err := http.NewRequestWithContext(attemptCtx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return attemptResult{err: err, permanent: true, class: "request"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	c.logger.Trace(ctx, "Sending Kasm API request", map[string]any{"endpoint": endpoint, "attempt": attempt})
	start := c.now()
	res := c.roundTrip(req)
	fields := map[string]any{
		"endpoint":    endpoint,
		"attempt":     attempt,
		"status":      res.status,
		"duration_ms": c.now().Sub(start).Milliseconds(),
	}
	if class := res.errorClass(); class != "" {
		fields["error_class"] = class
	}
	c.logger.Debug(ctx, "Kasm API response", fields)
	return res
}

func (c *Client) roundTrip(req *http.Request) attemptResult {
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return transportFailure(err)
	}
	defer func() { _ = resp.Body.Close() }()

	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		failure := transportFailure(err)
		failure.status, failure.sent = resp.StatusCode, true
		return failure
	}
	if len(data) > maxResponseBytes {
		return attemptResult{
			status: resp.StatusCode, sent: true, permanent: true, class: "oversized",
			err: fmt.Errorf("the answer is larger than %d bytes", maxResponseBytes),
		}
	}
	return attemptResult{status: resp.StatusCode, header: resp.Header, body: data, sent: true}
}

// transportFailure classifies an error that left no complete answer. A failure to open the
// connection (dial, DNS, proxy connect) proves the request never left; a failed certificate
// check proves it too and will not change on a second try. Anything later (reset, EOF,
// timeout while waiting) may come after Kasm received the request.
func transportFailure(err error) attemptResult {
	res := attemptResult{err: unwrapURLError(err), sent: true, class: "transport"}

	var opErr *net.OpError
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuthority), errors.As(err, &hostnameErr),
		errors.As(err, &invalidCert), errors.As(err, &recordErr):
		res.sent, res.permanent, res.class = false, true, "tls"
	case errors.As(err, &dnsErr):
		res.sent, res.class = false, "dial"
	case errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect"):
		res.sent, res.class = false, "dial"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		res.class = "timeout"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		res.class = "connection_closed"
	case isConnectionReset(err):
		res.class = "connection_reset"
	}
	return res
}

// unwrapURLError drops net/http's *url.Error wrapper, whose text repeats the request URL.
func unwrapURLError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) && urlErr.Err != nil {
		return urlErr.Err
	}
	return err
}

func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

func isConnectionReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}

// isRefusal reports whether an answer is an explicit "not now" that proves the request was
// not acted on: HTTP 429, or HTTP 503 carrying a Retry-After header.
func isRefusal(res attemptResult) bool {
	switch res.status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusServiceUnavailable:
		return res.header.Get("Retry-After") != ""
	default:
		return false
	}
}

// retryWait returns how long to wait before the next attempt. A Retry-After header (seconds
// or an HTTP date) is honoured but capped at RetryWaitMax, so that a server asking for an
// hour cannot stall a Terraform run; without one the wait is exponential with full jitter,
// between RetryWaitMin and min(RetryWaitMax, RetryWaitMin·2^(attempt-1)).
func (c *Client) retryWait(attempt int, header http.Header) time.Duration {
	if d, ok := parseRetryAfter(header.Get("Retry-After"), c.now()); ok {
		return min(d, c.retryWaitMax)
	}
	ceiling := c.retryWaitMin
	for i := 1; i < attempt && ceiling < c.retryWaitMax; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, c.retryWaitMax)
	if ceiling <= c.retryWaitMin {
		return c.retryWaitMin
	}
	return c.retryWaitMin + time.Duration(c.jitter(int64(ceiling-c.retryWaitMin)+1))
}

// parseRetryAfter parses a Retry-After value: delay seconds or an HTTP date.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		const maxSeconds = int64(365 * 24 * time.Hour / time.Second)
		return time.Duration(min(seconds, maxSeconds)) * time.Second, true
	}
	if at, err := http.ParseTime(value); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// interpret turns a complete, non-retried answer into its object or an *APIError.
func (c *Client) interpret(endpoint string, res attemptResult, opts callOptions) (fields, *APIError) {
	if trimmed := bytes.TrimSpace(res.body); len(trimmed) > 0 && trimmed[0] == '{' {
		if f, err := parseObject(trimmed); err == nil {
			if msg, ok := errorMessage(f); ok {
				return f, c.newAPIError(endpoint, res.status, msg, opts)
			}
			if res.status >= http.StatusOK && res.status < http.StatusMultipleChoices {
				return f, nil
			}
		}
	}
	return nil, c.apiError(endpoint, res, opts)
}

// errorMessage returns a non-empty error_message member.
func errorMessage(f fields) (string, bool) {
	if !f.has("error_message") {
		return "", false
	}
	msg := f.str("error_message")
	if strings.TrimSpace(msg) == "" {
		// A non-string error_message is still an error; describe it rather than drop it.
		v := f.value("error_message")
		if len(v) == 0 || v[0] == '"' {
			return "", false
		}
		msg = snippet(v)
	}
	return msg, true
}

// apiError builds the error for an answer that carries no usable error_message.
func (c *Client) apiError(endpoint string, res attemptResult, opts callOptions) *APIError {
	if f, err := parseObject(res.body); err == nil {
		if msg, ok := errorMessage(f); ok {
			return c.newAPIError(endpoint, res.status, msg, opts)
		}
	}
	status := fmt.Sprintf("%d %s", res.status, http.StatusText(res.status))
	var msg string
	switch {
	case res.status >= 300 && res.status < 400:
		msg = fmt.Sprintf("unexpected redirect (%s); check that the base URL is the Kasm web root "+
			"and uses the right scheme", status)
	case res.status == http.StatusNotFound:
		msg = "endpoint not found (404 Not Found); check that the base URL is the Kasm web root " +
			"and that the Kasm version offers this endpoint"
	case res.status >= 200 && res.status < 300:
		msg = "the answer is not a JSON object; check that the base URL is the Kasm web root"
	default:
		msg = "unexpected answer (" + status + ")"
	}
	if s := snippet(res.body); s != "" {
		msg += ": " + s
	}
	return c.newAPIError(endpoint, res.status, msg, opts)
}

func (c *Client) newAPIError(endpoint string, status int, msg string, opts callOptions) *APIError {
	msg = c.scrub(msg, opts.secrets)
	return &APIError{
		Endpoint:   endpoint,
		StatusCode: status,
		Message:    msg,
		kind:       classify(endpoint, status, msg, opts.classify),
	}
}

// scrub removes the API key secret and request secrets from text that is shown to users.
func (c *Client) scrub(text string, secrets []string) string {
	for _, s := range append([]string{c.apiKeySecret}, secrets...) {
		if len(s) >= 4 {
			text = strings.ReplaceAll(text, s, "[redacted]")
		}
	}
	return text
}

// API is every method of the client, for callers that substitute a fake in tests.
type API interface {
	UsersAPI
	GroupsAPI
	ImagesAPI
	SessionsAPI
	LoginAPI
}

var _ API = (*Client)(nil)
