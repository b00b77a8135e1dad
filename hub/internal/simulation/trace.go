package simulation

import (
	"fmt"
	"strings"
	"time"
)

// trace is what happened in a seed, one line per event, in virtual time: the generator's steps, what
// the hub answered, webhook fates, restarts. Lines name agents by index (a0, a1) and vendors by name,
// never by generated ids, so the same seed gives the same trace.
type trace struct {
	w     *World
	step  int
	lines []string
}

func (t *trace) add(format string, args ...any) {
	t.lines = append(t.lines, fmt.Sprintf("%-8s s%-3d %s", t.w.at(time.Now()), t.step, fmt.Sprintf(format, args...)))
}

func (t *trace) String() string { return strings.Join(t.lines, "\n") }

// short is the trace cut for a failure message: the setup line, every line naming one of focus, and the
// last tail lines.
func (t *trace) short(focus []string, tail int) string {
	var b strings.Builder
	cut := max(1, len(t.lines)-tail)
	for i, l := range t.lines {
		keep := i == 0 || i >= cut
		for _, f := range focus {
			keep = keep || (f != "" && strings.Contains(l, f))
		}
		if keep {
			b.WriteString(l)
			b.WriteByte('\n')
		} else if i > 0 && !strings.HasSuffix(b.String(), "…\n") {
			b.WriteString("…\n")
		}
	}
	return b.String()
}

// Checks. Each failed check is a violation naming one of these.
const (
	checkReason            = "a-reason"          // a status change has an allowed cause, and the timeline names it
	checkDriftApply        = "a-drift-apply"     // ... a drift-repair read-back taken as a vendor change nobody made
	checkStale             = "a-stale"           // a vendor change applied after the person had moved on in that vendor
	checkAcked             = "b-acked"           // an acknowledged change (applied, queued) survives restarts
	checkAckedHeld         = "b-acked-held"      // ... and so does one held by flow control (coalesced)
	checkConverge          = "c-converge"        // after the quiet time, vendors the rule writes show the hub's status
	checkUnmapped          = "c-left-alone"      // a person's newer choice inside a vendor is left alone
	checkDriftOverwrite    = "c-drift-overwrite" // ... but drift repair overwrote it
	checkLoops             = "d-loops"
	checkRetryAfter        = "e-retry-after"         // no request before Retry-After, within one hub process
	checkRetryAfterRestart = "e-retry-after-restart" // ... nor from the next process after a restart
)

// violation is one failed check.
type violation struct {
	check string
	msg   string
	focus string // an agent ("a1") or vendor the shortened trace follows
}

func (w *World) violate(check, msg string) { w.violateFor(check, "", msg) }

func (w *World) violateFor(check, focus, msg string) {
	w.vmu.Lock()
	defer w.vmu.Unlock()
	w.violations = append(w.violations, violation{check: check, msg: msg, focus: focus})
}
