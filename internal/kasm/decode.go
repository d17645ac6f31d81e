package kasm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// NormalizeID converts a Kasm id in either of the forms Kasm prints (36 characters with dashes,
// or 32 hex digits) and in any letter case to the canonical form used throughout this package:
// 32 lower-case hex digits. It returns an error wrapping ErrInvalidArgument for anything else.
func NormalizeID(id string) (string, error) {
	canonical, ok := canonicalID(id)
	if !ok {
		return "", fmt.Errorf("%w: %q is not a Kasm id (expected a UUID: 32 hex digits, with or without dashes)",
			ErrInvalidArgument, truncateRunes(id, 64))
	}
	return canonical, nil
}

// IsID reports whether id is a well-formed Kasm id in either form, in any letter case.
func IsID(id string) bool {
	_, ok := canonicalID(id)
	return ok
}

func canonicalID(id string) (string, bool) {
	var b strings.Builder
	switch len(id) {
	case 32:
		b.Grow(32)
		for i := 0; i < len(id); i++ {
			if !isHex(id[i]) {
				return "", false
			}
			b.WriteByte(lowerASCII(id[i]))
		}
	case 36:
		b.Grow(32)
		for i := 0; i < len(id); i++ {
			switch i {
			case 8, 13, 18, 23:
				if id[i] != '-' {
					return "", false
				}
				continue
			}
			if !isHex(id[i]) {
				return "", false
			}
			b.WriteByte(lowerASCII(id[i]))
		}
	default:
		return "", false
	}
	return b.String(), true
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// timeLayouts are the date forms Kasm has been seen to print. Python's str(datetime) of a naive
// UTC value comes first; the fraction is optional in every layout because Python omits it when
// the microseconds are zero. RFC 3339 and an explicit offset are tolerated for newer versions.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

// parseTime parses a Kasm date. Empty values and the string "None" (what Python prints for a
// missing date) mean "no date" and give nil without an error.
func parseTime(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "None" || s == "null" {
		return nil, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, fmt.Errorf("unrecognised date %q", truncateRunes(s, 40))
}

// fields is one decoded JSON object whose members are decoded lazily and leniently: a member
// of an unexpected type yields the zero value instead of failing the whole answer, because
// Kasm versions differ in small ways (null for false, floats for integers, "None" for null)
// and a provider that refuses a whole listing over one odd field helps nobody.
type fields map[string]json.RawMessage

// parseObject decodes a JSON object. JSON null gives an empty object; anything that is not an
// object is an error.
func parseObject(data []byte) (fields, error) {
	var f fields
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	return f, nil
}

func (f fields) value(key string) []byte {
	return bytes.TrimSpace(f[key])
}

// has reports whether key is present with a value other than null.
func (f fields) has(key string) bool {
	v := f.value(key)
	return len(v) > 0 && !bytes.Equal(v, []byte("null"))
}

// str returns a string member; numbers and booleans are returned as their JSON text, and null,
// objects and arrays as "".
func (f fields) str(key string) string {
	v := f.value(key)
	if len(v) == 0 {
		return ""
	}
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return ""
		}
		return s
	case 'n', '{', '[':
		return ""
	default:
		return string(v)
	}
}

// id returns an id member in canonical form, or the value as sent when it is not a valid id.
func (f fields) id(key string) string {
	s := f.str(key)
	if canonical, ok := canonicalID(s); ok {
		return canonical
	}
	return s
}

// date returns a date member, or nil when it is missing, null, "None" or unparseable.
func (f fields) date(key string) *time.Time {
	t, err := parseTime(f.str(key))
	if err != nil {
		return nil
	}
	return t
}

// boolean returns a boolean member; null and unparseable values are false.
func (f fields) boolean(key string) bool {
	b := f.optBool(key)
	return b != nil && *b
}

