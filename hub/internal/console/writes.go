package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// writeStates are the states ListWrites filters by.
var writeStates = []string{"dead", "pending", "delivered", "superseded"}

// writesData is a page of one connection's writes.
type writesData struct {
	Connections []connection
	Conn        string // connection id
	State       string
	States      []string
	Writes      []vendorWrt
	Next        string
	Paged       bool
}

// writesPageSize is how many writes a page shows.
const writesPageSize = 50

// writes lists a connection's vendor writes of one state (dead first), newest first.
func (c *Console) writes(w http.ResponseWriter, r *http.Request, s session) {
	v := c.baseView(r, s, "Writes", "writes")
	v.Notice = noticeOf(r)
	q := r.URL.Query()
	d := writesData{Conn: q.Get("connection"), State: q.Get("state"), States: writeStates, Paged: q.Get("page") != ""}
	if d.State == "" {
		d.State = "dead"
	}
	var err error
	if d.Connections, err = c.listConnections(r, s); err != nil {
		v.Error = "Could not read the connections: " + err.Error()
	}
	if d.Conn == "" && len(d.Connections) > 0 {
		d.Conn = d.Connections[0].ID
	}
	if d.Conn != "" {
		params := url.Values{"state": {d.State}, "page_size": {strconv.Itoa(writesPageSize)}, "page_token": {q.Get("page")}}
		var out struct {
			Writes []vendorWrt `json:"writes"`
			Next   string      `json:"next_page_token"`
		}
		if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/connections/"+url.PathEscape(d.Conn)+"/writes?"+params.Encode()), nil, &out); err != nil {
			v.Error = "Could not read the writes: " + err.Error()
		}
		d.Writes, d.Next = out.Writes, out.Next
	}
	v.Data = d
	c.render(w, r, http.StatusOK, "writes", v)
}

// writesURL is the writes page of a connection and state.
func writesURL(conn, state string) string {
	return "/console/writes?" + url.Values{"connection": {conn}, "state": {state}}.Encode()
}

// retryWrite queues one dead write again (RetryWrite).
func (c *Console) retryWrite(w http.ResponseWriter, r *http.Request, s session) {
	if err := c.api.do(r.Context(), s.key, http.MethodPost, tenantPath(s, "/writes/"+url.PathEscape(r.PathValue("id"))+":retry"), map[string]any{}, nil); err != nil {
		apiRefusal(w, err, "retry the write")
		return
	}
	http.Redirect(w, r, writesURL(r.PostFormValue("connection"), "dead")+"&done=retried", http.StatusSeeOther)
}

// retryDead queues every dead write of a connection again: the API retries one write per call, so
// this reads the dead writes page by page and retries each.
func (c *Console) retryDead(w http.ResponseWriter, r *http.Request, s session) {
	conn := r.PathValue("id")
	base := tenantPath(s, "/connections/"+url.PathEscape(conn)+"/writes?state=dead&page_size=200")
	for range 50 { // at most 10,000 writes per click
		var out struct {
			Writes []vendorWrt `json:"writes"`
		}
		// Each retried write leaves the dead state, so the first page is always the next batch.
		if err := c.api.do(r.Context(), s.key, http.MethodGet, base, nil, &out); err != nil {
			apiRefusal(w, err, "read the dead writes")
			return
		}
		if len(out.Writes) == 0 {
			break
		}
		for _, wr := range out.Writes {
			if err := c.api.do(r.Context(), s.key, http.MethodPost, tenantPath(s, "/writes/"+url.PathEscape(wr.ID)+":retry"), map[string]any{}, nil); err != nil {
				apiRefusal(w, err, "retry write "+wr.ID)
				return
			}
		}
	}
	http.Redirect(w, r, writesURL(conn, "dead")+"&done=retried", http.StatusSeeOther)
}

// apiRefusal answers a plain action the API refused with its status and message.
func apiRefusal(w http.ResponseWriter, err error, what string) {
	var ae *apiError
	if errors.As(err, &ae) {
		http.Error(w, "The hub refused to "+what+": "+ae.Message, ae.Status)
		return
	}
	http.Error(w, "could not "+what+": "+err.Error(), http.StatusBadGateway)
}
