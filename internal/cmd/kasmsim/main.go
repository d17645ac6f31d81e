// Command kasmsim runs the in-memory Kasm server of package kasmsim as a
// standalone process, for demos and for tests written in other languages.
//
// On start it prints, one per line, KASM_BASE_URL=..., KASM_API_KEY=... and
// KASM_API_KEY_SECRET=... (plus KASM_CA_CERT=... with -tls), so a script can
// read them (for example with eval), and then serves until SIGINT or
// SIGTERM. Printing its own credentials is deliberate: they belong to a
// throw-away simulator that listens on loopback only unless -allow-remote is
// given.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

func main() {
	os.Exit(mainExitCode())
}

func mainExitCode() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "kasmsim:", err)
		return 1
	}
	return 0
}

// config holds the parsed command line.
type config struct {
	addr                  string
	allowRemote           bool
	useTLS                bool
	tlsCertOut            string
	latency               time.Duration
	statePath             string
	saveInterval          time.Duration
	startupDelay          time.Duration
	deleteDelay           time.Duration
	autoscale             bool
	apiKey                string
	apiKeySecret          string
	control               bool
	seed                  uint64
	sessionLimit          int
	maxKasmsPerUser       int
	documentedStatusShape bool
	wrongSecretHTML500    bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("kasmsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:0", "`host:port` to listen on; port 0 picks a free one")
	fs.BoolVar(&c.allowRemote, "allow-remote", false, "allow -addr to name a non-loopback address")
	fs.BoolVar(&c.useTLS, "tls", false, "serve HTTPS with a self-signed certificate generated at start")
	fs.StringVar(&c.tlsCertOut, "tls-cert-out", "", "`file` to write the certificate (PEM) to; default a temporary file")
	fs.DurationVar(&c.latency, "latency", 0, "delay added to every answer")
	fs.StringVar(&c.statePath, "state", "", "JSON `file` holding the state: loaded at start when present, saved on every change and at exit")
	fs.DurationVar(&c.saveInterval, "save-interval", 30*time.Second, "how often the state is saved even without changes (expiry moves it)")
	fs.DurationVar(&c.startupDelay, "startup-delay", 0, "how long a new session stays starting")
	fs.DurationVar(&c.deleteDelay, "delete-delay", 0, "how long a destroyed session stays deleting")
	fs.BoolVar(&c.autoscale, "autoscale", false, "sessions pass through requested, provisioning and assigned (each taking -startup-delay) before starting")
	fs.StringVar(&c.apiKey, "api-key", "", "fixed API key of the all-permission admin key (with -api-key-secret); default generated")
	fs.StringVar(&c.apiKeySecret, "api-key-secret", "", "fixed secret of the admin key")
	fs.BoolVar(&c.control, "control", false, "enable the unauthenticated /__sim/ control endpoints")
	fs.Uint64Var(&c.seed, "seed", 0, "seed for reproducible ids and credentials; 0 means random")
	fs.IntVar(&c.sessionLimit, "session-limit", 0, "concurrent session licence limit; 0 means unlimited")
	fs.IntVar(&c.maxKasmsPerUser, "max-kasms-per-user", 0, "All Users max_kasms_per_user; 0 means Kasm's default of 2")
	fs.BoolVar(&c.documentedStatusShape, "documented-status-shape", false, "get_kasm_status answers starting sessions with operational_* fields as documented")
	fs.BoolVar(&c.wrongSecretHTML500, "wrong-secret-500", false, "answer a wrong secret with the HTML 500 page, as Kasm 1.15 does")
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("parse flags: %w", err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if (c.apiKey == "") != (c.apiKeySecret == "") {
		return c, errors.New("-api-key and -api-key-secret go together")
	}
	if c.saveInterval <= 0 {
		return c, errors.New("-save-interval must be positive")
	}
	if !c.allowRemote {
		if err := requireLoopback(c.addr); err != nil {
			return c, err
		}
	}
	return c, nil
}

// requireLoopback refuses addresses other machines could reach: the
// simulator has no real security and prints its credentials.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-addr %q is not a loopback address; pass -allow-remote to listen on it anyway", addr)
}

