package stream

import (
	"encoding/binary"
	"sync"
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

// eventFrame frames an encoded event message (from encodeEvent) for every connection it goes to.
func eventFrame(event []byte) []byte {
	return appendFrame(make([]byte, 0, len(event)+4), opText, event)
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
