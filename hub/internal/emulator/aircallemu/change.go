package aircallemu

import (
	"fmt"
	"strconv"
)

// Change sets a user's state as the agent would in Aircall's apps, and fires the webhooks Aircall
// would. States:
//   - available, custom, unavailable: the availability_status (user.opened or user.closed when it
//     changes). From wrap-up, user.wut_end comes first; from offline, user.connected. A call in
//     progress goes on (Aircall does not interrupt calls).
//   - in_call: an inbound call is answered (call.created, call.answered); wrap-up, if any, ends first.
//   - after_call_work: the call, if any, ends (call.hungup, call.ended) and wrap-up starts (user.wut_start).
//   - offline: the user closes every app (user.disconnected), ending any call or wrap-up first.
//
// do_not_disturb is only ever derived (from availability_status unavailable) and is refused.
func (e *Emulator) Change(externalID, state string) error {
	e.fireMu.Lock()
	defer e.fireMu.Unlock()
	e.mu.Lock()
	u := e.lookup(externalID)
	if u == nil {
		e.mu.Unlock()
		return fmt.Errorf("aircall emulator: no user %q", externalID)
	}
	var evs []event
	switch state {
	case statusAvailable, statusCustom, statusUnavailable:
		evs = e.setStatus(u, state)
	case opInCall:
		if u.offline {
			e.mu.Unlock()
			return fmt.Errorf("aircall emulator: user %s is offline and cannot answer a call", externalID)
		}
		evs = e.answerCall(u)
	case opAfterCallWork:
		evs = e.startWrapUp(u)
	case opOffline:
		evs = e.disconnect(u)
	default:
		e.mu.Unlock()
		return fmt.Errorf("aircall emulator: cannot change a user to %q (want available, custom, unavailable, in_call, after_call_work or offline)", state)
	}
	e.mu.Unlock()
	e.fire(evs)
	return nil
}

// State is the user's state as the aircall adapter's GetState reads it: in_call or after_call_work
// while they last, else the availability_status (an offline user keeps its availability_status).
func (e *Emulator) State(externalID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.lookup(externalID)
	if u == nil {
		return "", fmt.Errorf("aircall emulator: no user %q", externalID)
	}
	switch op := u.availability(); op {
	case opInCall, opAfterCallWork:
		return op, nil
	}
	return u.status, nil
}

// setStatus changes the availability_status; mu must be held. Shared by Change and the API's PUT.
func (e *Emulator) setStatus(u *user, status string) []event {
	base := e.opts.PublicURL
	var evs []event
	if u.offline {
		u.offline = false
		evs = append(evs, userEvents("user.connected", u, base)...)
	}
	old := u.status
	u.status = status
	if u.wrapUp {
		u.wrapUp = false
		evs = append(evs, userEvents("user.wut_end", u, base)...)
	}
	switch {
	case old == status:
	case status == statusUnavailable:
		evs = append(evs, userEvents("user.closed", u, base)...)
	default:
		// available, or custom (whose schedule is always open here)
		evs = append(evs, userEvents("user.opened", u, base)...)
	}
	return evs
}

// answerCall starts an answered inbound call; mu must be held.
func (e *Emulator) answerCall(u *user) []event {
	if u.call != nil {
		return nil
	}
	var evs []event
	if u.wrapUp {
		u.wrapUp = false
		evs = append(evs, userEvents("user.wut_end", u, e.opts.PublicURL)...)
	}
	e.nextCall++
	t := now()
	u.call = &call{id: e.nextCall, rawDigits: "+1 415-555-" + strconv.FormatInt(1000+e.nextCall%9000, 10), startedAt: t}
	evs = append(evs, callEvent("call.created", u, e.opts.PublicURL))
	u.call.answeredAt = t
	return append(evs, callEvent("call.answered", u, e.opts.PublicURL))
}

// endCall hangs the user's call up, if any; mu must be held.
func (e *Emulator) endCall(u *user) []event {
	if u.call == nil {
		return nil
	}
	u.call.endedAt = now()
	evs := []event{callEvent("call.hungup", u, e.opts.PublicURL), callEvent("call.ended", u, e.opts.PublicURL)}
	u.call = nil
	return evs
}

// startWrapUp ends the call and starts wrap-up; mu must be held.
func (e *Emulator) startWrapUp(u *user) []event {
	evs := e.endCall(u)
	if u.wrapUp {
		return evs
	}
	u.wrapUp = true
	return append(evs, userEvents("user.wut_start", u, e.opts.PublicURL)...)
}

// disconnect ends any call and wrap-up and takes the user offline; mu must be held.
func (e *Emulator) disconnect(u *user) []event {
	evs := e.endCall(u)
	if u.wrapUp {
		u.wrapUp = false
		evs = append(evs, userEvents("user.wut_end", u, e.opts.PublicURL)...)
	}
	if u.offline {
		return evs
	}
	u.offline = true
	return append(evs, userEvents("user.disconnected", u, e.opts.PublicURL)...)
}