func (c config) options() kasmsim.Options {
	timing := kasmsim.SessionTiming{Starting: c.startupDelay, Deleting: c.deleteDelay}
	if c.autoscale {
		timing.Requested = c.startupDelay
		timing.Provisioning = c.startupDelay
		timing.Assigned = c.startupDelay
	}
	return kasmsim.Options{
		Seed:                   c.seed,
		SessionTiming:          timing,
		Autoscale:              c.autoscale,
		WrongSecretHTML500:     c.wrongSecretHTML500,
		DocumentedStatusShape:  c.documentedStatusShape,
		MaxKasmsPerUser:        c.maxKasmsPerUser,
		ConcurrentSessionLimit: c.sessionLimit,
		Latency:                c.latency,
		ControlAPI:             c.control,
		AdminAPIKey:            c.apiKey,
		AdminAPIKeySecret:      c.apiKeySecret,
	}
}

// run starts the simulator, prints how to reach it and serves until ctx
// ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}

	opts := cfg.options()
	var saver *stateSaver
	if cfg.statePath != "" {
		saver, err = newStateSaver(cfg.statePath)
		if err != nil {
			return err
		}
		defer saver.close()
		opts.OnChange = saver.notify
	}
	sim, err := loadSimulator(saver, opts)
	if err != nil {
		return err
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	srv := &http.Server{
		Handler:           sim,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(stderr, "kasmsim: ", 0),
	}
	scheme := "http"
	var certPath string
	if cfg.useTLS {
		cert, pemBytes, err := selfSignedCertificate(ln.Addr())
		if err != nil {
			_ = ln.Close()
			return err
		}
		certPath, err = writeCertificate(cfg.tlsCertOut, pemBytes)
		if err != nil {
			_ = ln.Close()
			return err
		}
		if cfg.tlsCertOut == "" {
			defer func() { _ = os.Remove(certPath) }()
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}

	if saver != nil {
		saver.attach(sim)
		if err := saver.save(); err != nil {
			_ = ln.Close()
			return err
		}
	}

	key, secret := sim.AdminKey()
	lines := []string{
		"KASM_BASE_URL=" + scheme + "://" + ln.Addr().String(),
		"KASM_API_KEY=" + key,
		"KASM_API_KEY_SECRET=" + secret,
	}
	if certPath != "" {
		lines = append(lines, "KASM_CA_CERT="+certPath)
	}
	for _, l := range lines {
		if _, err := fmt.Fprintln(stdout, l); err != nil {
			_ = ln.Close()
			return fmt.Errorf("print connection details: %w", err)
		}
	}

	serveErr := make(chan error, 1)
	go func() {
		if cfg.useTLS {
			serveErr <- srv.ServeTLS(ln, "", "")
		} else {
			serveErr <- srv.Serve(ln)
		}
	}()
	saveCtx, stopSaving := context.WithCancel(ctx)
	saverDone := make(chan struct{})
	go func() {
		defer close(saverDone)
		if saver != nil {
			saver.loop(saveCtx, cfg.saveInterval, stderr)
		}
	}()

	var result error
	select {
	case err := <-serveErr:
		result = fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if err := srv.Shutdown(shutdownCtx); err != nil {
			result = fmt.Errorf("shut down: %w", err)
		}
		cancel()
	}
	stopSaving()
	<-saverDone
	if saver != nil {
		if err := saver.save(); err != nil {
			result = errors.Join(result, err)
		}
	}
	return result
}

// loadSimulator restores the saved state when there is one and seeds a
// fresh install otherwise.
func loadSimulator(saver *stateSaver, opts kasmsim.Options) (*kasmsim.Server, error) {
	if saver == nil {
		return kasmsim.New(opts), nil
	}
	data, err := saver.load()
	if errors.Is(err, os.ErrNotExist) {
		return kasmsim.New(opts), nil
	}
	if err != nil {
		return nil, err
	}
	sim, err := kasmsim.NewFromSnapshot(opts, data)
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w", saver.path, err)
	}
	return sim, nil
}
