package cxoneemu

import (
	"net/http"
	"strconv"
	"time"
)

// Long-poll bounds for get-next-event (seconds): the default when timeout is absent and the most a
// client may ask for. Both are the emulator's choice (unconfirmed).
const (
	defaultEventTimeout = 10
	maxEventTimeout     = 60
	// maxQueued bounds the events kept for a session nobody polls; the oldest are dropped.
	maxQueued = 1000
	// maxEnded bounds the ended sessions whose last events wait for a poll; the oldest go first.
	maxEnded = 100
)

// queue is an agent session's pending events, and a channel closed when one arrives.
type queue struct {
	events []map[string]any
	wake   chan struct{}
	ended  bool // the session ended; the queue goes once drained
}

func newQueue() *queue { return &queue{wake: make(chan struct{})} }

// pushLocked queues an event for a session and wakes its poller; e.mu must be held.
func (e *Emulator) pushLocked(sessionID string, ev map[string]any) {
	q := e.queues[sessionID]
	if q == nil {
		return
	}
	if len(q.events) >= maxQueued {
		q.events = q.events[1:]
	}
	q.events = append(q.events, ev)
	close(q.wake)
	q.wake = make(chan struct{})
}

// endQueueLocked marks a session's queue ended: it goes once drained, or when more than maxEnded
// ended sessions wait; e.mu must be held.
func (e *Emulator) endQueueLocked(sessionID string) {
	q := e.queues[sessionID]
	if q == nil {
		return
	}
	q.ended = true
	e.ended = append(e.ended, sessionID)
	for len(e.ended) > maxEnded {
		if old := e.queues[e.ended[0]]; old != nil && old.ended {
			delete(e.queues, e.ended[0])
		}
		e.ended = e.ended[1:]
	}
}

// agentStateEvent is the AgentState event of the agent's current state: PascalCase names, booleans
// as strings, as CXone sends them (fields beyond Type are unconfirmed).
func agentStateEvent(a *agent) map[string]any {
	reason := ""
	if a.out != nil && a.out.id != codeUnavailable {
		reason = a.out.name
	}
	return map[string]any{"Type": "AgentState", "CurrentState": a.acd, "CurrentOutReason": reason,
		"IsACW": titleBool(a.isAcw), "StartTimeUTC": stamp(a.start),
		"NextState": "", "NextOutReason": "", "AgentId": strconv.FormatInt(a.id, 10), "IISHost": "emulator", "VCHost": "emulator"}
}

// titleBool is "True" or "False", as CXone's events spell booleans.
func titleBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// nextEvent serves GET /agent-sessions/{sessionId}/get-next-event?timeout=N: the session's pending
// events at once, else the first within N seconds (a long poll), else 304 with no body. An unknown
// or ended (and drained) session is 404; a bad timeout is 400 naming it.
func (e *Emulator) nextEvent(w http.ResponseWriter, r *http.Request, sessionID string) {
	timeout := defaultEventTimeout
	if v := r.URL.Query().Get("timeout"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxEventTimeout {
			writeError(w, http.StatusBadRequest, "InvalidParameter", "timeout must be a number of seconds from 0 to "+strconv.Itoa(maxEventTimeout))
			return
		}
		timeout = n
	}
	timer := time.NewTimer(time.Duration(timeout) * time.Second)
	defer timer.Stop()
	e.mu.Lock()
	q := e.queues[sessionID]
	if q == nil {
		e.mu.Unlock()
		writeError(w, http.StatusNotFound, "InvalidAgentSession", "The agent session does not exist or has ended")
		return
	}
	for len(q.events) == 0 && !q.ended && timeout > 0 {
		wake := q.wake
		e.mu.Unlock()
		select {
		case <-wake:
		case <-timer.C:
			timeout = 0
		case <-r.Context().Done():
			return
		}
		e.mu.Lock()
	}
	events := q.events
	q.events = nil
	if q.ended {
		delete(e.queues, sessionID)
	}
	e.mu.Unlock()
	if len(events) == 0 {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessionId": sessionID, "events": events})
}
