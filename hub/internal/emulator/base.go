package emulator

import "time"

// Base is what every emulator embeds: the call recorder, the outage switch and the rate-limit window,
// with the Emulator methods they serve.
type Base struct {
	Rec    Recorder
	Outage Outage
	Window Window
}

// SetDown makes every request answer 503 until called with false.
func (b *Base) SetDown(down bool) { b.Outage.Set(down) }

// SetThrottle answers every request 429 with Retry-After retryAfter until called with 0.
func (b *Base) SetThrottle(retryAfter time.Duration) { b.Outage.Throttle(retryAfter) }

// SetRateLimit sets the account's requests per minute (0: unlimited) and starts a new window.
func (b *Base) SetRateLimit(perMinute int) { b.Window.SetLimit(perMinute) }

// Calls lists the requests received, oldest first.
func (b *Base) Calls() []Call { return b.Rec.Calls() }
