// Package protoconv renders model types as API messages where more than one edge needs them (the admin
// API and the websocket stream).
package protoconv

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"presencehub.dev/hub/internal/model"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// Timestamp converts a time; the zero time becomes unset.
func Timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// Status renders a catalog entry.
func Status(st *model.Status) *phv1.Status {
	settable := st.AgentSettable
	return &phv1.Status{
		Id: st.ID, Name: st.Name, DisplayName: st.DisplayName, Kind: st.Kind, SystemRole: st.SystemRole, Color: st.Color,
		AgentSettable: &settable, Order: st.Order, CreateTime: Timestamp(st.CreateTime), UpdateTime: Timestamp(st.UpdateTime),
	}
}

// Presence renders a presence; kind is the catalog kind of its status.
func Presence(p *model.Presence, kind string) *phv1.Presence {
	return &phv1.Presence{
		AgentId: p.AgentID, Status: p.Status, Version: p.Version, Source: p.Source, SourceId: p.SourceID,
		Reason: p.Reason, PreviousStatus: p.PreviousStatus, UpdateTime: Timestamp(p.UpdateTime),
		QueuedStatus: p.QueuedStatus, Kind: kind,
	}
}

// TimelineEntry renders a timeline entry.
func TimelineEntry(e *model.TimelineEntry) *phv1.TimelineEntry {
	return &phv1.TimelineEntry{
		Id: e.ID, AgentId: e.AgentID, Outcome: e.Outcome, RequestedStatus: e.RequestedStatus, Status: e.Status,
		PreviousStatus: e.PreviousStatus, Version: e.Version, Source: e.Source, SourceId: e.SourceID,
		Reason: e.Reason, RuleId: e.RuleID, CreateTime: Timestamp(e.CreateTime),
	}
}

// VendorWrite renders an outbox entry.
func VendorWrite(w *model.OutboxWrite) *phv1.VendorWrite {
	return &phv1.VendorWrite{
		Id: w.ID, ConnectionId: w.ConnectionID, AgentId: w.AgentID, ExternalId: w.ExternalID, Status: w.Status,
		VendorState: w.VendorState, PresenceVersion: w.PresenceVersion, RuleId: w.RuleID, State: w.State, Attempts: w.Attempts,
		NextAttemptTime: Timestamp(w.NextAttemptTime), LastError: w.LastError, CreateTime: Timestamp(w.CreateTime), UpdateTime: Timestamp(w.UpdateTime),
	}
}
