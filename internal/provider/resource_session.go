package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ resource.Resource                = (*sessionResource)(nil)
	_ resource.ResourceWithConfigure   = (*sessionResource)(nil)
	_ resource.ResourceWithImportState = (*sessionResource)(nil)
)

// Default timeouts of the timeouts attribute. An autoscaled deployment may have to start a
// server before the session, which takes minutes.
const (
	defaultSessionCreateTimeout = 10 * time.Minute
	defaultSessionDeleteTimeout = 5 * time.Minute
)

// sessionCleanupTimeout bounds the destruction of a session that Create started but cannot
// hand over. It runs on a context of its own, because the create deadline may be what ended
// the wait.
const sessionCleanupTimeout = 2 * time.Minute

const sessionObject = "Kasm Session"

// The operations of the resource, with the API key permissions each needs.
var (
	sessionCreateOp    = diagnostics.Operation{Verb: "Create", Object: sessionObject, Permissions: []string{"User", "Users Auth Session"}}
	sessionListOp      = diagnostics.Operation{Verb: "Create", Object: sessionObject, Permissions: []string{"Sessions View"}}
	sessionReadOp      = diagnostics.Operation{Verb: "Read", Object: sessionObject, Permissions: []string{"Sessions View"}}
	sessionKeepaliveOp = diagnostics.Operation{Verb: "Update", Object: sessionObject, Permissions: []string{"Sessions Modify"}}
	sessionUpdateOp    = diagnostics.Operation{Verb: "Update", Object: sessionObject, Permissions: []string{"Sessions View"}}
	sessionDeleteOp    = diagnostics.Operation{
		Verb: "Delete", Object: sessionObject,
		Permissions: []string{"User", "Users Auth Session", "Sessions View", "Sessions Delete"},
	}
)

// sessionEnvironmentName is what a container accepts as a variable name.
var sessionEnvironmentName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// sessionResource manages one Kasm session.
type sessionResource struct {
	data   *providerData
	poller sessionPoller
	// now tells whether a session has expired; replaceable so tests can follow a simulator's clock.
	now func() time.Time
}

// sessionResourceModel maps the kasm_session schema.
type sessionResourceModel struct {
	ID                kasmtypes.IDValue `tfsdk:"id"`
	KasmID            kasmtypes.IDValue `tfsdk:"kasm_id"`
	UserID            kasmtypes.IDValue `tfsdk:"user_id"`
	ImageID           kasmtypes.IDValue `tfsdk:"image_id"`
	EnableSharing     types.Bool        `tfsdk:"enable_sharing"`
	LaunchURL         types.String      `tfsdk:"launch_url"`
	Environment       types.Map         `tfsdk:"environment"`
	KeepaliveTriggers types.Map         `tfsdk:"keepalive_triggers"`
	Username          types.String      `tfsdk:"username"`
	Status            types.String      `tfsdk:"status"`
	ShareID           types.String      `tfsdk:"share_id"`
	ImageName         types.String      `tfsdk:"image_name"`
	StartDate         types.String      `tfsdk:"start_date"`
	ExpirationDate    types.String      `tfsdk:"expiration_date"`
	SessionToken      types.String      `tfsdk:"session_token"`
	KasmURL           types.String      `tfsdk:"kasm_url"`
	ConnectURL        types.String      `tfsdk:"connect_url"`
	Timeouts          timeouts.Value    `tfsdk:"timeouts"`
}

// NewSessionResource returns the kasm_session resource.
func NewSessionResource() resource.Resource {
	return &sessionResource{poller: newSessionPoller(), now: time.Now}
}

func (r *sessionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_session"
}

