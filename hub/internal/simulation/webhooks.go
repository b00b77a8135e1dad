package simulation

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendors"
)

// delivery is one webhook a vendor sent to the hub, caught on its way.
type delivery struct {
	seq    int
	vendor string
	conn   string
	header http.Header
	body   []byte
	due    int    // the step it is delivered at (delayed ones)
	about  string // what it reports ("a1 away"), read with the vendor's own adapter
	agent  int    // the agent it concerns (len(agents) if none), for a stable order
	says   []said // what it reports, one entry per change
}

// said is one change a webhook reports: an agent's state in the delivery's vendor.
type said struct {
	agent int
	state string
}

// webhooks holds the vendors' webhooks between the vendor and the hub: the network the faults act on.
// Each caught delivery gets a fate when the next step looks at it: delivered now, dropped, duplicated,
// delayed a few steps (so later ones overtake it: reordered) or delivered and later replayed.
type webhooks struct {
	w         *World
	mu        sync.Mutex
	caught    []*delivery
	held      []*delivery
	delivered []*delivery
	seq       int
}

// capture takes a vendor's POST to the hub; the vendor is told it arrived.
func (wh *webhooks) capture(req *http.Request) (*http.Response, error) {
	body := readBody(req)
	conn := path.Base(req.URL.Path)
	vendor := ""
	for v, c := range wh.w.conns {
		if c == conn {
			vendor = v
		}
	}
	wh.mu.Lock()
	wh.caught = append(wh.caught, &delivery{vendor: vendor, conn: conn, header: req.Header.Clone(), body: body})
	wh.mu.Unlock()
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: req}, nil
}

// caughtCount is how many deliveries are caught and not yet taken.
func (wh *webhooks) caughtCount() int {
	wh.mu.Lock()
	defer wh.mu.Unlock()
	return len(wh.caught)
}

// reported is what the deliveries caught since the first n say of an agent in a vendor, in order.
func (wh *webhooks) reported(n int, vendor string, agent int) []string {
	wh.mu.Lock()
	got := slices.Clone(wh.caught[min(n, len(wh.caught)):])
	wh.mu.Unlock()
	var states []string
	for _, d := range got {
		if d.vendor != vendor {
			continue
		}
		_, _, says := wh.describe(d)
		for _, x := range says {
			if x.agent == agent {
				states = append(states, x.state)
			}
		}
	}
	return states
}

// take returns the deliveries caught since the last call, in a stable order (by vendor, then as sent).
func (wh *webhooks) take() []*delivery {
	wh.mu.Lock()
	got := wh.caught
	wh.caught = nil
	wh.mu.Unlock()
	idx := map[string]int{}
	for i, v := range wh.w.order {
		idx[v] = i
	}
	for _, d := range got {
		d.agent, d.about, d.says = wh.describe(d)
	}
	// Deliveries about different agents are sent by concurrent writes in any order; those about one
	// agent in one vendor keep the vendor's order (a call's end before the wrap-up it starts). Those
	// about no agent are ordered by what they say.
	none := len(wh.w.agents)
	slices.SortStableFunc(got, func(a, b *delivery) int {
		c := cmp.Or(cmp.Compare(idx[a.vendor], idx[b.vendor]), cmp.Compare(a.agent, b.agent))
		if c == 0 && a.agent == none {
			c = cmp.Compare(a.about, b.about)
		}
		return c
	})
	for _, d := range got {
		wh.seq++
		d.seq = wh.seq
	}
	return got
}

