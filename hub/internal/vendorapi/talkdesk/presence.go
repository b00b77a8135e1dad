package talkdesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// holdFor bounds how long a held-back write keeps the agent's own reports back without being tried
// again (the outbox tries a waiting write again every poll interval, which renews the hold).
const holdFor = 15 * time.Minute

// presenceJSON is the part of a presence object the adapter reads.
type presenceJSON struct {
	Status         string `json:"status"`
	CustomStatusID string `json:"custom_status_id"`
	Occupancy      int    `json:"occupancy"`
	Interactions   []struct {
		ChannelName string `json:"channel_name"`
		Cost        int    `json:"cost"`
	} `json:"interactions"`
	UpdatedBy string `json:"updated_by"`
	UpdatedAt string `json:"updated_at"`
}

// state maps a presence to the vocabulary: on_call while a voice interaction lasts, else the status
// (away with a custom status is busy:<id>).
func (p presenceJSON) state() string {
	for _, in := range p.Interactions {
		if in.ChannelName == "voice" {
			return StateOnCall
		}
	}
	if p.Status == "away" && p.CustomStatusID != "" {
		return BusyPrefix + p.CustomStatusID
	}
	return p.Status
}

func (p presenceJSON) updated() time.Time {
	t, _ := time.Parse(time.RFC3339Nano, p.UpdatedAt)
	return t
}

// busy says why the agent's status cannot be changed now ("" when it can).
func busy(state string) string {
	switch state {
	case StateOffline:
		return "the agent is Offline in Talkdesk"
	case StateOnCall:
		return "the agent is On a Call in Talkdesk"
	}
	return ""
}

// readPresence reads GET /users/{id}/presence.
func (a *Adapter) readPresence(ctx context.Context, externalID string) (presenceJSON, error) {
	var p presenceJSON
	if err := a.do(ctx, http.MethodGet, "/users/"+url.PathEscape(externalID)+"/presence", nil, &p); err != nil {
		return p, fmt.Errorf("reading talkdesk presence: %w", userErr(err))
	}
	if p.Status == "" {
		return p, fmt.Errorf("reading talkdesk presence of %s: the answer has no status", externalID)
	}
	return p, nil
}

// GetState reads the agent's presence.
func (a *Adapter) GetState(ctx context.Context, externalID string) (vendorapi.AgentState, error) {
	p, err := a.readPresence(ctx, externalID)
	if err != nil {
		return vendorapi.AgentState{}, err
	}
	return vendorapi.AgentState{ExternalID: externalID, State: p.state(), UpdateTime: p.updated()}, nil
}

// SetState sets the status through PUT /users/{id}/presence/status. Only available and busy:<id>
// can be set (vendorapi.ErrNotSettable otherwise, without a request). The presence is read first: an
// agent who is Offline or On a Call is not changed (a *vendorapi.BusyError says why; with
// when_busy=wait the agent is held until a write lands).
func (a *Adapter) SetState(ctx context.Context, externalID, state string) error {
	customID, err := a.checkSettable(ctx, state)
	if err != nil {
		return fmt.Errorf("setting talkdesk status: %w", err)
	}
	p, err := a.readPresence(ctx, externalID)
	if err != nil {
		return fmt.Errorf("setting talkdesk status: %w", err)
	}
	if why := busy(p.state()); why != "" {
		return a.refuse(externalID, why)
	}
	in := map[string]string{"status": StateAvailable}
	if customID != "" {
		in = map[string]string{"status": "away", "custom_status_id": customID}
	}
	err = a.do(ctx, http.MethodPut, "/users/"+url.PathEscape(externalID)+"/presence/status", in, nil)
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusBadRequest {
		// The agent may have gone offline or taken a call since the read.
		if p, rerr := a.readPresence(ctx, externalID); rerr == nil && busy(p.state()) != "" {
			return a.refuse(externalID, busy(p.state()))
		}
	}
	a.release(externalID)
	if err != nil {
		return fmt.Errorf("setting talkdesk status: %w", userErr(err))
	}
	return nil
}

// refuse answers a write to a busy agent and, when the write is to wait, holds the agent.
func (a *Adapter) refuse(externalID, why string) error {
	if !a.drop {
		a.mu.Lock()
		a.held[externalID] = time.Now()
		a.mu.Unlock()
	}
	return fmt.Errorf("setting talkdesk status: %w", &vendorapi.BusyError{Reason: why, Drop: a.drop})
}

func (a *Adapter) release(externalID string) {
	a.mu.Lock()
	delete(a.held, externalID)
	a.mu.Unlock()
}

// isHeld reports whether a write to the agent is waiting for it to leave Offline or On a Call.
func (a *Adapter) isHeld(externalID string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	at, ok := a.held[externalID]
	if ok && time.Since(at) > holdFor {
		delete(a.held, externalID)
		return false
	}
	return ok
}

// userErr marks a 404 about a user as vendorapi.ErrUnknownUser, keeping the HTTP error.
func userErr(err error) error {
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %w", vendorapi.ErrUnknownUser, err)
	}
	return err
}