func (r *sessionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	timeoutsAttribute, _ := timeouts.Attributes(ctx, timeouts.Opts{
		Create: true,
		Delete: true,
		CreateDescription: "How long to wait for the session to run, as a duration such as `\"30s\"` or `\"15m\"`. " +
			"Defaults to `\"10m\"`. When it passes, the provider destroys the session it started and fails.",
		DeleteDescription: "How long to wait for Kasm to delete the session. Defaults to `\"5m\"`.",
	}).(schema.SingleNestedAttribute)
	timeoutsAttribute.MarkdownDescription = "How long creating and deleting the session may take."

	resp.Schema = schema.Schema{
		MarkdownDescription: "Starts a Kasm Workspaces session (a \"kasm\") for a user and keeps it while it is in the " +
			"configuration. Create requests the session and waits until Kasm reports it running; destroy deletes it " +
			"and waits until it is gone.\n\n" +
			"Kasm deletes a session on its own about an hour after the last keepalive (the `keepalive_expiration` " +
			"group setting; `keepalive_expiration_action` may stop or pause it instead). Give `keepalive_triggers` a " +
			"value that changes on every apply to keep the session alive. A session that is gone, expired or being " +
			"deleted drops out of the state, and the next apply starts a new one; a stopped or paused session stays, " +
			"with `status` saying so.\n\n" +
			"`connect_url` opens the session in a browser until the user logs out or a newer link is issued.\n\n" +
			"The API key needs the User, Users Auth Session, Sessions View, Sessions Modify and Sessions Delete " +
			"permissions: User and Users Auth Session to request, poll and destroy the session on behalf of its user " +
			"(Global Admin does not include User), Sessions View to read it, Sessions Modify to send keepalives, and " +
			"Sessions Delete to destroy it even when the user's group does not let users delete their sessions.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The session id, the same value as `kasm_id`.",
				CustomType:          kasmtypes.IDType{},
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"kasm_id": schema.StringAttribute{
				MarkdownDescription: "The Kasm id of the session, 32 lower-case hexadecimal characters.",
				CustomType:          kasmtypes.IDType{},
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The id of the user the session belongs to, in hex or dashed UUID form. Without it " +
					"Kasm creates an anonymous user (`anon_...`) for the session, whose id is then read back. Changing it " +
					"to a different user replaces the session; removing it from the configuration keeps the session.",
				CustomType: kasmtypes.IDType{},
				Optional:   true,
				Computed:   true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					requiresReplaceIfDifferentID(),
				},
			},
			"image_id": schema.StringAttribute{
				MarkdownDescription: "The id of the workspace image to launch (see the `kasm_images` data source), in hex " +
					"or dashed UUID form. The image must be assigned to one of the user's groups. Without it Kasm uses " +
					"the user's default image, or else the default image of the user's groups; the image used is read " +
					"back. Changing it to a different image replaces the session; removing it from the configuration " +
					"keeps the session.",
				CustomType: kasmtypes.IDType{},
				Optional:   true,
				Computed:   true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					requiresReplaceIfDifferentID(),
				},
			},
			"enable_sharing": schema.BoolAttribute{
				MarkdownDescription: "Whether the session starts with sharing enabled, so that others can join it " +
					"through `share_id`. Defaults to `false`. Changing it replaces the session. Sharing needs the " +
					"`allow_kasm_sharing` group setting on the user's groups: when Kasm creates the session but cannot " +
					"enable sharing (it answers \"Failed to create Share ID\"), the provider destroys that session " +
					"again and fails, because a session without sharing would not match the configuration.",
				Optional:      true,
				Computed:      true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"launch_url": schema.StringAttribute{
				MarkdownDescription: "The page a browser image (such as Kasm Chrome, Kasm Firefox or Kasm Tor Browser) " +
					"opens when the session starts; other images ignore it. It is sent to Kasm as its `kasm_url` " +
					"argument. Changing it replaces the session. Kasm cannot report it back: it is null after an " +
					"import, and setting it then only records the value.",
				Optional:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{replaceIfPriorStringDiffers()},
			},
			"environment": schema.MapAttribute{
				MarkdownDescription: "Environment variables added to the session's container, by name. Changing them " +
					"replaces the session. Kasm cannot report them back: they are null after an import, and setting " +
					"them then only records the value.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Map{
					mapvalidator.KeysAre(stringvalidator.RegexMatches(sessionEnvironmentName,
						"must be an environment variable name: letters, digits and underscores, not starting with a digit")),
				},
				PlanModifiers: []planmodifier.Map{replaceIfPriorMapDiffers()},
			},
			"keepalive_triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values; any change sends Kasm a keepalive for the session, which " +
					"pushes `expiration_date` back by the `keepalive_expiration` group setting of the session's user " +
					"(an hour by default), without replacing the session. Use a value that changes on every apply to " +
					"keep a session alive, for example `plantimestamp()` or the `id` of a `time_rotating` resource. " +
					"When Kasm declines to extend the session (the user's usage limit is reached, or a session time " +
					"limit applies) the apply succeeds with a warning that says why.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "The username of the session's user; for an anonymous session the name Kasm " +
					"generated (`anon_...`).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The operational status Kasm reports: `running` once the session is ready, " +
					"`stopped` or `paused` after the session was stopped or paused (it then stays in the state), other " +
					"values such as `stopping` while it changes state.",
				Computed: true,
			},
			"share_id": schema.StringAttribute{
				MarkdownDescription: "The id others use to join the session when sharing is enabled; null otherwise.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"image_name": schema.StringAttribute{
				MarkdownDescription: "The friendly name of the session's image as the Kasm UI shows it, for example " +
					"`Kasm Chrome`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"start_date": schema.StringAttribute{
				MarkdownDescription: "When the session started, in RFC 3339 format (UTC).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"expiration_date": schema.StringAttribute{
				MarkdownDescription: "When Kasm deletes the session unless it receives a keepalive first, in RFC 3339 " +
					"format (UTC). A keepalive moves it later.",
				Computed: true,
			},
			"session_token": schema.StringAttribute{
				MarkdownDescription: "The session token inside `kasm_url`. It lets anyone act as the session's user, " +
					"so it is sensitive. It stops working when `connect_url` does. Null after an import.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"kasm_url": schema.StringAttribute{
				MarkdownDescription: "The path Kasm returned for connecting to the session, " +
					"`/#/connect/kasm/<kasm_id>/<user_id>/<session_token>`, to append to the Kasm web root. Sensitive; " +
					"it stops working when `connect_url` does. Null after an import.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connect_url": schema.StringAttribute{
				MarkdownDescription: "The link that opens the session in a browser: the provider's `base_url` followed " +
					"by `kasm_url`. It is sensitive, since anyone holding it uses the session as its user. It stops " +
					"working when the user logs out, when the token expires, or when a newer link is issued: every " +
					"get_kasm_status call (the provider's own while it waits for the session to start, or one by any " +
					"other tool) issues a new token and invalidates the previous one. For a fresh link, replace the " +
					"session (`terraform apply -replace=...`) or send the user to their dashboard with a " +
					"`kasm_login_url` login link. An import cannot recover it: null after an import.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeoutsAttribute,
		},
	}
}

