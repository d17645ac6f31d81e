package diagnostics_test

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
)

var createUser = diagnostics.Operation{Verb: "Create", Object: "Kasm User", Permissions: []string{"Users Create"}}

func TestAPIErrorDetailFollowsTheErrorKind(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{
			name: "unauthorized names the permissions",
			err:  fmt.Errorf("create_user: HTTP 401: Unauthorized: %w", kasm.ErrUnauthorized),
			want: []string{"refused the API key", "(Users Create)", "no permissions until", "Kasm API error: "},
		},
		{
			name: "outcome unknown says to check before retrying",
			err:  fmt.Errorf("create_user: %w", kasm.ErrOutcomeUnknown),
			want: []string{"answer was lost", "user may or may not exist", "import it"},
		},
		{
			name: "not found",
			err:  fmt.Errorf("get_user: %w", kasm.ErrNotFound),
			want: []string{"does not exist on the Kasm server"},
		},
		{
			name: "already exists",
			err:  fmt.Errorf("create_user: %w", kasm.ErrAlreadyExists),
			want: []string{"already exists"},
		},
		{
			name: "conflict",
			err:  fmt.Errorf("delete_user: %w", kasm.ErrConflict),
			want: []string{"refused to change the user"},
		},
		{
			name: "network",
			err:  &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")},
			want: []string{"could not be reached", "base_url"},
		},
		{
			name: "anything else",
			err:  errors.New("boom"),
			want: []string{"tried to create the user", "Kasm API error: boom"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diagnostics.APIError(createUser, tt.err)
			if d.Severity() != diag.SeverityError {
				t.Fatalf("severity = %v, want error", d.Severity())
			}
			if d.Summary() != "Unable to Create Kasm User" {
				t.Errorf("summary = %q", d.Summary())
			}
			for _, want := range tt.want {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail %q does not contain %q", d.Detail(), want)
				}
			}
			if !strings.HasSuffix(d.Detail(), tt.err.Error()) {
				t.Errorf("detail does not end with the underlying error: %q", d.Detail())
			}
		})
	}
}

func TestAttributeDiagnosticsCarryThePath(t *testing.T) {
	attr := path.Root("username")
	for _, d := range []diag.Diagnostic{
		diagnostics.AttributeAPIError(attr, createUser, kasm.ErrAlreadyExists),
		diagnostics.AttributeFailure(attr, createUser, "explained"),
	} {
		withPath, ok := d.(diag.DiagnosticWithPath)
		if !ok {
			t.Fatalf("%T has no path", d)
		}
		if !withPath.Path().Equal(attr) {
			t.Errorf("path = %s, want %s", withPath.Path(), attr)
		}
	}
}

func TestFixedTexts(t *testing.T) {
	if got := diagnostics.UnexpectedProviderData("Kasm User Resource", 42).Detail(); !strings.Contains(got, "type int") {
		t.Errorf("UnexpectedProviderData detail = %q", got)
	}
	got := diagnostics.InvalidImportID("Kasm Group Membership", "<group_id>/<user_id>", "a/b", "nope").Detail()
	for _, want := range []string{"<group_id>/<user_id>", `"a/b"`, `"nope"`} {
		if !strings.Contains(got, want) {
			t.Errorf("InvalidImportID detail %q lacks %q", got, want)
		}
	}
	if got := diagnostics.Failure(createUser, "text").Summary(); got != "Unable to Create Kasm User" {
		t.Errorf("Failure summary = %q", got)
	}
}

func TestWithAPIErrorAppendsTheErrorAfterTheLabel(t *testing.T) {
	err := fmt.Errorf("add_user_group: HTTP 400: Invalid user id: %w", kasm.ErrNotFound)
	got := diagnostics.WithAPIError("No Kasm user has the id u1.", err)
	want := "No Kasm user has the id u1.\n\nKasm API error: " + err.Error()
	if got != want {
		t.Errorf("WithAPIError = %q, want %q", got, want)
	}
	if api := diagnostics.APIError(createUser, err).Detail(); !strings.HasSuffix(api, "\n\nKasm API error: "+err.Error()) {
		t.Errorf("APIError detail %q does not end with the same label and error", api)
	}
}
