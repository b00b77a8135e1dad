package loadgen

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// FanoutOptions shape a fanout run.
type FanoutOptions struct {
	Rate     int           // status changes per second, scheduled in advance
	Duration time.Duration // how long to drive changes
	// Stalled adds supervisor streams that watch every team but never read (slow-consumer isolation).
	Stalled int
	// FlapRate makes agent 0 an abuser flipping its status this many times per second besides the
	// scheduled changes (its own changes are left out of the latency figures).
	FlapRate int
	// REST sends the changes as the admin API's PUT .../agents/{id}/presence with the hub-wide key
	// (each in its own request, at its scheduled time) instead of set_status on the agent's device
	// stream: the admin path's cost per change, against the stream path's.
	REST bool
}

// pendingChange is a sent change not yet seen by every supervisor of the agent's team.
type pendingChange struct {
	sent, scheduled time.Time // when it was sent, and when it was due to be
	waiting         int       // supervisors still to receive it
}

// latencies collects change → supervisor delivery latencies, from the change's send and from its
// scheduled send time.
type latencies struct {
	mu         sync.Mutex
	scheduled  map[string]*pendingChange // agent -> its oldest change still in flight
	samples    []time.Duration           // from the send
	fromSched  []time.Duration           // from the scheduled send time
	sendLag    []time.Duration           // how late each change was sent
	deliveries int
	abuser     string
	abuserSeen int // the abuser's changes delivered to supervisors
}

func (l *latencies) observe(m *receipt, at time.Time) {
	events := m.events()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ev := range events {
		l.delivered(ev.Presence.AgentID, ev.TeamID != "", at)
	}
}

// delivered counts one delivery of agent's change, to a supervisor (toTeam) or to the agent's own
// device, and measures it at the supervisor. The caller holds l.mu.
func (l *latencies) delivered(agent string, toTeam bool, at time.Time) {
	l.deliveries++
	if !toTeam {
		return // the agent's own device: count it, measure at the supervisor
	}
	if agent == l.abuser {
		l.abuserSeen++
		return
	}
	if p, ok := l.scheduled[agent]; ok {
		l.samples = append(l.samples, at.Sub(p.sent))
		l.fromSched = append(l.fromSched, at.Sub(p.scheduled))
		if p.waiting--; p.waiting == 0 {
			delete(l.scheduled, agent)
		}
	}
}

// pct is the p-quantile of sorted samples in milliseconds.
func pct(samples []time.Duration, p float64) float64 {
	if len(samples) == 0 {
		return 0
	}
	return float64(samples[int(p*float64(len(samples)-1))].Microseconds()) / 1000
}

