package salesforce

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// The Presence_Change__e platform event (installers/salesforce/.../Presence_Change__e).
const (
	eventObject        = "Presence_Change__e"
	fieldUserID        = "UserId__c"
	fieldStatusID      = "StatusId__c"
	fieldStatusAPIName = "StatusApiName__c"
	fieldRequestID     = "RequestId__c"
)

type presenceRecord struct {
	ID                    string  `json:"Id"`
	UserID                string  `json:"UserId"`
	IsCurrentState        bool    `json:"IsCurrentState"`
	StatusStartDate       sfTime  `json:"StatusStartDate"`
	StatusEndDate         sfTime  `json:"StatusEndDate"`
	SystemModstamp        sfTime  `json:"SystemModstamp"`
	ServicePresenceStatus *status `json:"ServicePresenceStatus"`
}

type status struct {
	DeveloperName string `json:"DeveloperName"`
}

// GetState reads the agent's current UserServicePresence: its status's DeveloperName, or Offline when
// there is none (then the user is looked up, for ErrUnknownUser).
func (a *Adapter) GetState(ctx context.Context, externalID string) (vendorapi.AgentState, error) {
	if !validID(externalID) {
		return vendorapi.AgentState{}, fmt.Errorf("reading salesforce presence of %q: %w", externalID, vendorapi.ErrUnknownUser)
	}
	soql := "SELECT Id, ServicePresenceStatus.DeveloperName, StatusStartDate FROM UserServicePresence WHERE UserId = " +
		quote(externalID) + " AND IsCurrentState = true ORDER BY StatusStartDate DESC LIMIT 1"
	recs, err := queryAll[presenceRecord](ctx, a, soql)
	if err != nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading salesforce presence: %w", err)
	}
	if len(recs) > 0 && recs[0].ServicePresenceStatus != nil {
		return vendorapi.AgentState{ExternalID: externalID, State: recs[0].ServicePresenceStatus.DeveloperName, UpdateTime: recs[0].StatusStartDate.Time}, nil
	}
	ok, err := a.userExists(ctx, externalID)
	if err != nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading salesforce user: %w", err)
	}
	if !ok {
		return vendorapi.AgentState{}, fmt.Errorf("reading salesforce presence of %s: %w", externalID, vendorapi.ErrUnknownUser)
	}
	return vendorapi.AgentState{ExternalID: externalID, State: StateOffline}, nil
}

// SetState publishes a Presence_Change__e for the agent and waits until the agent's browser has
// applied it (the presence reads back as state). Nothing is published when the agent already is in
// state, and an agent logged out of Omni-Channel answers ErrNotLoggedIn: the hub does not log agents in.
func (a *Adapter) SetState(ctx context.Context, externalID, state string) error {
	statusID := ""
	if state != StateOffline {
		id, ok, err := a.statusID(ctx, state)
		if err != nil {
			return fmt.Errorf("setting salesforce presence: %w", err)
		}
		if !ok {
			return fmt.Errorf("setting salesforce presence to %q (no such presence status): %w", state, vendorapi.ErrNotSettable)
		}
		statusID = id
	}
	cur, err := a.GetState(ctx, externalID)
	if err != nil {
		return fmt.Errorf("setting salesforce presence: %w", err)
	}
	switch {
	case cur.State == state:
		return nil
	case cur.State == StateOffline:
		// Dropped, not retried: the agent's own login will be polled and become the newest status.
		busy := &vendorapi.BusyError{Reason: "agent is logged out of Omni-Channel in Salesforce", Drop: true}
		return fmt.Errorf("setting salesforce presence of %s to %s: %w: %w", externalID, state, ErrNotLoggedIn, busy)
	}
	ev := map[string]string{fieldUserID: externalID, fieldStatusID: statusID, fieldStatusAPIName: state, fieldRequestID: requestID()}
	var out struct {
		ID      string `json:"id"`
		Success bool   `json:"success"`
	}
	if err := a.do(ctx, http.MethodPost, a.dataPath("/sobjects/"+eventObject), ev, &out); err != nil {
		return fmt.Errorf("publishing salesforce %s: %w", eventObject, err)
	}
	if !out.Success {
		return fmt.Errorf("publishing salesforce %s: not accepted", eventObject)
	}
	return a.awaitApplied(ctx, externalID, state)
}

// awaitApplied reads the agent's presence back (50 ms, doubling to 1 s apart) until it is state or the
// apply timeout passes.
func (a *Adapter) awaitApplied(ctx context.Context, externalID, state string) error {
	deadline := time.Now().Add(a.applyTimeout)
	wait := 50 * time.Millisecond
	for {
		t := time.NewTimer(min(wait, max(time.Until(deadline), 0)))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("waiting for the salesforce presence change: %w", ctx.Err())
		case <-t.C:
		}
		cur, err := a.GetState(ctx, externalID)
		if err != nil {
			return fmt.Errorf("reading back the salesforce presence: %w", err)
		}
		if cur.State == state {
			return nil
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("salesforce presence of %s still %s %s after publishing %s: %w (is the Presence Hub utility bar open in the agent's console?)",
				externalID, cur.State, a.applyTimeout, state, ErrNotApplied)
		}
		wait = min(wait*2, time.Second)
	}
}

// requestID tags an event, so the component's logs can be matched with the hub's.
func requestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
