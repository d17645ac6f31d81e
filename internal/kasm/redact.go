package kasm

import (
	"fmt"
)

// redacted replaces secret values when a struct that holds them is formatted.
const redacted = "[redacted]"

// redact hides a non-empty secret and keeps an empty one visible, so that formatted values
// still show whether the secret was set.
func redact(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// formatRedacted formats v (a copy with its secrets already redacted, of a type without
// methods) the way fmt's %+v or %#v would.
func formatRedacted(v any, goSyntax bool) string {
	if goSyntax {
		return fmt.Sprintf("%#v", v)
	}
	return fmt.Sprintf("%+v", v)
}

// requireID checks and normalises a required id argument.
func requireID(endpoint, field, id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("kasm: %s: %w: %s is required", endpoint, ErrInvalidArgument, field)
	}
	canonical, ok := canonicalID(id)
	if !ok {
		return "", fmt.Errorf("kasm: %s: %w: %s %q is not a Kasm id (a UUID: 32 hex digits, with or without dashes)",
			endpoint, ErrInvalidArgument, field, truncateRunes(id, 64))
	}
	return canonical, nil
}

// optionalID checks and normalises an optional id argument; "" stays "".
func optionalID(endpoint, field, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	return requireID(endpoint, field, id)
}

// missingMember reports a success answer without the member the endpoint always sends.
func missingMember(endpoint, member string) error {
	return fmt.Errorf("kasm: %s: the answer has no %q member; is the base URL a Kasm server?", endpoint, member)
}

// String returns a pointer to s, for optional request fields.
func String(s string) *string { return &s }

// Bool returns a pointer to b, for optional request fields.
func Bool(b bool) *bool { return &b }

// Int returns a pointer to i, for optional request fields.
func Int(i int) *int { return &i }
