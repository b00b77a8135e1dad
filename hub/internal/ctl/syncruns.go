package ctl

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// syncPollInterval is how often "sync-runs start --wait" reads the run back.
const syncPollInterval = time.Second

func newSyncRunsCommand(g *globals) *cobra.Command {
	cmd := groupCommand("sync-runs", "Run agent sync (link agents to a connection's vendor users by email) and read its reports", "sync")
	cmd.AddCommand(newSyncStartCommand(g), newSyncListCommand(g), newSyncGetCommand(g))
	return cmd
}

func syncRunsPath(tenant, connection string, run ...string) string {
	return tenantPath(tenant, append([]string{"connections", connection, "sync-runs"}, run...)...)
}

func newSyncStartCommand(g *globals) *cobra.Command {
	var wait bool
	cmd := &cobra.Command{
		Use:   "start CONNECTION",
		Short: "Start an agent sync of a connection now (one runs at a time per connection)",
		Args:  oneArg("CONNECTION"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, t, err := g.tenantSession()
			if err != nil {
				return err
			}
			var resp phv1.CreateSyncRunResponse
			if err := s.c.do(cmd.Context(), http.MethodPost, syncRunsPath(t, args[0]), &phv1.CreateSyncRunRequest{}, &resp); err != nil {
				return err
			}
			run := resp.GetSyncRun()
			for wait && run.GetState() == "running" {
				if err := sleep(cmd.Context(), syncPollInterval); err != nil {
					return err
				}
				var got phv1.GetSyncRunResponse
				if err := s.c.do(cmd.Context(), http.MethodGet, syncRunsPath(t, args[0], run.GetId()), nil, &got); err != nil {
					return err
				}
				run = got.GetSyncRun()
				if !s.p.json {
					s.p.notice("%s: %d pages, %d users", run.GetState(), run.GetPages(), run.GetReport().GetUsers())
				}
			}
			return s.p.emit(&phv1.GetSyncRunResponse{SyncRun: run}, func(w io.Writer) error { return writeSyncRun(w, run) })
		}),
	}
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for the run to end, showing its progress, and print its report")
	cmd.Example = "  presencectl -t acme sync-runs start cn_123 --wait"
	return cmd
}

func newSyncListCommand(g *globals) *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list CONNECTION",
		Short: "List a connection's agent sync runs, newest first",
		Args:  oneArg("CONNECTION"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, t, err := g.tenantSession()
			if err != nil {
				return err
			}
			items, next, err := collect(cmd.Context(), &pf, nil, func(ctx context.Context, q url.Values) ([]*phv1.SyncRun, string, error) {
				var resp phv1.ListSyncRunsResponse
				err := s.c.do(ctx, http.MethodGet, withQuery(syncRunsPath(t, args[0]), q), nil, &resp)
				return resp.GetSyncRuns(), resp.GetNextPageToken(), err
			})
			if err != nil {
				return err
			}
			rows := make([][]string, len(items))
			for i, r := range items {
				rep := r.GetReport()
				rows[i] = []string{r.GetId(), r.GetTrigger(), r.GetState(), fmtTime(r.GetCreateTime()), fmt.Sprint(r.GetPages()),
					fmt.Sprint(rep.GetUsers()), fmt.Sprint(rep.GetMatched()), fmt.Sprint(rep.GetLinked() + rep.GetRelinked()),
					fmt.Sprint(rep.GetConflicts()), fmt.Sprint(rep.GetErrors())}
			}
			return s.p.listed(&phv1.ListSyncRunsResponse{SyncRuns: items, NextPageToken: next}, "sync runs",
				[]string{"ID", "TRIGGER", "STATE", "STARTED", "PAGES", "USERS", "MATCHED", "LINKED", "CONFLICTS", "ERRORS"}, rows, next)
		}),
	}
	pf.register(cmd)
	return cmd
}

func newSyncGetCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "get CONNECTION RUN",
		Short: "Show an agent sync run: its progress, or its report once it ended",
		Args:  cobra.ExactArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, t, err := g.tenantSession()
			if err != nil {
				return err
			}
			var resp phv1.GetSyncRunResponse
			if err := s.c.do(cmd.Context(), http.MethodGet, syncRunsPath(t, args[0], args[1]), nil, &resp); err != nil {
				return err
			}
			return s.p.emit(&resp, func(w io.Writer) error { return writeSyncRun(w, resp.GetSyncRun()) })
		}),
	}
}

func writeSyncRun(w io.Writer, r *phv1.SyncRun) error {
	rep := r.GetReport()
	conflicts := make([]string, 0, len(rep.GetConflictDetails()))
	for _, c := range rep.GetConflictDetails() {
		conflicts = append(conflicts, strings.TrimSpace(fmt.Sprintf("%s %s %s %s", c.GetKind(), c.GetEmail(), c.GetExternalId(), c.GetAgentId())))
	}
	return writeDetail(w, []field{
		{"ID", r.GetId()},
		{"Connection", r.GetConnectionId()},
		{"Trigger", r.GetTrigger()},
		{"State", r.GetState()},
		{"Error", r.GetError()},
		{"Pages", fmt.Sprint(r.GetPages())},
		{"Restarts", fmt.Sprint(r.GetRestarts())},
		{"Users", fmt.Sprint(rep.GetUsers())},
		{"Matched", fmt.Sprintf("%d (unchanged %d, linked %d, relinked %d, pinned kept %d)",
			rep.GetMatched(), rep.GetUnchanged(), rep.GetLinked(), rep.GetRelinked(), rep.GetPinned())},
		{"Created", fmt.Sprint(rep.GetCreated())},
		{"Unmatched", fmt.Sprintf("%d vendor users, %d agents", rep.GetUnmatchedVendor(), rep.GetUnmatchedHub())},
		{"Conflicts", fmt.Sprintf("%d %s", rep.GetConflicts(), strings.Join(conflicts, "; "))},
		{"Errors", fmt.Sprintf("%d %s", rep.GetErrors(), strings.Join(rep.GetErrorDetails(), "; "))},
		{"Started", fmtTime(r.GetCreateTime())},
		{"Ended", fmtTime(r.GetEndTime())},
	})
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
