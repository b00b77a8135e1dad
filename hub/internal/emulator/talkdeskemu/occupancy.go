package talkdeskemu

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// interaction is work that occupies a user: Talkdesk's own call, or one an external system added
// through the occupancy API (e.g. "busy_elsewhere" on a "custom_busy" channel, cost 100).
type interaction struct {
	ID          string `json:"id"`
	ChannelName string `json:"channel_name"`
	DeviceID    string `json:"device_id,omitempty"`
	Cost        int    `json:"cost"`
}

// patchOp is one JSON-Patch operation of the occupancy API.
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// patchOccupancyRoute serves PATCH /users/{id}/presence/occupancy (scope presence-occupancy:write): a
// JSON-Patch array whose "add" to "interactions/-" appends interactions (value: one or an array) and
// whose "remove" of "/interactions/{i}" drops one, i indexing the presence's interactions (a call
// of the user's own cannot be removed). All operations apply or none. The user's occupancy is the sum
// of the costs, at most 100. Unconfirmed, the emulator's choices: the method (PATCH), the answer (200
// with the presence), 415 for a body that is not application/json-patch+json or application/json, 400
// naming the field at fault for a malformed operation, 422 for one that cannot apply.
func (e *Emulator) patchOccupancyRoute(w http.ResponseWriter, r *http.Request, seg []string) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json-patch+json" && mt != "application/json" {
		apiError(w, http.StatusUnsupportedMediaType, "1000415", "Unsupported Media Type", "the body must be application/json-patch+json")
		return
	}
	var ops []patchOp
	if err := json.NewDecoder(r.Body).Decode(&ops); err != nil || len(ops) == 0 {
		apiError(w, http.StatusBadRequest, "1000400", "Bad Request", "the body must be a non-empty JSON-Patch array")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[seg[1]]
	if u == nil {
		userNotFound(w, seg[1])
		return
	}
	list := e.interactions(u)
	for i, op := range ops {
		var status int
		var err error
		list, status, err = applyOp(list, op, u.call)
		if err != nil {
			field := fieldError{Name: fmt.Sprintf("[%d].%s", i, fieldOf(err)), Description: err.Error()}
			if status == http.StatusBadRequest {
				apiError(w, status, "1000400", "Bad Request", "invalid patch operation", field)
			} else {
				apiError(w, status, "1000422", "Unprocessable Entity", err.Error(), field)
			}
			return
		}
	}
	u.external = slices.DeleteFunc(list, func(it interaction) bool { return it.ID == u.call && u.call != "" })
	u.updatedBy, u.updatedAt = "client:"+e.opts.ClientID, now()
	writeJSON(w, http.StatusOK, e.presence(u, baseURL(r)))
}

// opError is an operation's problem and the field it is in.
type opError struct{ field, msg string }

func (o opError) Error() string { return o.msg }

func fieldOf(err error) string {
	if o, ok := err.(opError); ok {
		return o.field
	}
	return "value"
}

// applyOp applies one operation to the interactions list (index 0 is the user's call callID, when
// any).
func applyOp(list []interaction, op patchOp, callID string) ([]interaction, int, error) {
	path := strings.TrimPrefix(op.Path, "/")
	switch op.Op {
	case "add":
		if path != "interactions/-" {
			return nil, http.StatusBadRequest, opError{"path", `add takes path "interactions/-"`}
		}
		var many []interaction
		if err := json.Unmarshal(op.Value, &many); err != nil {
			var one interaction
			if err := json.Unmarshal(op.Value, &one); err != nil {
				return nil, http.StatusBadRequest, opError{"value", "value must be an interaction or an array of them"}
			}
			many = []interaction{one}
		}
		for _, it := range many {
			switch {
			case it.ID == "" || it.ChannelName == "":
				return nil, http.StatusBadRequest, opError{"value", "an interaction needs id and channel_name"}
			case it.Cost < 0 || it.Cost > 100:
				return nil, http.StatusBadRequest, opError{"value", "cost must be from 0 to 100"}
			case slices.ContainsFunc(list, func(x interaction) bool { return x.ID == it.ID }):
				return nil, http.StatusUnprocessableEntity, opError{"value", "interaction " + it.ID + " is already there"}
			}
			list = append(list, it)
		}
		return list, 0, nil
	case "remove":
		n, ok := strings.CutPrefix(path, "interactions/")
		i, err := strconv.Atoi(n)
		if !ok || err != nil {
			return nil, http.StatusBadRequest, opError{"path", `remove takes path "/interactions/{index}"`}
		}
		if i < 0 || i >= len(list) {
			return nil, http.StatusUnprocessableEntity, opError{"path", fmt.Sprintf("there is no interaction %d", i)}
		}
		if callID != "" && list[i].ID == callID {
			return nil, http.StatusUnprocessableEntity, opError{"path", "a Talkdesk call cannot be removed"}
		}
		return slices.Delete(slices.Clone(list), i, i+1), 0, nil
	}
	return nil, http.StatusBadRequest, opError{"op", "op must be add or remove"}
}

// interactions are the user's call (when any), then the external ones; mu must be held.
func (e *Emulator) interactions(u *user) []interaction {
	var out []interaction
	if u.call != "" {
		out = append(out, interaction{ID: u.call, ChannelName: "voice", DeviceID: "dev-" + u.id, Cost: 100})
	}
	return append(out, u.external...)
}
