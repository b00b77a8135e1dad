// Package securitytest holds the hub's security suite: each test attacks a real hub (real SQLite,
// real HTTP and gRPC on loopback) the way issue 19's review did, and fails if the finding comes back.
// docs/security.md maps each test to the threat it keeps out. Tests of one package's own controls live
// with that package (api, outbound, ratelimit, server, seal, vendorsync); this package holds those that
// need the whole hub.
package securitytest
