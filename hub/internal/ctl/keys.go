package ctl

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/spf13/cobra"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// secretWarning follows every newly created key.
const secretWarning = "Warning: this is the only time the key's secret is shown. Store it now; it cannot be retrieved again."

func newKeysCommand(g *globals) *cobra.Command {
	cmd := groupCommand("keys", "Manage API keys (per tenant with --tenant, hub-wide with --hub-wide)",
		"key", "api-keys")
	var hubWide bool
	cmd.PersistentFlags().BoolVar(&hubWide, "hub-wide", false,
		"act on hub-wide (super-admin) keys instead of a tenant's keys; needs a hub-wide key")
	cmd.AddCommand(keysList(g, &hubWide), keysGet(g, &hubWide), keysCreate(g, &hubWide), keysDelete(g, &hubWide))
	return cmd
}

// keysSession returns the session and the path of the key collection: /v1/api-keys with --hub-wide,
// else /v1/tenants/{tenant}/api-keys.
func keysSession(g *globals, hubWide bool, id ...string) (*session, string, error) {
	s, err := g.newSession()
	if err != nil {
		return nil, "", err
	}
	if hubWide {
		if g.tenant != "" {
			return nil, "", usageErrorf("--hub-wide and --tenant exclude each other")
		}
		return s, apiPath(append([]string{"api-keys"}, id...)...), nil
	}
	t, err := g.tenantName()
	if err != nil {
		return nil, "", usageErrorf("%v (or --hub-wide for hub-wide keys)", err)
	}
	return s, tenantPath(t, append([]string{"api-keys"}, id...)...), nil
}

func keysList(g *globals, hubWide *bool) *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List API keys",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			s, path, err := keysSession(g, *hubWide)
			if err != nil {
				return err
			}
			items, next, err := collect(cmd.Context(), &pf, nil,
				func(ctx context.Context, q url.Values) ([]*phv1.ApiKey, string, error) {
					var resp phv1.ListApiKeysResponse
					err := s.c.do(ctx, http.MethodGet, withQuery(path, q), nil, &resp)
					return resp.GetApiKeys(), resp.GetNextPageToken(), err
				})
			if err != nil {
				return err
			}
			rows := make([][]string, len(items))
			for i, k := range items {
				rows[i] = []string{k.GetId(), k.GetName(), keyScope(k), k.GetRole(), k.GetPrefix(),
					fmtTime(k.GetCreateTime()), fmtTime(k.GetLastUseTime())}
			}
			return s.p.listed(&phv1.ListApiKeysResponse{ApiKeys: items, NextPageToken: next}, "API keys",
				[]string{"ID", "NAME", "SCOPE", "ROLE", "PREFIX", "CREATED", "LAST USED"}, rows, next)
		}),
	}
	pf.register(cmd)
	return cmd
}

func keysGet(g *globals, hubWide *bool) *cobra.Command {
	return &cobra.Command{
		Use:   "get ID",
		Short: "Show an API key (never its secret)",
		Args:  oneArg("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, path, err := keysSession(g, *hubWide, args[0])
			if err != nil {
				return err
			}
			var resp phv1.GetApiKeyResponse
			if err := s.c.do(cmd.Context(), http.MethodGet, path, nil, &resp); err != nil {
				return err
			}
			return s.p.emit(&resp, func(w io.Writer) error { return writeDetail(w, keyFields(resp.GetApiKey())) })
		}),
	}
}

func keysCreate(g *globals, hubWide *bool) *cobra.Command {
	var name, role string
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create an API key and print its secret, once",
		Example: "  presencectl -t acme keys create --name grafana --role viewer\n" +
			"  presencectl keys create --hub-wide --name ops --role admin",
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			if role != "admin" && role != "viewer" {
				return usageErrorf("invalid --role %q: want admin or viewer", role)
			}
			s, path, err := keysSession(g, *hubWide)
			if err != nil {
				return err
			}
			var resp phv1.CreateApiKeyResponse
			req := &phv1.ApiKey{Name: name, Role: role}
			if err := s.c.do(cmd.Context(), http.MethodPost, path, req, &resp); err != nil {
				return err
			}
			err = s.p.emit(&resp, func(w io.Writer) error {
				fields := append(keyFields(resp.GetApiKey()), field{"Secret", resp.GetSecret()})
				if err := writeDetail(w, fields); err != nil {
					return err
				}
				_, err := fmt.Fprintf(w, "\nUse it as: Authorization: Bearer <secret>  (or %s=<secret>)\n", EnvKey)
				return err
			})
			s.p.notice("%s", secretWarning)
			return err
		}),
	}
	cmd.Flags().StringVar(&name, "name", "", "what the key is for, e.g. the tool that uses it")
	cmd.Flags().StringVar(&role, "role", "viewer", "admin (read and write) or viewer (read only)")
	return cmd
}

func keysDelete(g *globals, hubWide *bool) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete (revoke) an API key",
		Args:  oneArg("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, path, err := keysSession(g, *hubWide, args[0])
			if err != nil {
				return err
			}
			var resp phv1.DeleteApiKeyResponse
			if err := s.c.do(cmd.Context(), http.MethodDelete, path, nil, &resp); err != nil {
				return err
			}
			return s.p.done(&resp, "Deleted API key %s.", args[0])
		}),
	}
}

// keyScope names what a key may act on.
func keyScope(k *phv1.ApiKey) string {
	if k.GetTenantId() == "" {
		return "hub-wide"
	}
	return k.GetTenantId()
}

func keyFields(k *phv1.ApiKey) []field {
	return []field{
		{"ID", k.GetId()},
		{"Name", k.GetName()},
		{"Scope", keyScope(k)},
		{"Role", k.GetRole()},
		{"Prefix", k.GetPrefix()},
		{"Created", fmtTime(k.GetCreateTime())},
		{"Last used", fmtTime(k.GetLastUseTime())},
	}
}