func (r *sessionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(sessionObject, req.ProviderData, &resp.Diagnostics)
}

func (r *sessionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sessionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	createTimeout, diags := plan.Timeouts.Create(ctx, defaultSessionCreateTimeout)
	resp.Diagnostics.Append(diags...)
	request, diags := sessionRequestFromPlan(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	ctx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()

	started, diags := r.requestSession(ctx, request)
	resp.Diagnostics.Append(diags...)
	if started == nil {
		return
	}

	status, err := r.poller.waitForRunning(ctx, started.KasmID, func(ctx context.Context) (*kasm.KasmStatus, error) {
		return r.data.client.GetKasmStatus(ctx, started.KasmID, started.UserID, true)
	})
	if err != nil {
		cleanup := r.discardSession(ctx, started.KasmID, started.UserID)
		resp.Diagnostics.Append(sessionStartFailure(err, createTimeout, cleanup))
		return
	}

	sessionModelFromStatus(&plan, started, status, r.data)
	if plan.KasmURL.IsNull() {
		resp.Diagnostics.AddWarning("Kasm Session Has No Connection Link",
			"Kasm reported the session running without a kasm_url, so session_token, kasm_url and connect_url are "+
				"null. Replace the session to try again, or open it from the user's Kasm dashboard.")
	}
	tflog.Info(ctx, "Created Kasm session", map[string]any{"kasm_id": started.KasmID, "user_id": started.UserID})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// startedSession is what Create knows about a session once Kasm accepted the request.
type startedSession struct {
	KasmID   string
	UserID   string
	Username string
	ShareID  string
}

// requestSession sends request_kasm. A lost answer is reconciled: the session the request
// created, if any, is looked up and adopted instead of being left behind. It returns nil (with
// error diagnostics) when no session is left to wait for.
func (r *sessionResource) requestSession(ctx context.Context, request kasm.RequestKasmRequest) (*startedSession, diag.Diagnostics) {
	var diags diag.Diagnostics
	client := r.data.client

	// The user's sessions before the request, so that a session created by a request whose
	// answer is lost can be told apart from sessions that already existed.
	var before map[string]bool
	if request.UserID != "" {
		kasms, err := client.GetKasms(ctx)
		if err != nil {
			diags.Append(diagnostics.APIError(sessionListOp, err))
			return nil, diags
		}
		before = sessionIDsOfUser(kasms, request.UserID)
	}

	requested := time.Now().UTC()
	tflog.Debug(ctx, "Requesting Kasm session", map[string]any{
		"user_id": request.UserID, "image_id": request.ImageID, "enable_sharing": request.EnableSharing,
	})
	answer, err := client.RequestKasm(ctx, request)
	switch {
	case err == nil:
		return &startedSession{
			KasmID: answer.KasmID, UserID: answer.UserID, Username: answer.Username, ShareID: answer.ShareID,
		}, diags
	case answer != nil:
		// Kasm created the session and still reported an error; the session must not outlive
		// the failed create.
		cleanup := r.discardSession(ctx, answer.KasmID, answer.UserID)
		diags.Append(sessionRequestFailure(err, cleanup))
		return nil, diags
	case errors.Is(err, kasm.ErrOutcomeUnknown):
		return r.reconcileLostRequest(ctx, request, before, requested, err)
	default:
		diags.Append(sessionRequestFailure(err, ""))
		return nil, diags
	}
}

// reconcileLostRequest finds the session a request_kasm with a lost answer created. Without a
// user the new session's anonymous user is unknown, so it cannot be identified; the diagnostic
// then says what may exist and how to find it.
func (r *sessionResource) reconcileLostRequest(ctx context.Context, request kasm.RequestKasmRequest,
	before map[string]bool, requested time.Time, requestErr error,
) (*startedSession, diag.Diagnostics) {
	var diags diag.Diagnostics
	image := "the default image"
	if request.ImageID != "" {
		image = "image " + request.ImageID
	}
	if request.UserID == "" {
		diags.Append(diagnostics.Failure(sessionCreateOp, diagnostics.WithAPIError(fmt.Sprintf("The answer to the session request was lost, "+
			"so a session on %s for a new anonymous user may have been started at about %s (UTC). Without user_id "+
			"the provider cannot tell which session that is. Look for an anonymous (anon_...) session started at that "+
			"time in the Kasm admin UI under Sessions, or with the kasm_sessions data source filtered by image_id, "+
			"and delete it there or import it with terraform import; then apply again.",
			image, requested.Format(time.RFC3339)), requestErr)))
		return nil, diags
	}

	kasms, err := r.data.client.GetKasms(ctx)
	if err != nil {
		diags.Append(diagnostics.Failure(sessionCreateOp, diagnostics.WithAPIError(fmt.Sprintf("The answer to the session request was lost, "+
			"and the sessions could not be listed to find out whether it started one. A session of user %s on %s may "+
			"have been started at about %s (UTC); check with the kasm_sessions data source and import or delete it "+
			"before applying again.", request.UserID, image, requested.Format(time.RFC3339)), err)))
		return nil, diags
	}
	adopted := adoptableSession(kasms, request.UserID, request.ImageID, before)
	if adopted == nil {
		diags.Append(diagnostics.Failure(sessionCreateOp, diagnostics.WithAPIError("The answer to the session request "+
			"was lost, and Kasm lists no new session of the user, so the request started nothing. Apply again to retry.",
			requestErr)))
		return nil, diags
	}
	tflog.Info(ctx, "Adopting the Kasm session a request with a lost answer started", map[string]any{
		"kasm_id": adopted.ID, "user_id": adopted.UserID,
	})
	return &startedSession{
		KasmID: adopted.ID, UserID: adopted.UserID, Username: adopted.User.Username, ShareID: adopted.ShareID,
	}, diags
}

// discardSession destroys a session that Create started but cannot hand over, and returns a
// sentence saying whether that worked, for the failure's diagnostic. The clean-up runs on a
// context of its own, detached from the create deadline that may be what ended the wait.
func (r *sessionResource) discardSession(ctx context.Context, kasmID, userID string) string {
	cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sessionCleanupTimeout)
	defer cancel()

	tflog.Info(cleanupCtx, "Destroying the Kasm session that Create cannot keep", map[string]any{"kasm_id": kasmID})
	if err := r.poller.destroyAndWait(cleanupCtx, r.data.client, kasmID, userID); err != nil {
		tflog.Warn(cleanupCtx, "Could not destroy the Kasm session that Create cannot keep", map[string]any{
			"kasm_id": kasmID, "error": err.Error(),
		})
		return fmt.Sprintf("The provider could not destroy the session it started (kasm_id %s), so it may still "+
			"exist: delete it in the Kasm admin UI under Sessions, or import it with terraform import and destroy "+
			"it (clean-up error: %s).", kasmID, err)
	}
	return "The provider destroyed the session again, so nothing is left behind."
}

// sessionRequestFailure explains a request_kasm error, naming the attribute at fault where
// there is one. cleanup is discardSession's report when Kasm started a session all the same,
// or "".
func sessionRequestFailure(err error, cleanup string) diag.Diagnostic {
	var apiErr *kasm.APIError
	message := ""
	if errors.As(err, &apiErr) {
		message = strings.ToLower(apiErr.Message)
	}
	detail := func(advice string) string {
		if cleanup != "" {
			advice += " " + cleanup
		}
		return diagnostics.WithAPIError(advice, err)
	}
	switch {
	case strings.Contains(message, "share id"):
		return diagnostics.AttributeFailure(path.Root("enable_sharing"), sessionCreateOp, detail(
			"Kasm started the session but could not enable sharing: sharing is disabled for the user's groups "+
				"(group setting allow_kasm_sharing). A session without sharing would not match the configuration. "+
				"Allow sharing for one of the user's groups, or set enable_sharing to false."))
	case strings.HasPrefix(message, "invalid user_id"):
		return diagnostics.AttributeFailure(path.Root("user_id"), sessionCreateOp, detail(
			"No Kasm user has this id. Check user_id, or leave it out to start the session for a new anonymous user."))
	case strings.Contains(message, "image not authorized"):
		return diagnostics.AttributeFailure(path.Root("image_id"), sessionCreateOp, detail(
			"The image is not assigned to any group of the session's user, so the user may not launch it. Assign "+
				"the image to one of the user's groups, or choose another image."))
	case strings.Contains(message, "no default image"):
		return diagnostics.AttributeFailure(path.Root("image_id"), sessionCreateOp, detail(
			"No image_id is set, and neither the user nor the user's groups have a default image. Set image_id."))
	case message == "invalid request":
		return diagnostics.AttributeFailure(path.Root("image_id"), sessionCreateOp, detail(
			"Kasm does not know the image. Check image_id against the kasm_images data source."))
	case errors.Is(err, kasm.ErrConflict) || strings.HasPrefix(message, "kasm limit exceeded"):
		return diagnostics.Failure(sessionCreateOp, detail(
			"The user already has as many sessions as the group setting max_kasms_per_user allows (Kasm's default "+
				"is 2). Destroy one of the user's sessions, or raise the limit for one of the user's groups."))
	case strings.HasPrefix(message, "usage limit exceeded"):
		return diagnostics.Failure(sessionCreateOp, detail(
			"The user's usage limit (group setting usage_limit) is used up, so Kasm starts no new session for them."))
	case strings.HasPrefix(message, "no resources are available"):
		return diagnostics.Failure(sessionCreateOp, detail(
			"No Kasm agent has room for the session. Apply again later, or add capacity to the deployment."))
	case cleanup != "":
		return diagnostics.Failure(sessionCreateOp, detail(
			"Kasm started the session but reported an error with it."))
	default:
		return diagnostics.APIError(sessionCreateOp, err)
	}
}

// sessionStartFailure explains why a requested session did not reach the running state; cleanup
// is discardSession's report.
func sessionStartFailure(err error, createTimeout time.Duration, cleanup string) diag.Diagnostic {
	var stateErr *sessionStateError
	switch {
	case errors.Is(err, errSessionWaitTimedOut):
		return diagnostics.Failure(sessionCreateOp, fmt.Sprintf("The session did not start within the create "+
			"timeout (%s). %s Kasm may need longer to provide resources (for example on an autoscaled "+
			"deployment): raise timeouts.create, or check the agents in the Kasm admin UI. Reason: %s.",
			createTimeout, cleanup, err))
	case errors.As(err, &stateErr):
		return diagnostics.Failure(sessionCreateOp, fmt.Sprintf("The session did not start: Kasm reports it %s. "+
			"%s Check the session's image and agent in the Kasm admin UI, then apply again.", stateErr.Status, cleanup))
	case errors.Is(err, errSessionVanished):
		return diagnostics.Failure(sessionCreateOp, "Kasm removed the session while it was starting, which usually "+
			"means its container could not start. Check the image and the agents in the Kasm admin UI, then apply again.")
	default:
		return diagnostics.Failure(sessionCreateOp, diagnostics.WithAPIError("Kasm accepted the session request, "+
			"but reading the session's status failed. "+cleanup, err))
	}
}

func (r *sessionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sessionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// get_kasms, not get_kasm_status: the latter would issue a new token and break the link
	// the user may be using right now.
	kasms, err := r.data.client.GetKasms(ctx)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError(sessionReadOp, err))
		return
	}
	kasmID := state.ID.Normalized()
	current := findSession(kasms, kasmID)
	if reason := sessionGoneReason(current, r.now()); reason != "" {
		tflog.Info(ctx, "Kasm session no longer exists, removing from state", map[string]any{
			"kasm_id": kasmID, "reason": reason,
		})
		resp.State.RemoveResource(ctx)
		return
	}

	sessionModelFromKasm(&state, *current)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// sessionGoneReason says why a listed session (nil when not listed) no longer counts as
