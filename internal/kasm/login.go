package kasm

import (
	"context"
)

// LoginAPI is the part of the client that issues login links.
type LoginAPI interface {
	GetLogin(ctx context.Context, userID string) (string, error)
}

var _ LoginAPI = (*Client)(nil)

// GetLogin returns a link that logs the user in without a password. The link embeds a session
// token: treat it as a secret. Kasm builds it from the request's Host header, so it names the
// host of the base URL. An unknown user matches ErrNotFound. get_login is never sent twice
// once it may have reached Kasm, because each call mints a new token.
func (c *Client) GetLogin(ctx context.Context, userID string) (string, error) {
	id, err := requireID(epGetLogin, "user id", userID)
	if err != nil {
		return "", err
	}
	f, err := c.call(ctx, epGetLogin, targetUserPayload{TargetUser: targetUser{UserID: id}}, callOptions{})
	if err != nil {
		return "", err
	}
	return decodeLogin(f)
}

func decodeLogin(f fields) (string, error) {
	url := f.str("url")
	if url == "" {
		return "", missingMember(epGetLogin, "url")
	}
	return url, nil
}
