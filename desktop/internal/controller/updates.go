package controller

import (
	"context"
	"errors"
	"log/slog"

	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/shared/logkey"
	"presencehub.dev/shared/streamclient"
)

// consume applies the stream's updates until it closes the channel. Updates of a stream that was
// replaced or stopped (gen moved on) are dropped.
func (c *Controller) consume(gen int, s Stream) {
	for u := range s.Updates() {
		c.mu.Lock()
		if gen != c.gen {
			c.mu.Unlock()
			continue
		}
		c.apply(gen, s, u)
		c.mu.Unlock()
	}
}

// apply turns one Update into state. Called with c.mu held.
func (c *Controller) apply(gen int, s Stream, u streamclient.Update) {
	now := c.o.Now()
	var notes []model.Notice
	switch u.State {
	case streamclient.SignInRequired:
		c.signInRequired(u.Err)
		return
	case streamclient.Connecting:
		c.st, notes = c.st.WithConn(model.Connecting, errText(u.Err))
	case streamclient.Disconnected:
		c.st, notes = c.st.WithConn(model.Disconnected, shortErr(u.Err))
	}
	if u.Snapshot != nil {
		var send string
		var more []model.Notice
		c.st, more, send = c.st.WithSnapshot(u.Snapshot, now)
		notes = append(notes, more...)
		if !c.loggedFirst {
			c.loggedFirst = true
			c.log.Info("first snapshot", slog.Duration(logkey.Duration, now.Sub(c.o.Started)))
		}
		if send != "" {
			c.log.Info("sending the change made while disconnected", slog.String(logkey.Result, send))
			go c.send(gen, s, send)
		}
	}
	for _, ev := range u.Events {
		var more []model.Notice
		c.st, more = c.st.WithEvent(ev, now)
		notes = append(notes, more...)
	}
	if u.Vendors != nil {
		c.st = c.st.WithVendors(u.Vendors)
	}
	c.show()
	c.notify(notes)
}

// SetStatus asks for a status: sent at once when connected, otherwise held as pending until the next
// snapshot. It returns at once; the hub's answer arrives through the view. The error says why the
// status cannot be asked for at all (signed out, not settable, refused during a system state).
func (c *Controller) SetStatus(status string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, send, why := c.st.Request(status)
	if why != "" {
		return errors.New(why)
	}
	c.st = st
	c.show()
	if send && c.run != nil {
		go c.send(c.gen, c.run.stream, status)
	}
	return nil
}

// send writes one change and records the hub's answer.
func (c *Controller) send(gen int, s Stream, status string) {
	ack, err := s.SetStatus(context.Background(), status)
	a := model.Answer{}
	se, refused := errors.AsType[*streamclient.StreamError](err)
	switch {
	case err == nil:
		a.Outcome, a.Reason = ack.GetOutcome(), ack.GetReason()
	case refused:
		a.Code, a.Reason = se.Code, se.Reason
	case errors.Is(err, streamclient.ErrConnectionLost):
		a.Lost = true
	default: // stopped or signed out: the state says so already
		c.log.Debug("status change not answered", slog.Any(logkey.Error, err))
		return
	}
	c.log.Info("status change answered", slog.String(logkey.State, status),
		slog.String(logkey.Result, a.Outcome+a.Code), slog.Any(logkey.Error, err))
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	var notes []model.Notice
	c.st, notes = c.st.WithAnswer(status, a)
	c.show()
	c.notify(notes)
}

// shortErr is the innermost cause of a dropped connection, for people ("connection refused").
func shortErr(err error) string {
	if err == nil {
		return ""
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
