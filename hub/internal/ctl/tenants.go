package ctl

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/spf13/cobra"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// tenantFlags are the settable fields of a tenant.
type tenantFlags struct {
	name, displayName, defaultUnavailable, systemStatePolicy string
	maxChangesPerMinute                                      int32
}

var tenantFields = []flagField{
	{"name", "name"},
	{"display-name", "display_name"},
	{"default-unavailable-status", "settings.default_unavailable_status"},
	{"system-state-policy", "settings.system_state_policy"},
	{"max-changes-per-minute", "settings.max_changes_per_minute"},
}

func (f *tenantFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "URL-safe slug, unique across the hub (lowercase letters, digits, hyphens)")
	fs.StringVar(&f.displayName, "display-name", "", "human-readable name")
	fs.StringVar(&f.defaultUnavailable, "default-unavailable-status", "",
		"catalog status given to an agent who picks a state outside their rule (empty: none)")
	fs.StringVar(&f.systemStatePolicy, "system-state-policy", "",
		"requests made during a system state: queue (default) or refuse")
	fs.Int32Var(&f.maxChangesPerMinute, "max-changes-per-minute", 0,
		"status changes per agent per minute before coalescing (0: hub default)")
}

func (f *tenantFlags) build() *phv1.Tenant {
	return &phv1.Tenant{
		Name:        f.name,
		DisplayName: f.displayName,
		Settings: &phv1.TenantSettings{
			DefaultUnavailableStatus: f.defaultUnavailable,
			SystemStatePolicy:        f.systemStatePolicy,
			MaxChangesPerMinute:      f.maxChangesPerMinute,
		},
	}
}

func newTenantsCommand(g *globals) *cobra.Command {
	cmd := groupCommand("tenants", "Manage tenants (customer organisations)", "tenant")
	cmd.AddCommand(
		tenantsList(g), tenantsGet(g), tenantsCreate(g), tenantsUpdate(g), tenantsDelete(g),
	)
	return cmd
}

// tenantArg returns the tenant named by the optional argument, else by --tenant.
func tenantArg(g *globals, args []string) (string, error) {
	if len(args) == 1 {
		return args[0], nil
	}
	return g.tenantName()
}

func tenantsList(g *globals) *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List tenants",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			s, err := g.newSession()
			if err != nil {
				return err
			}
			items, next, err := collect(cmd.Context(), &pf, nil,
				func(ctx context.Context, q url.Values) ([]*phv1.Tenant, string, error) {
					var resp phv1.ListTenantsResponse
					err := s.c.do(ctx, http.MethodGet, withQuery(apiPath("tenants"), q), nil, &resp)
					return resp.GetTenants(), resp.GetNextPageToken(), err
				})
			if err != nil {
				return err
			}
			rows := make([][]string, len(items))
			for i, t := range items {
				rows[i] = []string{t.GetId(), t.GetName(), t.GetDisplayName(), fmtTime(t.GetCreateTime())}
			}
			return s.p.listed(&phv1.ListTenantsResponse{Tenants: items, NextPageToken: next}, "tenants",
				[]string{"ID", "NAME", "DISPLAY NAME", "CREATED"}, rows, next)
		}),
	}
	pf.register(cmd)
	return cmd
}

func tenantsGet(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "get [TENANT]",
		Short: "Show a tenant (by id or name; default --tenant)",
		Args:  cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, err := g.newSession()
			if err != nil {
				return err
			}
			t, err := tenantArg(g, args)
			if err != nil {
				return err
			}
			var resp phv1.GetTenantResponse
			if err := s.c.do(cmd.Context(), http.MethodGet, apiPath("tenants", t), nil, &resp); err != nil {
				return err
			}
			return s.p.emit(&resp, func(w io.Writer) error { return writeTenant(w, resp.GetTenant()) })
		}),
	}
}

func tenantsCreate(g *globals) *cobra.Command {
	var f tenantFlags
	cmd := &cobra.Command{
		Use:     "create",
		Short:   "Create a tenant (needs a hub-wide key)",
		Example: "  presencectl tenants create --name acme --display-name 'Acme Inc.'",
		Args:    cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			s, err := g.newSession()
			if err != nil {
				return err
			}
			var resp phv1.CreateTenantResponse
			if err := s.c.do(cmd.Context(), http.MethodPost, apiPath("tenants"), f.build(), &resp); err != nil {
				return err
			}
			return s.p.emit(&resp, func(w io.Writer) error { return writeTenant(w, resp.GetTenant()) })
		}),
	}
	f.register(cmd)
	return cmd
}

func tenantsUpdate(g *globals) *cobra.Command {
	var f tenantFlags
	cmd := &cobra.Command{
		Use:     "update [TENANT]",
		Short:   "Change a tenant; only the given flags are changed",
		Example: "  presencectl tenants update acme --system-state-policy refuse",
		Args:    cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, err := g.newSession()
			if err != nil {
				return err
			}
			t, err := tenantArg(g, args)
			if err != nil {
				return err
			}
			fields, err := requireChanged(cmd, tenantFields)
			if err != nil {
				return err
			}
			var resp phv1.UpdateTenantResponse
			if err := s.c.patch(cmd.Context(), apiPath("tenants", t), f.build(), fields, &resp); err != nil {
				return err
			}
			return s.p.emit(&resp, func(w io.Writer) error { return writeTenant(w, resp.GetTenant()) })
		}),
	}
	f.register(cmd)
	return cmd
}

func tenantsDelete(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "delete TENANT",
		Short: "Delete a tenant and everything in it (needs a hub-wide key)",
		Args:  oneArg("TENANT"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, err := g.newSession()
			if err != nil {
				return err
			}
			var resp phv1.DeleteTenantResponse
			if err := s.c.do(cmd.Context(), http.MethodDelete, apiPath("tenants", args[0]), nil, &resp); err != nil {
				return err
			}
			return s.p.done(&resp, "Deleted tenant %s.", args[0])
		}),
	}
}

func writeTenant(w io.Writer, t *phv1.Tenant) error {
	st := t.GetSettings()
	maxChanges := "hub default"
	if n := st.GetMaxChangesPerMinute(); n != 0 {
		maxChanges = strconv.Itoa(int(n))
	}
	return writeDetail(w, []field{
		{"ID", t.GetId()},
		{"Name", t.GetName()},
		{"Display name", t.GetDisplayName()},
		{"Default unavailable status", st.GetDefaultUnavailableStatus()},
		{"System state policy", st.GetSystemStatePolicy()},
		{"Max changes per minute", maxChanges},
		{"Created", fmtTime(t.GetCreateTime())},
		{"Updated", fmtTime(t.GetUpdateTime())},
	})
}
