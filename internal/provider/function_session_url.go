package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = (*sessionURLFunction)(nil)

// sessionURLOptions are the query arguments of the "Session Component Control" section of the
// Kasm developer API, in the order the function appends them (the document's order), so the
// result does not depend on map iteration.
var sessionURLOptions = []string{"disable_control_panel", "disable_tips", "disable_chat", "disable_fixed_res"}

// sessionURLFunction implements provider::kasm::session_url.
type sessionURLFunction struct{}

// NewSessionURLFunction returns the session_url function.
func NewSessionURLFunction() function.Function {
	return &sessionURLFunction{}
}

func (f *sessionURLFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "session_url"
}

func (f *sessionURLFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Adds Kasm session component options to a session URL.",
		MarkdownDescription: "Returns a Kasm session URL with the \"Session Component Control\" query arguments of the " +
			"Kasm developer API added, which hide parts of the session page. For each option set to `true`, " +
			"`<option>=1` is appended to the query that follows the `#/connect/...` fragment path (`?` first, " +
			"then `&`), in a fixed order: `disable_control_panel`, `disable_tips`, `disable_chat`, " +
			"`disable_fixed_res`. Options set to `false` or `null` add nothing and remove nothing. Query " +
			"arguments already in the URL are kept as they are, except that an option set to `true` whose key is " +
			"already present has its value replaced by `1` in place instead of being added a second time. " +
			"Session URLs embed a session token. Terraform marks the result sensitive when `url` is sensitive " +
			"(as the provider's link attributes are); a function cannot mark its result sensitive by itself, so " +
			"wrap the result in `sensitive()` when you build the URL from values that are not marked. When an " +
			"argument is unknown during plan, so is the result; a null argument is an error. Provider functions " +
			"need Terraform 1.8 or later.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "url",
				MarkdownDescription: "A Kasm session URL: absolute (such as `join_url` of `kasm_session_join`) or the " +
					"path Kasm returns in `kasm_url`, such as `/#/connect/join/<share id>/<user id>/<token>`. It must " +
					"contain a fragment that starts with `/`.",
			},
			function.MapParameter{
				Name:        "options",
				ElementType: types.BoolType,
				MarkdownDescription: "Which components to hide: a map whose keys are `disable_control_panel` (the " +
					"control panel used for uploads, downloads and settings), `disable_tips` (the tips shown on " +
					"connecting), `disable_chat` (the chat of shared sessions) and `disable_fixed_res` (lets a " +
					"shared session use a dynamic resolution instead of a fixed one). Any other key is an error. " +
					"Use `{}` for no options.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *sessionURLFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var sessionURL string
	var options map[string]types.Bool
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &sessionURL, &options))
	if resp.Error != nil {
		return
	}

	enabled := make(map[string]bool, len(options))
	for key, value := range options {
		enabled[key] = value.ValueBool()
	}
	if err := checkSessionURLOptions(enabled); err != nil {
		resp.Error = function.NewArgumentFuncError(1, err.Error())
		return
	}

	result, err := sessionURLWithOptions(sessionURL, enabled)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, result))
}

// checkSessionURLOptions rejects keys that are not session component options, naming the
// valid ones.
func checkSessionURLOptions(options map[string]bool) error {
	var unknown []string
	for key := range options {
		if !slices.Contains(sessionURLOptions, key) {
			unknown = append(unknown, fmt.Sprintf("%q", key))
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	noun := "option"
	if len(unknown) > 1 {
		noun = "options"
	}
	return fmt.Errorf("unknown %s %s; the valid options are %s", noun, strings.Join(unknown, ", "),
		strings.Join(sessionURLOptions, ", "))
}

// errNoSessionFragment is returned for a URL without the "#/..." fragment Kasm session URLs
// carry, which is where the options belong.
var errNoSessionFragment = errors.New(`the URL has no "#/" fragment; give a Kasm session URL such as ` +
	`"https://kasm.example.com/#/connect/join/..." or the kasm_url path "/#/connect/join/..."`)

// sessionURLWithOptions appends "<option>=1" for each enabled option to the query inside the
// fragment of sessionURL, where Kasm's web client reads it. Existing arguments keep their
// place and text; an enabled option that is already present gets the value 1 in place. The
// URL is not otherwise parsed or re-encoded, so a token in it comes back byte for byte.
func sessionURLWithOptions(sessionURL string, enabled map[string]bool) (string, error) {
	hash := strings.IndexByte(sessionURL, '#')
	if hash < 0 || !strings.HasPrefix(sessionURL[hash+1:], "/") {
		return "", errNoSessionFragment
	}
	fragmentPath, query, _ := strings.Cut(sessionURL[hash+1:], "?")

	var arguments []string
	if query != "" {
		arguments = strings.Split(query, "&")
	}
	changed := false
	for _, option := range sessionURLOptions {
		if !enabled[option] {
			continue
		}
		changed = true
		present := false
		for i, argument := range arguments {
			if key, _, _ := strings.Cut(argument, "="); key == option {
				arguments[i] = option + "=1"
				present = true
			}
		}
		if !present {
			arguments = append(arguments, option+"=1")
		}
	}
	if !changed {
		return sessionURL, nil
	}
	return sessionURL[:hash+1] + fragmentPath + "?" + strings.Join(arguments, "&"), nil
}
