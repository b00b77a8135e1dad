package cxone

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// GetState reads GET /agents/{agentId}/states.
func (a *Adapter) GetState(ctx context.Context, externalID string) (vendorapi.AgentState, error) {
	if _, err := strconv.ParseInt(externalID, 10, 64); err != nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading cxone agent state of %q: %w", externalID, vendorapi.ErrUnknownUser)
	}
	var out struct {
		AgentStates []agentState `json:"agentStates"`
	}
	if err := a.do(ctx, http.MethodGet, "/agents/"+externalID+"/states", nil, &out); err != nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading cxone agent state: %w", agentErr(err))
	}
	if len(out.AgentStates) == 0 {
		return vendorapi.AgentState{}, fmt.Errorf("reading cxone agent state of %s: %w", externalID, vendorapi.ErrUnknownUser)
	}
	s := out.AgentStates[0]
	return vendorapi.AgentState{ExternalID: externalID, State: s.vocabulary(), UpdateTime: parseTime(s.LastUpdateTime)}, nil
}

// SetState joins the agent's session (cached; joined again once if it has ended) and posts
// state=Available|Unavailable with the reason. Other states are ErrNotSettable before any request.
func (a *Adapter) SetState(ctx context.Context, externalID, state string) error {
	acd, reason, ok := a.request(state)
	if !ok {
		return fmt.Errorf("setting cxone agent state to %q: %w", state, vendorapi.ErrNotSettable)
	}
	if _, err := strconv.ParseInt(externalID, 10, 64); err != nil {
		return fmt.Errorf("setting cxone agent state of %q: %w", externalID, vendorapi.ErrUnknownUser)
	}
	q := url.Values{"state": {acd}}
	if reason != "" {
		q.Set("reason", reason)
	}
	for attempt := 0; ; attempt++ {
		session, cached, err := a.session(ctx, externalID)
		if err != nil {
			return fmt.Errorf("setting cxone agent state: %w", err)
		}
		err = a.do(ctx, http.MethodPost, "/agent-sessions/"+url.PathEscape(session)+"/state?"+q.Encode(), nil, nil)
		if he := httpErr(err); he != nil && he.Status == http.StatusNotFound && cached && attempt == 0 {
			a.forget(externalID) // the agent logged out (and maybe in again) since we joined
			continue
		}
		if err != nil {
			return fmt.Errorf("setting cxone agent state to %s: %w", state, stateErr(err, reason))
		}
		return nil
	}
}

// session returns the agent's session id, joining it when not cached.
func (a *Adapter) session(ctx context.Context, agentID string) (id string, cached bool, err error) {
	a.mu.Lock()
	id = a.sessions[agentID]
	a.mu.Unlock()
	if id != "" {
		return id, true, nil
	}
	var out struct {
		SessionID string `json:"sessionId"`
	}
	if err := a.do(ctx, http.MethodPost, "/agent-sessions/join?"+url.Values{"asAgentId": {agentID}}.Encode(), nil, &out); err != nil {
		if he := httpErr(err); he != nil && he.Status == http.StatusBadRequest && strings.Contains(he.Body, "NotLoggedIn") {
			busy := &vendorapi.BusyError{Reason: "agent is logged out of CXone (no agent session)", Drop: true}
			return "", false, fmt.Errorf("joining the session of agent %s: %w: %w", agentID, ErrNoSession, busy)
		}
		return "", false, fmt.Errorf("joining the session of agent %s: %w", agentID, agentErr(err))
	}
	if out.SessionID == "" {
		return "", false, fmt.Errorf("joining the session of agent %s: the answer has no sessionId", agentID)
	}
	a.mu.Lock()
	a.sessions[agentID] = out.SessionID
	a.mu.Unlock()
	return out.SessionID, false, nil
}

func (a *Adapter) forget(agentID string) {
	a.mu.Lock()
	delete(a.sessions, agentID)
	a.mu.Unlock()
}

// stateErr classifies the Agent API's refusals: 409 during After Call Work is a busy agent (the write
// waits), an unknown reason is ErrUnknownCode.
func stateErr(err error, reason string) error {
	he := httpErr(err)
	switch {
	case he == nil:
		return err
	case he.Status == http.StatusConflict && strings.Contains(he.Body, "AfterCallWork"):
		return fmt.Errorf("%w (%s)", &vendorapi.BusyError{Reason: "agent is in After Call Work in CXone"}, he.Body)
	case he.Status == http.StatusBadRequest && strings.Contains(he.Body, "UnavailableCode"):
		return fmt.Errorf("reason %q: %w: %w", reason, ErrUnknownCode, err)
	}
	return err
}

// agentErr marks a 404 about an agent as ErrUnknownUser, keeping the HTTP error.
func agentErr(err error) error {
	if he := httpErr(err); he != nil && he.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %w", vendorapi.ErrUnknownUser, err)
	}
	return err
}

// parseTime reads the API's datetimes (zero when absent or unreadable).
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
