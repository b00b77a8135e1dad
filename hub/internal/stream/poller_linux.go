package stream

import (
	"context"
	"fmt"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// poller waits for the sockets of idle connections in one epoll set, so an idle connection has no
// goroutine at all (a parked goroutine's stack was most of its memory). Each socket is armed once at a
// time (EPOLLONESHOT, level-triggered): when it becomes readable, a goroutine reads what arrived (see
// readReady), then arms it again and ends. Bytes that arrive between the last read and the arming are
// reported at once, since the set is level-triggered. A closed socket leaves the set by itself; its
// connection is forgotten when it ends. The set's own descriptor waits in Go's poller like a socket,
// so its wake-ups cost what a socket's do (no thread blocked in epoll_wait to hand back to the
// scheduler).
type poller struct {
	f  *os.File        // the epoll set, non-blocking, in Go's poller
	rc syscall.RawConn // f's

	mu    sync.Mutex
	conns map[int32]*conn // by the id in their epoll events
	next  int32
}

// startPoller runs a poller until ctx ends; on a system without epoll it returns an error and
// connections keep a reader goroutine each.
func startPoller(ctx context.Context) (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("creating an epoll set: %w", err)
	}
	if err := unix.SetNonblock(epfd, true); err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("making the epoll set non-blocking: %w", err)
	}
	f := os.NewFile(uintptr(epfd), "stream-poller")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("reaching the epoll set: %w", err)
	}
	p := &poller{f: f, rc: rc, conns: map[int32]*conn{}}
	go p.run()
	context.AfterFunc(ctx, func() { f.Close() }) // ends run's wait
	return p, nil
}

// run hands each readable connection to a goroutine of its own until the set is closed.
func (p *poller) run() {
	events := make([]unix.EpollEvent, 128)
	var n int
	ready := func(fd uintptr) bool {
		var err error
		n, err = unix.EpollWait(int(fd), events, 0)
		if err != nil {
			n = 0 // EINTR: look again when the set is next readable
		}
		return n > 0
	}
	for {
		if err := p.rc.Read(ready); err != nil {
			return // closed
		}
		for _, ev := range events[:n] {
			p.mu.Lock()
			c := p.conns[ev.Fd]
			p.mu.Unlock()
			if c != nil {
				go c.readReady()
			}
		}
	}
}

// arm asks for c's socket to be reported once when it is readable (or fails, or ends). The socket is
// armed under p.mu, which run takes before it hands the connection on: that orders what the previous
// reader did before what the next one does, for the race detector too (it cannot see the kernel's
// part).
func (p *poller) arm(c *conn) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	op := unix.EPOLL_CTL_MOD
	if c.pollID == 0 {
		op = unix.EPOLL_CTL_ADD
		p.next++
		if p.next <= 0 { // 0 means not yet added: start again at 1 when the count wraps
			p.next = 1
		}
		c.pollID = p.next
		p.conns[c.pollID] = c
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLONESHOT, Fd: c.pollID}
	var cerr error
	// Control keeps the socket and the set from being closed meanwhile, so the descriptors are still
	// theirs.
	err := c.sock.rc.Control(func(fd uintptr) {
		if perr := p.rc.Control(func(epfd uintptr) { cerr = unix.EpollCtl(int(epfd), op, int(fd), &ev) }); perr != nil {
			cerr = perr
		}
	})
	if err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("arming the socket: %w", err)
	}
	return nil
}

// forget drops an ended connection.
func (p *poller) forget(c *conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.pollID != 0 {
		delete(p.conns, c.pollID)
	}
}
