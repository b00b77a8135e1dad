package controller

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/secrets"
	"presencehub.dev/shared/logkey"
)

// signOutTimeout bounds the hub call of a sign-out; the local part happens regardless.
const signOutTimeout = 10 * time.Second

// ErrWrongTenant: the pairing code belongs to another tenant than the one IT policy allows.
var ErrWrongTenant = errors.New("pairing code of another tenant")

// SignIn exchanges a pairing code for a device token, stores it in the keyring and connects. On error
// nothing is kept: the state stays signed out, and a token the keyring refused is revoked again.
func (c *Controller) SignIn(ctx context.Context, hubURL, code string) error {
	hubURL = strings.TrimRight(strings.TrimSpace(hubURL), "/")
	if strings.TrimSpace(code) == "" {
		return errors.New("enter the pairing code your admin gave you")
	}
	if c.State().SignedIn() {
		return errors.New("already signed in: sign out first")
	}
	paired, err := c.o.Hub.Pair(ctx, hubURL, code, c.o.DeviceName)
	if err != nil {
		return err
	}
	if c.o.Tenant != "" && paired.TenantID != c.o.Tenant {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), signOutTimeout)
		defer cancel()
		if rerr := c.o.Hub.SignOut(rctx, hubURL, paired.Token); rerr != nil {
			c.log.Warn("revoking the device paired into another tenant", slog.Any(logkey.Error, rerr))
		}
		return fmt.Errorf("%w: this computer may only sign in to tenant %s (IT policy); ask your admin for a code of that tenant",
			ErrWrongTenant, c.o.Tenant)
	}
	creds := secrets.Credentials{HubURL: hubURL, Token: paired.Token, DeviceID: paired.DeviceID,
		TenantID: paired.TenantID, AgentID: paired.AgentID}
	if err := c.o.Secrets.Save(creds); err != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), signOutTimeout)
		defer cancel()
		if rerr := c.o.Hub.SignOut(rctx, hubURL, paired.Token); rerr != nil {
			c.log.Warn("revoking the token the keyring refused", slog.Any(logkey.Error, rerr))
		}
		return fmt.Errorf("signed in, but the token cannot be kept: %w", err)
	}
	c.log.Info("signed in", slog.String(logkey.URL, hubURL), slog.String(logkey.TenantID, paired.TenantID),
		slog.String(logkey.AgentID, paired.AgentID))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.connect(creds)
	return nil
}

// SignOut revokes this device on the hub, deletes the token from the keyring and shows the signed-out
// state. When the hub cannot be reached the local sign-out still happens, and the error says the
// device is still listed on the hub.
func (c *Controller) SignOut(ctx context.Context) error {
	c.stop()
	c.mu.Lock()
	creds := c.creds
	c.creds = secrets.Credentials{}
	c.mu.Unlock()

	var hubErr error
	if creds.Token != "" {
		hctx, cancel := context.WithTimeout(ctx, signOutTimeout)
		hubErr = c.o.Hub.SignOut(hctx, creds.HubURL, creds.Token)
		cancel()
	}
	keyErr := c.o.Secrets.Delete()

	c.mu.Lock()
	c.st, _ = c.st.WithConn(model.SignedOut, "")
	c.st.HubURL = creds.HubURL
	c.show()
	c.mu.Unlock()
	c.log.Info("signed out", slog.Any(logkey.Error, errors.Join(hubErr, keyErr)))
	switch {
	case keyErr != nil:
		return fmt.Errorf("signed out, but the token could not be deleted from the keyring: %w", keyErr)
	case hubErr != nil:
		return fmt.Errorf("signed out on this computer, but the hub could not be told (an admin can remove the device): %w", hubErr)
	}
	return nil
}

// signInRequired handles the hub's refusal of the token: it is dead, so it leaves the keyring.
// Called with c.mu held.
func (c *Controller) signInRequired(cause error) {
	c.creds = secrets.Credentials{}
	if err := c.o.Secrets.Delete(); err != nil {
		c.log.Warn("deleting the refused token", slog.Any(logkey.Error, err))
	}
	var notes []model.Notice
	c.st, notes = c.st.WithConn(model.SignInRequired, errText(cause))
	c.show()
	c.notify(notes)
}

func isNotFound(err error) bool { return errors.Is(err, secrets.ErrNotFound) }

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
