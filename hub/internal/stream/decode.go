package stream

import (
	"strconv"

	"google.golang.org/protobuf/encoding/protojson"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// decodeClientMessage decodes a client's request as protojson does. The requests devices and
// consoles send (one kind, short ASCII strings without escapes, a plain integer) are read by a small
// scanner here: protojson's reflection was 3.7 % of the hub's CPU at 30,000 deliveries a second and
// 9 % of what it allocated at 2,000 (docs/PERFORMANCE.md, issue 24's fifth pass). Anything the
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
		if !scanObject(&s, req, setStatusField) {
			return false
		}
		m.Kind = &phv1.ClientMessage_SetStatus{SetStatus: req}
	case "subscribeTeam", "subscribe_team":
		req := &phv1.SubscribeTeam{}
		if !scanObject(&s, req, subscribeTeamField) {
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

// setStatusField names where a SetStatus member's value goes, and the member's bit (0: not known here).
func setStatusField(req *phv1.SetStatus, name []byte) (bit uint8, str *string, num *int64) {
	switch string(name) {
	case "requestId", "request_id":
		return 1, &req.RequestId, nil
	case "status":
		return 2, &req.Status, nil
	case "baseVersion", "base_version":
		return 4, nil, &req.BaseVersion
	}
	return 0, nil, nil
}

// subscribeTeamField names where a SubscribeTeam member's value goes, and the member's bit.
func subscribeTeamField(req *phv1.SubscribeTeam, name []byte) (bit uint8, str *string, num *int64) {
	switch string(name) {
	case "requestId", "request_id":
		return 1, &req.RequestId, nil
	case "teamId", "team_id":
		return 2, &req.TeamId, nil
	}
	return 0, nil, nil
}

// scanObject reads req's members after its '{' through its '}', each value where field says (bit 0:
// a member not known here). A field named twice (by either of its names) is left to protojson, which
// refuses it.
func scanObject[R any](s *scanner, req R, field func(R, []byte) (uint8, *string, *int64)) bool {
	if s.byte('}') {
		return true
	}
	var seen uint8
	for {
		name, ok := s.key()
		if !ok {
			return false
		}
		bit, str, num := field(req, name)
		switch {
		case bit == 0 || seen&bit != 0:
			return false
		case str != nil:
			ok = s.str(str)
		default:
			ok = s.int64(num)
		}
		if !ok {
			return false
		}
		seen |= bit
		if s.byte('}') {
			return true
		}
		if !s.byte(',') {
			return false
		}
	}
}
