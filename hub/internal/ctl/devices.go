package ctl

import (
	"io"
	"net/http"
	"strconv"

	"github.com/spf13/cobra"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// newDevicesCommand is "agents devices AGENT_ID": the agent's paired trays.
func newDevicesCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "devices AGENT_ID",
		Short: "List an agent's paired trays (devices)",
		Args:  oneArg("AGENT_ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, t, err := g.tenantSession()
			if err != nil {
				return err
			}
			resp := &phv1.ListDevicesResponse{}
			if err := s.c.do(cmd.Context(), http.MethodGet, tenantPath(t, "agents", args[0], "devices"), nil, resp); err != nil {
				return err
			}
			rows := make([][]string, 0, len(resp.GetDevices()))
			for _, d := range resp.GetDevices() {
				rows = append(rows, []string{d.GetId(), d.GetName(), fmtTime(d.GetCreateTime()), fmtTime(d.GetLastSeenTime())})
			}
			return s.p.listed(resp, "devices", []string{"ID", "NAME", "PAIRED", "LAST SEEN"}, rows, "")
		}),
	}
}

// newRevokeDevicesCommand is "agents revoke-devices AGENT_ID": offboarding. Uninstalling the tray
// leaves its device active on the hub; this signs every tray of the agent out (or only --device).
func newRevokeDevicesCommand(g *globals) *cobra.Command {
	var only string
	cmd := &cobra.Command{
		Use:   "revoke-devices AGENT_ID",
		Short: "Sign out every paired tray of an agent (offboarding), or only --device",
		Long: "Revokes the agent's devices: their tokens stop working at once and their live streams close.\n" +
			"Uninstalling the tray does not do this (the uninstaller cannot reach the user's keyring);\n" +
			"run this when an agent leaves or a computer is retired, or presence-tray --sign-out as the user.",
		Example: "  presencectl -t acme agents revoke-devices ag_123\n" +
			"  presencectl -t acme agents revoke-devices ag_123 --device dv_456",
		Args: oneArg("AGENT_ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, t, err := g.tenantSession()
			if err != nil {
				return err
			}
			ids := []string{only}
			if only == "" {
				resp := &phv1.ListDevicesResponse{}
				if err := s.c.do(cmd.Context(), http.MethodGet, tenantPath(t, "agents", args[0], "devices"), nil, resp); err != nil {
					return err
				}
				ids = ids[:0]
				for _, d := range resp.GetDevices() {
					ids = append(ids, d.GetId())
				}
			}
			for _, id := range ids {
				if err := s.c.do(cmd.Context(), http.MethodDelete, tenantPath(t, "agents", args[0], "devices", id), nil, nil); err != nil {
					return err
				}
			}
			return s.p.emit(&phv1.RevokeDeviceResponse{}, func(w io.Writer) error {
				_, err := io.WriteString(w, revokedSentence(len(ids))+"\n")
				return err
			})
		}),
	}
	cmd.Flags().StringVar(&only, "device", "", "revoke only this device (id)")
	return cmd
}

func revokedSentence(n int) string {
	switch n {
	case 0:
		return "No paired devices: nothing to revoke."
	case 1:
		return "Revoked 1 device."
	default:
		return "Revoked " + strconv.Itoa(n) + " devices."
	}
}
