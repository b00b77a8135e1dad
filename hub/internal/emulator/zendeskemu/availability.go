package zendeskemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reasons a unified status changed.
const (
	reasonPublicAPI = "PUBLIC_API"
	reasonSwitcher  = "AGENT_STATUS_SWITCHER"
)

// talkStates are the Talk agent_states.
var talkStates = []string{"online", "offline", "away", "transfers_only"}

// State is a user's current state in the adapter's vocabulary.
func (e *Emulator) State(externalID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.agent(externalID)
	if u == nil {
		return "", fmt.Errorf("zendesk emulator: no agent %q", externalID)
	}
	if e.opts.TalkOnly {
		return u.talk, nil
	}
	return e.statusByID(u.status).vocab(), nil
}

// Change sets a user's state as the agent would with the status switcher (reason
// AGENT_STATUS_SWITCHER), or in Talk for a TalkOnly account, and fires the webhooks.
func (e *Emulator) Change(externalID, state string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.agent(externalID)
	if u == nil {
		return fmt.Errorf("zendesk emulator: no agent %q", externalID)
	}
	if e.opts.TalkOnly {
		if !slices.Contains(talkStates, state) {
			return fmt.Errorf("zendesk emulator: no Talk agent_state %q", state)
		}
		e.setTalk(u, state)
		return nil
	}
	s := e.statusByVocab(state)
	if s == nil {
		return fmt.Errorf("zendesk emulator: no unified status %q", state)
	}
	e.setStatus(u, s, reasonSwitcher)
	return nil
}

// Restore puts a user back on an earlier unified status as it was at at, firing no webhook: what an
// account shows after it lost a change (a failover to a replica that missed it). Drift repair's tests
// use it; the status's updated_at says at.
func (e *Emulator) Restore(externalID, state string, at time.Time) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, s := e.agent(externalID), e.statusByVocab(state)
	if u == nil || s == nil {
		return fmt.Errorf("zendesk emulator: no agent %q or no unified status %q", externalID, state)
	}
	at = at.UTC()
	u.status, u.reason, u.statusAt = s.id, reasonSwitcher, at
	u.talk, u.talkAt = s.channels["talk"], at
	u.version++
	return nil
}

// setStatus changes an agent's unified status and fires agent.unified_state_changed, then
// agent.state_changed for each channel whose state follows; e.mu must be held.
func (e *Emulator) setStatus(u *user, s *status, reason string) {
	if u.status == s.id {
		return
	}
	prev := e.statusByID(u.status)
	prevReason := u.reason
	now := time.Now().UTC()
	u.status, u.reason, u.statusAt = s.id, reason, now
	u.version++
	e.emit(unifiedEvent(u, prev, prevReason, s, now))
	for _, ch := range channelNames {
		if prev.channels[ch] != s.channels[ch] {
			e.emit(stateEvent(u, ch, prev.channels[ch], s.channels[ch], now))
		}
	}
	u.talk, u.talkAt = s.channels["talk"], now
}

// setTalk changes a TalkOnly agent's Talk state and fires agent.state_changed; e.mu must be held.
func (e *Emulator) setTalk(u *user, state string) {
	if u.talk == state {
		return
	}
	now := time.Now().UTC()
	prev := u.talk
	u.talk, u.talkAt = state, now
	u.version++
	e.emit(stateEvent(u, "talk", prev, state, now))
}

// getAvailability answers the JSON:API agent availability; agent_status only with omnichannel routing.
func (e *Emulator) getAvailability(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.agent(r.PathValue("agent"))
	if u == nil {
		notFound(w)
		return
	}
	data, included := e.availabilityLocked(u, baseURL(r))
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "included": included})
}

// availabilityLocked renders an agent's availability resource and its included channels; e.mu must
// be held.
func (e *Emulator) availabilityLocked(u *user, base string) (data map[string]any, included []any) {
	id := strconv.FormatInt(u.id, 10)
	resID := "agent_availabilities|" + id
	rels := []any{}
	for _, ch := range channelNames {
		st, ok := e.channelsLocked(u)[ch]
		if !ok {
			continue
		}
		chID := resID + "|channels|" + ch
		rels = append(rels, map[string]string{"id": chID, "type": "channels"})
		included = append(included, map[string]any{"id": chID, "type": "channels",
			"attributes": map[string]any{"name": ch, "status": st, "updated_at": u.talkAt.Format(statusTime)}})
	}
	attrs := map[string]any{"agent_id": u.id, "group_ids": []int64{}, "skills": []any{}, "version": u.version}
	if !e.opts.TalkOnly {
		s := e.statusByID(u.status)
		attrs["agent_status"] = map[string]any{"id": s.id, "name": s.name, "reason": u.reason,
			"updated_at": u.statusAt.Format(statusTime)}
	}
	return map[string]any{
		"type": "agent_availabilities", "id": resID, "attributes": attrs,
		"links":         map[string]string{"self": base + "/api/v2/agent_availabilities/" + id},
		"relationships": map[string]any{"channels": map[string]any{"data": rels}},
	}, included
}

// channelsLocked are an agent's per-channel states; e.mu must be held.
func (e *Emulator) channelsLocked(u *user) map[string]string {
	if e.opts.TalkOnly {
		return map[string]string{"talk": u.talk}
	}
	return e.statusByID(u.status).channels
}

// putUnifiedStatus sets an agent's unified status from {"id":N} or the JSON:API form
// {"data":{"type":"agent_status","attributes":{"agent_status_id":"N"}}}; reason PUBLIC_API.
func (e *Emulator) putUnifiedStatus(w http.ResponseWriter, r *http.Request) {
	if e.refuseWithoutRouting(w) {
		return
	}
	statusID, err := readStatusID(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidParameter", err.Error())
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.agent(r.PathValue("agent"))
	if u == nil {
		notFound(w)
		return
	}
	s := e.statusByID(statusID)
	if s == nil {
		writeError(w, http.StatusUnprocessableEntity, "RecordInvalid", fmt.Sprintf("Agent status %d does not exist", statusID))
		return
	}
	e.setStatus(u, s, reasonPublicAPI)
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"type": "agent_availabilities", "id": "agent_availabilities|" + strconv.FormatInt(u.id, 10),
		"attributes": map[string]any{"agent_id": u.id, "agent_status": map[string]any{"id": s.id, "name": s.name}},
	}})
}

func readStatusID(r *http.Request) (int64, error) {
	var body struct {
		ID   json.RawMessage `json:"id"`
		Data *struct {
			Type       string `json:"type"`
			Attributes struct {
				AgentStatusID json.RawMessage `json:"agent_status_id"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return 0, fmt.Errorf("body is not JSON: %v", err)
	}
	raw := body.ID
	if raw == nil && body.Data != nil {
		raw = body.Data.Attributes.AgentStatusID
	}
	if raw == nil {
		return 0, fmt.Errorf(`body needs "id" or "data.attributes.agent_status_id"`)
	}
	id, err := strconv.ParseInt(strings.Trim(string(raw), `"`), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("status id %s is not an integer", raw)
	}
	return id, nil
}
