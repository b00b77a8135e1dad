// Package desktop is the module of the agent's tray app (presence-tray, built with Fyne v2). It shares
// the API types and the stream client with the hub through presencehub.dev/shared.
//
// cmd/presence-tray is a thin main; internal/launch wires the parts: internal/model (pure state → menu,
// icon, labels), internal/controller (sign-in, stream, status changes, sign-out; no fyne),
// internal/shell (the tray through fyne.io/systray, without Fyne's toolkit, and the server of the
// windows), internal/window (window mode: one Fyne window in a child process, over internal/winproto),
// internal/ui (fyne widgets), internal/secrets (the keyring), internal/hubapi, internal/settings (IT
// policy and preferences), internal/autostart, internal/instance, internal/notify, internal/display,
// internal/localeenv, internal/trim and internal/icons.
package desktop
