// Package simulation is the hub's deterministic simulation test (issue 17).
package simulation