// Fanout connects every agent's device and cfg.Supervisors supervisor streams per team, then changes
// agents' statuses at o.Rate per second for o.Duration, with send times fixed in advance (t0 + k/rate)
// (an open loop: no send waits for an answer, so a slow hub cannot slow the sender down). Latency is
// measured from each change's send to each supervisor's receipt of it, and again from the scheduled
// send time, which adds the sender's own lateness (the Go runtime sleeps in whole milliseconds when
// idle, so at low rates a send can leave up to 1 ms after its time); the line reports the sender's lag
// too, so a run whose sender fell behind shows it.
func Fanout(ctx context.Context, cfg Config, f *Fleet, o FanoutOptions, out io.Writer) error {
	lat := &latencies{scheduled: map[string]*pendingChange{}}
	if o.FlapRate > 0 {
		lat.abuser = f.Agents[0]
	}
	supervisors := max(1, cfg.Supervisors)
	var snapshots sync.WaitGroup // supervisors still waiting for their team snapshot
	onMsg := func(m *receipt, at time.Time) {
		if m.TeamSnapshot != nil {
			snapshots.Done()
			return
		}
		lat.observe(m, at)
	}
	var flaps flapCounts
	devices, err := openAll(ctx, cfg, f.Tokens, func(i int, m *receipt, at time.Time) {
		if i == 0 && o.FlapRate > 0 {
			flaps.answer(m)
		}
		onMsg(m, at)
	})
	if err != nil {
		return err
	}
	for i := range len(f.Teams) * supervisors {
		team := f.Teams[i%len(f.Teams)]
		sup, err := dial(ctx, cfg.HubURL, f.ViewerKey, "", cfg.Sources[i%len(cfg.Sources)], onMsg)
		if err != nil {
			return err
		}
		snapshots.Add(1)
		if err := subscribe(ctx, sup, team); err != nil {
			return err
		}
	}
	stalled, err := openStalled(ctx, cfg, f, o.Stalled)
	if err != nil {
		return err
	}
	snapshots.Wait() // every supervisor is watching before the clock starts
	time.Sleep(time.Second)
	lat.mu.Lock()
	lat.deliveries = 0
	lat.mu.Unlock()
	_, cpuBefore, _ := procStats(cfg.HubPID)
	writesBefore := writeCalls(cfg.HubPID)
	if o.FlapRate > 0 {
		go flaps.drive(ctx, devices[0], o.FlapRate, o.Duration)
	}
	statuses := []string{"available", "busy"}
	send := func(i, k int, status string) {
		_ = devices[i].send(ctx, &phv1.ClientMessage{Kind: &phv1.ClientMessage_SetStatus{SetStatus: &phv1.SetStatus{RequestId: strconv.Itoa(k), Status: status}}})
	}
	var restSends *restSender
	if o.REST {
		restSends = newRESTSender(cfg.HubURL, cfg.Key, f.TenantID)
		send = func(i, _ int, status string) { restSends.send(ctx, f.Agents[i], status) }
	}
	first := 0
	if o.FlapRate > 0 {
		first = 1 // agent 0 flaps on its own
	}
	t0 := time.Now()
	n := int(o.Duration.Seconds() * float64(o.Rate))
	for k := 0; k < n && ctx.Err() == nil; k++ {
		at := t0.Add(time.Duration(k) * time.Second / time.Duration(o.Rate))
		time.Sleep(time.Until(at))
		i := first + k%(len(devices)-first)
		agent := f.Agents[i]
		sent := time.Now()
		lat.mu.Lock()
		lat.sendLag = append(lat.sendLag, sent.Sub(at))
		if _, busy := lat.scheduled[agent]; !busy {
			lat.scheduled[agent] = &pendingChange{sent: sent, scheduled: at, waiting: supervisors}
		}
		lat.mu.Unlock()
		status := statuses[(k/(len(devices)-first))%2] // each agent alternates, so no change is a no-op
		send(i, k, status)
	}
	elapsed := time.Since(t0)
	time.Sleep(2 * time.Second) // let the tail arrive
	_, cpuAfter, _ := procStats(cfg.HubPID)
	writes := writeCalls(cfg.HubPID) - writesBefore
	lat.mu.Lock()
	defer lat.mu.Unlock()
	slices.Sort(lat.samples)
	slices.Sort(lat.fromSched)
	slices.Sort(lat.sendLag)
	cpuPer, writesPer := 0.0, 0.0
	if lat.deliveries > 0 {
		cpuPer = float64((cpuAfter - cpuBefore).Microseconds()) / float64(lat.deliveries)
		writesPer = float64(writes) / float64(lat.deliveries)
	}
	mode := "fanout"
	switch {
	case o.REST:
		mode = "fanout-rest"
		if err := restSends.err(); err != nil {
			return err
		}
	case o.Stalled > 0:
		mode = "slow"
	case o.FlapRate > 0:
		mode = "flap"
	}
	fmt.Fprintf(out, "%s agents=%d teams=%d supervisors_per_team=%d rate=%d changes=%d deliveries=%d deliveries_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f cpu_us_per_delivery=%.1f measured=%d sched_p50_ms=%.2f sched_p99_ms=%.2f send_lag_p99_ms=%.2f write_calls_per_delivery=%.2f",
		mode, len(f.Agents), len(f.Teams), supervisors, o.Rate, n, lat.deliveries, float64(lat.deliveries)/elapsed.Seconds(),
		pct(lat.samples, 0.50), pct(lat.samples, 0.99), pct(lat.samples, 1), cpuPer, len(lat.samples),
		pct(lat.fromSched, 0.50), pct(lat.fromSched, 0.99), pct(lat.sendLag, 0.99), writesPer)
	if o.Stalled > 0 {
		fmt.Fprintf(out, " stalled=%d", len(stalled))
	}
	if o.FlapRate > 0 {
		fmt.Fprint(out, " ", flaps.summary(lat.abuserSeen/supervisors))
	}
	fmt.Fprintln(out)
	return nil
}

func subscribe(ctx context.Context, s *stream, team string) error {
	return s.send(ctx, &phv1.ClientMessage{Kind: &phv1.ClientMessage_SubscribeTeam{SubscribeTeam: &phv1.SubscribeTeam{RequestId: team, TeamId: team}}})
}
