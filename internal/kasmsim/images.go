package kasmsim

import (
	"crypto/sha256"
	"encoding/hex"
)

func (c *call) getImages() response {
	s := c.s
	images := make([]map[string]any, 0, len(s.imageOrder))
	for _, id := range s.imageOrder {
		images = append(images, imageJSON(s.images[id]))
	}
	return answer(map[string]any{"images": images})
}

// derivedID names rows that hang off another object (image attributes) so
// they stay stable without being stored.
func derivedID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// imagePorts are the port_map attributes of a container image.
var imagePorts = []struct{ name, port string }{
	{"vnc", "6901/tcp"},
	{"audio", "4901/tcp"},
	{"uploads", "4902/tcp"},
	{"audio_input", "4903/tcp"},
	{"webcam", "4904/tcp"},
}

// imageJSON is an image as get_images lists it.
func imageJSON(img *ImageRecord) map[string]any {
	attrs := make([]map[string]any, 0, len(imagePorts))
	for _, p := range imagePorts {
		attrs = append(attrs, map[string]any{
			"image_id": img.ID,
			"attr_id":  derivedID(img.ID, p.name),
			"name":     p.name,
			"category": "port_map",
			"value":    p.port,
		})
	}
	return map[string]any{
		"image_id":                     img.ID,
		"name":                         img.Name,
		"friendly_name":                img.FriendlyName,
		"description":                  img.Description,
		"enabled":                      img.Enabled,
		"available":                    img.Available,
		"hidden":                       img.Hidden,
		"cores":                        pyFloat(img.Cores),
		"memory":                       img.Memory,
		"gpu_count":                    img.GPUCount,
		"require_gpu":                  false,
		"x_res":                        img.XRes,
		"y_res":                        img.YRes,
		"image_src":                    img.ImageSrc,
		"image_type":                   img.ImageType,
		"categories":                   categoriesJSON(img),
		"default_category":             nil,
		"docker_registry":              img.DockerRegistry,
		"docker_user":                  nil,
		"docker_token":                 nil,
		"hash":                         nil,
		"run_config":                   orEmpty(img.RunConfig),
		"exec_config":                  orEmpty(img.ExecConfig),
		"volume_mappings":              map[string]any{},
		"launch_config":                map[string]any{},
		"persistent_profile_path":      nil,
		"persistent_profile_config":    map[string]any{},
		"restrict_to_network":          false,
		"restrict_network_names":       []string{},
		"allow_network_selection":      false,
		"network_name":                 nil,
		"restrict_to_server":           false,
		"server_id":                    nil,
		"restrict_to_zone":             false,
		"zone_id":                      nil,
		"zone_name":                    nil,
		"server_pool_id":               nil,
		"session_time_limit":           intOrNull(img.SessionTimeLimit),
		"filter_policy_id":             nil,
		"filter_policy_name":           nil,
		"filter_policy_force_disabled": false,
		"notes":                        nil,
		"link_url":                     nil,
		"cpu_allocation_method":        "Inherit",
		"uncompressed_size_mb":         0,
		"imageAttributes":              attrs,
		"server":                       map[string]any{},
		"server_pool":                  map[string]any{},
	}
}

// imageRefJSON is the short image object inside a session.
func imageRefJSON(img *ImageRecord) map[string]any {
	if img == nil {
		return map[string]any{}
	}
	return map[string]any{
		"image_id":           img.ID,
		"name":               img.Name,
		"friendly_name":      img.FriendlyName,
		"image_src":          img.ImageSrc,
		"session_time_limit": intOrNull(img.SessionTimeLimit),
		"categories":         categoriesJSON(img),
		"default_category":   nil,
		"image_type":         img.ImageType,
	}
}

// categoriesJSON is an image's categories as a JSON list, never null.
func categoriesJSON(img *ImageRecord) []string {
	if img.Categories == nil {
		return []string{}
	}
	return img.Categories
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func intOrNull(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
