package kasm

import (
	"net/http"
	"reflect"
	"testing"
)

func TestUpdateUserAttributesClearsAutoLoginKasm(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) { reply(w, http.StatusOK, `{}`) })
	c, _ := newTestClient(t, srv.URL)
	const userID = "57e8fc1afa864ff4947460d9831f42d5"

	tests := []struct {
		name string
		req  UpdateUserAttributesRequest
		want map[string]any
	}{
		{
			name: "clear sends null",
			req:  UpdateUserAttributesRequest{UserID: userID, ClearAutoLoginKasm: true},
			want: map[string]any{"user_id": userID, "auto_login_kasm": nil},
		},
		{
			name: "clear wins over a value",
			req:  UpdateUserAttributesRequest{UserID: userID, AutoLoginKasm: Bool(true), ClearAutoLoginKasm: true},
			want: map[string]any{"user_id": userID, "auto_login_kasm": nil},
		},
		{
			name: "neither sends nothing",
			req:  UpdateUserAttributesRequest{UserID: userID, ShowTips: Bool(false)},
			want: map[string]any{"user_id": userID, "show_tips": false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := c.UpdateUserAttributes(t.Context(), tt.req); err != nil {
				t.Fatalf("UpdateUserAttributes: %v", err)
			}
			got := srv.last("update_user_attributes").Body["target_user_attributes"]
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("target_user_attributes = %#v, want %#v", got, tt.want)
			}
		})
	}
}
