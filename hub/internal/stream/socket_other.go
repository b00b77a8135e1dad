//go:build !unix

package stream

import (
	"bufio"
	"errors"
	"net"
	"time"
)

// set leaves s unusable: outside Unix the websocket library reads pings and pongs itself.
func (s *rawSocket) set(net.Conn, *bufio.Reader) {}

var errNoRawSocket = errors.New("no raw socket on this system")

func (s *rawSocket) newWaiter() *waiter                         { return &waiter{} }
func (s *rawSocket) waitUntil(*waiter, time.Time) (bool, error) { return false, errNoRawSocket }
func (s *rawSocket) waitMore(int) error                         { return errNoRawSocket }
func (s *rawSocket) peek([]byte, int) (int, error)              { return 0, errNoRawSocket }
func (s *rawSocket) writeNoWait([]byte) (int, error)            { return 0, errNoRawSocket }
