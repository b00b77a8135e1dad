package model

import "time"

// IconKind is which tray icon to show.
type IconKind int

// Icon kinds: one per status kind, and distinct ones for the connection's troubles and signed out.
const (
	IconSignedOut IconKind = iota
	IconConnecting
	IconDisconnected
	IconAvailable
	IconBusy
	IconAway
	IconOffline
	IconSystem
)

// IconKinds lists every kind, for drawing and testing them all.
var IconKinds = []IconKind{IconSignedOut, IconConnecting, IconDisconnected, IconAvailable, IconBusy, IconAway, IconOffline, IconSystem}

func (k IconKind) String() string {
	return [...]string{"signed-out", "connecting", "disconnected", "available", "busy", "away", "offline", "system"}[k]
}

// Icon picks the tray icon: signed out, connecting (no status known yet, or reconnecting), disconnected
// (the shown status may be stale), or the current status's kind.
func Icon(s State) IconKind {
	switch {
	case !s.SignedIn():
		return IconSignedOut
	case s.Conn == Disconnected:
		return IconDisconnected
	case !s.Have || s.Conn == Connecting:
		return IconConnecting
	}
	switch s.Presence.Kind {
	case KindAvailable:
		return IconAvailable
	case KindBusy:
		return IconBusy
	case KindAway:
		return IconAway
	case KindSystem:
		return IconSystem
	default:
		return IconOffline
	}
}

// Tooltip is the tray icon's tooltip: the status and since when, and who set it; or what is wrong.
//
//	Presence Hub: Lunch since 12:30 (set by an admin)
func Tooltip(s State, now time.Time) string {
	t := "Presence Hub: " + s.Headline()
	if !s.SignedIn() || !s.Have {
		return t
	}
	if s.Pending == nil {
		t += " " + Since(s.Presence.Since, now) + " (set by " + s.sourceLabel(s.Presence.Source, s.Presence.SourceID) + ")"
	}
	if s.Conn != Connected {
		t += " — " + s.ConnLabel()
	}
	return t
}
