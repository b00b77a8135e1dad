//go:build unix

package stream

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// set fills s in, leaving it unusable (rc nil) when nc is not a plain socket (a TLS connection, a
// test pipe).
func (s *rawSocket) set(nc net.Conn, br *bufio.Reader) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	*s = rawSocket{br: br, nc: nc, rc: rc}
}

// newWaiter returns a waiter for waitUntil.
func (s *rawSocket) newWaiter() *waiter {
	w := &waiter{}
	w.probe = func(fd uintptr) bool {
		n, err := peekFD(fd, w.buf[:])
		if wouldBlock(err) {
			return false
		}
		w.n = max(n, 0) // 0 after an error or at the end of the stream: the library's read reports them
		return true
	}
	return w
}

// waitUntil waits until the socket is readable, leaving what it holds in w (up to a control frame's
// length), or the deadline passes first (false); a zero deadline waits as long as it takes.
func (s *rawSocket) waitUntil(w *waiter, deadline time.Time) (bool, error) {
	if deadline.IsZero() {
		w.n = 0
		if err := s.rc.Read(w.probe); err != nil {
			return false, fmt.Errorf("waiting for the socket: %w", err)
		}
		return true, nil
	}
	if err := s.nc.SetReadDeadline(deadline); err != nil {
		return false, fmt.Errorf("setting the wait's deadline: %w", err)
	}
	w.n = 0
	err := s.rc.Read(w.probe)
	if cerr := s.nc.SetReadDeadline(time.Time{}); err == nil && cerr != nil {
		err = cerr
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("waiting for the socket: %w", err)
	}
	return true, nil
}

// waitMore parks until the socket holds more than n unread bytes (or fails, or ends).
func (s *rawSocket) waitMore(n int) error {
	buf := make([]byte, n+1)
	err := s.rc.Read(func(fd uintptr) bool {
		m, err := peekFD(fd, buf)
		return !wouldBlock(err) && (err != nil || m == 0 || m > n)
	})
	if err != nil {
		return fmt.Errorf("waiting for the socket: %w", err)
	}
	return nil
}

// peek copies the socket's unread bytes into buf after its first have bytes (those in the library's
// buffer), without consuming them or waiting, and returns how many bytes buf then holds. A socket
// error or the end of the stream leaves buf as it was: the library's next read reports them.
func (s *rawSocket) peek(buf []byte, have int) (int, error) {
	n := have
	err := s.rc.Read(func(fd uintptr) bool {
		if m, err := peekFD(fd, buf[have:]); err == nil {
			n = have + m
		}
		return true
	})
	if err != nil {
		return 0, fmt.Errorf("peeking at the socket: %w", err)
	}
	return n, nil
}

// peekFD reads what the socket holds into b without consuming it or blocking.
func peekFD(fd uintptr, b []byte) (int, error) {
	n, _, err := syscall.Recvfrom(int(fd), b, syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	return n, err
}

func wouldBlock(err error) bool { return err == syscall.EAGAIN || err == syscall.EINTR }

// writeNoWait writes what the socket takes of p now, without waiting for it to take more.
func (s *rawSocket) writeNoWait(p []byte) (int, error) {
	w := noWaitWrites.Get().(*noWaitWrite)
	defer noWaitWrites.Put(w)
	w.p = p
	err := s.rc.Write(w.write)
	n, werr := w.n, w.err
	*w = noWaitWrite{write: w.write}
	switch {
	case err != nil:
		return 0, fmt.Errorf("writing to the socket: %w", err)
	case werr == syscall.EAGAIN:
		return 0, nil
	case werr != nil:
		return 0, fmt.Errorf("writing to the socket: %w", werr)
	}
	return n, nil
}

// noWaitWrite is one write system call through a RawConn; pooled with its func, so a write allocates
// nothing.
type noWaitWrite struct {
	p     []byte
	n     int
	err   error
	write func(fd uintptr) bool
}

var noWaitWrites = sync.Pool{New: func() any {
	w := &noWaitWrite{}
	w.write = func(fd uintptr) bool {
		for {
			if w.n, w.err = syscall.Write(int(fd), w.p); w.err != syscall.EINTR {
				return true // done, or EAGAIN: this write does not wait
			}
		}
	}
	return w
}}
