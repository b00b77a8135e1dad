package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// agentURL is the console page of agent id.
func agentURL(id string) string { return "/console/agents/" + url.PathEscape(id) }

// refused shows the agent's page again with the API's refusal (400 becomes 422: the form is shown
// again with the problem).
func (c *Console) refused(w http.ResponseWriter, r *http.Request, s session, err error, what string, d agentData) {
	code, msg := http.StatusBadGateway, err.Error()
	var ae *apiError
	if errors.As(err, &ae) {
		code, msg = ae.Status, ae.Message
		if code == http.StatusBadRequest {
			code = http.StatusUnprocessableEntity
		}
		d.Fields = ae.Fields
	}
	c.renderAgent(w, r, s, code, d, "", "The hub refused to "+what+": "+msg)
}

// override sets the agent's status as an admin, with a reason (SetPresence).
func (c *Console) override(w http.ResponseWriter, r *http.Request, s session) {
	id := r.PathValue("id")
	body := map[string]string{"status": r.PostFormValue("status"), "reason": strings.TrimSpace(r.PostFormValue("reason"))}
	if err := c.api.do(r.Context(), s.key, http.MethodPut, tenantPath(s, "/agents/"+url.PathEscape(id)+"/presence"), body, nil); err != nil {
		c.refused(w, r, s, err, "set the status", agentData{})
		return
	}
	done(w, r, agentURL(id), "override")
}

// identityAction pins, unpins or removes one linked identity (UpdateAgent with the new list).
func (c *Console) identityAction(w http.ResponseWriter, r *http.Request, s session) {
	id, conn, action := r.PathValue("id"), r.PostFormValue("connection"), r.PostFormValue("action")
	path := tenantPath(s, "/agents/"+url.PathEscape(id))
	var a struct {
		Agent agent `json:"agent"`
	}
	if err := c.api.do(r.Context(), s.key, http.MethodGet, path, nil, &a); err != nil {
		c.refused(w, r, s, err, "read the agent", agentData{})
		return
	}
	next := []identity{}
	found := false
	for _, ident := range a.Agent.Identities {
		if ident.ConnectionID == conn {
			found = true
			switch action {
			case "pin", "unpin":
				ident.Pinned = action == "pin"
			case "unlink":
				continue
			}
		}
		ident.LinkTime = nil
		next = append(next, ident)
	}
	if !found || (action != "pin" && action != "unpin" && action != "unlink") {
		http.Error(w, "no such link or action", http.StatusBadRequest)
		return
	}
	if err := c.api.do(r.Context(), s.key, http.MethodPatch, path, map[string]any{"identities": next}, nil); err != nil {
		c.refused(w, r, s, err, "change the link", agentData{})
		return
	}
	done(w, r, agentURL(id), pastOf(action))
}

// pastOf names the notice of an identity action.
func pastOf(action string) string {
	return map[string]string{"pin": "pinned", "unpin": "unpinned", "unlink": "unlinked"}[action]
}

// issuePairingCode issues a code the agent types into a tray; it is shown this once.
func (c *Console) issuePairingCode(w http.ResponseWriter, r *http.Request, s session) {
	id := r.PathValue("id")
	ttl, _ := strconv.Atoi(r.PostFormValue("ttl_minutes"))
	body := map[string]any{"ttl_seconds": ttl * 60, "supervisor": r.PostFormValue("supervisor") == "on"}
	var out struct {
		Code pairingCode `json:"pairing_code"`
	}
	if err := c.api.do(r.Context(), s.key, http.MethodPost, tenantPath(s, "/agents/"+url.PathEscape(id)+"/pairing-codes"), body, &out); err != nil {
		c.refused(w, r, s, err, "issue a pairing code", agentData{})
		return
	}
	c.renderAgent(w, r, s, http.StatusOK, agentData{Code: &out.Code}, "Pairing code issued: hand it to the agent now, it is not shown again.", "")
}

// revokeDevice signs one of the agent's trays out.
func (c *Console) revokeDevice(w http.ResponseWriter, r *http.Request, s session) {
	id, dev := r.PathValue("id"), r.PathValue("device")
	if err := c.api.do(r.Context(), s.key, http.MethodDelete, tenantPath(s, "/agents/"+url.PathEscape(id)+"/devices/"+url.PathEscape(dev)), nil, nil); err != nil {
		c.refused(w, r, s, err, "sign the device out", agentData{})
		return
	}
	done(w, r, agentURL(id), "revoked")
}
