//go:build !linux

package trim

// Executable does nothing here.
func Executable() (Result, error) { return Result{}, nil }
