package stream

import (
	"encoding/binary"
	"sync"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// The hub writes its messages as websocket frames of its own, below the library (see sockWriter):
// final, unmasked server frames (RFC 6455, section 5.2), without compression, which the handshake
// never offers.

// Frame opcodes the hub writes.
const (
	opText  = 0x1
	opClose = 0x8
)

// appendFrame appends a frame with opcode op and payload.
func appendFrame(b []byte, op byte, payload []byte) []byte {
	return append(appendFrameHeader(b, op, len(payload)), payload...)
}

// appendFrameHeader appends the header of a frame whose payload is n bytes long.
func appendFrameHeader(b []byte, op byte, n int) []byte {
	switch {
	case n <= 125:
		return append(b, frameFin|op, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, frameFin|op, 126), uint16(n))
	default:
		return binary.BigEndian.AppendUint64(append(b, frameFin|op, 127), uint64(n))
	}
}

// encodeEventFrame encodes ev as encodeEvent does, into a frame for every connection it goes to: the
// message is encoded after room for the longest header, which is then written just before it.
func encodeEventFrame(ev *phv1.PresenceEvent) (frame, event []byte, err error) {
	const room = 10
	b, err := appendEventMessage(make([]byte, room, 400), ev)
	if err != nil {
		return nil, nil, err
	}
	event = b[room:]
	var header [room]byte
	h := appendFrameHeader(header[:0], opText, len(event))
	frame = b[room-len(h):]
	copy(frame, h)
	return frame, event, nil
}

// framePool holds the buffers a writer encodes a batch into; one larger than maxPooledFrame is left
// to the collector, so an idle connection holds none.
var framePool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

const maxPooledFrame = 64 << 10

// recycleFrame returns a buffer to framePool.
func recycleFrame(b *[]byte) {
	if cap(*b) <= maxPooledFrame {
		*b = (*b)[:0]
		framePool.Put(b)
	}
}
