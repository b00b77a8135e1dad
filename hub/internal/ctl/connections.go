package ctl

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

var connectionResource = resource{what: "connection", segment: "connections"}

// connectionFlags are the settable fields of a connection. Credentials are write-only: the hub
// never returns them and presencectl never prints them.
type connectionFlags struct {
	name, vendor, baseURL      string
	settings, creds, credFiles []string
	enabled                    bool
}

func (f *connectionFlags) fields() []flagField {
	return []flagField{
		{"name", "name"},
		{"vendor", "vendor"},
		{"base-url", "base_url"},
		{"setting", "settings"},
		{"credential", "credentials"},
		{"credential-file", "credentials"},
		{"enabled", "enabled"},
	}
}

func (f *connectionFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "connection name, unique per tenant")
	fs.StringVar(&f.vendor, "vendor", "", "zendesk, aircall, talkdesk, servicenow, salesforce, cxone, teams, genesys or http")
	fs.StringVar(&f.baseURL, "base-url", "", "the vendor account's API base URL, e.g. https://acme.zendesk.com")
	fs.StringArrayVar(&f.settings, "setting", nil,
		"non-secret vendor setting key=value (repeatable; on update replaces all settings, '' for none)")
	fs.StringArrayVar(&f.creds, "credential", nil,
		"vendor secret key=value, stored sealed and never shown (repeatable; on update replaces all credentials)")
	fs.StringArrayVar(&f.credFiles, "credential-file", nil,
		"vendor secret key=path read from a file ('-' for stdin), keeping it out of shell history (repeatable)")
	fs.BoolVar(&f.enabled, "enabled", false, "whether the connection syncs (if not given on create: true)")
}

func (f *connectionFlags) build(cmd *cobra.Command) (proto.Message, error) {
	settings, err := parseMap("setting", f.settings, false)
	if err != nil {
		return nil, err
	}
	creds, err := parseMap("credential", f.creds, true)
	if err != nil {
		return nil, err
	}
	files, err := parsePairs("credential-file", f.credFiles, false)
	if err != nil {
		return nil, err
	}
	for _, p := range files {
		if _, dup := creds[p.Key]; dup {
			return nil, usageErrorf("credential %q given by both --credential and --credential-file", p.Key)
		}
		v, err := readSecret(cmd.InOrStdin(), p.Value)
		if err != nil {
			return nil, usageErrorf("--credential-file %s: %v", p.Key, err)
		}
		if creds == nil {
			creds = map[string]string{}
		}
		creds[p.Key] = v
	}
	return &phv1.Connection{
		Name:        f.name,
		Vendor:      f.vendor,
		BaseUrl:     f.baseURL,
		Settings:    settings,
		Credentials: creds,
		Enabled:     optBool(cmd, "enabled", f.enabled),
	}, nil
}

// readSecret reads a secret from path ("-": stdin) without its trailing line break.
func readSecret(stdin io.Reader, path string) (string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(stdin, 1<<20))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", err
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return s, nil
}

func newConnectionsCommand(g *globals) *cobra.Command {
	cmd := groupCommand("connections", "Manage connections to vendor accounts", "connection", "conn")
	show := func(w io.Writer, c *phv1.Connection) error { return writeConnection(w, c) }
	cmd.AddCommand(
		listCommand(g, connectionResource, listSpec[*phv1.Connection, *phv1.ListConnectionsResponse]{
			newResp: func() *phv1.ListConnectionsResponse { return &phv1.ListConnectionsResponse{} },
			items:   (*phv1.ListConnectionsResponse).GetConnections,
			wrap: func(items []*phv1.Connection, next string) *phv1.ListConnectionsResponse {
				return &phv1.ListConnectionsResponse{Connections: items, NextPageToken: next}
			},
			header: []string{"ID", "NAME", "VENDOR", "BASE URL", "ENABLED", "CREDENTIALS"},
			row: func(c *phv1.Connection) []string {
				return []string{c.GetId(), c.GetName(), c.GetVendor(), c.GetBaseUrl(),
					fmtOptBool(c.Enabled, true), credentialSummary(c)}
			},
		}),
		getCommand(g, connectionResource, &phv1.GetConnectionResponse{},
			func(w io.Writer, r *phv1.GetConnectionResponse) error { return show(w, r.GetConnection()) }),
		withExample(createCommand(g, connectionResource, &connectionFlags{}, &phv1.CreateConnectionResponse{},
			func(w io.Writer, r *phv1.CreateConnectionResponse) error { return show(w, r.GetConnection()) }),
			"  presencectl -t acme connections create --name zendesk --vendor zendesk \\\n"+
				"      --base-url https://acme.zendesk.com --setting email=ops@acme.test \\\n"+
				"      --credential-file api_token=./zendesk-token.txt"),
		withExample(updateCommand(g, connectionResource, &connectionFlags{}, &phv1.UpdateConnectionResponse{},
			func(w io.Writer, r *phv1.UpdateConnectionResponse) error { return show(w, r.GetConnection()) }),
			"  presencectl -t acme connections update cn_123 --enabled=false\n"+
				"  printf %s \"$TOKEN\" | presencectl -t acme connections update cn_123 --credential-file api_token=-"),
		deleteCommand(g, connectionResource, &phv1.DeleteConnectionResponse{}),
	)
	return cmd
}

// credentialSummary says whether credentials are stored and under which keys, never their values.
func credentialSummary(c *phv1.Connection) string {
	if !c.GetCredentialsSet() && len(c.GetCredentialKeys()) == 0 {
		return "not set"
	}
	keys := append([]string(nil), c.GetCredentialKeys()...)
	sort.Strings(keys)
	if len(keys) == 0 {
		return "set"
	}
	return "set (" + strings.Join(keys, ",") + ")"
}

func writeConnection(w io.Writer, c *phv1.Connection) error {
	keys := make([]string, 0, len(c.GetSettings()))
	for k := range c.GetSettings() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	settings := make([]pair, len(keys))
	for i, k := range keys {
		settings[i] = pair{k, c.GetSettings()[k]}
	}
	return writeDetail(w, []field{
		{"ID", c.GetId()},
		{"Name", c.GetName()},
		{"Vendor", c.GetVendor()},
		{"Base URL", c.GetBaseUrl()},
		{"Enabled", fmtOptBool(c.Enabled, true)},
		{"Settings", fmtPairs(settings)},
		{"Credentials", credentialSummary(c)},
		{"Credentials updated", fmtTime(c.GetCredentialsUpdateTime())},
		{"Created", fmtTime(c.GetCreateTime())},
		{"Updated", fmtTime(c.GetUpdateTime())},
	})
}
