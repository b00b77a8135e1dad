package ctl

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// maxPairingTTL is the hub's longest pairing code lifetime.
const maxPairingTTL = 24 * time.Hour

// pairingCSVHeader is the header of "agents pairing-codes": one row per agent, ready for a mail merge
// or a software-distribution tool (presence-tray --pairing-code CODE).
var pairingCSVHeader = []string{"agent_id", "email", "display_name", "pairing_code", "expire_time"}

// newPairingCodesCommand is "agents pairing-codes": one fresh pairing code per agent of a team (or
// the agents named), as CSV on stdout.
func newPairingCodesCommand(g *globals) *cobra.Command {
	var team string
	var ttl time.Duration
	var supervisor bool
	cmd := &cobra.Command{
		Use:   "pairing-codes [AGENT_ID...]",
		Short: "Issue one pairing code per agent (of a team, or the agents named) as CSV",
		Long: "Issues a fresh one-time pairing code for every agent of --team (or every agent named), and\n" +
			"prints them as CSV: " + strings.Join(pairingCSVHeader, ",") + ". Hand each agent its code, or\n" +
			"pass it to the tray at install: presence-tray --pairing-code CODE. Codes work once and expire\n" +
			"after --ttl (at most 24h); earlier codes stay valid until they expire.",
		Example: "  presencectl -t acme agents pairing-codes --team tm_123 --ttl 24h > codes.csv\n" +
			"  presencectl -t acme agents pairing-codes ag_1 ag_2",
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if (team == "") == (len(args) == 0) {
				return usageErrorf("name the agents: --team TEAM_ID or agent ids, not both")
			}
			if ttl <= 0 || ttl > maxPairingTTL || ttl%time.Second != 0 {
				return usageErrorf("--ttl must be whole seconds between 1s and 24h")
			}
			s, t, err := g.tenantSession()
			if err != nil {
				return err
			}
			agents, err := pairingAgents(cmd.Context(), s.c, t, team, args)
			if err != nil {
				return err
			}
			w := csv.NewWriter(s.p.out)
			if err := w.Write(pairingCSVHeader); err != nil {
				return err
			}
			for _, a := range agents {
				resp := &phv1.CreatePairingCodeResponse{}
				req := &phv1.CreatePairingCodeRequest{TtlSeconds: int32(ttl / time.Second), Supervisor: supervisor}
				if err := s.c.do(cmd.Context(), http.MethodPost, tenantPath(t, "agents", a.GetId(), "pairing-codes"), req, resp); err != nil {
					w.Flush()
					return err
				}
				pc := resp.GetPairingCode()
				if err := w.Write([]string{a.GetId(), a.GetEmail(), a.GetDisplayName(), pc.GetCode(),
					pc.GetExpireTime().AsTime().UTC().Format(time.RFC3339)}); err != nil {
					return err
				}
			}
			w.Flush()
			if err := w.Error(); err != nil {
				return err
			}
			s.p.notice("Issued %d pairing codes (valid until used or for %s).", len(agents), ttl)
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&team, "team", "", "every agent of this team (id)")
	f.DurationVar(&ttl, "ttl", maxPairingTTL, "how long the codes stay valid (at most 24h)")
	f.BoolVar(&supervisor, "supervisor", false, "the trays may watch the agents' teams (supervisors)")
	return cmd
}

// pairingAgents are the agents of team (all pages), or the agents named by id.
func pairingAgents(ctx context.Context, c *Client, tenant, team string, ids []string) ([]*phv1.Agent, error) {
	if team == "" {
		out := make([]*phv1.Agent, 0, len(ids))
		for _, id := range ids {
			resp := &phv1.GetAgentResponse{}
			if err := c.do(ctx, http.MethodGet, tenantPath(tenant, "agents", id), nil, resp); err != nil {
				return nil, err
			}
			out = append(out, resp.GetAgent())
		}
		return out, nil
	}
	pf := &pageFlags{all: true}
	agents, _, err := collect(ctx, pf, url.Values{"team_id": {team}}, func(ctx context.Context, q url.Values) ([]*phv1.Agent, string, error) {
		resp := &phv1.ListAgentsResponse{}
		err := c.do(ctx, http.MethodGet, withQuery(tenantPath(tenant, "agents"), q), nil, resp)
		return resp.GetAgents(), resp.GetNextPageToken(), err
	})
	if err == nil && len(agents) == 0 {
		return nil, usageErrorf("team %s has no agents (or does not exist)", team)
	}
	return agents, err
}
