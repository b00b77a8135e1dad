package vendorsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// replayWindow is how long a delivery is remembered: far longer than any vendor retries one.
const replayWindow = 24 * time.Hour

// Outcomes of a verified delivery that is not applied.
const (
	inReplayed = "replayed" // the same event (id) or delivery (digest) was received before
	inStale    = "stale"    // a newer event of that vendor user was received before
)

// forgetEvery spaces the deletion of expired deliveries.
const forgetEvery = time.Hour

// admitDelivery keeps the changes of a verified webhook delivery that were not received before: a
// change whose vendor event id was seen, a delivery without event ids whose digest (body and signature
// headers) was seen, and a change older than the newest one received for that vendor user are dropped
// and counted in drops. The seen-set is in the store, so it holds across restarts and replicas. An
// error means nothing may be acknowledged (the vendor retries).
func (in *Inbound) admitDelivery(ctx context.Context, c *model.Connection, h http.Header, body []byte, changes []vendorapi.Change) ([]vendorapi.Change, map[string]int, error) {
	now := in.now()
	in.forgetExpired(ctx, now)
	drops := map[string]int{}
	drop := func(ch vendorapi.Change, outcome, why string) {
		drops[outcome]++
		in.metrics.inbound.WithLabelValues(c.Vendor, outcome).Inc()
		in.log.InfoContext(ctx, "webhook change not applied: "+why, slog.String(logkey.Connection, c.ID),
			slog.String(logkey.ExternalID, ch.ExternalID), slog.String(logkey.State, ch.State), slog.String(logkey.Result, outcome))
	}
	if slices.ContainsFunc(changes, func(ch vendorapi.Change) bool { return ch.EventID == "" }) {
		first, err := in.st.MarkDelivery(ctx, c.ID, "digest:"+deliveryDigest(h, body), now, now.Add(replayWindow))
		if err != nil {
			return nil, nil, err
		}
		if !first {
			for _, ch := range changes {
				drop(ch, inReplayed, "the same delivery was received before")
			}
			return nil, drops, nil
		}
	}
	var fresh []vendorapi.Change
	for _, ch := range changes {
		if ch.EventID != "" {
			first, err := in.st.MarkDelivery(ctx, c.ID, "event:"+ch.EventID, now, now.Add(replayWindow))
			if err != nil {
				return nil, nil, err
			}
			if !first {
				drop(ch, inReplayed, fmt.Sprintf("event %s was received before", ch.EventID))
				continue
			}
		}
		if !ch.Time.IsZero() {
			stale, err := in.st.MarkUserEvent(ctx, c.ID, ch.ExternalID, ch.Time, ch.State)
			if err != nil {
				return nil, nil, err
			}
			if stale {
				drop(ch, inStale, "a newer change of this vendor user, or this same one, was received before")
				continue
			}
		}
		fresh = append(fresh, ch)
	}
	return fresh, drops, nil
}

// deliveryDigest identifies a delivery by its body and the headers that sign it.
func deliveryDigest(h http.Header, body []byte) string {
	d := sha256.New()
	d.Write(body)
	keys := make([]string, 0, len(h))
	for k := range h {
		if l := strings.ToLower(k); strings.Contains(l, "signature") || strings.Contains(l, "token") || strings.Contains(l, "timestamp") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(d, "\n%s: %s", k, strings.Join(h.Values(k), ","))
	}
	return hex.EncodeToString(d.Sum(nil))
}

// forgetExpired deletes expired deliveries now and then.
func (in *Inbound) forgetExpired(ctx context.Context, now time.Time) {
	last := in.lastForget.Load()
	if now.UnixNano()-last < int64(forgetEvery) || !in.lastForget.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	if _, err := in.st.ForgetDeliveries(ctx, now); err != nil {
		in.log.WarnContext(ctx, "forgetting expired webhook deliveries", slog.Any(logkey.Error, err))
	}
}
