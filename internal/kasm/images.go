package kasm

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
)

// ImagesAPI is the part of the client that reads images.
type ImagesAPI interface {
	GetImages(ctx context.Context) ([]Image, error)
}

var _ ImagesAPI = (*Client)(nil)

// Image is a workspace image as get_images returns it (all images, disabled ones included).
// Nested configuration objects are passed through as sent, or nil.
type Image struct {
	ID           string
	Name         string
	FriendlyName string
	Description  string
	Enabled      bool
	Available    bool
	Hidden       bool
	// Cores is the CPU share (Kasm sends 1 or 1.0).
	Cores float64
	// Memory is in bytes.
	Memory          int64
	GPUCount        int
	RequireGPU      bool
	XRes            int
	YRes            int
	ImageSrc        string
	ImageType       string
	Categories      []string
	DefaultCategory string
	DockerRegistry  string
	DockerUser      string
	// DockerToken is masked by Kasm; it is hidden when the image is formatted.
	DockerToken             string
	Hash                    string
	RunConfig               json.RawMessage
	ExecConfig              json.RawMessage
	VolumeMappings          json.RawMessage
	LaunchConfig            json.RawMessage
	PersistentProfilePath   string
	PersistentProfileConfig json.RawMessage
	RestrictToNetwork       bool
	RestrictNetworkNames    []string
	NetworkName             string
	AllowNetworkSelection   bool
	RestrictToServer        bool
	ServerID                string
	RestrictToZone          bool
	ZoneID                  string
	ZoneName                string
	ServerPoolID            string
	// SessionTimeLimit is in seconds; 0 means none.
	SessionTimeLimit    int64
	Notes               string
	LinkURL             string
	CPUAllocationMethod string
	UncompressedSizeMB  int64
	Attributes          []ImageAttribute
	// Server and ServerPool are the server ({hostname}) and server_pool ({server_pool_name})
	// objects as sent, or nil.
	Server     json.RawMessage
	ServerPool json.RawMessage
	// FilterPolicy holds every filter_policy_* member as sent, keyed by its full name.
	FilterPolicy map[string]json.RawMessage
}

// ImageAttribute is one entry of an image's imageAttributes list.
type ImageAttribute struct {
	ID       string
	ImageID  string
	Name     string
	Category string
	Value    string
}

// String formats the image with the docker token hidden.
func (i Image) String() string { return i.format(false) }

// GoString formats the image with the docker token hidden.
func (i Image) GoString() string { return i.format(true) }

func (i Image) format(goSyntax bool) string {
	return formatStruct(i, goSyntax, "DockerToken")
}

func decodeImage(f fields) Image {
	image := Image{
		ID:                      f.id("image_id"),
		Name:                    f.str("name"),
		FriendlyName:            f.str("friendly_name"),
		Description:             f.str("description"),
		Enabled:                 f.boolean("enabled"),
		Available:               f.boolean("available"),
		Hidden:                  f.boolean("hidden"),
		Cores:                   f.floatValue("cores"),
		Memory:                  f.int64Value("memory"),
		GPUCount:                f.intValue("gpu_count"),
		RequireGPU:              f.boolean("require_gpu"),
		XRes:                    f.intValue("x_res"),
		YRes:                    f.intValue("y_res"),
		ImageSrc:                f.str("image_src"),
		ImageType:               f.str("image_type"),
		Categories:              f.stringList("categories"),
		DefaultCategory:         f.str("default_category"),
		DockerRegistry:          f.str("docker_registry"),
		DockerUser:              f.str("docker_user"),
		DockerToken:             f.str("docker_token"),
		Hash:                    f.str("hash"),
		RunConfig:               f.raw("run_config"),
		ExecConfig:              f.raw("exec_config"),
		VolumeMappings:          f.raw("volume_mappings"),
		LaunchConfig:            f.raw("launch_config"),
		PersistentProfilePath:   f.str("persistent_profile_path"),
		PersistentProfileConfig: f.raw("persistent_profile_config"),
		RestrictToNetwork:       f.boolean("restrict_to_network"),
		RestrictNetworkNames:    f.stringList("restrict_network_names"),
		NetworkName:             f.str("network_name"),
		AllowNetworkSelection:   f.boolean("allow_network_selection"),
		RestrictToServer:        f.boolean("restrict_to_server"),
		ServerID:                f.id("server_id"),
		RestrictToZone:          f.boolean("restrict_to_zone"),
		ZoneID:                  f.id("zone_id"),
		ZoneName:                f.str("zone_name"),
		ServerPoolID:            f.id("server_pool_id"),
		SessionTimeLimit:        f.int64Value("session_time_limit"),
		Notes:                   f.str("notes"),
		LinkURL:                 f.str("link_url"),
		CPUAllocationMethod:     f.str("cpu_allocation_method"),
		UncompressedSizeMB:      f.int64Value("uncompressed_size_mb"),
		Attributes:              decodeList(f, "imageAttributes", decodeImageAttribute),
		Server:                  f.raw("server"),
		ServerPool:              f.raw("server_pool"),
	}
	for key := range f {
		if strings.HasPrefix(key, "filter_policy_") {
			if image.FilterPolicy == nil {
				image.FilterPolicy = make(map[string]json.RawMessage)
			}
			image.FilterPolicy[key] = bytes.Clone(f.value(key))
		}
	}
	return image
}

func decodeImageAttribute(f fields) ImageAttribute {
	return ImageAttribute{
		ID:       f.id("attr_id"),
		ImageID:  f.id("image_id"),
		Name:     f.str("name"),
		Category: f.str("category"),
		Value:    f.str("value"),
	}
}

// GetImages lists every image, disabled ones included.
func (c *Client) GetImages(ctx context.Context) ([]Image, error) {
	f, err := c.call(ctx, epGetImages, nil, callOptions{})
	if err != nil {
		return nil, err
	}
	return decodeList(f, "images", decodeImage), nil
}
