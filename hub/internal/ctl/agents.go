package ctl

import (
	"fmt"
	"io"
	"net/url"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

var agentResource = resource{what: "agent", segment: "agents"}

// agentFlags are the settable fields of an agent.
type agentFlags struct {
	email, displayName string
	teams, identities  []string
}

func (f *agentFlags) fields() []flagField {
	return []flagField{
		{"email", "email"},
		{"display-name", "display_name"},
		{"team", "team_ids"},
		{"identity", "identities"},
	}
}

func (f *agentFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.email, "email", "", "e-mail address, unique per tenant; matches vendor users")
	fs.StringVar(&f.displayName, "display-name", "", "name shown in clients")
	fs.StringSliceVar(&f.teams, "team", nil,
		"team id the agent belongs to (repeatable or comma-separated; on update replaces all, '' for none)")
	fs.StringArrayVar(&f.identities, "identity", nil,
		"vendor user as connection_id=external_id, pinned against agent sync (repeatable; on update replaces all, '' for none)")
}

func (f *agentFlags) build(*cobra.Command) (proto.Message, error) {
	ids, err := parsePairs("identity", f.identities, false)
	if err != nil {
		return nil, err
	}
	a := &phv1.Agent{Email: f.email, DisplayName: f.displayName, TeamIds: nonEmpty(f.teams)}
	for _, p := range ids {
		a.Identities = append(a.Identities, &phv1.AgentIdentity{ConnectionId: p.Key, ExternalId: p.Value, Pinned: true})
	}
	return a, nil
}

func newAgentsCommand(g *globals) *cobra.Command {
	cmd := groupCommand("agents", "Manage agents", "agent")
	show := func(w io.Writer, a *phv1.Agent) error { return writeAgent(w, a) }
	var team string
	list := listCommand(g, agentResource, listSpec[*phv1.Agent, *phv1.ListAgentsResponse]{
		newResp: func() *phv1.ListAgentsResponse { return &phv1.ListAgentsResponse{} },
		items:   (*phv1.ListAgentsResponse).GetAgents,
		wrap: func(items []*phv1.Agent, next string) *phv1.ListAgentsResponse {
			return &phv1.ListAgentsResponse{Agents: items, NextPageToken: next}
		},
		header: []string{"ID", "EMAIL", "DISPLAY NAME", "TEAMS", "IDENTITIES"},
		row: func(a *phv1.Agent) []string {
			return []string{a.GetId(), a.GetEmail(), a.GetDisplayName(), joinOr(a.GetTeamIds(), "-"),
				joinOr(identityList(a), "-")}
		},
		filters: func() url.Values { return url.Values{"team_id": {team}} },
	})
	list.Flags().StringVar(&team, "team", "", "only agents of this team (id)")
	cmd.AddCommand(
		list,
		getCommand(g, agentResource, &phv1.GetAgentResponse{},
			func(w io.Writer, r *phv1.GetAgentResponse) error { return show(w, r.GetAgent()) }),
		withExample(createCommand(g, agentResource, &agentFlags{}, &phv1.CreateAgentResponse{},
			func(w io.Writer, r *phv1.CreateAgentResponse) error { return show(w, r.GetAgent()) }),
			"  presencectl -t acme agents create --email ada@acme.test --display-name 'Ada L.' --team tm_123"),
		withExample(updateCommand(g, agentResource, &agentFlags{}, &phv1.UpdateAgentResponse{},
			func(w io.Writer, r *phv1.UpdateAgentResponse) error { return show(w, r.GetAgent()) }),
			"  presencectl -t acme agents update ag_123 --team tm_1 --team tm_2\n"+
				"  presencectl -t acme agents update ag_123 --identity cn_zendesk=3820012"),
		deleteCommand(g, agentResource, &phv1.DeleteAgentResponse{}),
		newPairingCodesCommand(g),
		newDevicesCommand(g),
		newRevokeDevicesCommand(g),
	)
	return cmd
}

// identityList renders an agent's vendor users as "connection=external_id".
func identityList(a *phv1.Agent) []string {
	var out []string
	for _, id := range a.GetIdentities() {
		out = append(out, id.GetConnectionId()+"="+id.GetExternalId())
	}
	return out
}

func writeAgent(w io.Writer, a *phv1.Agent) error {
	fields := []field{
		{"ID", a.GetId()},
		{"Email", a.GetEmail()},
		{"Display name", a.GetDisplayName()},
		{"Teams", joinOr(a.GetTeamIds(), "")},
	}
	for _, id := range a.GetIdentities() {
		v := fmt.Sprintf("%s=%s", id.GetConnectionId(), id.GetExternalId())
		if id.GetPinned() {
			v += " (pinned)"
		}
		if t := fmtTime(id.GetLinkTime()); t != "" {
			v += " linked " + t
		}
		fields = append(fields, field{"Identity", v})
	}
	if len(a.GetIdentities()) == 0 {
		fields = append(fields, field{"Identities", ""})
	}
	fields = append(fields,
		field{"Created", fmtTime(a.GetCreateTime())},
		field{"Updated", fmtTime(a.GetUpdateTime())})
	return writeDetail(w, fields)
}
