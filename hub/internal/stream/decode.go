package stream

import (
	"strconv"

	"google.golang.org/protobuf/encoding/protojson"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// decodeClientMessage decodes a client's request as protojson does. The requests devices and
// consoles send (one kind, short ASCII strings without escapes, a plain integer) are read by a small
// scanner here: protojson's reflection took about as long per change as the engine. Anything the
// scanner does not know for certain (an escape, a byte outside printable ASCII, an unknown or
// repeated field, null, a number in another form) goes to protojson, which accepts or refuses it
// with its own message; FuzzDecodeClientMessage holds the two to the same results.
func decodeClientMessage(data []byte, m *phv1.ClientMessage) error {
	if scanClientMessage(data, m) {
		return nil
	}
	m.Reset()
	return protojson.Unmarshal(data, m)
}

// scanClientMessage reads {"setStatus":{...}} or {"subscribeTeam":{...}} (proto field names too),
// reporting false for anything else.
func scanClientMessage(data []byte, m *phv1.ClientMessage) bool {
	s := scanner{b: data}
	if !s.byte('{') {
		return false
	}
	kind, ok := s.key()
	if !ok || !s.byte('{') {
		return false
	}
	switch string(kind) {
	case "setStatus", "set_status":
		req := &phv1.SetStatus{}
		if !s.setStatus(req) {
			return false
		}
		m.Kind = &phv1.ClientMessage_SetStatus{SetStatus: req}
	case "subscribeTeam", "subscribe_team":
		req := &phv1.SubscribeTeam{}
		if !s.subscribeTeam(req) {
			return false
		}
		m.Kind = &phv1.ClientMessage_SubscribeTeam{SubscribeTeam: req}
	default:
		return false
	}
	return s.byte('}') && s.end()
}

// scanner walks JSON text strictly: every method skips the whitespace before what it reads.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// byte consumes c.
func (s *scanner) byte(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

// raw reads a string of printable ASCII without escapes (so valid UTF-8 as it stands), returning
// its bytes in the message.
func (s *scanner) raw() ([]byte, bool) {
	if !s.byte('"') {
		return nil, false
	}
	start := s.i
	for ; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c == '\\' || c < 0x20 || c > 0x7e:
			return nil, false
		}
	}
	return nil, false
}

// key reads a member's name and its colon.
func (s *scanner) key() ([]byte, bool) {
	k, ok := s.raw()
	return k, ok && s.byte(':')
}

func (s *scanner) str(v *string) bool {
	b, ok := s.raw()
	*v = string(b)
	return ok
}

// int64 reads an integer as protojson writes one (a JSON number or a quoted decimal): digits with
// an optional minus and no leading zero.
func (s *scanner) int64(v *int64) bool {
	s.space()
	quoted := s.i < len(s.b) && s.b[s.i] == '"'
	if quoted {
		s.i++
	}
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	digits := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	n := s.i - digits
	if n == 0 || n > 1 && s.b[digits] == '0' || s.b[start] == '-' && s.b[digits] == '0' {
		return false
	}
	x, err := strconv.ParseInt(string(s.b[start:s.i]), 10, 64)
	if err != nil {
		return false
	}
	if quoted {
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			return false
		}
		s.i++
	} else if s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		return false
	}
	*v = x
	return true
}

// setStatus reads a SetStatus's members after its '{' through its '}'.
func (s *scanner) setStatus(req *phv1.SetStatus) bool {
	var seen uint8
	for more := !s.byte('}'); more; {
		name, ok := s.key()
		var bit uint8
		switch string(name) {
		case "requestId", "request_id":
			bit, ok = 1, ok && s.str(&req.RequestId)
		case "status":
			bit, ok = 2, ok && s.str(&req.Status)
		case "baseVersion", "base_version":
			bit, ok = 4, ok && s.int64(&req.BaseVersion)
		default:
			ok = false
		}
		if more, ok = s.member(&seen, bit, ok); !ok {
			return false
		}
	}
	return true
}

// subscribeTeam reads a SubscribeTeam's members after its '{' through its '}'.
func (s *scanner) subscribeTeam(req *phv1.SubscribeTeam) bool {
	var seen uint8
	for more := !s.byte('}'); more; {
		name, ok := s.key()
		var bit uint8
		switch string(name) {
		case "requestId", "request_id":
			bit, ok = 1, ok && s.str(&req.RequestId)
		case "teamId", "team_id":
			bit, ok = 2, ok && s.str(&req.TeamId)
		default:
			ok = false
		}
		if more, ok = s.member(&seen, bit, ok); !ok {
			return false
		}
	}
	return true
}

// member ends a member that was read (ok) as field bit: a field named twice (by either of its names)
// is left to protojson, which refuses it. It reports whether another member follows (',') or the
// object ended ('}').
func (s *scanner) member(seen *uint8, bit uint8, ok bool) (more, fine bool) {
	if !ok || *seen&bit != 0 {
		return false, false
	}
	*seen |= bit
	if s.byte('}') {
		return false, true
	}
	return true, s.byte(',')
}
