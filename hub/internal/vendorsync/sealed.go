package vendorsync

import (
	"errors"
	"fmt"

	"presencehub.dev/hub/internal/model"
)

// ErrCredentialsUnreadable: a connection's credentials are sealed under a key this hub does not hold
// (a rotation ran while a hub was still sealing with the old key, or the hub started with another key).
// It is the admin's to fix, so callers answer it as a conflict, never as an internal error.
var ErrCredentialsUnreadable = errors.New("the connection's credentials cannot be opened")

// unreadableCredentials says which connection, which key, and what to do.
func unreadableCredentials(c *model.Connection, keyID string) error {
	return fmt.Errorf("%w: connection %q (%s) has credentials sealed under key %s, which this hub does not hold; "+
		"start the hub with that seal key, or give the connection's credentials again (PATCH the connection with credentials)",
		ErrCredentialsUnreadable, c.Name, c.ID, keyID)
}
