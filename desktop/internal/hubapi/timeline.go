package hubapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// Timeline reads the newest changes of the device's own agent (at most max, newest first) with the
// device token: what the window lists under "Recent changes", including what happened before this
// tray started.
func (c Client) Timeline(ctx context.Context, hubURL, token, tenantID, agentID string, max int) ([]*phv1.TimelineEntry, error) {
	path := fmt.Sprintf("/v1/tenants/%s/agents/%s/timeline?page_size=%d", url.PathEscape(tenantID), url.PathEscape(agentID), max)
	resp := &phv1.ListTimelineResponse{}
	if err := c.do(ctx, http.MethodGet, hubURL, path, token, nil, resp); err != nil {
		return nil, fmt.Errorf("reading recent changes: %w", err)
	}
	return resp.GetEntries(), nil
}
