package kasm

import (
	"errors"
	"net/http"
	"testing"
)

func TestUpdateGroupRenameToTakenNameIsAlreadyExists(t *testing.T) {
	if got := classify(epUpdateGroup, http.StatusOK, "Group (devs) already exists", classifyOptions{}); !errors.Is(got, ErrAlreadyExists) {
		t.Errorf("classify = %v, want ErrAlreadyExists", got)
	}

	srv := newFakeServer(t, func(w http.ResponseWriter, _ recordedRequest) {
		reply(w, http.StatusOK, `{"error_message": "Group (devs) already exists"}`)
	})
	c, _ := newTestClient(t, srv.URL)
	_, err := c.UpdateGroup(t.Context(), UpdateGroupRequest{GroupID: "68d557ac4cac42cca9f31c7c853de0f3", Name: String("devs")})
	if !errors.Is(err, ErrAlreadyExists) {
		t.Errorf("UpdateGroup: err = %v, want ErrAlreadyExists", err)
	}
	if n := srv.count(epUpdateGroup); n != 1 {
		t.Errorf("update_group was sent %d times, want 1", n)
	}
}
