package streamclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protojson"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// forgetful sends each connection a snapshot with the next of versions, reads one request, records it
// and drops the connection without answering.
func forgetful(t *testing.T, versions []int64, got chan<- *phv1.SetStatus) *httptest.Server {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(conns.Add(1)) - 1
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{subprotocol}})
		if err != nil {
			return
		}
		defer ws.CloseNow()
		v := versions[min(n, len(versions)-1)]
		snap, _ := protojson.Marshal(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Snapshot{Snapshot: &phv1.Snapshot{
			Presence: &phv1.Presence{AgentId: "ag", Status: "busy", Version: v}}}})
		if err := ws.Write(r.Context(), websocket.MessageText, snap); err != nil {
			return
		}
		_, data, err := ws.Read(r.Context())
		if err != nil {
			return
		}
		var m phv1.ClientMessage
		if err := protojson.Unmarshal(data, &m); err != nil {
			t.Errorf("client message: %v", err)
			return
		}
		got <- m.GetSetStatus()
		ws.Close(websocket.StatusGoingAway, "")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestRetryOnlyWhileTheStateHasNotMovedOn: a status change left unanswered by a dropped connection is
// written once more when the next snapshot still shows the version it was made against, and given up
// (ErrConnectionLost, nothing written) when the presence changed meanwhile: the hub's state wins.
func TestRetryOnlyWhileTheStateHasNotMovedOn(t *testing.T) {
	for _, tc := range []struct {
		name     string
		versions []int64
		retried  bool
	}{
		{"same version: sent again", []int64{4, 4, 4}, true},
		{"moved on: not sent again", []int64{4, 5, 5}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := make(chan *phv1.SetStatus, 4)
			srv := forgetful(t, tc.versions, got)
			c := New(Options{HubURL: srv.URL, Token: "phd_x", MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			go func() { _ = c.Run(ctx) }()
			ack, err := c.SetStatus(ctx, "lunch")
			if ack != nil || !errors.Is(err, ErrConnectionLost) {
				t.Fatalf("SetStatus = %v, %v; want ErrConnectionLost", ack, err)
			}
			first := <-got
			if first.GetStatus() != "lunch" || first.GetBaseVersion() != 4 {
				t.Fatalf("first write %v", first)
			}
			select {
			case again := <-got:
				if !tc.retried || again.GetRequestId() != first.GetRequestId() || again.GetBaseVersion() != 4 {
					t.Fatalf("written again: %v (retry expected: %v)", again, tc.retried)
				}
			case <-time.After(300 * time.Millisecond):
				if tc.retried {
					t.Fatal("not written again")
				}
			}
		})
	}
}
