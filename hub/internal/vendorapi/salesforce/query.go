package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// page is one batch of a SOQL answer.
type page struct {
	TotalSize      int               `json:"totalSize"`
	Done           bool              `json:"done"`
	NextRecordsURL string            `json:"nextRecordsUrl"`
	Records        []json.RawMessage `json:"records"`
}

// queryPage runs soql (or, when next is set, fetches that nextRecordsUrl) and returns one batch.
func (a *Adapter) queryPage(ctx context.Context, soql, next string) (*page, error) {
	path := next
	if path == "" {
		path = a.dataPath("/query?q=" + url.QueryEscape(soql))
	}
	var p page
	if err := a.do(ctx, http.MethodGet, path, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// queryAll runs soql and decodes every record of every batch as a T.
func queryAll[T any](ctx context.Context, a *Adapter, soql string) ([]T, error) {
	var all []T
	next := ""
	for {
		p, err := a.queryPage(ctx, soql, next)
		if err != nil {
			return nil, err
		}
		for _, raw := range p.Records {
			var rec T
			if err := json.Unmarshal(raw, &rec); err != nil {
				return nil, fmt.Errorf("decoding a record: %w", err)
			}
			all = append(all, rec)
		}
		if p.Done || p.NextRecordsURL == "" {
			return all, nil
		}
		next = p.NextRecordsURL
	}
}

// quote is a SOQL string literal.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// sfTime is a Salesforce datetime as the REST API renders it ("2024-05-01T10:00:00.000+0000").
type sfTime struct{ time.Time }

func (t *sfTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil || s == "" {
		return nil // null
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("unreadable datetime %q", s)
}

// literal is t as a SOQL datetime literal, to the second (the documented literal formats have no
// fraction).
func literal(t time.Time) string { return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z") }

// validID reports whether s has the shape of a record id (15 or 18 letters and digits). SOQL refuses
// other values in id filters, so a malformed id is an unknown user without asking.
func validID(s string) bool {
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
