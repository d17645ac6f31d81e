package provider

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/diagnostics"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmtypes"
)

var (
	_ datasource.DataSource              = (*imagesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*imagesDataSource)(nil)
)

// imagesPermissions are the API key permissions get_images needs.
var imagesPermissions = []string{"Images View"}

// imagesDataSource lists workspace images, optionally filtered.
type imagesDataSource struct {
	data *providerData
}

// imagesDataSourceModel maps the kasm_images data source.
type imagesDataSourceModel struct {
	ID           types.String `tfsdk:"id"`
	EnabledOnly  types.Bool   `tfsdk:"enabled_only"`
	Name         types.String `tfsdk:"name"`
	FriendlyName types.String `tfsdk:"friendly_name"`
	Images       []imageModel `tfsdk:"images"`
}

// imageModel is one workspace image. It is both an element of kasm_images' images list and
// the whole of the kasm_image data source, which share one schema (see imageAttributes).
type imageModel struct {
	ID                    kasmtypes.IDValue `tfsdk:"id"`
	Name                  types.String      `tfsdk:"name"`
	FriendlyName          types.String      `tfsdk:"friendly_name"`
	Description           types.String      `tfsdk:"description"`
	Enabled               types.Bool        `tfsdk:"enabled"`
	Available             types.Bool        `tfsdk:"available"`
	Hidden                types.Bool        `tfsdk:"hidden"`
	Cores                 types.Float64     `tfsdk:"cores"`
	Memory                types.Int64       `tfsdk:"memory"`
	GPUCount              types.Int64       `tfsdk:"gpu_count"`
	RequireGPU            types.Bool        `tfsdk:"require_gpu"`
	XRes                  types.Int64       `tfsdk:"x_res"`
	YRes                  types.Int64       `tfsdk:"y_res"`
	ImageSrc              types.String      `tfsdk:"image_src"`
	ImageType             types.String      `tfsdk:"image_type"`
	Categories            []types.String    `tfsdk:"categories"`
	DefaultCategory       types.String      `tfsdk:"default_category"`
	DockerRegistry        types.String      `tfsdk:"docker_registry"`
	RestrictToZone        types.Bool        `tfsdk:"restrict_to_zone"`
	ZoneID                kasmtypes.IDValue `tfsdk:"zone_id"`
	ZoneName              types.String      `tfsdk:"zone_name"`
	RestrictToServer      types.Bool        `tfsdk:"restrict_to_server"`
	ServerID              kasmtypes.IDValue `tfsdk:"server_id"`
	ServerPoolID          kasmtypes.IDValue `tfsdk:"server_pool_id"`
	SessionTimeLimit      types.Int64       `tfsdk:"session_time_limit"`
	PersistentProfilePath types.String      `tfsdk:"persistent_profile_path"`
	LinkURL               types.String      `tfsdk:"link_url"`
}

// NewImagesDataSource returns the kasm_images data source.
func NewImagesDataSource() datasource.DataSource {
	return &imagesDataSource{}
}

func (d *imagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_images"
}

func (d *imagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the workspace images of the Kasm server, disabled ones included unless " +
			"`enabled_only` is set. The filters are combined: an image is listed when it passes all of them. " +
			"Images are sorted by friendly name, then name, then id, so that positions in the list are stable. " +
			"To pick exactly one image, use the `kasm_image` data source. " +
			"The API key needs the Images View permission.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A stable identifier derived from the filters (`images` when there are none); " +
					"it does not change when images are added or removed.",
				Computed: true,
			},
			"enabled_only": schema.BoolAttribute{
				MarkdownDescription: "List only images that are enabled. Defaults to `false`: disabled images are " +
					"listed too.",
				Optional: true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "List only images whose Docker image name contains this text, compared without " +
					"regard to case; for example `chrome` matches `kasmweb/chrome:1.16.0`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"friendly_name": schema.StringAttribute{
				MarkdownDescription: "List only images whose friendly name contains this text, compared without " +
					"regard to case; for example `chrome` matches `Kasm Chrome`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"images": schema.ListNestedAttribute{
				MarkdownDescription: "The images that pass the filters.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: imageAttributes(false),
				},
			},
		},
	}
}