// existing, or "" when it does. An expired session is about to be deleted by Kasm.
func sessionGoneReason(current *kasm.Kasm, now time.Time) string {
	switch {
	case current == nil:
		return "not listed"
	case sessionIsDeleting(current.OperationalStatus):
		return "being deleted (" + current.OperationalStatus + ")"
	case current.ExpirationDate != nil && current.ExpirationDate.Before(now):
		return "expired"
	default:
		return ""
	}
}

func (r *sessionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state sessionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	kasmID := state.ID.Normalized()
	if !plan.KeepaliveTriggers.Equal(state.KeepaliveTriggers) {
		answer, err := r.data.client.Keepalive(ctx, kasmID)
		if err != nil {
			resp.Diagnostics.Append(sessionKeepaliveFailure(err))
			return
		}
		resp.Diagnostics.Append(sessionKeepaliveDiagnostics(answer)...)
		tflog.Info(ctx, "Sent keepalive to Kasm session", map[string]any{
			"kasm_id": kasmID, "extended": answer.Extended,
		})
	}

	kasms, err := r.data.client.GetKasms(ctx)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError(sessionUpdateOp, err))
		return
	}
	current := findSession(kasms, kasmID)
	if sessionGoneReason(current, r.now()) != "" {
		resp.Diagnostics.Append(diagnostics.Failure(sessionUpdateOp, "The session no longer exists on the Kasm "+
			"server: it ended or was deleted. Apply again to start a new one."))
		return
	}

	// Only the inputs that do not replace the session can differ from the state: the keepalive
	// triggers, the timeouts, and inputs recorded after an import. The connection details stay
	// those Create stored.
	plan.SessionToken = state.SessionToken
	plan.KasmURL = state.KasmURL
	plan.ConnectURL = state.ConnectURL
	sessionModelFromKasm(&plan, *current)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// sessionKeepaliveFailure explains a keepalive error.
