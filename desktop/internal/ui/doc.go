// Package ui builds the tray's windows from fyne widgets: the sign-in form and the status window
// (status picker, per-vendor state, recent timeline, connection state, start at login, sign out).
// Widgets only render model.State and report the agent's choices through callbacks; they never talk
// to the hub. They are tested headless with fyne's test package against golden markup in testdata/.
package ui
