package ctl

import (
	"io"
	"strconv"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

var statusResource = resource{what: "status", segment: "statuses"}

// statusFlags are the settable fields of a catalog status.
type statusFlags struct {
	name, displayName, kind, color string
	systemRole                     string
	settable                       bool
	order                          int32
}

func (f *statusFlags) fields() []flagField {
	return []flagField{
		{"name", "name"},
		{"display-name", "display_name"},
		{"kind", "kind"},
		{"system-role", "system_role"},
		{"color", "color"},
		{"settable", "agent_settable"},
		{"order", "order"},
	}
}

func (f *statusFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "slug, unique per tenant (lowercase letters, digits, - and _)")
	fs.StringVar(&f.displayName, "display-name", "", "name shown to agents")
	fs.StringVar(&f.kind, "kind", "", "available, busy, away, offline or system")
	fs.StringVar(&f.systemRole, "system-role", "", "what a system status stands for: on_call, after_call_work or refused")
	fs.StringVar(&f.color, "color", "", "display color as #rrggbb")
	fs.BoolVar(&f.settable, "settable", false,
		"whether agents may pick this status (if not given: true, but false for kind system)")
	fs.Int32Var(&f.order, "order", 0, "position in pickers, lowest first")
}

func (f *statusFlags) build(cmd *cobra.Command) (proto.Message, error) {
	return &phv1.Status{
		Name:          f.name,
		DisplayName:   f.displayName,
		Kind:          f.kind,
		SystemRole:    f.systemRole,
		Color:         f.color,
		AgentSettable: optBool(cmd, "settable", f.settable),
		Order:         f.order,
	}, nil
}

func newStatusesCommand(g *globals) *cobra.Command {
	cmd := groupCommand("statuses", "Manage the tenant's status catalog", "status")
	show := func(w io.Writer, s *phv1.Status) error { return writeStatus(w, s) }
	cmd.AddCommand(
		listCommand(g, statusResource, listSpec[*phv1.Status, *phv1.ListStatusesResponse]{
			newResp: func() *phv1.ListStatusesResponse { return &phv1.ListStatusesResponse{} },
			items:   (*phv1.ListStatusesResponse).GetStatuses,
			wrap: func(items []*phv1.Status, next string) *phv1.ListStatusesResponse {
				return &phv1.ListStatusesResponse{Statuses: items, NextPageToken: next}
			},
			header: []string{"ID", "NAME", "DISPLAY NAME", "KIND", "COLOR", "SETTABLE", "ORDER"},
			row: func(s *phv1.Status) []string {
				return []string{s.GetId(), s.GetName(), s.GetDisplayName(), s.GetKind(), s.GetColor(),
					statusSettable(s), strconv.Itoa(int(s.GetOrder()))}
			},
		}),
		getCommand(g, statusResource, &phv1.GetStatusResponse{},
			func(w io.Writer, r *phv1.GetStatusResponse) error { return show(w, r.GetStatus()) }),
		withExample(createCommand(g, statusResource, &statusFlags{}, &phv1.CreateStatusResponse{},
			func(w io.Writer, r *phv1.CreateStatusResponse) error { return show(w, r.GetStatus()) }),
			"  presencectl -t acme statuses create --name lunch --display-name Lunch --kind away \\\n"+
				"      --color '#f59e0b' --settable=true --order 3"),
		withExample(updateCommand(g, statusResource, &statusFlags{}, &phv1.UpdateStatusResponse{},
			func(w io.Writer, r *phv1.UpdateStatusResponse) error { return show(w, r.GetStatus()) }),
			"  presencectl -t acme statuses update st_123 --color '#22c55e' --order 1"),
		deleteCommand(g, statusResource, &phv1.DeleteStatusResponse{}),
	)
	return cmd
}

// statusSettable shows agent_settable, or the hub's default for the kind when it is unset.
func statusSettable(s *phv1.Status) string {
	return fmtOptBool(s.AgentSettable, s.GetKind() != "system")
}

func writeStatus(w io.Writer, s *phv1.Status) error {
	return writeDetail(w, []field{
		{"ID", s.GetId()},
		{"Name", s.GetName()},
		{"Display name", s.GetDisplayName()},
		{"Kind", s.GetKind()},
		{"System role", s.GetSystemRole()},
		{"Color", s.GetColor()},
		{"Agent settable", statusSettable(s)},
		{"Order", strconv.Itoa(int(s.GetOrder()))},
		{"Created", fmtTime(s.GetCreateTime())},
		{"Updated", fmtTime(s.GetUpdateTime())},
	})
}
