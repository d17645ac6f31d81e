package kasm

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// redacted replaces secret values when a struct that holds them is formatted.
const redacted = "[redacted]"

// formatStruct renders the struct v like fmt's %+v (or, with goSyntax, like %#v) with the
// named secret fields shown as [redacted] when set. Nil pointers are left out and other
// pointers are shown by their value, so optional request fields stay readable; raw JSON is
// shown as text; a secret map keeps its keys and hides its values.
func formatStruct(v any, goSyntax bool, secretFields ...string) string {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	var b strings.Builder
	if goSyntax {
		b.WriteString(rt.String())
	}
	b.WriteByte('{')
	written := 0
	for i := range rt.NumField() {
		field := rt.Field(i)
		if !field.IsExported() {
			continue
		}
		value := rv.Field(i)
		if value.Kind() == reflect.Pointer {
			if value.IsNil() {
				continue
			}
			value = value.Elem()
		}
		if written > 0 {
			if goSyntax {
				b.WriteString(", ")
			} else {
				b.WriteByte(' ')
			}
		}
		written++
		b.WriteString(field.Name)
		b.WriteByte(':')
		b.WriteString(formatField(value, goSyntax, slices.Contains(secretFields, field.Name)))
	}
	b.WriteByte('}')
	return b.String()
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

func formatField(value reflect.Value, goSyntax, secret bool) string {
	verb := "%v"
	if goSyntax {
		verb = "%#v"
	}
	switch {
	case secret && value.Kind() == reflect.Map && !value.IsNil():
		keys := make([]string, 0, value.Len())
		for _, k := range value.MapKeys() {
			keys = append(keys, fmt.Sprint(k.Interface()))
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + redacted
		}
		return "map[" + strings.Join(parts, " ") + "]"
	case secret && !value.IsZero():
		return fmt.Sprintf(verb, redacted)
	case value.Type() == rawMessageType:
		if value.IsNil() {
			return "<nil>"
		}
		return fmt.Sprintf("%q", value.Bytes())
	default:
		return fmt.Sprintf(verb, value.Interface())
	}
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
