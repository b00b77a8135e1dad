package ctl

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// maxResponseBytes bounds how much of a response the client reads.
const maxResponseBytes = 32 << 20

// Client calls the hub's REST API. It speaks protojson with proto field names, the way the hub's
// grpc-gateway does.
type Client struct {
	base string // e.g. "http://127.0.0.1:8080", without trailing slash
	key  string
	http *http.Client
}

// NewClient returns a Client for the hub at baseURL that authenticates with key (may be empty) and
// gives up on each request after timeout.
func NewClient(baseURL, key string, timeout time.Duration) *Client {
	return &Client{
		base: strings.TrimRight(baseURL, "/"),
		key:  key,
		http: &http.Client{Timeout: timeout},
	}
}

var (
	marshalReq  = protojson.MarshalOptions{UseProtoNames: true}
	unmarshalOK = protojson.UnmarshalOptions{DiscardUnknown: true}
)

// do sends req (nil for no body) as protojson to path (which may carry a query string) and decodes
// the answer into resp (nil to ignore it). A non-2xx answer comes back as *APIError.
func (c *Client) do(ctx context.Context, method, path string, req, resp proto.Message) error {
	var body []byte
	if req != nil {
		var err error
		if body, err = marshalReq.Marshal(req); err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
	}
	return c.doJSON(ctx, method, path, body, resp)
}

// patch sends msg as a PATCH body holding only the given fields (proto names; nested fields as
// "settings.max_changes_per_minute"). The hub derives the update mask from the body, so fields left
// out keep their values, while fields named here are written even when zero or empty.
func (c *Client) patch(ctx context.Context, path string, msg proto.Message, fields []string, resp proto.Message) error {
	body, err := partialJSON(msg, fields)
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	return c.doJSON(ctx, http.MethodPatch, path, body, resp)
}

// doJSON is do with an already encoded body (nil for none).
func (c *Client) doJSON(ctx context.Context, method, path string, body []byte, resp proto.Message) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	hreq.Header.Set("Accept", "application/json")
	if body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.key)
	}
	hresp, err := c.http.Do(hreq)
	if err != nil {
		return fmt.Errorf("cannot reach the hub at %s: %w", c.base, unwrapURLError(err))
	}
	defer hresp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(hresp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("read response of %s %s: %w", method, path, err)
	}
	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		e := parseAPIError(hresp.StatusCode, data)
		if hresp.StatusCode == http.StatusUnauthorized && c.key == "" {
			e.Hint = "no API key given: pass --key or set " + EnvKey
		}
		return e
	}
	if resp == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := unmarshalOK.Unmarshal(data, resp); err != nil {
		return fmt.Errorf("decode response of %s %s: %w", method, path, err)
	}
	return nil
}

// unwrapURLError drops the "Get \"http://...\":" prefix that *url.Error adds, since the message
// already names the hub.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// apiPath joins escaped path segments under /v1, e.g. apiPath("tenants", "acme", "agents").
func apiPath(segments ...string) string {
	var b strings.Builder
	b.WriteString("/v1")
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// tenantPath is apiPath under /v1/tenants/{tenant}.
func tenantPath(tenant string, segments ...string) string {
	return apiPath(append([]string{"tenants", tenant}, segments...)...)
}

// withQuery appends the non-empty values of q to path.
func withQuery(path string, q url.Values) string {
	for k, vs := range q {
		if len(vs) == 0 || (len(vs) == 1 && vs[0] == "") {
			delete(q, k)
		}
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}
