package testenv

import "runtime/debug"

// Race reports whether the test binary was built with the race detector, which makes CPU-bound code
// (the pure-Go SQLite above all) several times slower: load tests scale their load or bounds by it.
func Race() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}
