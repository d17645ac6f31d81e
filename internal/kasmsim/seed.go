package kasmsim

// Fixed ids of the seeded objects. The All Users id is the same on every
// Kasm install; the Administrators id is the one the documentation shows.
const (
	AllUsersGroupID       = "68d557ac4cac42cca9f31c7c853de0f3"
	AdministratorsGroupID = "31aa063c670648589533d3c42092d02a"

	ImageChromeID     = "b483f0a4fb6546f79064f9b6759758cb"
	ImageFirefoxID    = "0b9bc6a4a31e4b8a9d2f6e8c1f2a7d35"
	ImageUbuntuID     = "4e6b1c8d2a9f4f0b8c7d6e5f4a3b2c1d"
	ImageTerminalID   = "9a8b7c6d5e4f40318293a4b5c6d7e8f9"
	ImageTorBrowserID = "c1d2e3f4a5b64c7d8e9f0a1b2c3d4e5f"

	// AdminUsername and DefaultUsername are the users of a fresh install.
	AdminUsername   = "admin@kasm.local"
	DefaultUsername = "user@kasm.local"

	// AdminKeyName is the name of the seeded all-permission API key.
	AdminKeyName = "kasmsim-admin"
)

// Defaults of group settings, as on a fresh install.
const (
	defaultMaxKasmsPerUser     = 2
	defaultKeepaliveExpiration = 3600 // Seconds.
)

// seedLocked fills an empty simulator with what a fresh install holds.
func (s *Server) seedLocked() {
	now := s.now()

	s.agent = agentServer{
		ID:       s.rand.newID(),
		Hostname: "proxy",
		Host:     "192.168.32.8",
		Port:     443,
		Provider: "hardware",
		ZoneName: "default",
	}

	sharing := true
	if s.opts.SharingAllowed != nil {
		sharing = *s.opts.SharingAllowed
	}
	maxKasms := defaultMaxKasmsPerUser
	if s.opts.MaxKasmsPerUser > 0 {
		maxKasms = s.opts.MaxKasmsPerUser
	}
	allUsers := &GroupRecord{
		ID:          AllUsersGroupID,
		Name:        "All Users",
		Description: ptr("Default group for all users"),
		Priority:    1000,
		IsSystem:    true,
		Metadata:    map[string]any{},
		Settings: map[string]any{
			"allow_kasm_sharing":   sharing,
			"max_kasms_per_user":   maxKasms,
			"keepalive_expiration": s.keepaliveDefault(),
		},
	}
	admins := &GroupRecord{
		ID:          AdministratorsGroupID,
		Name:        "Administrators",
		Description: ptr("Administrators of the Kasm Workspaces installation"),
		Priority:    1,
		IsSystem:    true,
		Metadata:    map[string]any{},
		Settings:    map[string]any{},
	}
	s.insertGroupLocked(allUsers)
	s.insertGroupLocked(admins)

	for _, img := range seedImages() {
		s.insertImageLocked(&img)
		allUsers.Images = append(allUsers.Images, GroupImage{ID: s.rand.newID(), ImageID: img.ID})
	}

	admin := s.newUserLocked(AdminUsername, now)
	admin.Groups = append(admin.Groups, AdministratorsGroupID)
	s.insertUserLocked(admin)
	s.insertUserLocked(s.newUserLocked(DefaultUsername, now))

	key, secret := s.opts.AdminAPIKey, s.opts.AdminAPIKeySecret
	if key == "" {
		key = s.rand.randomString(12, alnumMixed)
	}
	if secret == "" {
		secret = s.rand.randomString(32, alnumMixed)
	}
	s.addAPIKeyLocked(APIKeySpec{Name: AdminKeyName, Permissions: AllPermissions()}, key, secret)
	s.adminKey = key
}

func (s *Server) keepaliveDefault() int {
	if s.opts.KeepaliveExpiration > 0 {
		return int(s.opts.KeepaliveExpiration.Seconds())
	}
	return defaultKeepaliveExpiration
}

func ptr[T any](v T) *T { return &v }

// browserExecConfig is how Kasm's browser images open the kasm_url argument.
func browserExecConfig(binary string) map[string]any {
	cmd := "bash -c '" + binary + " --start-maximized \"$KASM_URL\"'"
	return map[string]any{
		"first_launch": map[string]any{"environment": map[string]any{"LAUNCH_URL": ""}, "cmd": cmd},
		"go":           map[string]any{"cmd": cmd},
	}
}

// seedImages returns the workspace images of a fresh install.
func seedImages() []ImageRecord {
	image := func(id, name, friendly, desc, src string, categories []string, exec map[string]any) ImageRecord {
		return ImageRecord{
			ID:             id,
			Name:           name,
			FriendlyName:   friendly,
			Description:    desc,
			Enabled:        true,
			Available:      true,
			Cores:          2,
			Memory:         2768000000,
			XRes:           800,
			YRes:           600,
			ImageSrc:       src,
			ImageType:      "Container",
			Categories:     categories,
			DockerRegistry: "https://index.docker.io/v1/",
			RunConfig:      map[string]any{"hostname": "kasm"},
			ExecConfig:     exec,
		}
	}
	return []ImageRecord{
		image(ImageChromeID, "kasmweb/chrome:1.16.0", "Kasm Chrome", "Chrome Web Browser",
			"img/thumbnails/chrome.png", []string{"Browser"}, browserExecConfig("google-chrome")),
		image(ImageFirefoxID, "kasmweb/firefox:1.16.0", "Kasm Firefox", "Firefox Web Browser",
			"img/thumbnails/firefox.png", []string{"Browser"}, browserExecConfig("firefox")),
		image(ImageUbuntuID, "kasmweb/ubuntu-jammy-desktop:1.16.0", "Ubuntu Jammy",
			"Ubuntu Jammy desktop with a browser and office tools", "img/thumbnails/ubuntu-jammy.png",
			[]string{"Desktop", "Ubuntu"}, map[string]any{}),
		image(ImageTerminalID, "kasmweb/terminal:1.16.0", "Kasm Terminal", "Terminal with common tools",
			"img/thumbnails/terminal.png", []string{"Development"}, map[string]any{}),
		image(ImageTorBrowserID, "kasmweb/tor-browser:1.16.0", "Tor Browser", "Tor Browser for private browsing",
			"img/thumbnails/tor-browser.png", []string{"Browser", "Privacy"}, browserExecConfig("tor-browser")),
	}
}
