package kasmsim

import (
	"net/http"
	"slices"
)

// Group CRUD answers its errors with HTTP 200 (the older handler style);
// membership answers with 400, as kasm-api.md §3.2 records.

// membershipTarget resolves target_user and target_group of add_user_group
// and remove_user_group, answering their errors.
func (c *call) membershipTarget() (u *UserRecord, g *GroupRecord, uidSent, gidSent any, fail *response) {
	tu, _ := objectValue(c.body, "target_user")
	tg, _ := objectValue(c.body, "target_group")
	uidSent, uidPresent := value(tu, "user_id")
	gidSent, gidPresent := value(tg, "group_id")
	if !uidPresent || !gidPresent {
		r := missingParameters(http.StatusBadRequest)
		return nil, nil, nil, nil, &r
	}
	u, fail = findByUUID(c, c.s.users, uidSent, errorf(http.StatusBadRequest, "Invalid User ID (%s)", display(uidSent)))
	if fail != nil {
		return nil, nil, nil, nil, fail
	}
	g, fail = findByUUID(c, c.s.groups, gidSent, errorf(http.StatusBadRequest, "Invalid Group ID (%s)", display(gidSent)))
	if fail != nil {
		return nil, nil, nil, nil, fail
	}
	if g.IsSystem && !c.key.has(PermGroupsModifySystem) {
		r := unauthorized()
		return nil, nil, nil, nil, &r
	}
	return u, g, uidSent, gidSent, nil
}

func (c *call) addUserGroup() response {
	u, g, uidSent, gidSent, fail := c.membershipTarget()
	if fail != nil {
		return *fail
	}
	if u.memberOf(g.ID) {
		return errorf(http.StatusBadRequest, "User (%s) is already a member of group (%s)", display(uidSent), display(gidSent))
	}
	u.Groups = append(u.Groups, g.ID)
	c.s.touch()
	return empty()
}

func (c *call) removeUserGroup() response {
	u, g, uidSent, gidSent, fail := c.membershipTarget()
	if fail != nil {
		return *fail
	}
	if !u.memberOf(g.ID) {
		return errorf(http.StatusBadRequest, "User (%s) is not a member of group (%s)", display(uidSent), display(gidSent))
	}
	u.Groups = slices.DeleteFunc(u.Groups, func(id string) bool { return id == g.ID })
	c.s.touch()
	return empty()
}

func (c *call) getGroups() response {
	s := c.s
	seeSystem := c.key.has(PermGroupsViewSystem)
	seeOthers := c.key.has(PermGroupsView)
	groups := []map[string]any{}
	for _, id := range s.groupOrder {
		g := s.groups[id]
		if (g.IsSystem && !seeSystem) || (!g.IsSystem && !seeOthers) {
			continue
		}
		groups = append(groups, map[string]any{
			"group_id":       g.ID,
			"name":           g.Name,
			"description":    stringOrNull(g.Description),
			"priority":       g.Priority,
			"is_system":      g.IsSystem,
			"group_metadata": metadataJSON(g),
			"group_mappings": []any{},
		})
	}
	return answer(map[string]any{"groups": groups})
}

func metadataJSON(g *GroupRecord) map[string]any {
	if g.Metadata == nil {
		return map[string]any{}
	}
	return g.Metadata
}

// groupAnswer is the body create_group and update_group answer with.
func groupAnswer(g *GroupRecord) response {
	return answer(map[string]any{
		"group": map[string]any{
			"group_id":       g.ID,
			"name":           g.Name,
			"is_system":      g.IsSystem,
			"description":    stringOrNull(g.Description),
			"priority":       g.Priority,
			"program_data":   nil,
			"group_metadata": metadataJSON(g),
		},
		"group_mappings": []any{},
	})
}

// validPriority checks a group priority against Kasm's 1..4095 range.
func validPriority(v any) (int, bool) {
	p, isInt := intValue(v)
	return p, isInt && p >= 1 && p <= 4095
}

func (c *call) createGroup() response {
	s := c.s
	missing := errorResponse(http.StatusOK, "Invalid Request. Missing required parameters")
	tg, isObject := objectValue(c.body, "target_group")
	if !isObject {
		return missing
	}
	name, _ := stringValue(tg, "name")
	prioritySent, hasPriority := value(tg, "priority")
	if name == "" || !hasPriority {
		return missing
	}
	priority, valid := validPriority(prioritySent)
	if !valid {
		return errorf(http.StatusOK, "Invalid priority value (%s)", display(prioritySent))
	}
	if s.groupByNameLocked(name) != nil {
		return errorf(http.StatusOK, "Group (%s) already exists", name)
	}
	g := &GroupRecord{
		ID:       s.rand.newID(),
		Name:     name,
		Priority: priority,
		Metadata: map[string]any{},
		Settings: map[string]any{},
	}
	if d, isString := tg["description"].(string); isString {
		g.Description = &d
	}
	if m, isObject := tg["group_metadata"].(map[string]any); isObject {
		g.Metadata = m
	}
	s.insertGroupLocked(g)
	return groupAnswer(g)
}

