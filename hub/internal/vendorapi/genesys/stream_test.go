package genesys_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/emulator/genesysemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/genesys"
	"presencehub.dev/shared/testwait"
)

// poller polls an adapter, keeping the cursor.
type poller struct {
	t      *testing.T
	e      *env
	cursor string
}

// poll polls once and returns the changes and how many user-list requests it made.
func (p *poller) poll() ([]vendorapi.Change, int) {
	p.t.Helper()
	before := count(p.e.em, "GET", "/api/v2/users")
	changes, next, err := p.e.a.Poll(context.Background(), p.cursor)
	if err != nil {
		p.t.Fatalf("Poll: %v", err)
	}
	p.cursor = next
	return changes, count(p.e.em, "GET", "/api/v2/users") - before
}

// untilPushed polls until a poll is served by the stream (no user-list request).
func (p *poller) untilPushed() {
	p.t.Helper()
	testwait.For(p.t, "a poll served by the notification stream", func() bool {
		changes, reads := p.poll()
		if len(changes) > 0 {
			p.t.Fatalf("changes %+v while nothing changed", changes)
		}
		return reads == 0
	})
}

// expect polls once and wants exactly the one change, through the stream (no user-list request).
func (p *poller) expect(id, state string) {
	p.t.Helper()
	changes, reads := p.poll()
	if len(changes) != 1 || changes[0].ExternalID != id || changes[0].State != state || changes[0].Time.IsZero() {
		p.t.Fatalf("changes %+v; want %s's %s, stamped", changes, id, state)
	}
	if reads != 0 {
		p.t.Errorf("the change was read with %d user-list requests; want it from the stream", reads)
	}
}

