package console

import (
	"net/http"
	"net/url"
	"time"
)

// auditRecord is one mutating call: who did what to which object.
type auditRecord struct {
	Actor      string     `json:"actor"`
	Action     string     `json:"action"`
	ObjectType string     `json:"object_type"`
	ObjectID   string     `json:"object_id"`
	CreateTime *time.Time `json:"create_time"`
}

// audit lists the tenant's audit records, newest first, a page at a time, optionally of one object.
func (c *Console) audit(w http.ResponseWriter, r *http.Request, s session) {
	v := c.baseView(r, s, "Audit records", "audit")
	q := r.URL.Query()
	params := url.Values{"page_size": {"50"}, "page_token": {q.Get("page")}, "object_id": {q.Get("object")}}
	var out struct {
		Records []auditRecord `json:"audit_records"`
		Next    string        `json:"next_page_token"`
	}
	if s.tenant != "" {
		if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/audit-records?"+params.Encode()), nil, &out); err != nil {
			v.Error = "Could not read the audit records: " + err.Error()
		}
	}
	next := ""
	if out.Next != "" {
		next = "/console/audit?" + url.Values{"page": {out.Next}, "object": {q.Get("object")}}.Encode()
	}
	v.Data = struct {
		Records []auditRecord
		Object  string
		Next    string
		Paged   bool
	}{out.Records, q.Get("object"), next, q.Get("page") != ""}
	c.render(w, r, http.StatusOK, "audit", v)
}
