//go:build !linux

package secrets

const hint = "Presence Hub keeps its sign-in only in the system keyring: check that the Keychain (macOS) or Credential Manager (Windows) is available, then sign in again"
