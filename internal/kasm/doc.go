// Package kasm is a client for the Kasm Workspaces developer API (the endpoints under
// /api/public/). It has no Terraform dependency; the provider adapts its errors and logging.
//
// Every endpoint is a POST of a JSON object that carries the API key and secret. Kasm is
// inconsistent in what it answers, and the client absorbs that in one place:
//
//   - Errors arrive as an error_message on HTTP 200 from some endpoints and on 4xx from others.
//     The client looks for error_message on every status and returns an *APIError that keeps
//     Kasm's message and matches ErrNotFound, ErrUnauthorized, ErrAlreadyExists or ErrConflict
//     through errors.Is. Which messages mean what is decided per endpoint (errors.go).
//   - Ids come dashed from some endpoints and as 32 hex digits from others. Every id the client
//     returns is 32 lower-case hex digits (NormalizeID); ids it sends may have either form.
//   - Dates are Python's str(datetime) in UTC, sometimes the string "None"; numbers may come
//     as integers or floats; booleans may be null. Decoding is lenient member by member, so an
//     odd value never fails a whole answer.
//
// Retries follow one policy (client.go) driven by a per-endpoint table (endpoints.go): reads
// are sent again on rate limiting, server errors and connection failures; writes that create
// something are never sent twice once they may have reached Kasm, and report ErrOutcomeUnknown
// instead; idempotent writes are sent again, and the answer a repetition produces ("already a
// member", "Unknown user") counts as success when the earlier outcome was unknown.
//
// Secrets (the API key secret, passwords, session tokens, connection URLs, login links) never
// appear in log fields or error text, and structs that hold them hide them when formatted.
package kasm
