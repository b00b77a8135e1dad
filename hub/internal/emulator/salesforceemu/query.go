package salesforceemu

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Query batch sizes: Salesforce's default and bounds for "Sforce-Query-Options: batchSize=N".
const (
	defaultBatch = 2000
	minBatch     = 200
	maxBatch     = 2000
	// maxCursors bounds the open query locators kept in memory.
	maxCursors = 1000
)

// query serves GET /query?q=SELECT...: the first batch, and a nextRecordsUrl while more remain.
func (e *Emulator) query(w http.ResponseWriter, r *http.Request, base string) {
	q := r.URL.Query().Get("q")
	if strings.TrimSpace(q) == "" {
		writeErrors(w, http.StatusBadRequest, "MALFORMED_QUERY", "A query string has to be specified")
		return
	}
	parsed, err := parseSOQL(q)
	if err != nil {
		queryError(w, err)
		return
	}
	e.mu.Lock()
	s, rows, ok := e.tableLocked(parsed.object)
	e.mu.Unlock()
	if !ok {
		writeErrors(w, http.StatusBadRequest, "INVALID_TYPE", fmt.Sprintf("sObject type '%s' is not supported.", parsed.object))
		return
	}
	records, err := run(parsed, s, rows, base)
	if err != nil {
		queryError(w, err)
		return
	}
	e.answerBatch(w, base, "01g"+randomHex(16), records, 0, len(records), batchSize(r))
}

// queryMore serves GET /query/{locator}-{offset}, the nextRecordsUrl of an earlier answer.
func (e *Emulator) queryMore(w http.ResponseWriter, base, ref string) {
	i := strings.LastIndex(ref, "-")
	offset, err := strconv.Atoi(ref[i+1:])
	if i < 0 || err != nil {
		writeErrors(w, http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return
	}
	locator := ref[:i]
	e.mu.Lock()
	c, ok := e.cursors[locator]
	e.mu.Unlock()
	if !ok || offset < 0 || offset > len(c.records) {
		writeErrors(w, http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return
	}
	e.answerBatch(w, base, locator, c.records, offset, len(c.records), c.batch)
}

// cursor is an open query locator: the query's records and the batch size it was opened with.
type cursor struct {
	records []map[string]any
	batch   int
}

// answerBatch writes records[offset:offset+batch] and keeps the locator while more remain.
func (e *Emulator) answerBatch(w http.ResponseWriter, base, locator string, records []map[string]any, offset, total, batch int) {
	end := min(offset+batch, total)
	out := map[string]any{"totalSize": total, "done": end >= total, "records": records[offset:end]}
	e.mu.Lock()
	if end < total {
		if len(e.cursors) >= maxCursors {
			clear(e.cursors)
		}
		e.cursors[locator] = &cursor{records: records, batch: batch}
		out["nextRecordsUrl"] = fmt.Sprintf("%s/query/%s-%d", base, locator, end)
	} else {
		delete(e.cursors, locator)
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// batchSize reads "Sforce-Query-Options: batchSize=N", clamped to 200..2000 (default 2000).
func batchSize(r *http.Request) int {
	for _, opt := range strings.Split(r.Header.Get("Sforce-Query-Options"), ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(opt), "batchSize="); ok {
			if n, err := strconv.Atoi(v); err == nil {
				return min(max(n, minBatch), maxBatch)
			}
		}
	}
	return defaultBatch
}

func queryError(w http.ResponseWriter, err error) {
	var se *soqlError
	if errors.As(err, &se) {
		writeErrors(w, http.StatusBadRequest, se.code, se.msg)
		return
	}
	writeErrors(w, http.StatusBadRequest, "MALFORMED_QUERY", err.Error())
}
