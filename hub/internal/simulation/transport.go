package simulation

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/emulator"
)

// Every host of a world is "<name>.<world>.sim": the vendors by vendor name, the hub as "hub". Requests
// to such hosts never touch a socket: http.DefaultTransport hands them to the world (registered once per
// process), which serves them in process on the caller's goroutine, so inside a synctest bubble they
// block only on the bubble's own timers and channels.
const simDomain = ".sim"

var (
	installOnce sync.Once
	worlds      sync.Map // "<world>.sim" → *World
)

// install routes http://*.sim through the simulated worlds (other hosts are untouched).
func install() {
	installOnce.Do(func() {
		http.DefaultTransport.(*http.Transport).RegisterProtocol("http", simTransport{})
	})
}

type simTransport struct{}

func (simTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	if !strings.HasSuffix(host, simDomain) {
		return nil, http.ErrSkipAltProtocol
	}
	name, world, _ := strings.Cut(host, ".")
	w, ok := worlds.Load(world)
	if !ok {
		return nil, fmt.Errorf("no simulated world %q", world)
	}
	return w.(*World).roundTrip(name, req)
}

// faultKind is what a vendor does to requests while a fault lasts.
type faultKind int

const (
	faultNone faultKind = iota
	fault5xx            // every request answers 503
	fault429            // every request answers 429 with Retry-After
	faultHang           // requests time out (the vendor may have done them: lost answers)
	faultSlow           // answers to reads arrive a step late (polls race writes)
)

var faultNames = [...]string{"none", "5xx", "429", "timeout", "late reads"}

func (k faultKind) String() string { return faultNames[k] }

// fault is one vendor's current misbehaviour.
type fault struct {
	kind       faultKind
	until      time.Time
	retryAfter time.Duration // fault429
	processed  bool          // faultHang: the vendor did the request; only its answer is lost
}

// vendorHost is one emulated vendor account as the hub reaches it, with the faults in front of it and
// the Retry-After bookkeeping checker (e) needs.
type vendorHost struct {
	name string
	em   emulator.Emulator
	w    *World

	mu        sync.Mutex
	fault     fault
	notBefore time.Time       // the latest Retry-After the vendor gave ends here
	raGen     int             // the hub instance that was told
	late      []chan struct{} // answers held until the next step (faultSlow)
}

// release lets the held answers go (at the start of each step).
func (v *vendorHost) release() {
	v.mu.Lock()
	late := v.late
	v.late = nil
	v.mu.Unlock()
	for _, ch := range late {
		close(ch)
	}
}

// hold keeps an answer back until the next step or until the request is cancelled.
func (v *vendorHost) hold(req *http.Request) error {
	ch := make(chan struct{})
	v.mu.Lock()
	v.late = append(v.late, ch)
	v.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-req.Context().Done():
		return req.Context().Err()
	}
}

func (v *vendorHost) setFault(f fault) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.fault = f
}

func (v *vendorHost) current(now time.Time) fault {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.fault.kind != faultNone && !now.Before(v.fault.until) {
		v.fault = fault{}
	}
	return v.fault
}

// serve answers one request of the hub: faults first, then the emulator.
func (v *vendorHost) serve(req *http.Request) (*http.Response, error) {
	now := time.Now()
	v.mu.Lock()
	early, raGen := now.Before(v.notBefore), v.raGen
	notBefore := v.notBefore
	v.mu.Unlock()
	if early {
		check := checkRetryAfter
		if raGen != v.w.gen() {
			check = checkRetryAfterRestart
		}
		v.w.violate(check, fmt.Sprintf("%s: %s %s at %s, %s before the Retry-After the vendor gave ended",
			v.name, req.Method, req.URL.Path, v.w.at(now), notBefore.Sub(now)))
	}
	f := v.current(now)
	switch f.kind {
	case fault5xx:
		return v.answer(req, http.StatusServiceUnavailable, nil), nil
	case fault429:
		h := http.Header{"Retry-After": {strconv.Itoa(int(f.retryAfter / time.Second))}}
		v.noteRetryAfter(now, f.retryAfter)
		return v.answer(req, http.StatusTooManyRequests, h), nil
	case faultHang:
		// A request that never answers ends at the client's timeout. It is cut at once rather than
		// after the timeout: adapters hold a mutex across some requests (token refresh), and a
		// goroutine waiting on a mutex is not durably blocked, so the bubble's clock could not move.
		if f.processed {
			_, _ = v.emulate(req)
		}
		return nil, fmt.Errorf("simulated timeout: %w", context.DeadlineExceeded)
	}
	resp, err := v.emulate(req)
	if f.kind == faultSlow && req.Method == http.MethodGet && !strings.Contains(req.URL.Path, "token") && !strings.Contains(req.URL.Path, "oauth") {
		// The vendor read its state now; the hub gets the answer only after the next step's writes.
		// (Token requests are exempt: adapters hold a mutex across them.)
		if herr := v.hold(req); herr != nil {
			return nil, herr
		}
	}
	return resp, err
}

// emulate has the emulator answer the request.
func (v *vendorHost) emulate(req *http.Request) (*http.Response, error) {
	now := time.Now()
	sreq := req.Clone(req.Context())
	sreq.RequestURI, sreq.Host, sreq.RemoteAddr = req.URL.RequestURI(), req.URL.Host, "192.0.2.10:40000"
	if sreq.Body == nil {
		sreq.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	v.em.ServeHTTP(rec, sreq)
	resp := rec.Result()
	resp.Request = req
	if resp.StatusCode == http.StatusTooManyRequests {
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			v.noteRetryAfter(now, time.Duration(s)*time.Second)
		}
	}
	return resp, nil
}

func (v *vendorHost) noteRetryAfter(now time.Time, ra time.Duration) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if nb := now.Add(ra); nb.After(v.notBefore) {
		v.notBefore, v.raGen = nb, v.w.gen()
	}
}

func (v *vendorHost) answer(req *http.Request, code int, h http.Header) *http.Response {
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/json")
	body := fmt.Sprintf(`{"error":%q}`, http.StatusText(code))
	return &http.Response{StatusCode: code, Status: fmt.Sprintf("%d %s", code, http.StatusText(code)), Proto: "HTTP/1.1",
		ProtoMajor: 1, ProtoMinor: 1, Header: h, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}
}
