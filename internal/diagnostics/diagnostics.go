// Package diagnostics holds the provider's one voice for diagnostics: every summary names the
// operation and the object in Title Case ("Unable to Create Kasm User"), and every detail says
// what failed, what the practitioner can do about it, and then the underlying error after a
// fixed label. Keeping the wording here means resources cannot drift apart.
package diagnostics

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
)

// Operation describes what the provider was doing when something failed.
type Operation struct {
	// Verb is the Title Case action, for example "Create", "Read", "Import" or "Refresh".
	Verb string
	// Object is the Title Case object, for example "Kasm User" or "Kasm Group Membership".
	Object string
	// Permissions lists the Kasm API key permissions the operation needs, in the names the
	// Kasm admin UI shows, so that an authorization failure can say which one is likely missing.
	Permissions []string
}

// Summary is the diagnostic summary for a failure of the operation.
func (o Operation) Summary() string {
	return "Unable to " + o.Verb + " " + o.Object
}

// errorLabel introduces the underlying error at the end of every detail.
const errorLabel = "Kasm API error: "

// APIError turns an error returned by the Kasm client into a diagnostic whose detail explains
// the likely cause for each kind of failure the client distinguishes.
func APIError(op Operation, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(op.Summary(), apiErrorDetail(op, err))
}

// AttributeAPIError is APIError attached to the attribute that the failure is about.
func AttributeAPIError(attr path.Path, op Operation, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attr, op.Summary(), apiErrorDetail(op, err))
}

func apiErrorDetail(op Operation, err error) string {
	object := strings.ToLower(strings.TrimPrefix(op.Object, "Kasm "))
	var advice string
	switch {
	case errors.Is(err, kasm.ErrUnauthorized):
		advice = "The Kasm server refused the API key. Check api_key and api_key_secret, that the key is " +
			"enabled and not expired, and that it holds the permissions this operation needs"
		if len(op.Permissions) > 0 {
			advice += " (" + strings.Join(op.Permissions, ", ") + ")"
		}
		advice += ". A new Kasm API key has no permissions until an administrator grants them."
	case errors.Is(err, kasm.ErrOutcomeUnknown):
		advice = fmt.Sprintf("The request may have reached the Kasm server, but its answer was lost, so the %s "+
			"may or may not exist now. Check the server before retrying; if it exists, import it.", object)
	case errors.Is(err, kasm.ErrNotFound):
		advice = fmt.Sprintf("The %s, or an object it refers to, does not exist on the Kasm server.", object)
	case errors.Is(err, kasm.ErrAlreadyExists):
		advice = fmt.Sprintf("The %s already exists on the Kasm server.", object)
	case errors.Is(err, kasm.ErrConflict):
		advice = fmt.Sprintf("The Kasm server refused to change the %s in its current state.", object)
	case isNetworkError(err):
		advice = "The Kasm server could not be reached. Check base_url, the network path to the server and, " +
			"for HTTPS, the certificate settings (ca_cert_pem, insecure)."
	default:
		advice = fmt.Sprintf("The Kasm server returned an error while the provider tried to %s the %s.",
			strings.ToLower(op.Verb), object)
	}
	return WithAPIError(advice, err)
}

// WithAPIError appends the underlying error to a detail the provider wrote itself, after the
// same label APIError uses, for failures whose advice depends on more than the kind of error.
func WithAPIError(detail string, err error) string {
	return detail + "\n\n" + errorLabel + err.Error()
}

func isNetworkError(err error) bool {
	var netErr net.Error
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &netErr) || errors.As(err, &opErr) || errors.As(err, &dnsErr)
}

// Failure is a diagnostic for a failure that did not come from the client: the detail is given
// as it is and should already say what to do.
func Failure(op Operation, detail string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(op.Summary(), detail)
}

// AttributeFailure is Failure attached to the attribute at fault.
func AttributeFailure(attr path.Path, op Operation, detail string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attr, op.Summary(), detail)
}

// UnexpectedProviderData reports a provider data value of the wrong type, which only a
// programming error in the provider can cause.
func UnexpectedProviderData(object string, data any) diag.Diagnostic {
	return diag.NewErrorDiagnostic(
		"Unable to Configure "+object,
		fmt.Sprintf("The provider handed the %s an unexpected value of type %T. "+
			"This is a bug in the provider; please report it.", object, data),
	)
}

// InvalidImportID reports an import identifier that does not have the expected format.
func InvalidImportID(object, format, example, got string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(
		"Unable to Import "+object,
		fmt.Sprintf("The import identifier must have the form %s, for example %q. Got %q.", format, example, got),
	)
}
