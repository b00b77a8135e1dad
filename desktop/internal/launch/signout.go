package launch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"presencehub.dev/desktop/internal/hubapi"
	"presencehub.dev/desktop/internal/secrets"
)

// signOutTimeout bounds --sign-out's call to the hub.
const signOutTimeout = 15 * time.Second

// credentialStore is the keyring as --sign-out uses it (a secrets.Store).
type credentialStore interface {
	Load() (secrets.Credentials, error)
	Delete() error
}

// revoker revokes a device token on the hub (a hubapi.Client).
type revoker interface {
	SignOut(ctx context.Context, hubURL, token string) error
}

// SignOut is --sign-out, for offboarding without a display (a logoff script, or before uninstalling:
// the uninstaller runs as another user and cannot reach this user's keyring). It revokes this user's
// device on the hub, then deletes the token from the keyring. Exit codes: 0 signed out, or never
// signed in; 1 the keyring cannot be read; 2 the hub could not revoke the device: the token is kept,
// so running it again can finish the job (or an admin revokes the device through the API).
func SignOut(w io.Writer, store credentialStore, hub revoker) int {
	creds, err := store.Load()
	switch {
	case errors.Is(err, secrets.ErrNotFound):
		fmt.Fprintln(w, "presence-tray: not signed in on this computer: nothing to revoke")
		return 0
	case err != nil:
		fmt.Fprintf(w, "presence-tray: reading the saved sign-in: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), signOutTimeout)
	defer cancel()
	if err := hub.SignOut(ctx, creds.HubURL, creds.Token); err != nil {
		fmt.Fprintf(w, "presence-tray: device %s is still active on %s: %v\n", creds.DeviceID, creds.HubURL, err)
		fmt.Fprintln(w, "presence-tray: the sign-in is kept; run --sign-out again, or have an admin revoke the device")
		return 2
	}
	if err := store.Delete(); err != nil && !errors.Is(err, secrets.ErrNotFound) {
		fmt.Fprintf(w, "presence-tray: device %s revoked, but its token could not be deleted from the keyring: %v\n", creds.DeviceID, err)
		return 1
	}
	fmt.Fprintf(w, "presence-tray: signed out: device %s revoked on %s and its token deleted\n", creds.DeviceID, creds.HubURL)
	return 0
}

// SignOutThisUser is --sign-out with the OS keyring and the hub's REST API.
func SignOutThisUser(w io.Writer) int {
	return SignOut(w, secrets.Store{}, hubapi.Client{UserAgent: "presence-tray --sign-out"})
}
