package vendorsync

import (
	"context"
	"testing"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// slowRules is a RouterStore whose rule listing can be held mid-read, like a load racing an admin.
type slowRules struct {
	rules   []*model.Rule
	reading chan struct{} // closed once a listing has read the rules
	release chan struct{} // the listing returns when this closes
}

func (s *slowRules) ListConnections(context.Context, string, store.Page) ([]*model.Connection, string, error) {
	return []*model.Connection{{ID: "cn1", TenantID: "t1", Enabled: true}}, "", nil
}

func (s *slowRules) ListRules(context.Context, string, string, store.Page) ([]*model.Rule, string, error) {
	rules := append([]*model.Rule(nil), s.rules...)
	if s.reading != nil {
		close(s.reading)
		<-s.release
		s.reading = nil
	}
	return rules, "", nil
}

func (s *slowRules) GetTenant(context.Context, string) (*model.Tenant, error) {
	return &model.Tenant{ID: "t1"}, nil
}

// TestRouterDoesNotKeepAViewOlderThanAnInvalidation: a view loaded while an admin added a rule (and
// invalidated) served the change that loaded it, but the next change sees the rule, not that old view.
func TestRouterDoesNotKeepAViewOlderThanAnInvalidation(t *testing.T) {
	st := &slowRules{reading: make(chan struct{}), release: make(chan struct{})}
	r := NewRouter(st, time.Hour, nil)
	agent := &model.Agent{ID: "ag1", TenantID: "t1"}
	done := make(chan *model.Rule)
	go func() {
		_, rl, err := r.Rule(t.Context(), "cn1", agent)
		if err != nil {
			t.Error(err)
		}
		done <- rl
	}()
	<-st.reading // the load has read no rule
	st.rules = []*model.Rule{{ID: "rl1", TenantID: "t1", ConnectionID: "cn1"}}
	r.Invalidate("t1") // the admin's rule is committed
	close(st.release)
	if rl := <-done; rl != nil {
		t.Fatalf("the racing load saw %v", rl)
	}
	if _, rl, err := r.Rule(t.Context(), "cn1", agent); err != nil || rl == nil || rl.ID != "rl1" {
		t.Fatalf("after the invalidation: rule %v, %v; want rl1", rl, err)
	}
}
