package console

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"presencehub.dev/shared/logkey"
)

// boardKey is the token the supervisor board's script offers the hub's stream (/v1/stream) as the
// subprotocol "presencehub.token.<token>", the way the stream lets browsers authenticate (they
// cannot set an Authorization header on a websocket).
//
// The session's own key stays on the server. For an admin session the console creates, through the
// API, a tenant viewer key named "console board …" that can only read, hands that to the page, and
// deletes it when the session ends (sign-out or idle timeout). A viewer session's key is read-only
// already and is what the person typed into this browser, so the board uses it as it is.
type boardKey struct {
	id     string // the API key's id ("" when the session's own viewer key is used)
	secret string
	tenant string
}

// boardToken returns the stream token of the session for its current tenant, creating it if needed.
func (c *Console) boardToken(r *http.Request, s session) (string, error) {
	if !s.who.CanWrite() {
		return s.key, nil
	}
	c.boardMu.Lock()
	defer c.boardMu.Unlock()
	if now, ok := c.sessions.peek(s.id); ok {
		s = now // another request may have made the key meanwhile
	}
	if s.board.secret != "" && s.board.tenant == s.tenant {
		return s.board.secret, nil
	}
	c.dropBoardKey(s)
	body := map[string]string{"name": "console board " + s.id[:8] + " (deleted at sign-out)", "role": "viewer"}
	var out struct {
		Key struct {
			ID string `json:"id"`
		} `json:"api_key"`
		Secret string `json:"secret"`
	}
	if err := c.api.do(r.Context(), s.key, http.MethodPost, tenantPath(s, "/api-keys"), body, &out); err != nil {
		return "", fmt.Errorf("creating the board's viewer key: %w", err)
	}
	c.sessions.setBoard(s.id, boardKey{id: out.Key.ID, secret: out.Secret, tenant: s.tenant})
	return out.Secret, nil
}

// dropBoardKey deletes the session's board key, if it made one.
func (c *Console) dropBoardKey(s session) {
	if s.board.id == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	path := "/v1/tenants/" + url.PathEscape(s.board.tenant) + "/api-keys/" + url.PathEscape(s.board.id)
	if err := c.api.do(ctx, s.key, http.MethodDelete, path, nil, nil); err != nil {
		c.opts.Log.Warn("deleting the console board's viewer key", slog.String("api_key_id", s.board.id), slog.Any(logkey.Error, err))
	}
}