func sessionKeepaliveFailure(err error) diag.Diagnostic {
	if errors.Is(err, kasm.ErrNotFound) {
		return diagnostics.Failure(sessionKeepaliveOp, diagnostics.WithAPIError("The session no longer exists on the "+
			"Kasm server, so it cannot be kept alive. Apply again to start a new one.", err))
	}
	var apiErr *kasm.APIError
	if errors.As(err, &apiErr) && strings.Contains(strings.ToLower(apiErr.Message), "scheduled to be deleted") {
		return diagnostics.Failure(sessionKeepaliveOp, diagnostics.WithAPIError("Kasm is deleting, stopping or "+
			"pausing the session and declined the keepalive. Apply again once it is gone to start a new one.", err))
	}
	return diagnostics.APIError(sessionKeepaliveOp, err)
}

// sessionKeepaliveDiagnostics warns when Kasm accepted a keepalive without extending the
// session, saying why.
func sessionKeepaliveDiagnostics(answer *kasm.KeepaliveResponse) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case answer.Extended:
	case answer.UsageReached != nil && *answer.UsageReached:
		diags.AddWarning("Kasm Session Not Extended",
			"Kasm received the keepalive but did not push the session's expiration back: the user's usage limit "+
				"(group setting usage_limit) is used up. The session ends at its expiration_date.")
	default:
		diags.AddWarning("Kasm Session Not Extended",
			"Kasm received the keepalive but did not push the session's expiration back: a session time limit "+
				"(session_time_limit of the image or of the user's groups) applies, and keepalives cannot extend it. "+
				"The session ends at its expiration_date.")
	}
	return diags
}

