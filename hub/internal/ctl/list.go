package ctl

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
)

// maxPages guards against a hub that keeps returning page tokens.
const maxPages = 10000

// pageFlags are the paging flags of list commands.
type pageFlags struct {
	all   bool
	size  int32
	token string
}

func (pf *pageFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&pf.all, "all", true, "follow next_page_token until the last page; --all=false fetches one page")
	f.Int32Var(&pf.size, "page-size", 0, "items per request (0: the hub's default)")
	f.StringVar(&pf.token, "page-token", "", "start at this page token (from a previous --all=false listing)")
}

// pageQuery returns the query of one page request: the filters plus page_size and page_token.
func (pf *pageFlags) pageQuery(filters url.Values, token string) url.Values {
	q := url.Values{}
	for k, v := range filters {
		q[k] = append([]string(nil), v...)
	}
	if pf.size > 0 {
		q.Set("page_size", strconv.Itoa(int(pf.size)))
	}
	if token != "" {
		q.Set("page_token", token)
	}
	return q
}

// collect fetches pages until the last one (or just one page with --all=false), passing each
// page's query to fetch, which returns that page's items and next page token. It returns all items
// and the token of the page after them ("" when the listing is complete).
func collect[T any](ctx context.Context, pf *pageFlags, filters url.Values,
	fetch func(ctx context.Context, q url.Values) ([]T, string, error)) ([]T, string, error) {
	if pf.size < 0 {
		return nil, "", usageErrorf("--page-size must not be negative")
	}
	var all []T
	token := pf.token
	seen := map[string]bool{}
	for range maxPages {
		items, next, err := fetch(ctx, pf.pageQuery(filters, token))
		if err != nil {
			return nil, "", err
		}
		all = append(all, items...)
		if next == "" || !pf.all || seen[next] {
			return all, next, nil
		}
		seen[next] = true
		token = next
	}
	return all, token, nil
}

// pagedResponse is a List...Response message.
type pagedResponse interface {
	proto.Message
	GetNextPageToken() string
}

// listSpec describes the list command of one tenant-scoped collection with items T and pages R.
type listSpec[T proto.Message, R pagedResponse] struct {
	newResp func() R                       // an empty page, to decode into
	items   func(R) []T                    // the page's items
	wrap    func(items []T, next string) R // the response to print for all fetched items
	header  []string                       // table header
	row     func(T) []string               // table row of one item
	filters func() url.Values              // query filters from the command's own flags; may be nil
}

// listCommand builds "list": GET /v1/tenants/{tenant}/<segment>, following page tokens.
func listCommand[T proto.Message, R pagedResponse](g *globals, r resource, ls listSpec[T, R]) *cobra.Command {
	var pf pageFlags
	plural := strings.ReplaceAll(r.segment, "-", " ")
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List " + plural,
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			s, t, err := g.tenantSession()
			if err != nil {
				return err
			}
			var filters url.Values
			if ls.filters != nil {
				filters = ls.filters()
			}
			items, next, err := collect(cmd.Context(), &pf, filters,
				func(ctx context.Context, q url.Values) ([]T, string, error) {
					resp := ls.newResp()
					err := s.c.do(ctx, http.MethodGet, withQuery(tenantPath(t, r.segment), q), nil, resp)
					return ls.items(resp), resp.GetNextPageToken(), err
				})
			if err != nil {
				return err
			}
			rows := make([][]string, len(items))
			for i, it := range items {
				rows[i] = ls.row(it)
			}
			return s.p.listed(ls.wrap(items, next), plural, ls.header, rows, next)
		}),
	}
	pf.register(cmd)
	return cmd
}
