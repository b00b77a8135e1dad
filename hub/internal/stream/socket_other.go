//go:build !unix

package stream

import (
	"bufio"
	"errors"
	"net"
)

// set leaves s unusable: outside Unix the websocket library reads pings and pongs itself.
func (s *rawSocket) set(net.Conn, *bufio.Reader) {}

var errNoRawSocket = errors.New("no raw socket on this system")

func (s *rawSocket) waitReadable() error           { return errNoRawSocket }
func (s *rawSocket) waitMore(int) error            { return errNoRawSocket }
func (s *rawSocket) peek([]byte, int) (int, error) { return 0, errNoRawSocket }
func (s *rawSocket) hasInput() bool                { return true }
