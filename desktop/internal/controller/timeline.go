package controller

import (
	"context"

	"presencehub.dev/desktop/internal/model"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// timelineSize is how many of the hub's newest timeline entries the window asks for.
const timelineSize = 20

// TimelineReader reads the agent's own timeline with the device token (a hubapi.Client); a Hub that
// is not one leaves the recent changes to what the stream delivered.
type TimelineReader interface {
	Timeline(ctx context.Context, hubURL, token, tenantID, agentID string, max int) ([]*phv1.TimelineEntry, error)
}

// LoadTimeline merges the hub's newest timeline entries into the recent changes, so the window lists
// what happened before this tray started too. Call it when the window opens; a failure leaves the
// recent changes as they were (the caller may log it).
func (c *Controller) LoadTimeline(ctx context.Context) error {
	tr, ok := c.o.Hub.(TimelineReader)
	c.mu.Lock()
	creds, signedIn := c.creds, c.st.SignedIn()
	c.mu.Unlock()
	if !ok || !signedIn || creds.Token == "" {
		return nil
	}
	list, err := tr.Timeline(ctx, creds.HubURL, creds.Token, creds.TenantID, creds.AgentID, timelineSize)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.creds.Token != creds.Token || c.st.Conn == model.SignedOut {
		return nil // signed out (or in as someone else) meanwhile
	}
	c.st = c.st.WithHubTimeline(list)
	c.show()
	return nil
}
