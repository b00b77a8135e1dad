package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// PolicyPath is the Linux policy file, as IT deploys it (e.g. with a configuration-management tool).
var PolicyPath = "/etc/presence-hub/tray.json"

// PolicyLocation says where IT policy is read from, for --print-config.
func PolicyLocation() string { return PolicyPath }

func readPolicy() (Policy, error) {
	data, err := os.ReadFile(PolicyPath)
	if errors.Is(err, fs.ErrNotExist) {
		return Policy{}, nil
	}
	if err != nil {
		return Policy{}, fmt.Errorf("reading policy %s: %w", PolicyPath, err)
	}
	p, err := ParsePolicyJSON(data)
	if err != nil {
		return Policy{}, fmt.Errorf("%s: %w", PolicyPath, err)
	}
	return p, nil
}
