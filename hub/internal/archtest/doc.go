// Package archtest holds the test that enforces the import rules of docs/architecture.md over the
// whole workspace (hub, shared, desktop): where fyne and go-keyring may be used, that shared stays
// free of hub and desktop, and that hub packages do not reach back up the data flow; and that README.md
// shows the prerequisites scripts/prerequisites holds.
package archtest
