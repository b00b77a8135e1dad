package ctl

import (
	"io"
	"net/http"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
)

// resourceFlags are the create/update flags of one tenant-scoped resource.
type resourceFlags interface {
	// register adds the flags to cmd.
	register(cmd *cobra.Command)
	// build returns the resource message (e.g. *phv1.Status) from the flag values.
	build(cmd *cobra.Command) (proto.Message, error)
	// fields maps the flags to the resource's proto fields, for PATCH bodies.
	fields() []flagField
}

// resource names one tenant-scoped collection, e.g. {"status", "statuses"}; segment is also the
// collection's path segment under /v1/tenants/{tenant}.
type resource struct {
	what    string // singular, for messages
	segment string // plural path segment
}

// getCommand builds "get ID": GET /v1/tenants/{tenant}/<segment>/ID into resp.
func getCommand[R proto.Message](g *globals, r resource, resp R, show func(io.Writer, R) error) *cobra.Command {
	return &cobra.Command{
		Use:   "get ID",
		Short: "Show a " + r.what,
		Args:  oneArg("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, t, err := g.tenantSession()
			if err != nil {
				return err
			}
			if err := s.c.do(cmd.Context(), http.MethodGet, tenantPath(t, r.segment, args[0]), nil, resp); err != nil {
				return err
			}
			return s.p.emit(resp, func(w io.Writer) error { return show(w, resp) })
		}),
	}
}

// createCommand builds "create": POST /v1/tenants/{tenant}/<segment> with the resource from flags.
func createCommand[R proto.Message](g *globals, r resource, f resourceFlags, resp R,
	show func(io.Writer, R) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a " + r.what,
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			s, t, err := g.tenantSession()
			if err != nil {
				return err
			}
			msg, err := f.build(cmd)
			if err != nil {
				return err
			}
			if err := s.c.do(cmd.Context(), http.MethodPost, tenantPath(t, r.segment), msg, resp); err != nil {
				return err
			}
			return s.p.emit(resp, func(w io.Writer) error { return show(w, resp) })
		}),
	}
	f.register(cmd)
	return cmd
}

// updateCommand builds "update ID": PATCH /v1/tenants/{tenant}/<segment>/ID with only the fields
// whose flags were given.
func updateCommand[R proto.Message](g *globals, r resource, f resourceFlags, resp R,
	show func(io.Writer, R) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update ID",
		Short: "Change a " + r.what + "; only the given flags are changed",
		Args:  oneArg("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, t, err := g.tenantSession()
			if err != nil {
				return err
			}
			fields, err := requireChanged(cmd, f.fields())
			if err != nil {
				return err
			}
			msg, err := f.build(cmd)
			if err != nil {
				return err
			}
			if err := s.c.patch(cmd.Context(), tenantPath(t, r.segment, args[0]), msg, fields, resp); err != nil {
				return err
			}
			return s.p.emit(resp, func(w io.Writer) error { return show(w, resp) })
		}),
	}
	f.register(cmd)
	return cmd
}

// deleteCommand builds "delete ID": DELETE /v1/tenants/{tenant}/<segment>/ID.
func deleteCommand[R proto.Message](g *globals, r resource, resp R) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a " + r.what,
		Args:  oneArg("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s, t, err := g.tenantSession()
			if err != nil {
				return err
			}
			if err := s.c.do(cmd.Context(), http.MethodDelete, tenantPath(t, r.segment, args[0]), nil, resp); err != nil {
				return err
			}
			return s.p.done(resp, "Deleted %s %s.", r.what, args[0])
		}),
	}
}

// withExample sets cmd's example text and returns cmd.
func withExample(cmd *cobra.Command, example string) *cobra.Command {
	cmd.Example = example
	return cmd
}
