package stream

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// poller waits for the sockets of idle connections in one epoll set, so an idle connection has no
// goroutine at all (a parked goroutine's stack was most of its memory). Each socket is armed once at a
// time (EPOLLONESHOT, level-triggered): when it becomes readable, a goroutine reads what arrived (see
// readReady), then arms it again and ends. Bytes that arrive between the last read and the arming are
// reported at once, since the set is level-triggered. A closed socket leaves the set by itself; its
// connection is forgotten when it ends.
type poller struct {
	epfd, wake int // the epoll set; an eventfd that ends the wait on shutdown

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
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("creating an eventfd: %w", err)
	}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wake, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: -1}); err != nil {
		unix.Close(epfd)
		unix.Close(wake)
		return nil, fmt.Errorf("watching the eventfd: %w", err)
	}
	p := &poller{epfd: epfd, wake: wake, conns: map[int32]*conn{}}
	done := make(chan struct{})
	go p.run(done)
	context.AfterFunc(ctx, func() {
		_, _ = unix.Write(wake, []byte{1, 0, 0, 0, 0, 0, 0, 0})
		<-done
		unix.Close(epfd)
		unix.Close(wake)
	})
	return p, nil
}

// run hands each readable connection to a goroutine of its own until the eventfd is written.
func (p *poller) run(done chan<- struct{}) {
	defer close(done)
	events := make([]unix.EpollEvent, 128)
	for {
		n, err := unix.EpollWait(p.epfd, events, -1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return
		}
		for _, ev := range events[:n] {
			if ev.Fd == -1 {
				return
			}
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
		if p.next <= 0 { // skip 0 (not yet added) and -1 (the eventfd) when the count wraps
			p.next = 1
		}
		c.pollID = p.next
		p.conns[c.pollID] = c
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLONESHOT, Fd: c.pollID}
	var cerr error
	// Control keeps the socket from being closed meanwhile, so the descriptor is still c's.
	err := c.sock.rc.Control(func(fd uintptr) { cerr = unix.EpollCtl(p.epfd, op, int(fd), &ev) })
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