// optBool returns a boolean member, or nil when it is missing, null or unparseable. Strings
// such as "true" and numbers (non-zero is true) are accepted.
func (f fields) optBool(key string) *bool {
	v := f.value(key)
	if len(v) == 0 {
		return nil
	}
	var b bool
	switch {
	case bytes.Equal(v, []byte("true")):
		b = true
	case bytes.Equal(v, []byte("false")):
		b = false
	case v[0] == '"':
		parsed, err := strconv.ParseBool(strings.TrimSpace(f.str(key)))
		if err != nil {
			return nil
		}
		b = parsed
	default:
		n, ok := f.number(key)
		if !ok {
			return nil
		}
		b = n != 0
	}
	return &b
}

// number returns a numeric member as a float64. Numbers inside strings are accepted.
func (f fields) number(key string) (float64, bool) {
	text, ok := f.numberText(key)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, false
	}
	return n, true
}

func (f fields) numberText(key string) (string, bool) {
	v := f.value(key)
	if len(v) == 0 {
		return "", false
	}
	switch v[0] {
	case '"':
		return strings.TrimSpace(f.str(key)), true
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(v), true
	default:
		return "", false
	}
}

// floatValue returns a numeric member, or 0.
func (f fields) floatValue(key string) float64 {
	n, _ := f.number(key)
	return n
}

// int64Value returns a numeric member as an integer; 1768000000, 1.768e9 and "1768000000" all give
// 1768000000. Fractions are truncated; values out of range give 0.
func (f fields) int64Value(key string) int64 {
	text, ok := f.numberText(key)
	if !ok {
		return 0
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n
	}
	n, ok := f.number(key)
	if !ok || n < math.MinInt64 || n >= math.MaxInt64 {
		return 0
	}
	return int64(math.Trunc(n))
}

// intValue returns a numeric member as an int; see int64Value.
func (f fields) intValue(key string) int {
	n := f.int64Value(key)
	if n < math.MinInt || n > math.MaxInt {
		return 0
	}
	return int(n)
}

// raw returns a member's JSON text, or nil when it is missing or null. The bytes are copied so
// that callers may keep them after the response buffer is gone.
func (f fields) raw(key string) json.RawMessage {
	if !f.has(key) {
		return nil
	}
	return bytes.Clone(f.value(key))
}

// object returns a member that is a JSON object, or nil.
func (f fields) object(key string) fields {
	v := f.value(key)
	if len(v) == 0 || v[0] != '{' {
		return nil
	}
	o, err := parseObject(v)
	if err != nil {
		return nil
	}
	return o
}

// anyMap returns a member that is a JSON object as a generic map, or nil (Kasm sends an empty
// list instead of an object for client_settings while a session starts).
func (f fields) anyMap(key string) map[string]any {
	v := f.value(key)
	if len(v) == 0 || v[0] != '{' {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(v, &m); err != nil {
		return nil
	}
	return m
}

// stringList returns a member that is a list of strings; non-string elements are skipped.
func (f fields) stringList(key string) []string {
	elems := f.list(key)
	if len(elems) == 0 {
		return nil
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		e = bytes.TrimSpace(e)
		if len(e) == 0 || e[0] != '"' {
			continue
		}
		var s string
		if err := json.Unmarshal(e, &s); err == nil {
			out = append(out, s)
		}
	}
	return out
}

// list returns the elements of a member that is a JSON array, or nil.
func (f fields) list(key string) []json.RawMessage {
	v := f.value(key)
	if len(v) == 0 || v[0] != '[' {
		return nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(v, &elems); err != nil {
		return nil
	}
	return elems
}

// decodeList decodes a member that is a list of objects with decode; elements that are not
// objects are skipped.
func decodeList[T any](f fields, key string, decode func(fields) T) []T {
	elems := f.list(key)
	if len(elems) == 0 {
		return nil
	}
	out := make([]T, 0, len(elems))
	for _, e := range elems {
		e = bytes.TrimSpace(e)
		if len(e) == 0 || e[0] != '{' {
			continue
		}
		o, err := parseObject(e)
		if err != nil {
			continue
		}
		out = append(out, decode(o))
	}
	return out
}

// truncateRunes shortens s to at most n runes, marking the cut with an ellipsis.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
