package stream

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
)

// Buffer sizes of an upgraded connection, instead of net/http's 4 KB each. Client messages are small
// and rare. The write buffer only needs to hold the control frames the library writes (a close, and
// where it reads the socket itself a ping or a pong): the hub writes its messages as frames of its own
// (frames.go, sockWriter). The buffers live as long as the connection, so they were most of an idle
// stream's memory.
const (
	readBufferSize  = 256
	writeBufferSize = 128
)

// smallBuffers is the handshake's ResponseWriter, with a Hijack that hands the websocket library
// small buffers. net/http's own buffers are released once the handler returns. With out set, the
// library's writes reach the socket through it (see sockWriter).
type smallBuffers struct {
	http.ResponseWriter
	out *sockWriter
	in  *rawSocket // with in set, Hijack fills it in (see controlframes.go)
}

// Unwrap lets http.ResponseController reach the server's ResponseWriter.
func (w smallBuffers) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack takes over the connection. Bytes the client sent after its upgrade request, which net/http
// may have read already, come first from the new reader.
func (w smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("hijacking the connection: %w", err)
	}
	if err := brw.Writer.Flush(); err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("flushing the handshake: %w", err)
	}
	var out io.Writer = nc
	if w.out != nil {
		w.out.w = nc
		out = w.out
	}
	n := brw.Reader.Buffered()
	if n == 0 {
		br := bufio.NewReaderSize(nc, readBufferSize)
		w.setSocket(nc, br)
		return nc, bufio.NewReadWriter(br, bufio.NewWriterSize(out, writeBufferSize)), nil
	}
	pending, _ := brw.Reader.Peek(n)
	br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(pending)), nc), max(readBufferSize, n))
	if _, err := br.Peek(n); err != nil { // into the buffer, where the websocket library looks for them
		nc.Close()
		return nil, nil, fmt.Errorf("carrying over buffered bytes: %w", err)
	}
	w.setSocket(nc, br) // the carried-over bytes are all in br now: the rest comes from nc
	return nc, bufio.NewReadWriter(br, bufio.NewWriterSize(out, writeBufferSize)), nil
}

// setSocket fills in the raw socket, if asked for, and lets the writer write without waiting through it.
func (w smallBuffers) setSocket(nc net.Conn, br *bufio.Reader) {
	if w.in == nil {
		return
	}
	w.in.set(nc, br)
	if w.out != nil && w.in.usable() != nil {
		w.out.noWait = w.in.writeNoWait
	}
}
