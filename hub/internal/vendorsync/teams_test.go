package vendorsync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/cxoneemu"
	"presencehub.dev/hub/internal/emulator/genesysemu"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/emulator/teamsemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/vendorsync"
	"presencehub.dev/shared/testwait"
)

// TestTeamsThroughTheHub runs Microsoft Teams through the whole hub: the adapter subscribes the hub's
// webhook (Graph's validation handshake answered by the endpoint), a meeting joined in Teams reaches
// the hub by notification, the hub's status is written as an application session, the keep round
// leaves a fresh session alone, and clears it once the rule writes nothing for the hub's status.
func TestTeamsThroughTheHub(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	em := teamsemu.New(teamsemu.Options{})
	va := e.connect(t, "teams", em)
	settings := map[string]string{"rate_limit_per_minute": "60000", "notification_url": h.URL + "/v1/webhooks/" + va.conn}
	for k, v := range em.Settings() {
		settings[k] = v
	}
	e.must(t, "PATCH", "/connections/"+va.conn+"?update_mask=settings", map[string]any{"settings": settings})
	ext := em.AddUser("agent0@acme.example", "Agent 0")
	agent := e.must(t, "GET", "/agents/"+e.agents[0], nil)["agent"].(map[string]any)
	idents := append(agent["identities"].([]any), map[string]any{"connection_id": va.conn, "external_id": ext})
	e.must(t, "PATCH", "/agents/"+e.agents[0]+"?update_mask=identities", map[string]any{"identities": idents})
	e.must(t, "POST", "/rules", map[string]any{"name": "teams", "connection_id": va.conn,
		// Away read back as busy: were the echo of the hub's Away taken for a change, lunch would turn busy.
		"inbound": []map[string]string{{"vendor_state": "InAMeeting", "status": "busy"}, {"vendor_state": "Available", "status": "available"},
			{"vendor_state": "Away", "status": "busy"}},
		"outbound": []map[string]string{{"status": "available", "vendor_state": "Available"}, {"status": "lunch", "vendor_state": "Away"}},
	})
	ctx := context.Background()
	h.App.Sync.PollConnection(ctx, va.conn, vendorsync.PollCursors{}) // subscribes: Graph validates the hub's endpoint
	if subs := em.Subscriptions(); len(subs) != 1 || len(subs[0].IDs) != 1 || subs[0].IDs[0] != ext {
		t.Fatalf("subscriptions after the first poll: %+v", subs)
	}

	if err := em.Change(ext, teamsemu.StateInAMeeting); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the meeting, notified, makes the agent busy", func() bool { return e.status(t, 0) == "busy" })
	// Graph's notifications of one user are alike byte for byte: the next is no replay of the first.
	if err := em.Change(ext, teamsemu.StateMeetingEnd); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the meeting's end, notified, makes the agent available", func() bool { return e.status(t, 0) == "available" })

	// The Teams client signs out (Offline: not mapped), then the hub's lunch is written as Away.
	_ = em.AgentSide().Verbs[emulator.VerbOffline].Do(ext)
	e.setPresence(t, 0, "lunch")
	app := em.Credentials()["client_id"]
	testwait.For(t, "the hub's Away session in Teams", func() bool { s, _ := em.State(ext); return s == "Away" })
	testwait.For(t, "the write delivered", func() bool { return noPending(t, e, va) })
	testwait.For(t, "the notification of Away taken as the hub's echo", func() bool {
		return strings.Contains(h.Logs.String(), "dropping the echo of our write")
	})
	exp := em.SessionExpiry(ext, app)
	if !exp.After(time.Now().Add(50 * time.Minute)) {
		t.Fatalf("session ends at %v", exp)
	}
	h.App.Sync.Reconcile.Keep(ctx) // fresh: nothing to renew
	if got := em.SessionExpiry(ext, app); !got.Equal(exp) {
		t.Errorf("a fresh session was renewed: %v → %v", exp, got)
	}
	if e.status(t, 0) != "lunch" {
		t.Fatalf("the echo of Away changed the hub: %s", e.status(t, 0))
	}

	// busy is not written to Teams: the keep round clears the hub's session.
	e.setPresence(t, 0, "busy")
	h.App.Sync.Reconcile.Keep(ctx)
	if got := em.SessionExpiry(ext, app); !got.IsZero() {
		t.Errorf("the session still ends at %v after the hub moved to a status not written to Teams", got)
	}
	if s, _ := em.State(ext); s != "Offline" {
		t.Errorf("Teams shows %s", s)
	}
}

// TestTeamsTemplatesPassTheRuleChecks applies cxone-teams, talkdesk-teams and genesys-teams both ways through the
// API: every vendor state they name exists, is settable where written (Teams in session mode: Available
// and Away) and is a Teams system state where it feeds the call status.
func TestTeamsTemplatesPassTheRuleChecks(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	tm := e.connect(t, "teams", teamsemu.New(teamsemu.Options{}))
	cx := e.connect(t, "cxone", cxoneemu.New(cxoneemu.Options{}))
	td := e.connect(t, "talkdesk", talkdeskemu.New(talkdeskemu.Options{}))
	gc := e.connect(t, "genesys", genesysemu.New(genesysemu.Options{RatePerMinute: unlimited}))
	for tpl, phone := range map[string]*vendorAccount{"cxone-teams": cx, "talkdesk-teams": td, "genesys-teams": gc} {
		vendor := strings.TrimSuffix(tpl, "-teams")
		rules := asList(e.must(t, "POST", "/rules:applyTemplate", map[string]any{"template": tpl, "direction": "both",
			"connections": map[string]string{vendor: phone.conn, "teams": tm.conn}})["rules"])
		if len(rules) != 2 || len(asList(rules[1]["inbound"])) == 0 || len(asList(rules[1]["outbound"])) != 2 {
			t.Errorf("%s: rules %v", tpl, rules)
		}
	}
}
