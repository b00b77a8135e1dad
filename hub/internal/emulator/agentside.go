package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// AgentSidePrefix is where every emulator serves the agent's side: what the agent does in the
// vendor's own apps (take a call, wrap up, refuse, pick a status, log out), for tests, demos and an
// admin driving `presence-hub emulate`. It is unauthenticated and outside the vendor's API (no
// outage, rate limit or call record applies): emulators are loopback test and demo tools, and the
// vendor's credentials neither grant nor are needed for it.
//
//	GET  /_emulator/agents/{external_id}           the agent's state, the states and verbs it accepts
//	POST /_emulator/agents/{external_id}/state     {"state": "..."}: any state Change accepts
//	POST /_emulator/agents/{external_id}/{verb}    call, call:end, wrap-up, refuse, offline, online
//
// Each change is the emulator's Change (or the vendor's own act, such as CXone ending a contact), so
// it fires the webhooks the vendor fires for an agent's own change, or shows in the next poll.
const AgentSidePrefix = "/_emulator/agents/"

// The agent-side verbs, the same on every emulator.
const (
	VerbCall    = "call"
	VerbCallEnd = "call:end"
	VerbWrapUp  = "wrap-up"
	VerbRefuse  = "refuse"
	VerbOffline = "offline"
	VerbOnline  = "online"
)

// Verbs lists the agent-side verbs in a stable order.
var Verbs = []string{VerbCall, VerbCallEnd, VerbWrapUp, VerbRefuse, VerbOffline, VerbOnline}

// maxAgentSideBody bounds a request body.
const maxAgentSideBody = 4 << 10

// Verb is how a vendor does one agent-side verb: Change to State, or Do when set.
type Verb struct {
	State string
	Do    func(externalID string) error
}

// AgentSide is what an emulator tells the control surface: the states Change accepts (custom and
// unmapped ones included) and its verbs; a verb it lacks answers 409 naming the states it has.
type AgentSide struct {
	States []string
	Verbs  map[string]Verb
}

// AgentSider is an emulator with an agent's side.
type AgentSider interface {
	Change(externalID, state string) error
	State(externalID string) (string, error)
	AgentSide() AgentSide
}

// WithAgentSide serves AgentSidePrefix from em's agent's side and everything else from api.
func WithAgentSide(em AgentSider, api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, AgentSidePrefix)
		if !ok {
			api.ServeHTTP(w, r)
			return
		}
		serveAgentSide(em, w, r, rest)
	})
}

func serveAgentSide(em AgentSider, w http.ResponseWriter, r *http.Request, rest string) {
	id, action, _ := strings.Cut(rest, "/")
	if id == "" || strings.Contains(action, "/") {
		agentSideError(w, http.StatusNotFound, "no such agent-side resource: want "+AgentSidePrefix+"{external_id}[/state|/<verb>]")
		return
	}
	if _, err := em.State(id); err != nil {
		agentSideError(w, http.StatusNotFound, fmt.Sprintf("no agent %q", id))
		return
	}
	switch {
	case action == "" && r.Method == http.MethodGet:
		writeAgent(em, w, id)
		return
	case action == "":
		w.Header().Set("Allow", http.MethodGet)
		agentSideError(w, http.StatusMethodNotAllowed, "GET the agent; POST to /state or a verb")
		return
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		agentSideError(w, http.StatusMethodNotAllowed, "POST to change the agent's state")
		return
	}
	side := em.AgentSide()
	var err error
	if action == "state" {
		state, status, msg := readState(w, r, side)
		if status != 0 {
			agentSideError(w, status, msg)
			return
		}
		err = em.Change(id, state)
	} else {
		v, known := side.Verbs[action]
		switch {
		case !slices.Contains(Verbs, action):
			agentSideError(w, http.StatusNotFound, fmt.Sprintf("no verb %q: want state or one of %s", action, strings.Join(Verbs, ", ")))
			return
		case !known:
			agentSideError(w, http.StatusConflict, fmt.Sprintf("this vendor has no %q: its states are %s (POST /state)", action, strings.Join(side.States, ", ")))
			return
		case v.Do != nil:
			err = v.Do(id)
		default:
			err = em.Change(id, v.State)
		}
	}
	if err != nil {
		agentSideError(w, http.StatusConflict, err.Error())
		return
	}
	writeAgent(em, w, id)
}

// readState decodes {"state": "..."}: a status and message when it is refused.
func readState(w http.ResponseWriter, r *http.Request, side AgentSide) (string, int, string) {
	if r.ContentLength > maxAgentSideBody {
		return "", http.StatusRequestEntityTooLarge, fmt.Sprintf("body: over %d bytes", maxAgentSideBody)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAgentSideBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return "", http.StatusRequestEntityTooLarge, fmt.Sprintf("body: over %d bytes", maxAgentSideBody)
	}
	if err != nil {
		return "", http.StatusBadRequest, "body: " + err.Error()
	}
	var in struct {
		State *string `json:"state"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return "", http.StatusBadRequest, "body: want {\"state\": \"...\"}: " + err.Error()
	}
	if in.State == nil || *in.State == "" {
		return "", http.StatusBadRequest, "state: required"
	}
	if !slices.Contains(side.States, *in.State) {
		return "", http.StatusBadRequest, fmt.Sprintf("state: %q is not one of %s", *in.State, strings.Join(side.States, ", "))
	}
	return *in.State, 0, ""
}

func writeAgent(em AgentSider, w http.ResponseWriter, id string) {
	state, err := em.State(id)
	if err != nil {
		agentSideError(w, http.StatusNotFound, fmt.Sprintf("no agent %q", id))
		return
	}
	side := em.AgentSide()
	verbs := make([]string, 0, len(side.Verbs))
	for _, v := range Verbs {
		if _, ok := side.Verbs[v]; ok {
			verbs = append(verbs, v)
		}
	}
	writeAgentSideJSON(w, http.StatusOK, map[string]any{"external_id": id, "state": state, "states": side.States, "verbs": verbs})
}

func agentSideError(w http.ResponseWriter, status int, msg string) {
	writeAgentSideJSON(w, status, map[string]string{"error": msg})
}

func writeAgentSideJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// AgentSideExample is a curl command that puts agent externalID into state through the agent's
// side of the emulator at baseURL.
func AgentSideExample(baseURL, externalID, state string) string {
	return fmt.Sprintf(`curl -X POST %s%s%s/state -d '{"state":%q}'`, strings.TrimSuffix(baseURL, "/"), AgentSidePrefix, externalID, state)
}
