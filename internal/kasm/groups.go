package kasm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// GroupsAPI is the part of the client that manages groups, group membership and the images
// assigned to groups. Only the membership endpoints are in Kasm's developer API document;
// the others are admin endpoints that Kasm also serves under /api/public.
type GroupsAPI interface {
	AddUserGroup(ctx context.Context, userID, groupID string) error
	RemoveUserGroup(ctx context.Context, userID, groupID string) error
	GetGroups(ctx context.Context) ([]Group, error)
	CreateGroup(ctx context.Context, req CreateGroupRequest) (*Group, error)
	UpdateGroup(ctx context.Context, req UpdateGroupRequest) (*Group, error)
	DeleteGroup(ctx context.Context, groupID string, force bool) error
	AddImagesGroup(ctx context.Context, groupID, imageID string) error
	RemoveImagesGroup(ctx context.Context, groupID, imageID string) error
	GetImagesGroup(ctx context.Context, groupID string) ([]GroupImage, error)
}

var _ GroupsAPI = (*Client)(nil)

// Group is a Kasm group.
type Group struct {
	ID          string
	Name        string
	Description string
	Priority    int
	// IsSystem marks the built-in groups (All Users, Administrators), which cannot be deleted.
	IsSystem bool
	// GroupMetadata, GroupMappings and ProgramData are passed through as sent, or nil.
	GroupMetadata json.RawMessage
	GroupMappings json.RawMessage
	ProgramData   json.RawMessage
}

func decodeGroup(f fields) Group {
	return Group{
		ID:            f.id("group_id"),
		Name:          f.str("name"),
		Description:   f.str("description"),
		Priority:      f.intValue("priority"),
		IsSystem:      f.boolean("is_system"),
		GroupMetadata: f.raw("group_metadata"),
		GroupMappings: f.raw("group_mappings"),
		ProgramData:   f.raw("program_data"),
	}
}

// decodeGroupAnswer decodes create_group's and update_group's {"group": {...},
// "group_mappings": [...]}.
func decodeGroupAnswer(endpoint string, f fields) (*Group, error) {
	obj := f.object("group")
	if obj == nil {
		return nil, missingMember(endpoint, "group")
	}
	group := decodeGroup(obj)
	if group.GroupMappings == nil {
		group.GroupMappings = f.raw("group_mappings")
	}
	return &group, nil
}

type targetGroup struct {
	GroupID string `json:"group_id"`
}

func (c *Client) membership(ctx context.Context, endpoint, userID, groupID string) error {
	uid, err := requireID(endpoint, "user id", userID)
	if err != nil {
		return err
	}
	gid, err := requireID(endpoint, "group id", groupID)
	if err != nil {
		return err
	}
	payload := struct {
		TargetUser  targetUser  `json:"target_user"`
		TargetGroup targetGroup `json:"target_group"`
	}{targetUser{UserID: uid}, targetGroup{GroupID: gid}}
	_, err = c.call(ctx, endpoint, payload, callOptions{})
	return err
}

// AddUserGroup adds a user to a group. An existing membership matches ErrAlreadyExists (or
// counts as success when it answers a repetition after a lost answer); an unknown user or
// group matches ErrNotFound. System groups need the Groups Modify System permission.
func (c *Client) AddUserGroup(ctx context.Context, userID, groupID string) error {
	return c.membership(ctx, epAddUserGroup, userID, groupID)
}

// RemoveUserGroup removes a user from a group. A membership that does not exist matches
// ErrNotFound (or counts as success when it answers a repetition after a lost answer), as do
// an unknown user or group.
func (c *Client) RemoveUserGroup(ctx context.Context, userID, groupID string) error {
	return c.membership(ctx, epRemoveUserGroup, userID, groupID)
}

// GetGroups lists the groups the API key may see: without Groups View System (or Global
// Admin) the system groups are left out.
func (c *Client) GetGroups(ctx context.Context) ([]Group, error) {
	f, err := c.call(ctx, epGetGroups, nil, callOptions{})
	if err != nil {
		return nil, err
	}
	return decodeList(f, "groups", decodeGroup), nil
}

// CreateGroupRequest is the target_group of create_group. Name and Priority (1 to 4095, lower
// wins) are required.
type CreateGroupRequest struct {
	Name        string `json:"name"`
	Priority    int    `json:"priority"`
	Description string `json:"description,omitempty"`
	// GroupMetadata is sent as is when set; it must be a JSON object.
	GroupMetadata json.RawMessage `json:"group_metadata,omitempty"`
}

// CreateGroup creates a group. A duplicate name matches ErrAlreadyExists. create_group is
// never sent twice once it may have reached Kasm: a lost answer matches ErrOutcomeUnknown,
// and the caller should look the group up by name.
func (c *Client) CreateGroup(ctx context.Context, req CreateGroupRequest) (*Group, error) {
	if strings.TrimSpace(req.Name) == "" {
		return nil, fmt.Errorf("kasm: %s: %w: group name is required", epCreateGroup, ErrInvalidArgument)
	}
	if err := checkMetadata(epCreateGroup, req.GroupMetadata); err != nil {
		return nil, err
	}
	payload := struct {
		TargetGroup CreateGroupRequest `json:"target_group"`
	}{req}
	f, err := c.call(ctx, epCreateGroup, payload, callOptions{})
	if err != nil {
		return nil, err
	}
	return decodeGroupAnswer(epCreateGroup, f)
}

