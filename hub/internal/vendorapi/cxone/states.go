package cxone

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"presencehub.dev/hub/internal/vendorapi"
)

// States (vendorapi.State IDs).
const (
	StateAvailable     = "Available"
	StateUnavailable   = "Unavailable"
	StateAfterCallWork = "AfterCallWork"
	StateRefused       = "Refused"
	StateLoggedOut     = "LoggedOut"
	// UnavailablePrefix + a code name is Unavailable with that reason ("unavailable:Lunch").
	UnavailablePrefix = "unavailable:"
)

// fixed are the states every business unit has; its unavailable codes are added by ListStates.
var fixed = []vendorapi.State{
	{ID: StateAvailable, Name: "Available", Settable: true},
	{ID: StateUnavailable, Name: "Unavailable", Settable: true},
	{ID: "InboundContact", Name: "Inbound contact", System: true},
	{ID: "OutboundContact", Name: "Outbound contact", System: true},
	{ID: "InboundConsult", Name: "Inbound consult", System: true},
	{ID: "OutboundConsult", Name: "Outbound consult", System: true},
	{ID: "Dialer", Name: "Dialer", System: true},
	{ID: "DialerPending", Name: "Dialer pending", System: true},
	{ID: StateAfterCallWork, Name: "After Call Work", System: true},
	{ID: StateRefused, Name: "Refused", System: true},
	{ID: StateLoggedOut, Name: "Logged out"},
}

// reservedCodes are out-states that are not reasons an agent or the hub picks.
var reservedCodes = map[int]bool{-1: true, 0: true, 1: true, 2: true, 3: true}

// ListStates lists the fixed states and, as "unavailable:<name>", every active non-ACW unavailable
// code of the business unit's teams (GET /teams, then /teams/{id}/unavailable-codes).
func (a *Adapter) ListStates(ctx context.Context) ([]vendorapi.State, error) {
	var teams struct {
		Teams []struct {
			TeamID   int64 `json:"teamId"`
			IsActive bool  `json:"isActive"`
		} `json:"teams"`
	}
	if err := a.do(ctx, http.MethodGet, "/teams?isActive=true", nil, &teams); err != nil {
		return nil, fmt.Errorf("listing cxone teams: %w", err)
	}
	out := append([]vendorapi.State(nil), fixed...)
	listed, acw := map[string]bool{}, map[string]bool{}
	for _, t := range teams.Teams {
		var codes struct {
			ResultSet struct {
				UnavailableCodes []struct {
					ID       int    `json:"outStateId"`
					Name     string `json:"outStateName"`
					IsActive bool   `json:"isActive"`
					IsAcw    bool   `json:"isAcw"`
				} `json:"unavailableCodes"`
			} `json:"resultSet"`
		}
		path := "/teams/" + strconv.FormatInt(t.TeamID, 10) + "/unavailable-codes?" + url.Values{"activeOnly": {"true"}}.Encode()
		if err := a.do(ctx, http.MethodGet, path, nil, &codes); err != nil {
			return nil, fmt.Errorf("listing cxone unavailable codes of team %d: %w", t.TeamID, err)
		}
		for _, c := range codes.ResultSet.UnavailableCodes {
			switch {
			case c.IsAcw:
				acw[c.Name] = true
			case !c.IsActive || reservedCodes[c.ID] || listed[c.Name]:
			default:
				listed[c.Name] = true
				out = append(out, vendorapi.State{ID: UnavailablePrefix + c.Name, Name: "Unavailable: " + c.Name, Settable: true})
			}
		}
	}
	a.mu.Lock()
	a.acw = acw
	a.mu.Unlock()
	return out, nil
}

// agentState is the part of a Real-Time Data agent state the adapter reads.
type agentState struct {
	AgentID        int64  `json:"agentId"`
	AgentStateName string `json:"agentStateName"`
	IsAcw          bool   `json:"isAcw"`
	OutStateID     int    `json:"outStateId"`
	OutStateDesc   string `json:"outStateDescription"`
	LastUpdateTime string `json:"lastUpdateTime"`
	StartDate      string `json:"startDate"`
}

// vocabulary maps a state to its ID: ACW first (CXone reports it as Unavailable with isAcw), Refused
// (out-state -1), the default code as Unavailable, other codes as unavailable:<name>.
func (s agentState) vocabulary() string {
	if s.AgentStateName != StateUnavailable {
		return s.AgentStateName
	}
	switch {
	case s.IsAcw:
		return StateAfterCallWork
	case s.OutStateID == -1 || s.OutStateDesc == StateRefused:
		return StateRefused
	case s.OutStateDesc == "" || s.OutStateID == 3 || strings.EqualFold(s.OutStateDesc, StateUnavailable):
		return StateUnavailable
	}
	return UnavailablePrefix + s.OutStateDesc
}

// request splits a settable state into the Agent API's state and reason; ok is false for states the
// API cannot set (ACW codes known from ListStates included).
func (a *Adapter) request(state string) (acd, reason string, ok bool) {
	switch {
	case state == StateAvailable, state == StateUnavailable:
		return state, "", true
	case strings.HasPrefix(state, UnavailablePrefix):
		reason = strings.TrimPrefix(state, UnavailablePrefix)
		a.mu.Lock()
		acw := a.acw[reason]
		a.mu.Unlock()
		return StateUnavailable, reason, reason != "" && !acw
	}
	return "", "", false
}

// httpErr is the vendor's answer inside err, if any.
func httpErr(err error) *vendorapi.HTTPError {
	var he *vendorapi.HTTPError
	if errors.As(err, &he) {
		return he
	}
	return nil
}

// StaticStates are the states every business unit has.
func (a *Adapter) StaticStates() []vendorapi.State { return append([]vendorapi.State(nil), fixed...) }

// Dynamic: only "unavailable:<code>" with a non-empty code can be a business unit's unavailable code.
func (a *Adapter) Dynamic(id string) bool {
	rest, ok := strings.CutPrefix(id, UnavailablePrefix)
	return ok && rest != ""
}
