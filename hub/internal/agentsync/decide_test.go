package agentsync

import (
	"testing"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

func TestDecide(t *testing.T) {
	u := store.SyncUser{ExternalID: "7", Email: "ann@x.example"}
	ann := &store.LinkedAgent{ID: "ag_ann", Email: "ann@x.example"}
	annAt := func(ext string, pinned bool) *store.LinkedAgent {
		a := *ann
		a.ExternalID, a.Pinned = ext, pinned
		return &a
	}
	bob := func(pinned bool) *store.LinkedAgent {
		return &store.LinkedAgent{ID: "ag_bob", Email: "bob@x.example", ExternalID: "7", Pinned: pinned}
	}
	for _, tc := range []struct {
		name          string
		f             store.SyncFacts
		create        bool
		want          string
		link, unlink  string
		conflict      string
		createsAgent  bool
		matchedIsAnn  bool
		otherExternal string
	}{
		{name: "no id", f: store.SyncFacts{User: store.SyncUser{Email: "x@y.example"}}, want: model.SyncError},
		{name: "repeat", f: store.SyncFacts{User: u, Repeat: true}, want: ""},
		{name: "duplicate email", f: store.SyncFacts{User: u, EmailSeenAs: "6", ByEmail: ann}, want: model.SyncConflicting, conflict: model.ConflictDuplicateEmail, otherExternal: "6"},
		{name: "no agent", f: store.SyncFacts{User: u}, want: model.SyncUnmatched},
		{name: "no agent, create", f: store.SyncFacts{User: u}, create: true, want: model.SyncCreated, createsAgent: true},
		{name: "no agent, bad email, create", f: store.SyncFacts{User: store.SyncUser{ExternalID: "7", Email: "not an email"}}, create: true, want: model.SyncUnmatched},
		{name: "no agent, held by a pinned link", f: store.SyncFacts{User: u, Holder: bob(true)}, create: true, want: model.SyncPinned},
		{name: "no agent, held by a link", f: store.SyncFacts{User: u, Holder: bob(false)}, create: true, want: model.SyncUnchanged},
		{name: "already linked", f: store.SyncFacts{User: u, ByEmail: annAt("7", false), Holder: annAt("7", false)}, want: model.SyncUnchanged, matchedIsAnn: true},
		{name: "new link", f: store.SyncFacts{User: u, ByEmail: ann}, want: model.SyncLinked, link: "ag_ann", matchedIsAnn: true},
		{name: "pinned elsewhere", f: store.SyncFacts{User: u, ByEmail: annAt("9", true)}, want: model.SyncPinned, matchedIsAnn: true},
		{name: "id moved", f: store.SyncFacts{User: u, ByEmail: annAt("9", false)}, want: model.SyncRelinked, link: "ag_ann", conflict: model.ConflictIDMoved, matchedIsAnn: true, otherExternal: "9"},
		{name: "id taken from bob", f: store.SyncFacts{User: u, ByEmail: ann, Holder: bob(false)}, want: model.SyncLinked, link: "ag_ann", unlink: "ag_bob", conflict: model.ConflictIDMoved, matchedIsAnn: true},
		{name: "id pinned to bob", f: store.SyncFacts{User: u, ByEmail: ann, Holder: bob(true)}, want: model.SyncConflicting, conflict: model.ConflictIDPinned, matchedIsAnn: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Decide(tc.f, tc.create)
			kind, other := "", ""
			if p.Conflict != nil {
				kind, other = p.Conflict.Kind, p.Conflict.OtherExternalID
			}
			if p.Outcome != tc.want || p.Link != tc.link || p.Unlink != tc.unlink || kind != tc.conflict || p.Create != tc.createsAgent ||
				(p.Matched == "ag_ann") != tc.matchedIsAnn || other != tc.otherExternal {
				t.Fatalf("got %+v (conflict %+v)", p, p.Conflict)
			}
		})
	}
}
