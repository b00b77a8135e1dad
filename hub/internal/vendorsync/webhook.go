package vendorsync

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"

	"presencehub.dev/hub/internal/clientip"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// maxWebhookBody bounds a delivery's size.
const maxWebhookBody = 1 << 20

// WebhookHandler serves POST /v1/webhooks/{connection}: the delivery is verified (bad signature or
// token: 401, nothing applied), parsed (malformed: 400) and applied before answering, so a vendor that
// gets a 2xx knows the change is in. Both rejections are logged.
func (in *Inbound) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("connection")
		log := in.log.With(slog.String(logkey.Connection, id), slog.String(logkey.Addr, clientip.FromContext(r.Context())))
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			in.webhookAnswer(w, "", http.StatusRequestEntityTooLarge, "body too large")
			return
		}
		c, err := in.st.ConnectionByID(r.Context(), id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !c.Enabled) {
			log.Warn("webhook for an unknown or disabled connection")
			in.webhookAnswer(w, "", http.StatusNotFound, "no such connection")
			return
		}
		if err != nil {
			log.Error("reading connection", slog.Any(logkey.Error, err))
			in.webhookAnswer(w, "", http.StatusServiceUnavailable, "try again")
			return
		}
		l, err := in.conns.of(r.Context(), c)
		if err != nil {
			log.Error("preparing adapter", slog.Any(logkey.Error, err))
			in.webhookAnswer(w, c.Vendor, http.StatusServiceUnavailable, "connection not usable")
			return
		}
		if hs, ok := l.adapter.(vendorapi.WebhookHandshake); ok {
			if answer, ok := hs.Handshake(r.URL.Query()); ok { // the vendor checks the endpoint: echo, apply nothing
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.Header().Set("X-Content-Type-Options", "nosniff")
				_, _ = io.WriteString(w, answer)
				return
			}
		}
		wr, ok := l.adapter.(vendorapi.WebhookReceiver)
		if !ok {
			in.webhookAnswer(w, c.Vendor, http.StatusNotFound, "this vendor sends no webhooks")
			return
		}
		changes, err := wr.ParseWebhook(r.Header, body)
		switch {
		case errors.Is(err, vendorapi.ErrBadSignature):
			log.Warn("webhook rejected: signature does not verify", slog.Any(logkey.Error, err))
			in.webhookAnswer(w, c.Vendor, http.StatusUnauthorized, "signature does not verify")
			return
		case err != nil:
			log.Warn("webhook rejected: malformed", slog.Any(logkey.Error, err))
			in.webhookAnswer(w, c.Vendor, http.StatusBadRequest, "malformed delivery")
			return
		}
		fresh, drops, err := in.admitDelivery(r.Context(), c, r.Header, body, changes) // replays: acknowledged, not applied
		if err != nil {
			log.Error("checking for a replayed delivery", slog.Any(logkey.Error, err))
			in.webhookAnswer(w, c.Vendor, http.StatusServiceUnavailable, "try again")
			return
		}
		counts := in.Receive(r.Context(), c, fresh)
		maps.Copy(counts, drops)
		in.metrics.webhooks.WithLabelValues(c.Vendor, "accepted").Inc()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"received": len(changes), "outcomes": counts})
	})
}

func (in *Inbound) webhookAnswer(w http.ResponseWriter, vendorName string, code int, msg string) {
	in.metrics.webhooks.WithLabelValues(vendorName, http.StatusText(code)).Inc()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
