package console

import (
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// sheetLimit bounds the codes one sheet issues.
const sheetLimit = 1000

// sheetRow is one agent's line on a team's pairing sheet.
type sheetRow struct {
	Agent agent
	Code  pairingCode
	Error string
}

// teamPairingCodes issues a pairing code to every agent of a team (one CreatePairingCode each) and
// returns them as a printable sheet or, with format=csv, as a CSV download.
func (c *Console) teamPairingCodes(w http.ResponseWriter, r *http.Request, s session) {
	tm, err := c.getTeam(r, s, r.PathValue("id"))
	if err != nil {
		http.Error(w, "no such team in this tenant", http.StatusNotFound)
		return
	}
	agents, more, err := c.teamAgents(r, s, tm.ID, sheetLimit)
	if err != nil {
		http.Error(w, "could not read the team's agents: "+err.Error(), http.StatusBadGateway)
		return
	}
	ttl := 86400 // a printed sheet travels: the longest the API allows
	if h, err := strconv.Atoi(r.PostFormValue("ttl_hours")); err == nil && h > 0 {
		ttl = h * 3600
	}
	rows := make([]sheetRow, 0, len(agents))
	for _, a := range agents {
		var out struct {
			Code pairingCode `json:"pairing_code"`
		}
		row := sheetRow{Agent: a}
		if err := c.api.do(r.Context(), s.key, http.MethodPost, tenantPath(s, "/agents/"+url.PathEscape(a.ID)+"/pairing-codes"), map[string]any{"ttl_seconds": ttl}, &out); err != nil {
			if ae := (*apiError)(nil); errors.As(err, &ae) && ae.Status == http.StatusForbidden {
				http.Error(w, "refused: "+ae.Message, http.StatusForbidden)
				return
			}
			row.Error = err.Error()
		}
		row.Code = out.Code
		rows = append(rows, row)
	}
	if r.PostFormValue("format") == "csv" {
		writeSheetCSV(w, tm, rows)
		return
	}
	v := c.baseView(r, s, "Pairing codes · "+tm.Name, "teams")
	v.Notice = "Codes issued: print this page now, it is not shown again."
	if more {
		v.Error = "The team has more than " + strconv.Itoa(sheetLimit) + " agents: only the first got codes."
	}
	v.Data = struct {
		Team team
		Rows []sheetRow
	}{tm, rows}
	c.render(w, r, http.StatusOK, "sheet", v)
}

// writeSheetCSV sends the codes as a CSV attachment.
func writeSheetCSV(w http.ResponseWriter, tm team, rows []sheetRow) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="pairing-codes-`+url.PathEscape(tm.Name)+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"email", "display_name", "pairing_code", "expires", "error"})
	for _, r := range rows {
		exp := ""
		if r.Code.ExpireTime != nil {
			exp = r.Code.ExpireTime.UTC().Format(time.RFC3339)
		}
		_ = cw.Write([]string{csvSafe(r.Agent.Email), csvSafe(r.Agent.DisplayName), r.Code.Code, exp, csvSafe(r.Error)})
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
