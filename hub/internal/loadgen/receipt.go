package loadgen

import "encoding/json"

// receipt is what the load generator reads of a hub message: enough to count and time deliveries
// and to tally the answers to its requests. It is decoded with encoding/json into these few fields,
// skipping the rest, as the Centrifugo adapter decodes its publications (centReply, centChange), so
// the loader's own CPU per message, which shares the machine with the server it measures, is alike
// for both servers. (protojson decoded the whole message by reflection: several times the cost.)
type receipt struct {
	Event *receiptEvent `json:"event"`
	Batch *struct {
		Events []receiptEvent `json:"events"`
	} `json:"batch"`
	TeamSnapshot *struct{} `json:"teamSnapshot"`
	Ack          *struct {
		Outcome string `json:"outcome"`
	} `json:"ack"`
	Error *struct {
		Code string `json:"code"`
	} `json:"error"`
}

// receiptEvent is one presence event: whose, and whether it came to a team's watcher.
type receiptEvent struct {
	TeamID   string `json:"teamId"`
	Presence struct {
		AgentID string `json:"agentId"`
	} `json:"presence"`
}

// readReceipt decodes data, false when it is not a hub message.
func readReceipt(data []byte, r *receipt) bool {
	return json.Unmarshal(data, r) == nil
}

// events lists the presence events r carries, one or a batch's.
func (r *receipt) events() []receiptEvent {
	var out []receiptEvent
	if r.Batch != nil {
		out = r.Batch.Events
	}
	if r.Event != nil {
		out = append(out, *r.Event)
	}
	return out
}
