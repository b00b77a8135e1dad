package cxoneemu

import (
	"fmt"
	"strings"
)

// code is an unavailable code (an "out-state"): ids 3 (Unavailable) and -1 (Refused) are reserved.
type code struct {
	id       int
	name     string
	isAcw    bool
	active   bool
	timeout  int // agentTimeoutMins
	reserved bool
}

// team groups agents; its unavailable codes are the reasons its agents may use.
type team struct {
	id    int64
	name  string
	codes []int
}

// Reserved out-states.
const (
	codeUnavailable = 3
	codeRefused     = -1
)

// Default teams: Support may use every code, Sales only some (for team validation of reasons).
const (
	TeamSupport = "Support"
	TeamSales   = "Sales"
)

func (e *Emulator) seedTeams() {
	e.codes = []*code{
		{id: codeUnavailable, name: "Unavailable", active: true, timeout: 120, reserved: true},
		{id: codeRefused, name: "Refused", active: true, reserved: true},
		{id: 12, name: "Lunch", active: true, timeout: 60},
		{id: 13, name: "Break", active: true, timeout: 30},
		{id: 14, name: "Meeting", active: true, timeout: 120},
		{id: 15, name: "Training", active: true, timeout: 240},
		{id: 16, name: "Personal", active: false, timeout: 30},
		{id: 20, name: "ACW", isAcw: true, active: true, timeout: 10},
	}
	e.teams = []*team{
		{id: 1001, name: TeamSupport, codes: []int{codeUnavailable, 12, 13, 14, 15, 16, 20}},
		{id: 1002, name: TeamSales, codes: []int{codeUnavailable, 12, 13, 20}},
	}
}

// SetTeam moves an agent to a team (by name).
func (e *Emulator) SetTeam(externalID, teamName string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agentLocked(externalID)
	if err != nil {
		return err
	}
	for _, t := range e.teams {
		if t.name == teamName {
			a.teamID = t.id
			return nil
		}
	}
	return fmt.Errorf("no team %q", teamName)
}

func (e *Emulator) teamLocked(id int64) *team {
	for _, t := range e.teams {
		if t.id == id {
			return t
		}
	}
	return &team{}
}

func (e *Emulator) codeLocked(id int) *code {
	for _, c := range e.codes {
		if c.id == id {
			return c
		}
	}
	return nil
}

// teamCodeLocked finds an active code of the team by name (case-insensitive), as the Agent API's
// reason parameter names it.
func (e *Emulator) teamCodeLocked(teamID int64, name string) *code {
	for _, id := range e.teamLocked(teamID).codes {
		if c := e.codeLocked(id); c != nil && c.active && strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

// acwCodeLocked is the team's first After Call Work code.
func (e *Emulator) acwCodeLocked(teamID int64) *code {
	for _, id := range e.teamLocked(teamID).codes {
		if c := e.codeLocked(id); c != nil && c.isAcw {
			return c
		}
	}
	return &code{id: 20, name: "ACW", isAcw: true}
}