func (r *sessionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sessionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	deleteTimeout, diags := state.Timeouts.Delete(ctx, defaultSessionDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, deleteTimeout)
	defer cancel()

	kasmID := state.ID.Normalized()
	err := r.poller.destroyAndWait(ctx, r.data.client, kasmID, state.UserID.Normalized())
	switch {
	case err == nil:
		tflog.Info(ctx, "Deleted Kasm session", map[string]any{"kasm_id": kasmID})
	case errors.Is(err, errSessionWaitTimedOut):
		resp.Diagnostics.Append(diagnostics.Failure(sessionDeleteOp, fmt.Sprintf("Kasm accepted the request to "+
			"destroy the session but still lists it after the delete timeout (%s); it is probably still being "+
			"deleted. Raise timeouts.delete, or check the session in the Kasm admin UI. Reason: %s.", deleteTimeout, err)))
	default:
		resp.Diagnostics.Append(diagnostics.APIError(sessionDeleteOp, err))
	}
}

// ImportState accepts the session's Kasm id in either form; Read fills in the rest.
func (r *sessionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	kasmID, err := kasm.NormalizeID(req.ID)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.InvalidImportID(sessionObject, "<kasm_id>",
			"116f18170fdc4a1a87146164a880fb93", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), kasmtypes.NewIDValue(kasmID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("kasm_id"), kasmtypes.NewIDValue(kasmID))...)
}

