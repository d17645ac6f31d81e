package kasm

import (
	"slices"
	"strings"
)

// Endpoint names, as they appear after /api/public/.
const (
	epCreateUser           = "create_user"
	epGetUser              = "get_user"
	epGetUsers             = "get_users"
	epUpdateUser           = "update_user"
	epDeleteUser           = "delete_user"
	epLogoutUser           = "logout_user"
	epGetAttributes        = "get_attributes"
	epUpdateUserAttributes = "update_user_attributes"
	epAddUserGroup         = "add_user_group"
	epRemoveUserGroup      = "remove_user_group"
	epGetGroups            = "get_groups"
	epCreateGroup          = "create_group"
	epUpdateGroup          = "update_group"
	epDeleteGroup          = "delete_group"
	epAddImagesGroup       = "add_images_group"
	epRemoveImagesGroup    = "remove_images_group"
	epGetImagesGroup       = "get_images_group"
	epGetImages            = "get_images"
	epRequestKasm          = "request_kasm"
	epGetKasmStatus        = "get_kasm_status"
	epGetKasms             = "get_kasms"
	epJoinKasm             = "join_kasm"
	epKeepalive            = "keepalive"
	epDestroyKasm          = "destroy_kasm"
	epGetLogin             = "get_login"
)

// RetryClass says when the client sends a request again after a failed attempt. Every
// endpoint has exactly one class, declared in the table behind Endpoints.
type RetryClass int

const (
	// RetryRead marks reads. They are sent again after HTTP 429, any 5xx, a connection error
	// or a timeout, up to Config.MaxRetries times.
	RetryRead RetryClass = iota + 1

	// RetryIdempotent marks writes that may be applied twice without harm. They are sent
	// again like reads. When an earlier attempt may have been applied (its answer was lost),
	// the answer a repetition produces ("already a member", "Unknown user", ...) is taken as
	// success; on a first attempt the same answer is returned as an error as usual.
	RetryIdempotent

	// RetryNever marks writes that create something (a user, a group, a session, a join or
	// login token): sending one twice could create two. They are sent again only when the
	// earlier attempt provably never reached Kasm: the connection could not be opened, or the
	// answer was an explicit refusal (HTTP 429, or HTTP 503 carrying Retry-After, which proxies
	// and rate limiters send without passing the request on). In every other failure the
	// caller gets an error matching ErrOutcomeUnknown.
	RetryNever
)

// String returns the class name.
func (c RetryClass) String() string {
	switch c {
	case RetryRead:
		return "read"
	case RetryIdempotent:
		return "idempotent"
	case RetryNever:
		return "never"
	default:
		return "unknown"
	}
}

// EndpointInfo describes how the client treats one endpoint.
type EndpointInfo struct {
	// Name is the endpoint name, such as "get_user".
	Name string
	// Class is the retry class.
	Class RetryClass
	// RepeatAnswer describes the error answer taken as success when it answers a repetition
	// of an idempotent write whose earlier outcome was unknown; empty when there is none.
	RepeatAnswer string
}

// endpointSpec is one row of the endpoint table.
type endpointSpec struct {
	class RetryClass
	// repeatAnswer is a lower-case fragment of the error_message that means "already done"
	// when it answers a repetition.
	repeatAnswer string
	// repeatMatch reports whether a normalised error message is that answer.
	repeatMatch func(msg string) bool
}

// endpointTable declares every endpoint the client calls and its retry class. It is the one
// place the retry policy is decided per endpoint.
var endpointTable = map[string]endpointSpec{
	epGetUser:        {class: RetryRead},
	epGetUsers:       {class: RetryRead},
	epGetAttributes:  {class: RetryRead},
	epGetGroups:      {class: RetryRead},
	epGetImages:      {class: RetryRead},
	epGetImagesGroup: {class: RetryRead},
	epGetKasms:       {class: RetryRead},
	// get_kasm_status mints a new session token on every call, but a repeated call only mints
	// another one and the caller uses the kasm_url of the answer it receives: a read.
	epGetKasmStatus: {class: RetryRead},

	epCreateUser:  {class: RetryNever},
	epCreateGroup: {class: RetryNever},
	epRequestKasm: {class: RetryNever},
	epJoinKasm:    {class: RetryNever},
	epGetLogin:    {class: RetryNever},

	epUpdateUser:           {class: RetryIdempotent},
	epUpdateUserAttributes: {class: RetryIdempotent},
	epUpdateGroup:          {class: RetryIdempotent},
	epKeepalive:            {class: RetryIdempotent},
	epLogoutUser:           {class: RetryIdempotent},
	epDeleteUser:           repeatable("unknown user (", hasPrefix("unknown user (")),
	epDeleteGroup:          repeatable("group <id> does not exist", groupMissing.MatchString),
	epDestroyKasm:          repeatable("invalid kasm_id (", hasPrefix("invalid kasm_id (")),
	epAddUserGroup:         repeatable("is already a member of group", contains(") is already a member of group (")),
	epRemoveUserGroup:      repeatable("is not a member of group", contains(") is not a member of group (")),
	epAddImagesGroup:       repeatable("is already assigned to group", contains(") is already assigned to group (")),
	epRemoveImagesGroup:    repeatable("is not assigned to group", contains(") is not assigned to group (")),
}

// repeatable declares an idempotent write whose repetition is answered with the error that
// match recognises; description names that answer for Endpoints.
func repeatable(description string, match func(msg string) bool) endpointSpec {
	return endpointSpec{class: RetryIdempotent, repeatAnswer: description, repeatMatch: match}
}

// RetryClassOf returns the retry class of endpoint. An endpoint missing from the table is
// RetryNever, the safe choice for a request whose effect is not known.
func RetryClassOf(endpoint string) RetryClass {
	if spec, ok := endpointTable[endpoint]; ok {
		return spec.class
	}
	return RetryNever
}

// Endpoints lists every endpoint the client calls, sorted by name, with its retry class.
func Endpoints() []EndpointInfo {
	out := make([]EndpointInfo, 0, len(endpointTable))
	for name, spec := range endpointTable {
		out = append(out, EndpointInfo{Name: name, Class: spec.class, RepeatAnswer: spec.repeatAnswer})
	}
	slices.SortFunc(out, func(a, b EndpointInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}
