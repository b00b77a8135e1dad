package secrets

const hint = "Presence Hub keeps its sign-in only in the system keyring: start and unlock a Secret Service such as GNOME Keyring or KWallet, then sign in again"
