package stream

import (
	"strconv"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// The two messages every status change sends, the presence event (to each watcher) and the ack (to
// the device that asked), and the snapshot every stream starts with (wire_snapshot.go), are encoded
// here rather than through protojson, whose reflection cost more CPU per change than the rest of the
// fan-out. The output is the proto3 JSON mapping protojson produces (lowerCamelCase names, unset
// fields left out, int64 as a string, RFC 3339 timestamps), and wire_test.go checks that protojson
// reads every field back. Anything these encoders do not cover (a string that is not UTF-8, a
// timestamp out of range) goes through protojson instead.

// encodeServerMessage encodes m as protojson text.
func encodeServerMessage(m *phv1.ServerMessage) ([]byte, error) {
	switch k := m.GetKind().(type) {
	case *phv1.ServerMessage_Ack:
		if b, ok := appendAck(append(make([]byte, 0, 128), `{"ack":`...), k.Ack); ok {
			return append(b, '}'), nil
		}
	case *phv1.ServerMessage_Event:
		return encodeEvent(k.Event)
	case *phv1.ServerMessage_Snapshot:
		if b, ok := appendSnapshot(append(make([]byte, 0, 512), `{"snapshot":`...), k.Snapshot); ok {
			return append(b, '}'), nil
		}
	}
	return protojson.Marshal(m)
}

// encodeEvent encodes a ServerMessage carrying ev, {"event":{...}}, with nothing between the prefix
// and the event, so eventBody can slice the event out of it again for a batch.
func encodeEvent(ev *phv1.PresenceEvent) ([]byte, error) {
	return appendEventMessage(make([]byte, 0, 384), ev)
}

// appendEventMessage appends what encodeEvent returns to b.
func appendEventMessage(b []byte, ev *phv1.PresenceEvent) ([]byte, error) {
	start := len(b)
	b = append(b, `{"event":`...)
	if b, ok := appendEvent(b, ev); ok {
		return append(b, '}'), nil
	}
	body, err := protojson.Marshal(ev)
	if err != nil {
		return nil, err
	}
	return append(append(b[:start+eventPrefix], body...), '}'), nil
}

const eventPrefix = len(`{"event":`)

func eventBody(msg []byte) []byte { return msg[eventPrefix : len(msg)-1] }

func appendEvent(b []byte, ev *phv1.PresenceEvent) ([]byte, bool) {
	o := object{b: append(b, '{'), ok: true}
	if p := ev.GetPresence(); p != nil {
		o.key("presence")
		o.presence(p)
	}
	o.str("teamId", ev.GetTeamId())
	o.str("blockedReason", ev.GetBlockedReason())
	return append(o.b, '}'), o.ok
}

func appendAck(b []byte, a *phv1.Ack) ([]byte, bool) {
	o := object{b: append(b, '{'), ok: true}
	o.str("requestId", a.GetRequestId())
	o.int64("version", a.GetVersion())
	o.str("outcome", a.GetOutcome())
	o.str("reason", a.GetReason())
	return append(o.b, '}'), o.ok
}

// object appends one JSON object's members; ok turns false on anything it cannot encode.
type object struct {
	b    []byte
	more bool
	ok   bool
}

func (o *object) key(name string) {
	if o.more {
		o.b = append(o.b, ',')
	}
	o.more = true
	o.b = append(append(append(o.b, '"'), name...), `":`...)
}

func (o *object) str(name, v string) {
	if v == "" {
		return
	}
	o.key(name)
	var ok bool
	o.b, ok = appendString(o.b, v)
	o.ok = o.ok && ok
}

func (o *object) int64(name string, v int64) {
	if v == 0 {
		return
	}
	o.key(name)
	o.b = append(strconv.AppendInt(append(o.b, '"'), v, 10), '"')
}

func (o *object) time(name string, t *timestamppb.Timestamp) {
	if t == nil {
		return
	}
	o.key(name)
	var ok bool
	o.b, ok = appendTimestamp(o.b, t.GetSeconds(), t.GetNanos())
	o.ok = o.ok && ok
}

func (o *object) presence(p *phv1.Presence) {
	in := object{b: append(o.b, '{'), ok: o.ok}
	in.str("agentId", p.GetAgentId())
	in.str("status", p.GetStatus())
	in.int64("version", p.GetVersion())
	in.str("source", p.GetSource())
	in.str("sourceId", p.GetSourceId())
	in.str("reason", p.GetReason())
	in.str("previousStatus", p.GetPreviousStatus())
	in.time("updateTime", p.GetUpdateTime())
	in.str("queuedStatus", p.GetQueuedStatus())
	in.str("kind", p.GetKind())
	o.b, o.ok = append(in.b, '}'), in.ok
}

// appendTimestamp writes protojson's Timestamp form: UTC, "Z", and 0, 3, 6 or 9 fraction digits.
func appendTimestamp(b []byte, secs int64, nanos int32) ([]byte, bool) {
	const minSecs, maxSecs = -62135596800, 253402300799 // 0001-01-01 and 9999-12-31T23:59:59
	if secs < minSecs || secs > maxSecs || nanos < 0 || nanos >= 1e9 {
		return b, false
	}
	b = time.Unix(secs, 0).UTC().AppendFormat(append(b, '"'), "2006-01-02T15:04:05")
	if nanos != 0 {
		digits := 9
		switch {
		case nanos%1e6 == 0:
			nanos, digits = nanos/1e6, 3
		case nanos%1e3 == 0:
			nanos, digits = nanos/1e3, 6
		}
		var tmp [9]byte
		frac := strconv.AppendInt(tmp[:0], int64(nanos), 10)
		b = append(b, '.')
		for range digits - len(frac) {
			b = append(b, '0')
		}
		b = append(b, frac...)
	}
	return append(b, `Z"`...), true
}

// appendString writes s as a JSON string. protojson refuses strings that are not UTF-8, so this
// reports them as not encodable.
func appendString(b []byte, s string) ([]byte, bool) {
	if !utf8.ValidString(s) {
		return b, false
	}
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	return append(append(b, s[start:]...), '"'), true
}
