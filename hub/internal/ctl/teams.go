package ctl

import (
	"io"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

var teamResource = resource{what: "team", segment: "teams"}

// teamFlags are the settable fields of a team.
type teamFlags struct {
	name, description string
}

func (f *teamFlags) fields() []flagField {
	return []flagField{{"name", "name"}, {"description", "description"}}
}

func (f *teamFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "team name, unique per tenant")
	fs.StringVar(&f.description, "description", "", "free text")
}

func (f *teamFlags) build(*cobra.Command) (proto.Message, error) {
	return &phv1.Team{Name: f.name, Description: f.description}, nil
}

func newTeamsCommand(g *globals) *cobra.Command {
	cmd := groupCommand("teams", "Manage teams of agents", "team")
	show := func(w io.Writer, t *phv1.Team) error { return writeTeam(w, t) }
	cmd.AddCommand(
		listCommand(g, teamResource, listSpec[*phv1.Team, *phv1.ListTeamsResponse]{
			newResp: func() *phv1.ListTeamsResponse { return &phv1.ListTeamsResponse{} },
			items:   (*phv1.ListTeamsResponse).GetTeams,
			wrap: func(items []*phv1.Team, next string) *phv1.ListTeamsResponse {
				return &phv1.ListTeamsResponse{Teams: items, NextPageToken: next}
			},
			header: []string{"ID", "NAME", "DESCRIPTION", "CREATED"},
			row: func(t *phv1.Team) []string {
				return []string{t.GetId(), t.GetName(), t.GetDescription(), fmtTime(t.GetCreateTime())}
			},
		}),
		getCommand(g, teamResource, &phv1.GetTeamResponse{},
			func(w io.Writer, r *phv1.GetTeamResponse) error { return show(w, r.GetTeam()) }),
		withExample(createCommand(g, teamResource, &teamFlags{}, &phv1.CreateTeamResponse{},
			func(w io.Writer, r *phv1.CreateTeamResponse) error { return show(w, r.GetTeam()) }),
			"  presencectl -t acme teams create --name support --description 'Tier 1 support'"),
		withExample(updateCommand(g, teamResource, &teamFlags{}, &phv1.UpdateTeamResponse{},
			func(w io.Writer, r *phv1.UpdateTeamResponse) error { return show(w, r.GetTeam()) }),
			"  presencectl -t acme teams update tm_123 --description ''"),
		deleteCommand(g, teamResource, &phv1.DeleteTeamResponse{}),
	)
	return cmd
}

func writeTeam(w io.Writer, t *phv1.Team) error {
	return writeDetail(w, []field{
		{"ID", t.GetId()},
		{"Name", t.GetName()},
		{"Description", t.GetDescription()},
		{"Created", fmtTime(t.GetCreateTime())},
		{"Updated", fmtTime(t.GetUpdateTime())},
	})
}
