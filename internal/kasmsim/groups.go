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
	s := c.s
	tu, _ := objectValue(c.body, "target_user")
	tg, _ := objectValue(c.body, "target_group")
	uidSent, uidPresent := value(tu, "user_id")
	gidSent, gidPresent := value(tg, "group_id")
	if !uidPresent || !gidPresent {
		r := errorResponse(http.StatusBadRequest, "Invalid Request: Missing required parameters")
		return nil, nil, nil, nil, &r
	}
	badUser := errorf(http.StatusBadRequest, "Invalid User ID (%s)", display(uidSent))
	uid, wellFormed := idValue(uidSent)
	if !wellFormed {
		r := c.malformed(badUser)
		return nil, nil, nil, nil, &r
	}
	if u = s.users[uid]; u == nil {
		return nil, nil, nil, nil, &badUser
	}
	badGroup := errorf(http.StatusBadRequest, "Invalid Group ID (%s)", display(gidSent))
	gid, wellFormed := idValue(gidSent)
	if !wellFormed {
		r := c.malformed(badGroup)
		return nil, nil, nil, nil, &r
	}
	if g = s.groups[gid]; g == nil {
		return nil, nil, nil, nil, &badGroup
	}
	if g.IsSystem && !c.key.has(PermGroupsModifySystem) {
		r := errorResponse(http.StatusUnauthorized, "Unauthorized")
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

func (c *call) deleteGroup() response {
	s := c.s
	tg, _ := objectValue(c.body, "target_group")
	sent, present := value(tg, "group_id")
	if !present {
		return errorResponse(http.StatusOK, "Invalid Request: Missing required parameters")
	}
	id, _ := idValue(sent)
	g := s.groups[id]
	if g == nil {
		return errorf(http.StatusOK, "Group %s does not exist", display(sent))
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
	tg, _ := objectValue(c.body, "target_group")
	sent, present := value(tg, "group_id")
	if !present {
		return errorResponse(http.StatusOK, "Invalid Request: Missing required parameters")
	}
	id, _ := idValue(sent)
	g := s.groups[id]
	if g == nil {
		return errorf(http.StatusOK, "Group %s does not exist", display(sent))
	}
	if g.IsSystem && !c.key.has(PermGroupsViewSystem) {
		return errorResponse(http.StatusUnauthorized, "Unauthorized")
	}
	var members []*UserRecord
	for _, uid := range s.userOrder {
		if u := s.users[uid]; u.memberOf(g.ID) {
			members = append(members, u)
		}
	}
	pageSize := 100
	if n, valid := intValue(c.body["page_size"]); valid && n > 0 {
		pageSize = n
	}
	page, _ := intValue(c.body["page"])
	page = max(page, 0)
	start := min(page*pageSize, len(members))
	end := min(start+pageSize, len(members))
	users := make([]map[string]any, 0, end-start)
	for _, u := range members[start:end] {
		users = append(users, map[string]any{"name": u.Username, "user_id": u.ID})
	}
	return answer(map[string]any{"users": users, "total": len(members)})
}

// groupImageTarget resolves target_group and target_image of the group image
// endpoints; modify says whether the call changes the group.
func (c *call) groupImageTarget(modify bool) (g *GroupRecord, img *ImageRecord, fail *response) {
	s := c.s
	tg, _ := objectValue(c.body, "target_group")
	ti, _ := objectValue(c.body, "target_image")
	gidSent, gidPresent := value(tg, "group_id")
	iidSent, iidPresent := value(ti, "image_id")
	if !gidPresent || !iidPresent {
		r := errorResponse(http.StatusOK, "Invalid Request: Missing required parameters")
		return nil, nil, &r
	}
	gid, _ := idValue(gidSent)
	if g = s.groups[gid]; g == nil {
		r := errorf(http.StatusOK, "Group %s does not exist", display(gidSent))
		return nil, nil, &r
	}
	iid, _ := idValue(iidSent)
	if img = s.images[iid]; img == nil {
		r := errorf(http.StatusOK, "Image %s does not exist", display(iidSent))
		return nil, nil, &r
	}
	if modify && g.IsSystem && !c.key.has(PermGroupsModifySystem) {
		r := errorResponse(http.StatusUnauthorized, "Unauthorized")
		return nil, nil, &r
	}
	return g, img, nil
}

func (c *call) addImagesGroup() response {
	g, img, fail := c.groupImageTarget(true)
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
	g, img, fail := c.groupImageTarget(true)
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
	tg, _ := objectValue(c.body, "target_group")
	sent, present := value(tg, "group_id")
	if !present {
		return errorResponse(http.StatusOK, "Invalid Request: Missing required parameters")
	}
	id, _ := idValue(sent)
	g := s.groups[id]
	if g == nil {
		return errorf(http.StatusOK, "Group %s does not exist", display(sent))
	}
	if g.IsSystem && !c.key.has(PermGroupsViewSystem) {
		return errorResponse(http.StatusUnauthorized, "Unauthorized")
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
