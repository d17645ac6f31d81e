package provider

import (
	"errors"
	"strings"
	"testing"
)

func TestSessionURLWithOptions(t *testing.T) {
	const joinPath = "/#/connect/join/30a09d61/583035bb58194e5183b921223badc569/c9ade890-7693-44bc-a1d4-797bbddf6771"
	all := map[string]bool{"disable_control_panel": true, "disable_tips": true, "disable_chat": true, "disable_fixed_res": true}
	tests := []struct {
		name    string
		url     string
		options map[string]bool
		want    string
	}{
		{
			name:    "path with every option in the documented order",
			url:     joinPath,
			options: all,
			want:    joinPath + "?disable_control_panel=1&disable_tips=1&disable_chat=1&disable_fixed_res=1",
		},
		{
			name:    "absolute URL",
			url:     "https://kasm.example.com:8443" + joinPath,
			options: map[string]bool{"disable_fixed_res": true},
			want:    "https://kasm.example.com:8443" + joinPath + "?disable_fixed_res=1",
		},
		{
			name:    "false options add nothing",
			url:     joinPath,
			options: map[string]bool{"disable_chat": false, "disable_tips": true},
			want:    joinPath + "?disable_tips=1",
		},
		{
			name:    "no true option leaves the URL unchanged",
			url:     joinPath + "?",
			options: map[string]bool{"disable_chat": false},
			want:    joinPath + "?",
		},
		{
			name:    "nil options",
			url:     joinPath,
			options: nil,
			want:    joinPath,
		},
		{
			name:    "existing arguments are kept and new ones follow with &",
			url:     joinPath + "?a=1&b",
			options: map[string]bool{"disable_chat": true},
			want:    joinPath + "?a=1&b&disable_chat=1",
		},
		{
			name:    "empty query after ? gets no leading &",
			url:     joinPath + "?",
			options: map[string]bool{"disable_chat": true},
			want:    joinPath + "?disable_chat=1",
		},
		{
			name:    "an option already present is set to 1 in place, not repeated",
			url:     joinPath + "?disable_tips=0&lang=de&disable_chat",
			options: map[string]bool{"disable_tips": true, "disable_chat": true, "disable_control_panel": true},
			want:    joinPath + "?disable_tips=1&lang=de&disable_chat=1&disable_control_panel=1",
		},
		{
			name:    "a false option leaves an existing argument alone",
			url:     joinPath + "?disable_tips=0",
			options: map[string]bool{"disable_tips": false},
			want:    joinPath + "?disable_tips=0",
		},
		{
			name:    "a key that only starts like an option is another argument",
			url:     joinPath + "?disable_chat_sound=1",
			options: map[string]bool{"disable_chat": true},
			want:    joinPath + "?disable_chat_sound=1&disable_chat=1",
		},
		{
			name:    "a query before the fragment stays where it is",
			url:     "https://kasm.example.com/?x=1#/connect/kasm/a/b/c",
			options: map[string]bool{"disable_tips": true},
			want:    "https://kasm.example.com/?x=1#/connect/kasm/a/b/c?disable_tips=1",
		},
		{
			name:    "escaped characters are not re-encoded",
			url:     joinPath + "?next=%2Fhome%3Fa%3Db",
			options: map[string]bool{"disable_tips": true},
			want:    joinPath + "?next=%2Fhome%3Fa%3Db&disable_tips=1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sessionURLWithOptions(tt.url, tt.options)
			if err != nil {
				t.Fatalf("sessionURLWithOptions(%q) returned error: %v", tt.url, err)
			}
			if got != tt.want {
				t.Errorf("sessionURLWithOptions(%q)\n got  %q\n want %q", tt.url, got, tt.want)
			}
		})
	}
}

func TestSessionURLWithOptions_rejectsURLsWithoutSessionFragment(t *testing.T) {
	for _, url := range []string{
		"",
		"https://kasm.example.com/",
		"https://kasm.example.com/#",
		"https://kasm.example.com/#connect/kasm/a",
		"connect/kasm/a/b/c",
	} {
		_, err := sessionURLWithOptions(url, map[string]bool{"disable_tips": true})
		if !errors.Is(err, errNoSessionFragment) {
			t.Errorf("sessionURLWithOptions(%q) error = %v, want errNoSessionFragment", url, err)
		}
	}
}

func TestCheckSessionURLOptions(t *testing.T) {
	if err := checkSessionURLOptions(map[string]bool{
		"disable_control_panel": true, "disable_tips": false, "disable_chat": true, "disable_fixed_res": false,
	}); err != nil {
		t.Errorf("valid options rejected: %v", err)
	}
	if err := checkSessionURLOptions(nil); err != nil {
		t.Errorf("no options rejected: %v", err)
	}

	err := checkSessionURLOptions(map[string]bool{"hide_chat": true, "disable_chat": true, "Disable_Tips": false})
	if err == nil {
		t.Fatal("unknown options accepted")
	}
	want := `unknown options "Disable_Tips", "hide_chat"; the valid options are ` +
		"disable_control_panel, disable_tips, disable_chat, disable_fixed_res"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}

	err = checkSessionURLOptions(map[string]bool{"chat": false})
	if err == nil || !strings.HasPrefix(err.Error(), `unknown option "chat"; `) {
		t.Errorf("error for one unknown option = %v", err)
	}
}