// UpdateGroupRequest is the target_group of update_group. GroupID is required; nil fields are
// not sent and stay unchanged.
type UpdateGroupRequest struct {
	GroupID       string          `json:"group_id"`
	Name          *string         `json:"name,omitempty"`
	Description   *string         `json:"description,omitempty"`
	Priority      *int            `json:"priority,omitempty"`
	GroupMetadata json.RawMessage `json:"group_metadata,omitempty"`
}

// UpdateGroup changes a group and returns it as Kasm stores it. An unknown group matches
// ErrNotFound; a system group without Groups Modify System matches ErrUnauthorized.
func (c *Client) UpdateGroup(ctx context.Context, req UpdateGroupRequest) (*Group, error) {
	id, err := requireID(epUpdateGroup, "group id", req.GroupID)
	if err != nil {
		return nil, err
	}
	if err := checkMetadata(epUpdateGroup, req.GroupMetadata); err != nil {
		return nil, err
	}
	req.GroupID = id
	payload := struct {
		TargetGroup UpdateGroupRequest `json:"target_group"`
	}{req}
	f, err := c.call(ctx, epUpdateGroup, payload, callOptions{})
	if err != nil {
		return nil, err
	}
	return decodeGroupAnswer(epUpdateGroup, f)
}

// checkMetadata refuses group metadata that is not a JSON object before it is sent.
func checkMetadata(endpoint string, metadata json.RawMessage) error {
	if len(metadata) == 0 {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(metadata, &obj); err != nil || obj == nil {
		return fmt.Errorf("kasm: %s: %w: group metadata must be a JSON object", endpoint, ErrInvalidArgument)
	}
	return nil
}

// DeleteGroup deletes a group. A group that still has users matches ErrConflict unless force
// is set; so does a protected (system) group. An unknown group matches ErrNotFound, except
// when it answers a repetition after a lost answer, which counts as success.
func (c *Client) DeleteGroup(ctx context.Context, groupID string, force bool) error {
	id, err := requireID(epDeleteGroup, "group id", groupID)
	if err != nil {
		return err
	}
	payload := struct {
		TargetGroup targetGroup `json:"target_group"`
		Force       bool        `json:"force"`
	}{targetGroup{GroupID: id}, force}
	_, err = c.call(ctx, epDeleteGroup, payload, callOptions{})
	return err
}

func (c *Client) imageAssignment(ctx context.Context, endpoint, groupID, imageID string) error {
	gid, err := requireID(endpoint, "group id", groupID)
	if err != nil {
		return err
	}
	iid, err := requireID(endpoint, "image id", imageID)
	if err != nil {
		return err
	}
	payload := struct {
		TargetGroup targetGroup `json:"target_group"`
		TargetImage struct {
			ImageID string `json:"image_id"`
		} `json:"target_image"`
	}{TargetGroup: targetGroup{GroupID: gid}}
	payload.TargetImage.ImageID = iid
	_, err = c.call(ctx, endpoint, payload, callOptions{})
	return err
}

// AddImagesGroup assigns an image to a group, which lets the group's users launch it. An
// existing assignment matches ErrAlreadyExists (or counts as success when it answers a
// repetition after a lost answer); an unknown group or image matches ErrNotFound.
func (c *Client) AddImagesGroup(ctx context.Context, groupID, imageID string) error {
	return c.imageAssignment(ctx, epAddImagesGroup, groupID, imageID)
}

// RemoveImagesGroup removes an image from a group. An assignment that does not exist matches
// ErrNotFound (or counts as success when it answers a repetition after a lost answer), as do
// an unknown group or image.
func (c *Client) RemoveImagesGroup(ctx context.Context, groupID, imageID string) error {
	return c.imageAssignment(ctx, epRemoveImagesGroup, groupID, imageID)
}

// GroupImage is an image assigned to a group, as get_images_group lists it.
type GroupImage struct {
	// ID is the group_image_id of the assignment.
	ID           string
	GroupID      string
	ImageID      string
	Name         string
	FriendlyName string
	ImageSrc     string
}

func decodeGroupImage(f fields) GroupImage {
	return GroupImage{
		ID:           f.id("group_image_id"),
		GroupID:      f.id("group_id"),
		ImageID:      f.id("image_id"),
		Name:         f.str("name"),
		FriendlyName: f.str("friendly_name"),
		ImageSrc:     f.str("image_src"),
	}
}

// GetImagesGroup lists the images assigned to a group. An unknown group matches ErrNotFound.
func (c *Client) GetImagesGroup(ctx context.Context, groupID string) ([]GroupImage, error) {
	id, err := requireID(epGetImagesGroup, "group id", groupID)
	if err != nil {
		return nil, err
	}
	payload := struct {
		TargetGroup targetGroup `json:"target_group"`
	}{targetGroup{GroupID: id}}
	f, err := c.call(ctx, epGetImagesGroup, payload, callOptions{})
	if err != nil {
		return nil, err
	}
	return decodeList(f, "images", decodeGroupImage), nil
}
