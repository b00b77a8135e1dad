package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/emulators"
)

func newEmulateCommand() *cobra.Command {
	var addr, webhook string
	var users, rate int
	cmd := &cobra.Command{
		Use:       "emulate <vendor>",
		Short:     "Run a vendor emulator standalone (" + strings.Join(emulators.Vendors(), ", ") + "): the vendor's API, auth, pagination, webhooks and rate limits",
		Args:      cobra.ExactArgs(1),
		ValidArgs: emulators.Vendors(),
		RunE: func(cmd *cobra.Command, args []string) error {
			em, err := emulators.New(args[0], newLogger(config.Default(), cmd.ErrOrStderr()))
			if err != nil {
				return err
			}
			seeded := map[string]string{}
			for i := 1; i <= users; i++ {
				email := fmt.Sprintf("agent%d@example.com", i)
				seeded[email] = em.AddUser(email, fmt.Sprintf("Agent %d", i))
			}
			if webhook != "" {
				em.AddWebhook(webhook)
			}
			if rate != 0 {
				em.SetRateLimit(max(rate, 0))
			}
			run, err := emulators.Start(em, addr)
			if err != nil {
				return err
			}
			defer run.Stop()
			spec := ""
			if c, ok := em.(emulator.Connector); ok {
				spec = c.ConnectorSpec()
			}
			printEmulator(cmd.OutOrStdout(), args[0], run.URL, em.Credentials(), em.Settings(), seeded, spec,
				agentSide(args[0], run.URL, seeded["agent1@example.com"]))
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			<-ctx.Done()
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "host:port to serve on")
	cmd.Flags().IntVar(&users, "users", 3, "agents to create (agentN@example.com)")
	cmd.Flags().IntVar(&rate, "rate-limit", 0, "the account's requests per minute (0: the vendor's usual limit, -1: unlimited)")
	cmd.Flags().StringVar(&webhook, "webhook", "", "URL to deliver agent-state webhooks to, e.g. a hub's /v1/webhooks/{connection} (servicenow: the business rule's signed calls; talkdesk, salesforce and cxone have none: the hub polls them; teams: the adapter creates Graph subscriptions itself; genesys pushes over its notification websocket)")
	return cmd
}

// agentSide tells how to act as an agent in the vendor's own apps: the emulator's agent's side.
func agentSide(vendor, url, externalID string) map[string]string {
	if externalID == "" {
		externalID = "{external_id}"
	}
	return map[string]string{
		"url":     url + emulator.AgentSidePrefix + "{external_id}",
		"about":   "the agent's own changes (GET: state, states and verbs; POST /state {\"state\":...} or /call, /call:end, /wrap-up, /refuse, /offline, /online); unauthenticated, for loopback tests and demos",
		"example": emulators.AgentSideExample(vendor, url, externalID),
	}
}

// maxPrintedUsers bounds the users listed by id (a large seed is only counted).
const maxPrintedUsers = 1000

// printEmulator writes what a hub connection needs, as JSON (base URL, settings, credentials, the
// generic HTTP connector's http_connector when it has one, users).
func printEmulator(w io.Writer, vendor, url string, creds, settings, users map[string]string, spec string, side map[string]string) {
	m := map[string]any{"vendor": vendor, "base_url": url, "settings": settings, "credentials": creds, "users": users, "agent_side": side}
	if len(users) > maxPrintedUsers {
		m["users"] = fmt.Sprintf("%d users agent1@example.com … agent%d@example.com", len(users), len(users))
	}
	if spec != "" {
		m["http_connector"] = json.RawMessage(spec)
	}
	out, _ := json.MarshalIndent(m, "", "  ")
	fmt.Fprintf(w, "%s\n", out)
}
