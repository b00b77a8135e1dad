package emulator

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"presencehub.dev/shared/logkey"
)

// Delivery is one webhook POST.
type Delivery struct {
	URL    string
	Header http.Header
	Body   []byte
}

// Sender delivers webhooks in order on one goroutine, retrying a failed delivery a few times (vendors
// deliver at least once). Close stops it.
type Sender struct {
	HTTP  *http.Client
	Log   *slog.Logger
	queue chan Delivery
	once  sync.Once
	stop  context.CancelFunc
	ctx   context.Context
}

// NewSender starts a sender.
func NewSender(log *slog.Logger) *Sender {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sender{HTTP: &http.Client{Timeout: 5 * time.Second}, Log: log, queue: make(chan Delivery, 1024), ctx: ctx, stop: cancel}
	go s.run()
	return s
}

// Send queues d.
func (s *Sender) Send(d Delivery) {
	select {
	case s.queue <- d:
	case <-s.ctx.Done():
	}
}

// Close stops delivering.
func (s *Sender) Close() { s.once.Do(s.stop) }

func (s *Sender) run() {
	for {
		select {
		case <-s.ctx.Done():
			return
		case d := <-s.queue:
			s.deliver(d)
		}
	}
}

func (s *Sender) deliver(d Delivery) {
	for attempt := 0; attempt < 3; attempt++ {
		req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
		if err != nil {
			return
		}
		for k, v := range d.Header {
			req.Header[k] = v
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.HTTP.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return
			}
		}
		if s.ctx.Err() != nil {
			return
		}
		if s.Log != nil {
			s.Log.Debug("webhook delivery failed", slog.String(logkey.URL, d.URL), slog.Any(logkey.Error, err))
		}
		time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
	}
}
