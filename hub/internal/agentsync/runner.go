package agentsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorsync"
	"presencehub.dev/shared/logkey"
)

// errSameCursor: the vendor's next cursor did not move, which would loop for ever.
var errSameCursor = errors.New("the vendor answered the same next page again")

// execute reads every page of r's connection from r.Cursor on and applies it. When ctx ends (the hub
// stops) the run is left running, to be resumed; any other failure ends it as failed.
func (s *Service) execute(ctx context.Context, r *model.SyncRun, resumed bool) {
	log := s.log.With(slog.String(logkey.SyncRunID, r.ID), slog.String(logkey.TenantID, r.TenantID), slog.String(logkey.Connection, r.ConnectionID))
	c, err := s.st.GetConnection(ctx, r.TenantID, r.ConnectionID)
	if err != nil {
		s.fail(ctx, log, r, fmt.Errorf("reading the connection: %w", err))
		return
	}
	set := settingsOf(c, s.opts.Interval)
	decide := func(f store.SyncFacts) store.SyncPlan { return Decide(f, set.CreateMissing) }
	first := true
	for {
		users, next, err := s.fetch(ctx, r.ConnectionID, r.Cursor)
		if err == nil && next != "" && next == r.Cursor {
			err = errSameCursor
		}
		if err != nil {
			if ctx.Err() != nil {
				log.Info("agent sync interrupted; it resumes at the next start", slog.Int64(logkey.Pages, r.Pages))
				return
			}
			if resumed && first && r.Cursor != "" && vendorapi.Permanent(err) {
				log.Info("agent sync: the vendor refused the saved page; restarting from the first", slog.Any(logkey.Error, err))
				if err := s.st.ResetSyncRun(ctx, r); err != nil {
					s.fail(ctx, log, r, err)
					return
				}
				first = false
				continue
			}
			s.fail(ctx, log, r, err)
			return
		}
		first = false
		page := make([]store.SyncUser, len(users))
		for i, u := range users {
			page[i] = store.SyncUser{ExternalID: u.ExternalID, Email: u.Email, Name: u.Name}
		}
		if err := s.st.ApplySyncPage(ctx, r, page, next, decide); err != nil {
			if ctx.Err() == nil {
				s.fail(ctx, log, r, err)
			}
			return
		}
		if next == "" {
			break
		}
	}
	if err := s.st.FinishSyncRun(ctx, r, model.SyncSucceeded, ""); err != nil {
		log.Warn("agent sync: finishing the run", slog.Any(logkey.Error, err))
		return
	}
	rep := r.Report
	log.Info("agent sync done", slog.Int64(logkey.Pages, r.Pages), slog.Int64(logkey.Users, rep.Users),
		slog.String(logkey.Result, fmt.Sprintf("matched %d, linked %d, relinked %d, created %d, unmatched %d/%d, conflicts %d, errors %d",
			rep.Matched, rep.Linked, rep.Relinked, rep.Created, rep.UnmatchedVendor, rep.UnmatchedHub, rep.Conflicts, rep.Errors)))
}

// fail ends r as failed.
func (s *Service) fail(ctx context.Context, log *slog.Logger, r *model.SyncRun, cause error) {
	log.Warn("agent sync failed", slog.Int64(logkey.Pages, r.Pages), slog.Any(logkey.Error, cause))
	if err := s.st.FinishSyncRun(ctx, r, model.SyncFailed, cause.Error()); err != nil {
		log.Warn("agent sync: recording the failure", slog.Any(logkey.Error, err))
	}
}

// fetch reads one page, retrying what may pass (outages, rate limits) with backoff and jitter; the
// vendor's Retry-After holds every request to it back (see vendorsync.Manager.ListUsers).
func (s *Service) fetch(ctx context.Context, connectionID, cursor string) ([]vendorapi.User, string, error) {
	delay := s.opts.MinBackoff
	for attempt := 1; ; attempt++ {
		users, next, err := s.vendors.ListUsers(ctx, connectionID, cursor)
		// Only the vendor's answers may change; a connection the hub cannot build an adapter for will not.
		if err == nil || ctx.Err() != nil || attempt >= s.opts.Attempts || vendorapi.Permanent(err) || !errors.Is(err, vendorsync.ErrVendor) {
			return users, next, err
		}
		wait := delay/2 + rand.N(delay)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, "", ctx.Err()
		case <-t.C:
		}
		delay = min(delay*2, s.opts.MaxBackoff)
	}
}
