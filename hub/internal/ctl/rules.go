package ctl

import (
	"io"
	"net/url"
	"strconv"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

var ruleResource = resource{what: "rule", segment: "rules"}

// ruleFlags are the settable fields of a rule.
type ruleFlags struct {
	name, connection, fallback       string
	inbound, outbound, teams, agents []string
	skipValidation                   bool
}

func (f *ruleFlags) fields() []flagField {
	return []flagField{
		{"name", "name"},
		{"connection", "connection_id"},
		{"inbound", "inbound"},
		{"outbound", "outbound"},
		{"team", "team_ids"},
		{"agent", "agent_ids"},
		{"fallback", "fallback_status"},
		{"skip-unavailable-validation", "skip_unavailable_validation"},
	}
}

func (f *ruleFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "rule name, unique per tenant")
	fs.StringVar(&f.connection, "connection", "", "id of the connection whose states the rule maps")
	fs.StringArrayVar(&f.inbound, "inbound", nil,
		"vendor_state=status: a vendor state to a catalog status or \"previous\" (repeatable; on update replaces all, '' for none)")
	fs.StringArrayVar(&f.outbound, "outbound", nil,
		"status=vendor_state: a catalog status to a vendor state (repeatable; on update replaces all, '' for none)")
	fs.StringSliceVar(&f.teams, "team", nil, "team id the rule applies to (repeatable or comma-separated; '' for none)")
	fs.StringSliceVar(&f.agents, "agent", nil, "agent id the rule applies to (repeatable or comma-separated; '' for none)")
	fs.StringVar(&f.fallback, "fallback", "", "catalog status for inbound states mapped to nothing usable ('' for none)")
	fs.BoolVar(&f.skipValidation, "skip-unavailable-validation", false,
		"write statuses this rule does not map as the tenant's default unavailable status (NICE CXone's option)")
}

func (f *ruleFlags) build(*cobra.Command) (proto.Message, error) {
	in, err := parsePairs("inbound", f.inbound, false)
	if err != nil {
		return nil, err
	}
	out, err := parsePairs("outbound", f.outbound, false)
	if err != nil {
		return nil, err
	}
	r := &phv1.Rule{
		Name:                      f.name,
		ConnectionId:              f.connection,
		TeamIds:                   nonEmpty(f.teams),
		AgentIds:                  nonEmpty(f.agents),
		FallbackStatus:            f.fallback,
		SkipUnavailableValidation: f.skipValidation,
	}
	for _, p := range in {
		r.Inbound = append(r.Inbound, &phv1.InboundMapping{VendorState: p.Key, Status: p.Value})
	}
	for _, p := range out {
		r.Outbound = append(r.Outbound, &phv1.OutboundMapping{Status: p.Key, VendorState: p.Value})
	}
	return r, nil
}

func newRulesCommand(g *globals) *cobra.Command {
	cmd := groupCommand("rules", "Manage rules mapping vendor states to the status catalog", "rule")
	show := func(w io.Writer, r *phv1.Rule) error { return writeRule(w, r) }
	var connection string
	list := listCommand(g, ruleResource, listSpec[*phv1.Rule, *phv1.ListRulesResponse]{
		newResp: func() *phv1.ListRulesResponse { return &phv1.ListRulesResponse{} },
		items:   (*phv1.ListRulesResponse).GetRules,
		wrap: func(items []*phv1.Rule, next string) *phv1.ListRulesResponse {
			return &phv1.ListRulesResponse{Rules: items, NextPageToken: next}
		},
		header: []string{"ID", "NAME", "CONNECTION", "INBOUND", "OUTBOUND", "TEAMS", "AGENTS", "FALLBACK"},
		row: func(r *phv1.Rule) []string {
			return []string{r.GetId(), r.GetName(), r.GetConnectionId(),
				strconv.Itoa(len(r.GetInbound())), strconv.Itoa(len(r.GetOutbound())),
				joinOr(r.GetTeamIds(), "-"), joinOr(r.GetAgentIds(), "-"), r.GetFallbackStatus()}
		},
		filters: func() url.Values { return url.Values{"connection_id": {connection}} },
	})
	list.Flags().StringVar(&connection, "connection", "", "only rules of this connection (id)")
	cmd.AddCommand(
		list,
		getCommand(g, ruleResource, &phv1.GetRuleResponse{},
			func(w io.Writer, r *phv1.GetRuleResponse) error { return show(w, r.GetRule()) }),
		withExample(createCommand(g, ruleResource, &ruleFlags{}, &phv1.CreateRuleResponse{},
			func(w io.Writer, r *phv1.CreateRuleResponse) error { return show(w, r.GetRule()) }),
			"  presencectl -t acme rules create --name zendesk-support --connection cn_123 --team tm_123 \\\n"+
				"      --inbound 'Away=away' --inbound 'Online=available' \\\n"+
				"      --outbound 'available=Online' --outbound 'lunch=Away' --fallback away"),
		withExample(updateCommand(g, ruleResource, &ruleFlags{}, &phv1.UpdateRuleResponse{},
			func(w io.Writer, r *phv1.UpdateRuleResponse) error { return show(w, r.GetRule()) }),
			"  presencectl -t acme rules update ru_123 --outbound '' --fallback ''"),
		deleteCommand(g, ruleResource, &phv1.DeleteRuleResponse{}),
	)
	return cmd
}

func writeRule(w io.Writer, r *phv1.Rule) error {
	fields := []field{
		{"ID", r.GetId()},
		{"Name", r.GetName()},
		{"Connection", r.GetConnectionId()},
	}
	for _, m := range r.GetInbound() {
		fields = append(fields, field{"Inbound", m.GetVendorState() + " -> " + m.GetStatus()})
	}
	if len(r.GetInbound()) == 0 {
		fields = append(fields, field{"Inbound", "none (vendor states are not read)"})
	}
	for _, m := range r.GetOutbound() {
		fields = append(fields, field{"Outbound", m.GetStatus() + " -> " + m.GetVendorState()})
	}
	if len(r.GetOutbound()) == 0 {
		fields = append(fields, field{"Outbound", "none (statuses are not written to the vendor)"})
	}
	fields = append(fields,
		field{"Teams", joinOr(r.GetTeamIds(), "")},
		field{"Agents", joinOr(r.GetAgentIds(), "")},
		field{"Fallback status", r.GetFallbackStatus()},
		field{"Created", fmtTime(r.GetCreateTime())},
		field{"Updated", fmtTime(r.GetUpdateTime())},
	)
	return writeDetail(w, fields)
}
