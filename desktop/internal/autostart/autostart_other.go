//go:build !linux && !windows && !darwin

package autostart

import "errors"

var errUnsupported = errors.New("start at login is not supported on this system")

func (e Entry) enable() error          { return errUnsupported }
func (e Entry) disable() error         { return nil }
func (e Entry) enabled() (bool, error) { return false, nil }
