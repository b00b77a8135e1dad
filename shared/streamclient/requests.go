package streamclient

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// statusPrevious asks for the status before the current one; not idempotent, so never retried.
const statusPrevious = "previous"

type requestKind int

const (
	kindSetStatus requestKind = iota
	kindSubscribe
)

// request is one SetStatus or SubscribeTeam, from the moment it is issued until it is answered. It is
// queued until a connection is up, written by that connection's writer, and answered by the reader.
type request struct {
	id   string // kept on the retry, so that a hub may recognize the repetition
	kind requestKind
	arg  string // the status, or the team id
	// internal marks a re-subscription made by the client itself after a reconnect: nobody waits for
	// it, and it is not retried (the next connection makes its own).
	internal bool
	retried  bool
	// base is the presence version known when the request was first written; a retry is written only
	// if the next connection's snapshot still shows it (otherwise the hub's state moved on: the request
	// may have been applied already, or something else changed the status, and the hub wins).
	base int64
	lost error      // why the connection the request was written on ended
	done chan reply // capacity 1; nil for internal requests
}

type reply struct {
	ack  *phv1.Ack
	team *phv1.TeamSnapshot
	err  error
}

// finish answers r's caller; only the first answer counts.
func (r *request) finish(rep reply) {
	if r.done == nil {
		return
	}
	select {
	case r.done <- rep:
	default:
	}
}

// retriable says whether r may be written again after its connection dropped before the answer.
func (r *request) retriable() bool {
	return !r.internal && !r.retried && (r.kind == kindSubscribe || r.arg != statusPrevious)
}

func (r *request) message(baseVersion int64) *phv1.ClientMessage {
	if r.kind == kindSubscribe {
		return &phv1.ClientMessage{Kind: &phv1.ClientMessage_SubscribeTeam{
			SubscribeTeam: &phv1.SubscribeTeam{RequestId: r.id, TeamId: r.arg},
		}}
	}
	return &phv1.ClientMessage{Kind: &phv1.ClientMessage_SetStatus{
		SetStatus: &phv1.SetStatus{RequestId: r.id, Status: r.arg, BaseVersion: baseVersion},
	}}
}

// SetStatus asks the hub to set the own agent's status to a catalog status name or "previous", and
// returns the hub's Ack (whose Outcome says "applied", "unchanged", "queued" or "coalesced").
//
// It waits for a connection if there is none (a change made while disconnected is sent once the next
// connection is up; several are sent in the order they were made), then for the hub's answer. A
// refusal is returned as a *StreamError. If the connection drops before the answer, the request is
// sent once more on the next connection, unless that connection's snapshot shows the presence changed
// meanwhile (the hub's state wins); if it is not sent again, or the next connection drops too, or the
// status was "previous", the error wraps ErrConnectionLost. After Run has returned, it fails with ErrStopped or ErrSignInRequired.
// Cancelling ctx stops the wait, not a request already written.
func (c *Client) SetStatus(ctx context.Context, status string) (*phv1.Ack, error) {
	if status == "" {
		return nil, errors.New("setting status: no status given")
	}
	rep, err := c.do(ctx, &request{kind: kindSetStatus, arg: status})
	if err != nil {
		return nil, fmt.Errorf("setting status %q: %w", status, err)
	}
	return rep.ack, nil
}

// SubscribeTeam starts watching a team (supervisors only) and returns its TeamSnapshot, which is also
// delivered on Updates, as are the team's later events (with TeamId set). The subscription is renewed
// on every new connection, until the hub refuses it. Waiting, retrying and errors are as for SetStatus;
// "forbidden" and "not_found" are the usual refusals.
func (c *Client) SubscribeTeam(ctx context.Context, teamID string) (*phv1.TeamSnapshot, error) {
	if teamID == "" {
		return nil, errors.New("subscribing to team: no team id given")
	}
	rep, err := c.do(ctx, &request{kind: kindSubscribe, arg: teamID})
	if err != nil {
		return nil, fmt.Errorf("subscribing to team %s: %w", teamID, err)
	}
	return rep.team, nil
}

// do queues r and waits for its answer.
func (c *Client) do(ctx context.Context, r *request) (reply, error) {
	r.id = rand.Text()
	r.done = make(chan reply, 1)
	c.mu.Lock()
	if c.stopErr != nil {
		err := c.stopErr
		c.mu.Unlock()
		return reply{}, err
	}
	c.queue = append(c.queue, r)
	if c.cur != nil {
		c.cur.wake()
	}
	c.mu.Unlock()

	select {
	case rep := <-r.done:
		return rep, rep.err
	case <-ctx.Done():
		c.mu.Lock()
		c.queue = slices.DeleteFunc(c.queue, func(q *request) bool { return q == r })
		c.sent = slices.DeleteFunc(c.sent, func(q *request) bool { return q == r })
		c.mu.Unlock()
		return reply{}, ctx.Err()
	}
}

// next moves the oldest queued request to sent and returns the message to write for it, or nil when
// the queue is empty or s is no longer the current connection.
//
// A retried status change whose base version is no longer the agent's fails with ErrConnectionLost
// instead of being written: the hub's state moved on since it was made.
func (c *Client) next(s *session) (*request, *phv1.ClientMessage) {
	var stale []*request
	defer func() {
		for _, r := range stale {
			r.finish(reply{err: fmt.Errorf("%w (the status changed meanwhile, so it was not sent again): %w", ErrConnectionLost, r.lost)})
		}
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.cur == s && len(c.queue) > 0 {
		r := c.queue[0]
		c.queue = c.queue[1:]
		if r.kind == kindSetStatus && r.retried && r.base != c.version {
			stale = append(stale, r)
			continue
		}
		if !r.retried {
			r.base = c.version
		}
		c.sent = append(c.sent, r)
		return r, r.message(r.base)
	}
	return nil, nil
}

// resubscribe queues a subscription for every watched team ahead of the waiting requests, in place of
// any left from an earlier connection. Called with c.mu held.
func (c *Client) resubscribe() {
	q := make([]*request, 0, len(c.teams)+len(c.queue))
	for _, t := range c.teams {
		q = append(q, &request{id: rand.Text(), kind: kindSubscribe, arg: t, internal: true})
	}
	for _, r := range c.queue {
		if !r.internal {
			q = append(q, r)
		}
	}
	c.queue = q
}

// disconnected forgets the current connection, which ended with cause. Unless the client is stopping
// (ctx ended; stop answers everything), the requests written on it that may be retried go back to the
// front of the queue, in their order, and the others fail.
func (c *Client) disconnected(ctx context.Context, cause error) {
	c.mu.Lock()
	c.cur = nil
	if ctx.Err() != nil {
		c.mu.Unlock()
		return
	}
	var retry, failed []*request
	for _, r := range c.sent {
		switch {
		case r.retriable():
			r.retried, r.lost = true, cause
			retry = append(retry, r)
		case !r.internal:
			failed = append(failed, r)
		}
	}
	c.sent = nil
	c.queue = append(retry, c.queue...)
	c.mu.Unlock()
	for _, r := range failed {
		r.finish(reply{err: fmt.Errorf("%w: %w", ErrConnectionLost, cause)})
	}
}

// answered removes and returns the sent request with the given id, or nil. Called with c.mu held.
func (c *Client) answered(id string) *request {
	i := slices.IndexFunc(c.sent, func(r *request) bool { return r.id == id })
	if id == "" || i < 0 {
		return nil
	}
	r := c.sent[i]
	c.sent = slices.Delete(c.sent, i, i+1)
	return r
}
