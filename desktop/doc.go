// Package desktop is the module of the agent's tray app (presence-tray, built with Fyne v2). It shares
// the API types and the stream client with the hub through presencehub.dev/shared.
package desktop