// process gives the newly caught deliveries their fate and delivers what is due at step. With faults
// off, everything caught is delivered at once, in order, and nothing is replayed.
func (wh *webhooks) process(step int, faulty bool) {
	w := wh.w
	var now []*delivery
	for _, d := range wh.take() {
		if !faulty {
			now = append(now, d)
			continue
		}
		switch r := w.rng.IntN(100); {
		case r < 8:
			w.trace.add("webhook %s #%d dropped", d.vendor, d.seq)
		case r < 16:
			w.trace.add("webhook %s #%d duplicated", d.vendor, d.seq)
			now = append(now, d, d)
		case r < 30:
			d.due = step + 1 + w.rng.IntN(5)
			w.trace.add("webhook %s #%d delayed to step %d", d.vendor, d.seq, d.due)
			wh.held = append(wh.held, d)
		default:
			now = append(now, d)
		}
	}
	var later []*delivery
	for _, d := range wh.held {
		if d.due <= step || !faulty {
			now = append(now, d)
		} else {
			later = append(later, d)
		}
	}
	wh.held = later
	if faulty && len(wh.delivered) > 0 && w.rng.IntN(100) < 6 {
		d := wh.delivered[w.rng.IntN(len(wh.delivered))]
		w.trace.add("webhook %s #%d replayed", d.vendor, d.seq)
		now = append(now, d)
	}
	for _, d := range now {
		wh.deliver(d)
	}
}

// deliver hands one delivery to the running hub's webhook endpoint.
func (wh *webhooks) deliver(d *delivery) {
	// Each delivery comes strictly after what the hub did for the one before, so that when the hub was
	// told of a change (learnt, after the answer) is ordered against what it did meanwhile.
	time.Sleep(time.Millisecond)
	req := httptest.NewRequest(http.MethodPost, "/v1/webhooks/"+d.conn, strings.NewReader(string(d.body)))
	req.Header = d.header.Clone()
	rec := httptest.NewRecorder()
	wh.w.hub.mux.ServeHTTP(rec, req)
	wh.w.trace.add("webhook %s #%d (%s) delivered: %d %s", d.vendor, d.seq, d.about, rec.Code, strings.TrimSpace(rec.Body.String()))
	if rec.Code/100 == 2 {
		var answer struct{ Outcomes map[string]int }
		_ = json.Unmarshal(rec.Body.Bytes(), &answer)
		took := answer.Outcomes["applied"] + answer.Outcomes["queued"] + answer.Outcomes["coalesced"]
		for _, x := range d.says {
			wh.w.learnt(d.vendor, x.agent, x.state)
			if took > 0 {
				wh.w.vendorAcks = append(wh.w.vendorAcks, ack{agent: x.agent, source: d.vendor, status: x.state, at: time.Now()})
			}
		}
	}
	if len(wh.delivered) < 200 {
		wh.delivered = append(wh.delivered, d)
	}
}

func (d *delivery) String() string { return fmt.Sprintf("%s#%d", d.vendor, d.seq) }

// adapter is a vendor's own adapter, made as the hub makes it, for reading what the vendor sends.
func (w *World) adapter(vendor string) (vendorapi.Adapter, error) {
	v := w.vendors[vendor]
	if v == nil {
		return nil, fmt.Errorf("no vendor %q", vendor)
	}
	return vendors.All()[v.em.Vendor()].New(vendorapi.Config{BaseURL: "http://" + vendor + "." + w.name, Credentials: v.em.Credentials(), Settings: v.em.Settings()})
}

// polls reports whether the hub polls a vendor (its adapter is a Poller).
func (w *World) polls(vendor string) bool {
	a, err := w.adapter(vendor)
	if err != nil {
		return false
	}
	_, ok := a.(vendorapi.Poller)
	return ok
}

// describe reads a delivery with the vendor's own adapter: which agent it concerns, and what it says.
func (wh *webhooks) describe(d *delivery) (int, string, []said) {
	w := wh.w
	none := len(w.agents)
	a, err := w.adapter(d.vendor)
	if err != nil {
		return none, "?", nil
	}
	wr, ok := a.(vendorapi.WebhookReceiver)
	if !ok {
		return none, "?", nil
	}
	changes, err := wr.ParseWebhook(d.header, d.body)
	if err != nil || len(changes) == 0 {
		return none, "nothing", nil
	}
	agent, parts, says := none, []string{}, []said(nil)
	for _, c := range changes {
		who := "?"
		for i, ag := range w.agents {
			if ag.users[d.vendor] == c.ExternalID {
				who, agent = fmt.Sprintf("a%d", i), min(agent, i)
				says = append(says, said{agent: i, state: c.State})
			}
		}
		parts = append(parts, who+" "+c.State)
	}
	return agent, strings.Join(parts, ", "), says
}