// imageAttributes is the schema of one image. With lookup set, id, name and friendly_name are
// the optional keys the kasm_image data source finds an image by; otherwise every attribute
// is computed.
func imageAttributes(lookup bool) map[string]schema.Attribute {
	keyDescription := func(text, comparison string) string {
		if lookup {
			return text + " Set exactly one of `id`, `name` and `friendly_name` to choose the image; " + comparison
		}
		return text
	}
	const exactComparison = "the comparison is exact and case-sensitive."
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: keyDescription("The image id (32 hexadecimal characters).",
				"the dashed UUID form and upper case are accepted."),
			CustomType: kasmtypes.IDType{},
			Optional:   lookup,
			Computed:   true,
		},
		"name": schema.StringAttribute{
			MarkdownDescription: keyDescription("The Docker image, for example `kasmweb/chrome:1.16.0`.", exactComparison),
			Optional:            lookup,
			Computed:            true,
			Validators:          lookupValidators(lookup),
		},
		"friendly_name": schema.StringAttribute{
			MarkdownDescription: keyDescription("The name users see in the Kasm workspace list, for example "+
				"`Kasm Chrome`.", exactComparison),
			Optional:   lookup,
			Computed:   true,
			Validators: lookupValidators(lookup),
		},
		"description": schema.StringAttribute{
			MarkdownDescription: "The image description; empty when it has none.",
			Computed:            true,
		},
		"enabled": schema.BoolAttribute{
			MarkdownDescription: "Whether users can launch the image.",
			Computed:            true,
		},
		"available": schema.BoolAttribute{
			MarkdownDescription: "Whether the image is available on at least one agent (pulled and ready).",
			Computed:            true,
		},
		"hidden": schema.BoolAttribute{
			MarkdownDescription: "Whether the image is hidden from the users' workspace list.",
			Computed:            true,
		},
		"cores": schema.Float64Attribute{
			MarkdownDescription: "The CPU cores a session of the image gets.",
			Computed:            true,
		},
		"memory": schema.Int64Attribute{
			MarkdownDescription: "The memory a session of the image gets, in bytes.",
			Computed:            true,
		},
		"gpu_count": schema.Int64Attribute{
			MarkdownDescription: "The GPUs a session of the image gets.",
			Computed:            true,
		},
		"require_gpu": schema.BoolAttribute{
			MarkdownDescription: "Whether the image may only run on agents with a GPU.",
			Computed:            true,
		},
		"x_res": schema.Int64Attribute{
			MarkdownDescription: "The default horizontal screen resolution, in pixels.",
			Computed:            true,
		},
		"y_res": schema.Int64Attribute{
			MarkdownDescription: "The default vertical screen resolution, in pixels.",
			Computed:            true,
		},
		"image_src": schema.StringAttribute{
			MarkdownDescription: "The thumbnail path, relative to the Kasm web root, for example " +
				"`img/thumbnails/chrome.png`.",
			Computed: true,
		},
		"image_type": schema.StringAttribute{
			MarkdownDescription: "The kind of workspace: `Container`, `Server`, `Server Pool` or `Link`.",
			Computed:            true,
		},
		"categories": schema.ListAttribute{
			MarkdownDescription: "The categories the workspace list groups the image under; empty when it has none.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"default_category": schema.StringAttribute{
			MarkdownDescription: "The category the image is shown under first; null when it has none.",
			Computed:            true,
		},
		"docker_registry": schema.StringAttribute{
			MarkdownDescription: "The registry the image is pulled from; null when none is set.",
			Computed:            true,
		},
		"restrict_to_zone": schema.BoolAttribute{
			MarkdownDescription: "Whether sessions of the image may only run in `zone_id`.",
			Computed:            true,
		},
		"zone_id": schema.StringAttribute{
			MarkdownDescription: "The deployment zone the image is restricted to; null when it is not.",
			CustomType:          kasmtypes.IDType{},
			Computed:            true,
		},
		"zone_name": schema.StringAttribute{
			MarkdownDescription: "The name of `zone_id`; null when the image is not restricted to a zone.",
			Computed:            true,
		},
		"restrict_to_server": schema.BoolAttribute{
			MarkdownDescription: "Whether sessions of the image may only run on `server_id`.",
			Computed:            true,
		},
		"server_id": schema.StringAttribute{
			MarkdownDescription: "The server the image is bound to (for `Server` images or a server " +
				"restriction); null when there is none.",
			CustomType: kasmtypes.IDType{},
			Computed:   true,
		},
		"server_pool_id": schema.StringAttribute{
			MarkdownDescription: "The server pool of a `Server Pool` image; null for other images.",
			CustomType:          kasmtypes.IDType{},
			Computed:            true,
		},
		"session_time_limit": schema.Int64Attribute{
			MarkdownDescription: "The longest a session of the image may last, in seconds; null when the image " +
				"sets no limit (group settings may still set one).",
			Computed: true,
		},
		"persistent_profile_path": schema.StringAttribute{
			MarkdownDescription: "Where persistent profiles of the image are stored; null when persistent " +
				"profiles are off.",
			Computed: true,
		},
		"link_url": schema.StringAttribute{
			MarkdownDescription: "The address a `Link` workspace opens; null for other images.",
			Computed:            true,
		},
	}
}

// lookupValidators rejects an empty lookup key at validate time: no image has an empty name.
func lookupValidators(lookup bool) []validator.String {
	if !lookup {
		return nil
	}
	return []validator.String{stringvalidator.LengthAtLeast(1)}
}

func (d *imagesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData("Kasm Images Data Source", req.ProviderData, &resp.Diagnostics)
}