// sessionRequestFromPlan builds the request_kasm arguments from the planned inputs.
func sessionRequestFromPlan(ctx context.Context, plan sessionResourceModel) (kasm.RequestKasmRequest, diag.Diagnostics) {
	request := kasm.RequestKasmRequest{
		EnableSharing: plan.EnableSharing.ValueBool(),
		KasmURL:       plan.LaunchURL.ValueString(),
	}
	if sessionKnownID(plan.UserID) {
		request.UserID = plan.UserID.Normalized()
	}
	if sessionKnownID(plan.ImageID) {
		request.ImageID = plan.ImageID.Normalized()
	}
	var diags diag.Diagnostics
	if !plan.Environment.IsNull() && !plan.Environment.IsUnknown() {
		diags = plan.Environment.ElementsAs(ctx, &request.Environment, false)
	}
	return request, diags
}

func sessionKnownID(v kasmtypes.IDValue) bool {
	return !v.IsNull() && !v.IsUnknown()
}

// sessionModelFromStatus fills the computed attributes after Create from the started session
// and the final, running get_kasm_status answer, whose kasm_url holds the one valid token.
func sessionModelFromStatus(m *sessionResourceModel, started *startedSession, status *kasm.KasmStatus, data *providerData) {
	k := *status.Kasm
	if k.ID == "" {
		k.ID = started.KasmID
	}
	if k.UserID == "" {
		k.UserID = started.UserID
	}
	if k.User.Username == "" {
		k.User.Username = started.Username
	}
	if k.ShareID == "" {
		k.ShareID = started.ShareID
	}
	sessionModelFromKasm(m, k)
	m.Username = types.StringValue(k.User.Username)

	m.SessionToken = types.StringNull()
	m.KasmURL = types.StringNull()
	m.ConnectURL = types.StringNull()
	if status.KasmURL != "" {
		m.KasmURL = types.StringValue(status.KasmURL)
		m.ConnectURL = types.StringValue(data.absoluteURL(status.KasmURL))
		if token := sessionTokenFromKasmURL(status.KasmURL); token != "" {
			m.SessionToken = types.StringValue(token)
		}
	}
}

