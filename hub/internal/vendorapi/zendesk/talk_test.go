package zendesk_test

import (
	"errors"
	"testing"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/vendorapi"
)

// With omnichannel routing on, Talk refuses agent_state: the adapter answers ErrNotSettable.
func TestTalkRefusedUnderOmnichannelRouting(t *testing.T) {
	e := start(t, zendeskemu.Options{}, nil, map[string]string{"api": "talk"})
	id := e.em.AddUser("ana@example.com", "Ana")
	err := e.a.SetState(t.Context(), id, "online")
	if !errors.Is(err, vendorapi.ErrNotSettable) || !vendorapi.Permanent(err) {
		t.Errorf("Talk SetState under omnichannel routing = %v; want ErrNotSettable", err)
	}
	if got, _ := e.em.State(id); got != "offline" {
		t.Errorf("emulator state %q; want unchanged offline", got)
	}
	// Reading Talk still works: the talk channel follows the unified status.
	if err := e.em.Change(id, "online"); err != nil {
		t.Fatal(err)
	}
	if as, err := e.a.GetState(t.Context(), id); err != nil || as.State != "online" {
		t.Errorf("Talk GetState = %+v, %v; want online", as, err)
	}
}

// Without omnichannel routing, the Talk PUT sets agent_state and fires agent.state_changed on talk.
func TestTalkOnlyAccount(t *testing.T) {
	e := start(t, zendeskemu.Options{TalkOnly: true}, nil, nil)
	deliveries := sink(t, e.em)
	id := e.em.AddUser("ana@example.com", "Ana")
	if err := e.a.SetState(t.Context(), id, "transfers_only"); err != nil {
		t.Fatalf("Talk SetState: %v", err)
	}
	if got, _ := e.em.State(id); got != "transfers_only" {
		t.Errorf("emulator state %q; want transfers_only", got)
	}
	if c := nextChange(t, e.a, deliveries, id); c.State != "transfers_only" {
		t.Errorf("webhook change = %+v; want transfers_only", c)
	}
	if err := e.a.SetState(t.Context(), id, "custom:123"); !errors.Is(err, vendorapi.ErrNotSettable) {
		t.Errorf("custom status in talk mode = %v; want ErrNotSettable", err)
	}
	// The unified API is refused on such an account.
	unified := start(t, zendeskemu.Options{TalkOnly: true}, nil, map[string]string{"api": "unified"})
	uid := unified.em.AddUser("bo@example.com", "Bo")
	if err := unified.a.SetState(t.Context(), uid, "online"); !errors.Is(err, vendorapi.ErrNotSettable) {
		t.Errorf("unified SetState on a Talk-only account = %v; want ErrNotSettable", err)
	}
	if _, err := unified.a.GetState(t.Context(), uid); err == nil {
		t.Error("unified GetState on a Talk-only account succeeded")
	}
}
