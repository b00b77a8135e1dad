//go:build !linux

package stream

import (
	"context"
	"errors"
)

// poller is Linux's (epoll); elsewhere each connection keeps a reader goroutine.
type poller struct{}

func startPoller(context.Context) (*poller, error) {
	return nil, errors.New("no epoll on this system")
}

func (p *poller) arm(*conn) error { return errors.New("no epoll on this system") }
func (p *poller) forget(*conn)    {}