// sessionModelFromKasm copies what a session object reports into the model. It leaves the
// inputs Kasm cannot report (launch_url, environment) and the connection details alone, and
// sets enable_sharing only when it is unknown to the state (after an import).
func sessionModelFromKasm(m *sessionResourceModel, k kasm.Kasm) {
	m.ID = kasmtypes.NewIDValue(k.ID)
	m.KasmID = kasmtypes.NewIDValue(k.ID)
	if k.UserID != "" {
		m.UserID = kasmtypes.NewIDValue(k.UserID)
	}
	if k.ImageID != "" {
		m.ImageID = kasmtypes.NewIDValue(k.ImageID)
	}
	if m.EnableSharing.IsNull() || m.EnableSharing.IsUnknown() {
		m.EnableSharing = types.BoolValue(k.ShareID != "")
	}
	if k.User.Username != "" || m.Username.IsUnknown() {
		m.Username = types.StringValue(k.User.Username)
	}
	m.Status = types.StringValue(k.OperationalStatus)
	m.ShareID = nullableString(k.ShareID)
	m.ImageName = nullableString(sessionImageName(k.Image))
	m.StartDate = rfc3339(k.StartDate)
	m.ExpirationDate = rfc3339(k.ExpirationDate)
}

// sessionImageName is the name the Kasm UI shows for an image: its friendly name, or the
// Docker image name for an image that has none.
func sessionImageName(image kasm.SessionImage) string {
	if image.FriendlyName != "" {
		return image.FriendlyName
	}
	return image.Name
}

// sessionTokenFromKasmURL returns the token at the end of a connection path
// ("/#/connect/kasm/<kasm_id>/<user_id>/<token>"), or "" when the path does not have that form.
func sessionTokenFromKasmURL(kasmURL string) string {
	withoutQuery, _, _ := strings.Cut(kasmURL, "?")
	_, rest, found := strings.Cut(withoutQuery, "/connect/kasm/")
	if !found {
		return ""
	}
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	if len(parts) != 3 || parts[2] == "" {
		return ""
	}
	return parts[2]
}
