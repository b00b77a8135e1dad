package shell

import (
	"errors"

	"presencehub.dev/desktop/internal/hubapi"
)

// signInMessage says what went wrong in words for the agent.
func signInMessage(err error) string {
	var he *hubapi.Error
	switch {
	case errors.Is(err, hubapi.ErrBadCode):
		return "That pairing code is unknown, used or expired. Ask your admin for a new one."
	case errors.As(err, &he) && he.Status == 429:
		return "Too many attempts. Wait a minute, then try again."
	default:
		return err.Error()
	}
}
