//go:build !linux && !freebsd && !openbsd && !netbsd && !windows && !darwin

package notify

func send(_, _ string) error { return ErrUnsupported }
