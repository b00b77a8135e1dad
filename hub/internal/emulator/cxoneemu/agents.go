package cxoneemu

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ACD state names (agentStateName) and the adapter's extra vocabulary.
const (
	Available       = "Available"
	Unavailable     = "Unavailable"
	LoggedOut       = "LoggedOut"
	AfterCallWork   = "AfterCallWork"
	Refused         = "Refused"
	unavailablePref = "unavailable:"
)

// contactStates are the system states of handling a contact.
var contactStates = []string{"InboundContact", "OutboundContact", "InboundConsult", "OutboundConsult", "Dialer", "DialerPending"}

// stateIDs are agentStateId values (unconfirmed numbering).
var stateIDs = map[string]int{LoggedOut: 0, Available: 1, Unavailable: 2, "InboundContact": 3, "OutboundContact": 4,
	"InboundConsult": 5, "OutboundConsult": 6, "Dialer": 7, "DialerPending": 8}

// agent is one CXone agent (a user with an ACD state).
type agent struct {
	id                      int64
	userName, email         string
	first, last             string
	teamID                  int64
	session                 string // "" when logged out
	acd                     string // agentStateName
	out                     *code  // unavailable code while Unavailable
	isAcw                   bool
	contactID               int64
	next                    string // the state requested during a contact, in the vocabulary
	lastUpdate, start, seen time.Time
}

// AddUser adds an active agent on the Support team, logged in (a session) and Unavailable, as agents
// are after logging in to their agent application.
func (e *Emulator) AddUser(email, name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	first, last, _ := strings.Cut(name, " ")
	a := &agent{id: e.seq, userName: email, email: email, first: first, last: last, teamID: 1001, acd: LoggedOut}
	e.agents = append(e.agents, a)
	e.byID[a.id] = a
	_ = e.setLocked(a, Unavailable)
	return strconv.FormatInt(a.id, 10)
}

// Change sets an agent's state as the agent (or the ACD) would: see the package doc for the vocabulary.
func (e *Emulator) Change(externalID, state string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agentLocked(externalID)
	if err != nil {
		return err
	}
	a.next = ""
	return e.setLocked(a, state)
}

// FinishContact ends the agent's contact or After Call Work: the next state requested meanwhile
// through the Agent API applies, else Available.
func (e *Emulator) FinishContact(externalID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agentLocked(externalID)
	if err != nil {
		return err
	}
	if a.contactID == 0 && !a.isAcw {
		return fmt.Errorf("agent %s is not handling a contact", externalID)
	}
	next := Available
	if a.next != "" {
		next = a.next
	}
	a.next = ""
	return e.setLocked(a, next)
}

// State is the agent's state in the adapter's vocabulary.
func (e *Emulator) State(externalID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agentLocked(externalID)
	if err != nil {
		return "", err
	}
	return vocabulary(a), nil
}

func vocabulary(a *agent) string {
	if a.acd != Unavailable {
		return a.acd
	}
	switch {
	case a.isAcw:
		return AfterCallWork
	case a.out == nil || a.out.id == codeUnavailable:
		return Unavailable
	case a.out.id == codeRefused:
		return Refused
	}
	return unavailablePref + a.out.name
}

// setLocked moves a to state (the adapter's vocabulary), logging in or out as needed.
func (e *Emulator) setLocked(a *agent, state string) error {
	acd, out, acw, contact := state, (*code)(nil), false, false
	switch {
	case state == Available || state == LoggedOut:
	case state == Unavailable:
		out = e.codeLocked(codeUnavailable)
	case state == Refused:
		acd, out = Unavailable, e.codeLocked(codeRefused)
	case state == AfterCallWork:
		acd, out, acw = Unavailable, e.acwCodeLocked(a.teamID), true
	case strings.HasPrefix(state, unavailablePref):
		out = e.teamCodeLocked(a.teamID, strings.TrimPrefix(state, unavailablePref))
		if out == nil || out.isAcw {
			return fmt.Errorf("%q is not an unavailable code of team %s", state, e.teamLocked(a.teamID).name)
		}
		acd = Unavailable
	case slices.Contains(contactStates, state):
		contact = true
	default:
		return fmt.Errorf("unknown CXone state %q", state)
	}
	t := now()
	switch {
	case acd == LoggedOut && a.session != "":
		e.pushLocked(a.session, map[string]any{"Type": "SessionEnd", "AgentId": strconv.FormatInt(a.id, 10)})
		e.endQueueLocked(a.session)
		delete(e.sessions, a.session)
		a.session = ""
	case acd != LoggedOut && a.session == "":
		e.seq++
		a.session = fmt.Sprintf("%d%08d", businessUnitID, e.seq)
		e.sessions[a.session] = a.id
		e.queues[a.session] = newQueue()
		a.seen = t
	}
	a.acd, a.out, a.isAcw = acd, out, acw
	a.contactID = 0
	if contact {
		e.seq++
		a.contactID = e.seq
	}
	a.lastUpdate, a.start = t, t
	if a.session != "" {
		e.pushLocked(a.session, agentStateEvent(a))
	}
	return nil
}

func (e *Emulator) agentLocked(externalID string) (*agent, error) {
	id, err := strconv.ParseInt(externalID, 10, 64)
	if a := e.byID[id]; err == nil && a != nil {
		return a, nil
	}
	return nil, fmt.Errorf("no agent %s", externalID)
}
