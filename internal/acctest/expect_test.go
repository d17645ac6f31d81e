package acctest_test

import (
	"testing"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/acctest"
)

func TestExpectErrorText(t *testing.T) {
	tests := []struct {
		name    string
		phrases []string
		text    string
		want    bool
	}{
		{"one line", []string{"No Kasm user has the id 0f0e."}, "Error: No Kasm user has the id 0f0e.", true},
		{"wrapped", []string{"No Kasm user has the id"}, "Error: No Kasm user\nhas   the id", true},
		{"literal metacharacters", []string{"needs (Users Create)"}, "needs (Users\nCreate)", true},
		{"metacharacters are not patterns", []string{"a.c"}, "abc", false},
		{"phrases in order across lines", []string{"user_id", "No Kasm user"}, "user_id\nwhatever\nNo Kasm\nuser", true},
		{"phrases out of order", []string{"No Kasm user", "user_id"}, "user_id: No Kasm user", false},
		{"missing word", []string{"No Kasm user"}, "No Kasm group", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := acctest.ExpectErrorText(tt.phrases...).MatchString(tt.text); got != tt.want {
				t.Errorf("ExpectErrorText(%q) matching %q = %v, want %v", tt.phrases, tt.text, got, tt.want)
			}
		})
	}
}

func TestDashedID(t *testing.T) {
	if got, want := acctest.DashedID("b483f0a4fb6546f79064f9b6759758cb"), "b483f0a4-fb65-46f7-9064-f9b6759758cb"; got != want {
		t.Errorf("DashedID = %q, want %q", got, want)
	}
	if got := acctest.DashedID("not-an-id"); got != "not-an-id" {
		t.Errorf("DashedID of a non-id = %q, want it unchanged", got)
	}
}
