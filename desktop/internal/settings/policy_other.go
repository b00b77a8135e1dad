//go:build !linux && !windows && !darwin

package settings

func readPolicy() (Policy, error) { return Policy{}, nil }

// PolicyLocation says where IT policy is read from, for --print-config: nowhere on this system.
func PolicyLocation() string { return "" }
