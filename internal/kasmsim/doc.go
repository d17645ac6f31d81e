// Package kasmsim is an in-memory stand-in for a Kasm Workspaces server that
// speaks the classic developer API under /api/public/.
//
// It exists so the provider's acceptance tests and demos can run without a
// real Kasm installation, and so they can provoke situations a real server
// produces only rarely: faults, lost answers, sessions that take a while to
// start, objects changed behind the provider's back. The behaviour follows
// what real 1.15/1.16 servers do (status codes, exact error strings, id and
// date formats, quirks such as HTTP 200 answers carrying an error_message);
// where the public documentation describes a different shape an Options field
// switches to it.
//
// A Server is an http.Handler; wrap it in httptest.NewServer in tests or run
// the kasmsim command for a standalone process. Every method is safe for
// concurrent use.
package kasmsim