// TestStreamPushesChanges: once the channel is live, polls take the stream's changes (presence and
// routing status) without a request, and the framework is told at once.
func TestStreamPushesChanges(t *testing.T) {
	e := start(t, clock.NewFake(time.Time{}), genesysemu.Options{})
	ana := e.em.AddUser("ana@example.com", "Ana")
	bo := e.em.AddUser("bo@example.com", "Bo")
	p := &poller{t: t, e: e}
	if changes, _ := p.poll(); len(changes) != 0 {
		t.Fatalf("baseline %+v; want none", changes)
	}
	p.untilPushed()
	ids := e.em.ChannelIDs()
	if len(ids) != 1 || len(e.em.Topics(ids[0])) != 4 {
		t.Fatalf("channels %v; want one with 4 topics (presence and routing status of 2 users)", ids)
	}
	for len(e.notices) > 0 {
		<-e.notices
	}
	if err := e.em.Change(ana, "on_queue"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the framework told of a pushed change", func() bool { return len(e.notices) > 0 })
	p.expect(ana, "on_queue")
	if err := e.em.Change(ana, "interacting"); err != nil {
		t.Fatal(err)
	}
	p.expect(ana, "interacting")
	if err := e.em.EndInteraction(ana); err != nil {
		t.Fatal(err)
	}
	p.expect(ana, "on_queue")
	if err := e.a.SetState(context.Background(), bo, lunch); err != nil {
		t.Fatal(err)
	}
	p.expect(bo, lunch) // the hub's own write: its echo, judged by the framework
	if changes, _ := p.poll(); len(changes) != 0 {
		t.Errorf("changes %+v reported again", changes)
	}
}

// TestStreamBatchesTopics: 600 users' 1,200 topics take two channels of at most 1,000 topics.
func TestStreamBatchesTopics(t *testing.T) {
	e := start(t, clock.NewFake(time.Time{}), genesysemu.Options{})
	var last string
	for i := range 600 {
		last = e.em.AddUser(fmt.Sprintf("agent%03d@example.com", i), "Agent")
	}
	p := &poller{t: t, e: e}
	p.poll()
	p.untilPushed()
	ids := e.em.ChannelIDs()
	if len(ids) != 2 {
		t.Fatalf("%d channels; want 2", len(ids))
	}
	total := 0
	for _, id := range ids {
		n := len(e.em.Topics(id))
		if n > genesysemu.MaxTopics {
			t.Errorf("channel %s holds %d topics; at most %d", id, n, genesysemu.MaxTopics)
		}
		total += n
	}
	if total != 1200 {
		t.Errorf("%d topics subscribed; want 1200", total)
	}
	if err := e.em.Change(last, "meeting"); err != nil {
		t.Fatal(err)
	}
	p.expect(last, "meeting")
}

// TestHeartbeatWatchdogReconnects: a socket that stays open but goes silent is given up after three
// missed heartbeats; the stream reconnects on a new channel, polls read every user meanwhile, and
// then the new channel's changes come through.
func TestHeartbeatWatchdogReconnects(t *testing.T) {
	fc := clock.NewFake(time.Time{})
	e := start(t, fc, genesysemu.Options{})
	ana := e.em.AddUser("ana@example.com", "Ana")
	p := &poller{t: t, e: e}
	p.poll()
	p.untilPushed()
	e.em.MuteSockets()
	if err := e.em.Change(ana, "break"); err != nil { // lost on the silent socket
		t.Fatal(err)
	}
	testwait.For(t, "a new channel after missed heartbeats", func() bool {
		fc.Advance(30 * time.Second)
		return count(e.em, "POST", "/api/v2/notifications/channels") >= 2
	})
	changes, reads := p.poll()
	if len(changes) != 1 || changes[0].State != "break" || reads == 0 {
		t.Fatalf("first poll after the reconnection: %+v with %d user reads; want break, read in full", changes, reads)
	}
	p.untilPushed()
	if err := e.em.Change(ana, "training"); err != nil {
		t.Fatal(err)
	}
	p.expect(ana, "training")
}

// TestChannelRenewedBeforeItExpires runs a day and more in virtual time, polling every 5 minutes: the
// stream moves to a new channel before the first one's 24 h are up, and changes keep coming through.
func TestChannelRenewedBeforeItExpires(t *testing.T) {
	fc := clock.NewFake(time.Time{})
	e := start(t, fc, genesysemu.Options{})
	ana := e.em.AddUser("ana@example.com", "Ana")
	p := &poller{t: t, e: e}
	p.poll()
	p.untilPushed()
	first := e.em.ChannelIDs()[0]
	began := fc.Now()
	renewed := false
	for fc.Since(began) < 25*time.Hour {
		if changes, _ := p.poll(); len(changes) != 0 {
			t.Fatalf("at %s: changes %+v while nothing changed", fc.Since(began), changes)
		}
		fc.Advance(5 * time.Minute)
		if !renewed && fc.Since(began) >= 24*time.Hour-10*time.Minute {
			testwait.For(t, "a second channel", func() bool { return count(e.em, "POST", "/api/v2/notifications/channels") >= 2 })
			if ids := e.em.ChannelIDs(); len(ids) != 2 || ids[0] != first && ids[1] != first {
				t.Fatalf("at %s channels %v; want the new one beside %s, which has not expired yet", fc.Since(began), ids, first)
			}
			renewed = true
		}
	}
	if !renewed || e.em.Channels() != 1 || e.em.ChannelIDs()[0] == first {
		t.Fatalf("after 25 h: channels %v (renewed %v); want only the new one", e.em.ChannelIDs(), renewed)
	}
	p.untilPushed()
	if err := e.em.Change(ana, "meal"); err != nil {
		t.Fatal(err)
	}
	p.expect(ana, "meal")
}

// TestPollOnlyOpensNoChannel: with notifications "poll" (a network that lets no websocket out) every
// poll reads the users, no notification channel is ever created, and changes still arrive.
func TestPollOnlyOpensNoChannel(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	e := start(t, clk, genesysemu.Options{})
	settings := e.em.Settings()
	settings[genesys.SettingNotifications] = "poll"
	a, err := genesys.New(vendorapi.Config{BaseURL: e.srv.URL, Credentials: e.em.Credentials(), Settings: settings, HTTPClient: e.srv.Client(), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	_ = e.a.Close()
	e.a = a.(*genesys.Adapter)
	id := e.em.AddUser("ana@example.com", "Ana")
	p := &poller{t: t, e: e}
	for range 3 {
		if _, reads := p.poll(); reads == 0 {
			t.Fatal("a poll read no users; want every poll to read them")
		}
	}
	if err := e.em.Change(id, "meal"); err != nil {
		t.Fatal(err)
	}
	if changes, _ := p.poll(); len(changes) != 1 || changes[0].State != "meal" {
		t.Fatalf("changes %+v; want ana's meal", changes)
	}
	if n := count(e.em, "POST", "/api/v2/notifications/channels"); n != 0 {
		t.Errorf("%d notification channels created; want none", n)
	}
}
