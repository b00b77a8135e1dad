package model

// NoticeKind says why the tray tells the agent something.
type NoticeKind int

// Notice kinds.
const (
	// NoticeChanged: the status was changed by something other than this device.
	NoticeChanged NoticeKind = iota + 1
	// NoticeHubWon: a change made while disconnected was dropped because the hub's state moved on.
	NoticeHubWon
	// NoticeRefused: the hub refused a change this device asked for.
	NoticeRefused
	// NoticeSignIn: the agent must sign in again.
	NoticeSignIn
)

// Notice is a desktop notification.
type Notice struct {
	Kind        NoticeKind
	Title, Body string
}
