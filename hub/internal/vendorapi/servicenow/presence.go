package servicenow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"presencehub.dev/hub/internal/vendorapi"
)

type presenceJSON struct {
	Name      string `json:"name"`
	SysID     string `json:"sys_id"`
	Available bool   `json:"available"`
}

// GetState reads GET /api/now/awa/agents/{id}. The AWA API gives no time of change.
func (a *Adapter) GetState(ctx context.Context, externalID string) (vendorapi.AgentState, error) {
	var out struct {
		Result struct {
			SysID    string       `json:"sys_id"`
			Presence presenceJSON `json:"presence"`
		} `json:"result"`
	}
	if err := a.do(ctx, http.MethodGet, "/api/now/awa/agents/"+url.PathEscape(externalID), nil, &out); err != nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading servicenow presence: %w", userErr(err))
	}
	if out.Result.Presence.SysID == "" {
		return vendorapi.AgentState{}, fmt.Errorf("reading servicenow presence of %s: the answer has no presence sys_id", externalID)
	}
	return vendorapi.AgentState{ExternalID: externalID, State: vocabulary(out.Result.Presence.SysID)}, nil
}

// SetState sets the agent's presence with PUT /api/now/awa/agents/{id} (the state's sys_id, and the
// configured channels: available with an available state, unavailable otherwise). Unknown and
// inactive states are vendorapi.ErrNotSettable before any write.
func (a *Adapter) SetState(ctx context.Context, externalID, state string) error {
	s, err := a.resolve(ctx, state)
	if err != nil {
		return fmt.Errorf("setting servicenow presence: %w", err)
	}
	type channel struct {
		SysID     string `json:"sys_id"`
		Available bool   `json:"available"`
	}
	presence := map[string]any{"sys_id": s.sysID}
	if len(a.channels) > 0 {
		chans := make([]channel, 0, len(a.channels))
		for _, c := range a.channels {
			chans = append(chans, channel{SysID: c, Available: s.available})
		}
		presence["channels"] = chans
	}
	in := map[string]any{"presence": presence}
	if err := a.do(ctx, http.MethodPut, "/api/now/awa/agents/"+url.PathEscape(externalID), in, nil); err != nil {
		return fmt.Errorf("setting servicenow presence: %w", userErr(err))
	}
	return nil
}

// userErr marks a 404 about an agent as vendorapi.ErrUnknownUser, keeping the HTTP error.
func userErr(err error) error {
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %w", vendorapi.ErrUnknownUser, err)
	}
	return err
}
