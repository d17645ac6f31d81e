package kasm

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode"
)

// Sentinel errors. Errors returned by the client match them with errors.Is; most of them come
// wrapped in an *APIError that keeps Kasm's own message.
var (
	// ErrNotFound means the object the request named does not exist (any more). Which answers
	// mean "not found" is decided per endpoint from the exact messages Kasm sends; an unknown
	// endpoint (HTTP 404) is not ErrNotFound, because it points at a wrong base URL rather than
	// a missing object.
	ErrNotFound = errors.New("not found")

	// ErrUnauthorized means Kasm answered HTTP 401 or 403: bad credentials, an expired or
	// disabled API key, or a permission the key lacks.
	ErrUnauthorized = errors.New("unauthorized")

	// ErrAlreadyExists means the object (or the membership or assignment) already exists.
	ErrAlreadyExists = errors.New("already exists")

	// ErrConflict means the request clashes with the object's state: a user who still has
	// sessions, a group that still has users, a protected group, a session limit reached.
	ErrConflict = errors.New("conflict")

	// ErrOutcomeUnknown means a request that must not be sent twice may have reached the
	// server, but its answer was lost (connection dropped, timeout, gateway error). The
	// request may have been applied; the caller should look the object up before trying again.
	ErrOutcomeUnknown = errors.New("outcome unknown")

	// ErrInvalidArgument means the client refused to send a request because an argument is
	// missing or malformed (for example an id that is not a UUID).
	ErrInvalidArgument = errors.New("invalid argument")
)

// APIError is an error answer from Kasm: an error_message in the body (on any HTTP status,
// 200 included) or an HTTP status that is not a success. It matches ErrNotFound,
// ErrUnauthorized, ErrAlreadyExists or ErrConflict through errors.Is when the answer means
// one of them for this endpoint.
type APIError struct {
	// Endpoint is the API endpoint name, such as "get_user".
	Endpoint string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Message is Kasm's error_message, or for a body that is not JSON a short readable summary
	// with whitespace collapsed and markup removed.
	Message string

	kind error
}

// Error implements error. It never contains request values such as credentials or passwords.
func (e *APIError) Error() string {
	return fmt.Sprintf("kasm: %s: HTTP %d: %s", e.Endpoint, e.StatusCode, e.Message)
}

// Is reports whether target is the sentinel error this answer stands for.
func (e *APIError) Is(target error) bool {
	return e.kind != nil && target == e.kind
}

// outcomeUnknown wraps cause so that errors.Is matches both ErrOutcomeUnknown and cause.
func outcomeUnknown(endpoint string, cause error) error {
	return fmt.Errorf("kasm: %s: %w: the request may have been applied, but its answer was lost; "+
		"check the server before trying again: %w", endpoint, ErrOutcomeUnknown, cause)
}

// errorRule maps one error_message form to a sentinel for a set of endpoints.
type errorRule struct {
	endpoints []string // nil: every endpoint
	match     func(msg string) bool
	kind      error
}

func hasPrefix(prefix string) func(string) bool {
	return func(msg string) bool { return strings.HasPrefix(msg, prefix) }
}

func contains(sub string) func(string) bool {
	return func(msg string) bool { return strings.Contains(msg, sub) }
}

func equals(s string) func(string) bool {
	return func(msg string) bool { return msg == s }
}

// groupMissing matches "Group <id> does not exist".
var groupMissing = regexp.MustCompile(`^group \S+ does not exist$`)

// imageMissing matches "Image <id> does not exist".
var imageMissing = regexp.MustCompile(`^image \S+ does not exist$`)

var (
	groupEndpoints = []string{
		epUpdateGroup, epDeleteGroup, epAddImagesGroup, epRemoveImagesGroup, epGetImagesGroup,
	}
	imageGroupEndpoints = []string{epAddImagesGroup, epRemoveImagesGroup}
)

