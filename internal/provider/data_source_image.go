package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ datasource.DataSource                     = (*imageDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*imageDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*imageDataSource)(nil)
)

// imageListLimit caps how many images an error message names, so that a server with hundreds
// of images still produces a readable diagnostic.
const imageListLimit = 20

// imageDataSource finds exactly one workspace image by id, name or friendly name.
type imageDataSource struct {
	data *providerData
}

// NewImageDataSource returns the kasm_image data source.
func NewImageDataSource() datasource.DataSource {
	return &imageDataSource{}
}

func (d *imageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (d *imageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds exactly one workspace image by `id`, `name` (the Docker image) or " +
			"`friendly_name`, so that configurations can name an image instead of pasting its id. Disabled " +
			"images are found too; check `enabled` if that matters. Finding no image, or several, is an error " +
			"that lists what the server has. The API key needs the Images View permission.",
		Attributes: imageAttributes(true),
	}
}

func (d *imageDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(
			path.MatchRoot("id"),
			path.MatchRoot("name"),
			path.MatchRoot("friendly_name"),
		),
	}
}

func (d *imageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData("Kasm Image Data Source", req.ProviderData, &resp.Diagnostics)
}

func (d *imageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config imageModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	op := diagnostics.Operation{Verb: "Read", Object: "Kasm Image", Permissions: imagesPermissions}
	lookup, ok := imageLookupFromModel(config)
	if !ok {
		// The ExactlyOneOf validator makes this unreachable from a validated configuration.
		resp.Diagnostics.Append(diagnostics.Failure(op, "Set exactly one of id, name and friendly_name."))
		return
	}

	images, err := d.data.client.GetImages(ctx)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError(op, err))
		return
	}

	matches := lookup.match(images)
	tflog.Debug(ctx, "Looked up Kasm image", map[string]any{
		"lookup":  lookup.attribute,
		"images":  len(images),
		"matches": len(matches),
	})
	switch len(matches) {
	case 1:
		state := imageModelFromAPI(matches[0])
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	case 0:
		resp.Diagnostics.Append(diagnostics.AttributeFailure(path.Root(lookup.attribute), op, lookup.noMatchDetail(images)))
	default:
		resp.Diagnostics.Append(diagnostics.AttributeFailure(path.Root(lookup.attribute), op, lookup.severalMatchesDetail(matches)))
	}
}

// imageLookup is the one key the kasm_image data source was given.
type imageLookup struct {
	// attribute is the schema attribute that holds the key: id, name or friendly_name.
	attribute string
	value     string
}

// imageLookupFromModel returns the key that is set in the configuration.
func imageLookupFromModel(config imageModel) (imageLookup, bool) {
	switch {
	case !config.ID.IsNull() && !config.ID.IsUnknown():
		return imageLookup{attribute: "id", value: config.ID.ValueString()}, true
	case !config.Name.IsNull() && !config.Name.IsUnknown():
		return imageLookup{attribute: "name", value: config.Name.ValueString()}, true
	case !config.FriendlyName.IsNull() && !config.FriendlyName.IsUnknown():
		return imageLookup{attribute: "friendly_name", value: config.FriendlyName.ValueString()}, true
	}
	return imageLookup{}, false
}

// match returns the images the key names: ids compare in any of Kasm's forms, names exactly.
func (l imageLookup) match(images []kasm.Image) []kasm.Image {
	var matches []kasm.Image
	for _, image := range images {
		var matched bool
		switch l.attribute {
		case "id":
			matched = kasmtypes.SameID(image.ID, l.value)
		case "name":
			matched = image.Name == l.value
		case "friendly_name":
			matched = image.FriendlyName == l.value
		}
		if matched {
			matches = append(matches, image)
		}
	}
	sortImages(matches)
	return matches
}

// describe names the key in error text, for example `the friendly name "Kasm Chrome"`.
func (l imageLookup) describe() string {
	return fmt.Sprintf("the %s %q", strings.ReplaceAll(l.attribute, "_", " "), l.value)
}

// noMatchDetail explains that no image matched and lists the friendly names the server has.
func (l imageLookup) noMatchDetail(images []kasm.Image) string {
	var b strings.Builder
	fmt.Fprintf(&b, "No Kasm image has %s", l.describe())
	if l.attribute != "id" {
		b.WriteString(" (the comparison is exact and case-sensitive)")
	}
	b.WriteString(". ")
	if len(images) == 0 {
		b.WriteString("The server has no images, or the API key cannot see them.")
		return b.String()
	}
	names := make([]string, 0, len(images))
	for _, image := range images {
		names = append(names, image.FriendlyName)
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	names = slices.Compact(names)
	fmt.Fprintf(&b, "The server has %s with these friendly names: %s. ",
		imageCount(len(images)), imageQuotedList(names, imageListLimit))
	b.WriteString("Use the kasm_images data source to search by part of a name.")
	return b.String()
}

// severalMatchesDetail lists the images that share the key, so the practitioner can pick one
// by id.
func (l imageLookup) severalMatchesDetail(matches []kasm.Image) string {
	entries := make([]string, 0, len(matches))
	for _, image := range matches {
		entries = append(entries, fmt.Sprintf("%q (name %q, id %s)", image.FriendlyName, image.Name, image.ID))
	}
	return fmt.Sprintf("%d Kasm images have %s, but the kasm_image data source needs exactly one: %s. "+
		"Choose the image by id instead.", len(matches), l.describe(), imageJoinLimited(entries, imageListLimit))
}

// imageQuotedList quotes each item and joins at most limit of them.
func imageQuotedList(items []string, limit int) string {
	quoted := make([]string, 0, len(items))
	for _, item := range items {
		quoted = append(quoted, fmt.Sprintf("%q", item))
	}
	return imageJoinLimited(quoted, limit)
}

// imageJoinLimited joins at most limit items with commas and says how many were left out.
func imageJoinLimited(items []string, limit int) string {
	if len(items) <= limit {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:limit], ", "), len(items)-limit)
}

// imageCount says how many images there are, in words.
func imageCount(n int) string {
	if n == 1 {
		return "1 image"
	}
	return fmt.Sprintf("%d images", n)
}
