package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// GetState reads the agent's unified status (Agent Availability API) or, in talk mode, Talk agent_state.
func (a *Adapter) GetState(ctx context.Context, externalID string) (vendorapi.AgentState, error) {
	as, err := a.getState(ctx, externalID)
	if err != nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading zendesk status: %w", err)
	}
	return as, nil
}

func (a *Adapter) getState(ctx context.Context, externalID string) (vendorapi.AgentState, error) {
	if err := checkID(externalID); err != nil {
		return vendorapi.AgentState{}, err
	}
	if a.talk {
		var resp talkResponse
		if err := a.client.Do(ctx, "GET", "/api/v2/channels/voice/availabilities/"+externalID, nil, &resp); err != nil {
			return vendorapi.AgentState{}, userError(externalID, err)
		}
		// Talk answers no time of change.
		return vendorapi.AgentState{ExternalID: externalID, State: resp.Availability.AgentState}, nil
	}
	var resp struct {
		Data struct {
			Attributes struct {
				AgentStatus *struct {
					ID        flexInt `json:"id"`
					Name      string  `json:"name"`
					UpdatedAt string  `json:"updated_at"`
				} `json:"agent_status"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := a.client.Do(ctx, "GET", "/api/v2/agent_availabilities/"+externalID, nil, &resp); err != nil {
		return vendorapi.AgentState{}, userError(externalID, err)
	}
	st := resp.Data.Attributes.AgentStatus
	if st == nil {
		return vendorapi.AgentState{}, errors.New("agent availability has no agent_status: omnichannel routing is off, use setting api=talk")
	}
	at, _ := time.Parse(time.RFC3339Nano, st.UpdatedAt)
	return vendorapi.AgentState{ExternalID: externalID, State: a.stateFor(int64(st.ID), st.Name), UpdateTime: at}, nil
}

type talkResponse struct {
	Availability struct {
		AgentState string `json:"agent_state"`
	} `json:"availability"`
}

// SetState sets the agent's unified status ({"id":N}) or, in talk mode, the Talk agent_state. A state
// outside the vocabulary is vendorapi.ErrNotSettable without a request, and so is Zendesk's 422 (a
// deleted custom status, or Talk refusing agent_state under omnichannel routing).
func (a *Adapter) SetState(ctx context.Context, externalID, state string) error {
	if err := a.setState(ctx, externalID, state); err != nil {
		return fmt.Errorf("setting zendesk status: %w", err)
	}
	return nil
}

func (a *Adapter) setState(ctx context.Context, externalID, state string) error {
	if err := checkID(externalID); err != nil {
		return err
	}
	var (
		path string
		body any
	)
	if a.talk {
		if !isTalkState(state) {
			return fmt.Errorf("%w: Talk has no agent_state %q", vendorapi.ErrNotSettable, state)
		}
		path = "/api/v2/channels/voice/availabilities/" + externalID
		body = map[string]map[string]string{"availability": {"agent_state": state}}
	} else {
		id, err := a.statusID(ctx, state)
		if err != nil {
			return err
		}
		path = "/api/v2/agent_availabilities/agent_statuses/agents/" + externalID
		body = map[string]int64{"id": id}
	}
	err := a.client.Do(ctx, "PUT", path, body, nil)
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusUnprocessableEntity {
		a.forgetStatuses()
		return fmt.Errorf("%w: zendesk refused %q: %w", vendorapi.ErrNotSettable, state, err)
	}
	return userError(externalID, err)
}

func isTalkState(s string) bool {
	for _, d := range defaultStatuses {
		if d.name == s {
			return true
		}
	}
	return false
}

// checkID refuses ids Zendesk cannot have (they are positive integers) without a request.
func checkID(externalID string) error {
	if n, err := strconv.ParseInt(externalID, 10, 64); err != nil || n <= 0 {
		return fmt.Errorf("%w: %q is not a zendesk user id", vendorapi.ErrUnknownUser, externalID)
	}
	return nil
}

// userError marks a 404 as vendorapi.ErrUnknownUser.
func userError(externalID string, err error) error {
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %s: %w", vendorapi.ErrUnknownUser, externalID, err)
	}
	return err
}