func (d *imagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config imagesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	images, err := d.data.client.GetImages(ctx)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.APIError(readImagesOperation(), err))
		return
	}

	filter := imageFilter{
		enabledOnly:  config.EnabledOnly.ValueBool(),
		name:         config.Name.ValueString(),
		friendlyName: config.FriendlyName.ValueString(),
	}
	selected := filter.apply(images)
	tflog.Debug(ctx, "Read Kasm images", map[string]any{"total": len(images), "selected": len(selected)})

	config.ID = types.StringValue(filter.id())
	config.Images = make([]imageModel, 0, len(selected))
	for _, image := range selected {
		config.Images = append(config.Images, imageModelFromAPI(image))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// readImagesOperation names the get_images call for diagnostics.
func readImagesOperation() diagnostics.Operation {
	return diagnostics.Operation{Verb: "Read", Object: "Kasm Images", Permissions: imagesPermissions}
}

// imageFilter holds the kasm_images filters; zero values filter nothing.
type imageFilter struct {
	enabledOnly  bool
	name         string
	friendlyName string
}

// apply returns the images that pass every filter, in the documented stable order.
func (f imageFilter) apply(images []kasm.Image) []kasm.Image {
	name := strings.ToLower(f.name)
	friendlyName := strings.ToLower(f.friendlyName)
	selected := make([]kasm.Image, 0, len(images))
	for _, image := range images {
		if f.enabledOnly && !image.Enabled {
			continue
		}
		if name != "" && !strings.Contains(strings.ToLower(image.Name), name) {
			continue
		}
		if friendlyName != "" && !strings.Contains(strings.ToLower(image.FriendlyName), friendlyName) {
			continue
		}
		selected = append(selected, image)
	}
	sortImages(selected)
	return selected
}

// id derives the data source id from the filters alone, so that it stays the same while the
// server's images come and go. url.Values encodes its keys in sorted order.
func (f imageFilter) id() string {
	query := url.Values{}
	if f.enabledOnly {
		query.Set("enabled_only", strconv.FormatBool(true))
	}
	if f.name != "" {
		query.Set("name", f.name)
	}
	if f.friendlyName != "" {
		query.Set("friendly_name", f.friendlyName)
	}
	if len(query) == 0 {
		return "images"
	}
	return "images?" + query.Encode()
}

// sortImages orders images by friendly name (without regard to case), then name, then id, so
// that a list read twice from a server that returns rows in any order comes out the same.
func sortImages(images []kasm.Image) {
	slices.SortStableFunc(images, func(a, b kasm.Image) int {
		return cmp.Or(
			cmp.Compare(strings.ToLower(a.FriendlyName), strings.ToLower(b.FriendlyName)),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.ID, b.ID),
		)
	})
}

// imageModelFromAPI converts a client image to the Terraform model. Members Kasm sends as
// null (which the client turns into "" or 0) become null where "none" is the meaning.
func imageModelFromAPI(image kasm.Image) imageModel {
	categories := make([]types.String, 0, len(image.Categories))
	for _, category := range image.Categories {
		categories = append(categories, types.StringValue(category))
	}
	return imageModel{
		ID:                    kasmtypes.NewIDValue(image.ID),
		Name:                  types.StringValue(image.Name),
		FriendlyName:          types.StringValue(image.FriendlyName),
		Description:           types.StringValue(image.Description),
		Enabled:               types.BoolValue(image.Enabled),
		Available:             types.BoolValue(image.Available),
		Hidden:                types.BoolValue(image.Hidden),
		Cores:                 types.Float64Value(image.Cores),
		Memory:                types.Int64Value(image.Memory),
		GPUCount:              types.Int64Value(int64(image.GPUCount)),
		RequireGPU:            types.BoolValue(image.RequireGPU),
		XRes:                  types.Int64Value(int64(image.XRes)),
		YRes:                  types.Int64Value(int64(image.YRes)),
		ImageSrc:              types.StringValue(image.ImageSrc),
		ImageType:             types.StringValue(image.ImageType),
		Categories:            categories,
		DefaultCategory:       nullableString(image.DefaultCategory),
		DockerRegistry:        nullableString(image.DockerRegistry),
		RestrictToZone:        types.BoolValue(image.RestrictToZone),
		ZoneID:                nullableID(image.ZoneID),
		ZoneName:              nullableString(image.ZoneName),
		RestrictToServer:      types.BoolValue(image.RestrictToServer),
		ServerID:              nullableID(image.ServerID),
		ServerPoolID:          nullableID(image.ServerPoolID),
		SessionTimeLimit:      imageOptionalSeconds(image.SessionTimeLimit),
		PersistentProfilePath: nullableString(image.PersistentProfilePath),
		LinkURL:               nullableString(image.LinkURL),
	}
}

// imageOptionalSeconds maps the 0 Kasm uses for "no limit" to null.
func imageOptionalSeconds(n int64) types.Int64 {
	if n <= 0 {
		return types.Int64Null()
	}
	return types.Int64Value(n)
}
