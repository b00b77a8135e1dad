package model

import (
	"cmp"
	"slices"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// outcomeApplied is the timeline outcome of a request that changed the status.
const outcomeApplied = "applied"

// WithHubTimeline merges the hub's timeline (ListTimeline, newest first) into the recent changes, so
// the window lists what happened before this tray started too. Only applied changes are entries; an
// entry the tray already has (same version) keeps the tray's copy, which knows the queued status.
func (s State) WithHubTimeline(list []*phv1.TimelineEntry) State {
	if !s.SignedIn() {
		return s
	}
	tl := slices.Clone(s.Timeline)
	for _, e := range list {
		if e.GetOutcome() != outcomeApplied || e.GetVersion() == 0 ||
			slices.ContainsFunc(tl, func(have Entry) bool { return have.Version == e.GetVersion() }) {
			continue
		}
		tl = append(tl, Entry{Time: e.GetCreateTime().AsTime(), Status: e.GetStatus(), Previous: e.GetPreviousStatus(),
			Source: e.GetSource(), SourceID: e.GetSourceId(), Reason: e.GetReason(), Version: e.GetVersion()})
	}
	slices.SortStableFunc(tl, func(a, b Entry) int { return cmp.Compare(b.Version, a.Version) })
	s.Timeline = tl[:min(len(tl), maxTimeline)]
	return s
}
