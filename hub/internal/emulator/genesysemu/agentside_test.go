package genesysemu_test

import (
	"testing"

	"presencehub.dev/hub/internal/emulator/genesysemu"
)

// TestAgentSide: on queue, an interaction and its end, a refused alert, a presence by hand, off line.
func TestAgentSide(t *testing.T) {
	em, _ := serve(t, genesysemu.Options{})
	ana := em.AddUser("ana@example.com", "Ana")
	side := em.AgentSide()
	steps := []struct {
		do, want string
	}{
		{"on_queue", "on_queue"}, {"call", "interacting"}, {"break", "interacting"}, {"call:end", "break"},
		{"on_queue", "on_queue"}, {"refuse", "not_responding"}, {genesysemu.DefinitionPrefix + genesysemu.Lunch.ID, genesysemu.DefinitionPrefix + genesysemu.Lunch.ID},
		{"offline", "offline"}, {"online", "available"},
	}
	for _, s := range steps {
		var err error
		if v, ok := side.Verbs[s.do]; ok && v.Do != nil {
			err = v.Do(ana)
		} else if ok {
			err = em.Change(ana, v.State)
		} else {
			err = em.Change(ana, s.do)
		}
		if err != nil {
			t.Fatalf("%s: %v", s.do, err)
		}
		if got, _ := em.State(ana); got != s.want {
			t.Fatalf("after %s: %s; want %s", s.do, got, s.want)
		}
	}
	if err := em.Change(ana, genesysemu.DefinitionPrefix+genesysemu.Retired.ID); err == nil {
		t.Error("a deactivated definition was accepted")
	}
	if err := em.EndInteraction(ana); err == nil {
		t.Error("call:end without a call was accepted")
	}
}