func (c *call) updateGroup() response {
	s := c.s
	tg, isObject := objectValue(c.body, "target_group")
	if !isObject {
		return errorResponse(http.StatusOK, "Invalid Request. Missing required parameters")
	}
	id, wellFormed := idValue(tg["group_id"])
	if !wellFormed {
		return errorResponse(http.StatusOK, "Invalid Request. group_id must be a uuid")
	}
	g := s.groups[id]
	if g == nil {
		return errorResponse(http.StatusOK, "Invalid Request. group does not exit by that id")
	}
	if g.IsSystem && !c.key.has(PermGroupsModifySystem) {
		return errorResponse(http.StatusUnauthorized, "User not authorized to modify the target group.")
	}

	next := g.clone()
	if name, isString := tg["name"].(string); isString && name != "" && name != g.Name {
		if s.groupByNameLocked(name) != nil {
			return errorf(http.StatusOK, "Group (%s) already exists", name)
		}
		next.Name = name
	}
	if v, present := value(tg, "priority"); present {
		p, valid := validPriority(v)
		if !valid {
			return errorf(http.StatusOK, "Invalid priority value (%s)", display(v))
		}
		next.Priority = p
	}
	if d, isString := tg["description"].(string); isString {
		next.Description = &d
	}
	if m, isObject := tg["group_metadata"].(map[string]any); isObject {
		next.Metadata = m
	}
	*g = next
	s.touch()
	return groupAnswer(g)
}

// targetGroup finds target_group.group_id for the endpoints that answer a
// missing or unknown group with HTTP 200.
func (c *call) targetGroup() (*GroupRecord, *response) {
	tg, _ := objectValue(c.body, "target_group")
	sent, present := value(tg, "group_id")
	if !present {
		r := missingParameters(http.StatusOK)
		return nil, &r
	}
	return findGroup(c.s, sent)
}

// findGroup finds a group_id sent to the endpoints that answer an unknown
// group with HTTP 200.
func findGroup(s *Server, sent any) (*GroupRecord, *response) {
	return findByID(s.groups, sent, errorf(http.StatusOK, "Group %s does not exist", display(sent)))
}

// viewableTargetGroup is targetGroup for the endpoints that list a group's
// contents, which a key may see in a system group only with Groups View
// System.
func (c *call) viewableTargetGroup() (*GroupRecord, *response) {
	g, fail := c.targetGroup()
	if fail == nil && g.IsSystem && !c.key.has(PermGroupsViewSystem) {
		r := unauthorized()
		return nil, &r
	}
	return g, fail
}

func (c *call) deleteGroup() response {
	s := c.s
	g, fail := c.targetGroup()
	if fail != nil {
		return *fail
	}
	if g.IsSystem {
		return errorf(http.StatusOK, "Group (%s) is a protected group and cannot be deleted", g.Name)
	}
	if n := s.groupMemberCountLocked(g.ID); n > 0 && c.body["force"] != true {
		return errorf(http.StatusOK, "Group contains (%d) users and 'force' option not set to True", n)
	}
	s.removeGroupLocked(g)
	return empty()
}

func (c *call) getUsersGroup() response {
	s := c.s
	g, fail := c.viewableTargetGroup()
	if fail != nil {
		return *fail
	}
	var members []*UserRecord
	for _, uid := range s.userOrder {
		if u := s.users[uid]; u.memberOf(g.ID) {
			members = append(members, u)
		}
	}
	onPage, _, _ := pageOf(c.body, members)
	users := make([]map[string]any, 0, len(onPage))
	for _, u := range onPage {
		users = append(users, map[string]any{"name": u.Username, "user_id": u.ID})
	}
	return answer(map[string]any{"users": users, "total": len(members)})
}

// groupImageTarget resolves target_group and target_image of the endpoints
// that assign images to groups.
func (c *call) groupImageTarget() (g *GroupRecord, img *ImageRecord, fail *response) {
	tg, _ := objectValue(c.body, "target_group")
	ti, _ := objectValue(c.body, "target_image")
	gidSent, gidPresent := value(tg, "group_id")
	iidSent, iidPresent := value(ti, "image_id")
	if !gidPresent || !iidPresent {
		r := missingParameters(http.StatusOK)
		return nil, nil, &r
	}
	if g, fail = findGroup(c.s, gidSent); fail != nil {
		return nil, nil, fail
	}
	img, fail = findByID(c.s.images, iidSent, errorf(http.StatusOK, "Image %s does not exist", display(iidSent)))
	if fail != nil {
		return nil, nil, fail
	}
	if g.IsSystem && !c.key.has(PermGroupsModifySystem) {
		r := unauthorized()
		return nil, nil, &r
	}
	return g, img, nil
}

func (c *call) addImagesGroup() response {
	g, img, fail := c.groupImageTarget()
	if fail != nil {
		return *fail
	}
	if g.hasImage(img.ID) {
		return errorf(http.StatusOK, "Image (%s) is already assigned to group (%s)", img.ID, g.ID)
	}
	g.Images = append(g.Images, GroupImage{ID: c.s.rand.newID(), ImageID: img.ID})
	c.s.touch()
	return empty()
}

func (c *call) removeImagesGroup() response {
	g, img, fail := c.groupImageTarget()
	if fail != nil {
		return *fail
	}
	if !g.hasImage(img.ID) {
		return errorf(http.StatusOK, "Image (%s) is not assigned to group (%s)", img.ID, g.ID)
	}
	g.Images = slices.DeleteFunc(g.Images, func(gi GroupImage) bool { return gi.ImageID == img.ID })
	c.s.touch()
	return empty()
}

func (c *call) getImagesGroup() response {
	s := c.s
	g, fail := c.viewableTargetGroup()
	if fail != nil {
		return *fail
	}
	images := []map[string]any{}
	for _, gi := range g.Images {
		img := s.images[gi.ImageID]
		if img == nil {
			continue
		}
		images = append(images, map[string]any{
			"group_image_id": gi.ID,
			"group_id":       g.ID,
			"image_id":       img.ID,
			"name":           img.Name,
			"friendly_name":  img.FriendlyName,
			"image_src":      img.ImageSrc,
		})
	}
	return answer(map[string]any{"images": images})
}
