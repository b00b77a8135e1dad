// Package hubapi is the tray's client of the hub's REST calls outside the stream: POST /v1/pair
// (exchange a pairing code for a device token), POST /v1/sign-out (revoke the calling device) and GET
// the agent's own timeline (the window's recent changes). It never imports fyne.
package hubapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// Client calls the hub.
type Client struct {
	// HTTP makes the requests; nil means a client with a 15 s timeout.
	HTTP *http.Client
	// UserAgent is sent with every request.
	UserAgent string
}

// Paired is the result of a successful pairing.
type Paired struct {
	Token, DeviceID, TenantID, AgentID string
}

// ErrBadCode: the hub does not know the code, or it was used or expired.
var ErrBadCode = errors.New("unknown, used or expired pairing code")

// Error is any other refusal of the hub.
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("the hub answered HTTP %d %s", e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("the hub answered HTTP %d: %s", e.Status, e.Message)
}

// Pair exchanges a pairing code for a device token.
func (c Client) Pair(ctx context.Context, hubURL, code, deviceName string) (Paired, error) {
	resp := &phv1.PairResponse{}
	err := c.post(ctx, hubURL, "/v1/pair", "", &phv1.PairRequest{Code: strings.TrimSpace(code), DeviceName: deviceName}, resp)
	var he *Error
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return Paired{}, ErrBadCode
	}
	if err != nil {
		return Paired{}, fmt.Errorf("pairing: %w", err)
	}
	if resp.GetDeviceToken() == "" {
		return Paired{}, errors.New("pairing: the hub sent no device token")
	}
	return Paired{Token: resp.GetDeviceToken(), DeviceID: resp.GetDevice().GetId(), TenantID: resp.GetTenantId(),
		AgentID: resp.GetDevice().GetAgentId()}, nil
}

// SignOut revokes the device whose token is given. A token the hub no longer accepts (HTTP 401) is
// already signed out, which is not an error.
func (c Client) SignOut(ctx context.Context, hubURL, token string) error {
	err := c.post(ctx, hubURL, "/v1/sign-out", token, &phv1.SignOutRequest{}, &phv1.SignOutResponse{})
	var he *Error
	if errors.As(err, &he) && he.Status == http.StatusUnauthorized {
		return nil
	}
	if err != nil {
		return fmt.Errorf("signing out: %w", err)
	}
	return nil
}

func (c Client) post(ctx context.Context, hubURL, path, token string, req, resp proto.Message) error {
	body, err := protojson.Marshal(req)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodPost, hubURL, path, token, body, resp)
}

// do sends one request (body nil for none) and decodes the answer into resp.
func (c Client) do(ctx context.Context, method, hubURL, path, token string, body []byte, resp proto.Message) error {
	u, err := endpoint(hubURL, path)
	if err != nil {
		return err
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if c.UserAgent != "" {
		r.Header.Set("User-Agent", c.UserAgent)
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	res, err := hc.Do(r)
	if err != nil {
		return fmt.Errorf("reaching the hub: %w", err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading the hub's answer: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		var st struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &st)
		return &Error{Status: res.StatusCode, Message: st.Message}
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, resp); err != nil {
		return fmt.Errorf("decoding the hub's answer: %w", err)
	}
	return nil
}

// endpoint joins the hub's base URL (which may have a path prefix) and an API path.
func endpoint(hubURL, path string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(hubURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not a hub URL (http:// or https:// and a host)", hubURL)
	}
	p, query, _ := strings.Cut(path, "?")
	u.Path = strings.TrimRight(u.Path, "/") + p
	u.RawQuery, u.Fragment = query, ""
	return u.String(), nil
}