// errorRules is the classification table of contract.md. Messages are compared after
// normalizeMessage (lower case, no trailing period), so the patterns are lower case.
var errorRules = []errorRule{
	{match: hasPrefix("invalid user_id ("), kind: ErrNotFound},
	{match: hasPrefix("invalid kasm_id ("), kind: ErrNotFound},

	{endpoints: []string{epCreateUser}, match: contains("(user already exists)"), kind: ErrAlreadyExists},
	{endpoints: []string{epDeleteUser, epLogoutUser}, match: hasPrefix("unknown user ("), kind: ErrNotFound},
	{endpoints: []string{epDeleteUser}, match: func(m string) bool {
		return strings.HasPrefix(m, "users contains (") && strings.Contains(m, "'force' option not set")
	}, kind: ErrConflict},
	{endpoints: []string{epUpdateUser}, match: hasPrefix("unknown user"), kind: ErrNotFound},
	{endpoints: []string{epGetAttributes}, match: hasPrefix("no user found with name/id:"), kind: ErrNotFound},
	{endpoints: []string{epUpdateUserAttributes}, match: hasPrefix("missing or invalid user"), kind: ErrNotFound},
	{endpoints: []string{epGetLogin}, match: hasPrefix("no user found with id:"), kind: ErrNotFound},

	{endpoints: []string{epAddUserGroup, epRemoveUserGroup}, match: hasPrefix("invalid user id ("), kind: ErrNotFound},
	{endpoints: []string{epAddUserGroup, epRemoveUserGroup}, match: hasPrefix("invalid group id ("), kind: ErrNotFound},
	{endpoints: []string{epAddUserGroup}, match: contains(") is already a member of group ("), kind: ErrAlreadyExists},
	// A membership that is not there is reported as not found: the provider removes it from
	// state, and a repeated removal takes it as success (see endpoints.go).
	{endpoints: []string{epRemoveUserGroup}, match: contains(") is not a member of group ("), kind: ErrNotFound},

	// update_group answers a rename to a taken name as create_group answers a taken name.
	{endpoints: []string{epCreateGroup, epUpdateGroup}, match: func(m string) bool {
		return strings.HasPrefix(m, "group (") && strings.HasSuffix(m, ") already exists")
	}, kind: ErrAlreadyExists},
	{endpoints: groupEndpoints, match: groupMissing.MatchString, kind: ErrNotFound},
	{endpoints: groupEndpoints, match: equals("invalid request. group does not exit by that id"), kind: ErrNotFound},
	{endpoints: []string{epDeleteGroup}, match: func(m string) bool {
		return strings.HasPrefix(m, "group contains (") && strings.Contains(m, "'force' option not set")
	}, kind: ErrConflict},
	{endpoints: []string{epDeleteGroup}, match: contains(" is a protected group and cannot be deleted"), kind: ErrConflict},

	{endpoints: imageGroupEndpoints, match: imageMissing.MatchString, kind: ErrNotFound},
	{endpoints: []string{epAddImagesGroup}, match: contains(") is already assigned to group ("), kind: ErrAlreadyExists},
	{endpoints: []string{epRemoveImagesGroup}, match: contains(") is not assigned to group ("), kind: ErrNotFound},

	{endpoints: []string{epRequestKasm}, match: hasPrefix("kasm limit exceeded for user"), kind: ErrConflict},
}

// classifyOptions carries what the classification needs to know about the request.
type classifyOptions struct {
	// invalidRequestIsNotFound makes a bare "Invalid Request" mean ErrNotFound. Only get_user
	// sets it, and only when it sent a well-formed id or a username: Kasm has no other
	// not-found answer there, while the same text elsewhere means a missing parameter.
	invalidRequestIsNotFound bool
}

// classify returns the sentinel an error answer stands for, or nil.
func classify(endpoint string, status int, message string, opts classifyOptions) error {
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		return ErrUnauthorized
	}
	msg := normalizeMessage(message)
	if opts.invalidRequestIsNotFound && msg == "invalid request" &&
		(status == http.StatusBadRequest || status == http.StatusOK) {
		return ErrNotFound
	}
	for _, rule := range errorRules {
		if rule.endpoints != nil && !containsString(rule.endpoints, endpoint) {
			continue
		}
		if rule.match(msg) {
			return rule.kind
		}
	}
	return nil
}

// normalizeMessage lower-cases msg and drops surrounding space and a trailing period, so that
// small wording differences between Kasm versions do not defeat the rules.
func normalizeMessage(msg string) string {
	msg = strings.ToLower(strings.TrimSpace(msg))
	return strings.TrimSpace(strings.TrimSuffix(msg, "."))
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// maxSnippetRunes bounds the part of a non-JSON body quoted in an error.
const maxSnippetRunes = 200

var markup = regexp.MustCompile(`<[^>]*>`)

// snippet makes a short, single-line, printable summary of a body that is not JSON: markup
// removed, whitespace collapsed, control characters dropped, cut at maxSnippetRunes.
func snippet(body []byte) string {
	const maxInspected = 4096
	if len(body) > maxInspected {
		body = body[:maxInspected]
	}
	s := strings.ToValidUTF8(string(body), "?")
	s = markup.ReplaceAllString(s, " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	return truncateRunes(s, maxSnippetRunes)
}
