package icons

import (
	"bytes"
	"image/color"
	"image/png"
	"testing"

	"presencehub.dev/desktop/internal/model"
)

func TestIconsArePNGsThatDiffer(t *testing.T) {
	seen := map[string]model.IconKind{}
	for _, k := range model.IconKinds {
		data := PNG(k)
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%v: not a PNG: %v", k, err)
		}
		if b := img.Bounds(); b.Dx() != Size || b.Dy() != Size {
			t.Fatalf("%v: size %v", k, b)
		}
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
			t.Errorf("%v: corner should be transparent", k)
		}
		if other, dup := seen[string(data)]; dup {
			t.Errorf("%v and %v draw the same icon", k, other)
		}
		seen[string(data)] = k
	}
}

// The disc of each status kind has the kind's color (sampled left of center, clear of the glyphs).
func TestStatusColors(t *testing.T) {
	tests := []struct {
		kind model.IconKind
		want color.NRGBA
	}{
		{model.IconAvailable, Green}, {model.IconBusy, Red}, {model.IconAway, Amber},
		{model.IconOffline, Grey}, {model.IconSystem, Violet}, {model.IconDisconnected, Grey},
	}
	for _, tt := range tests {
		img := Draw(tt.kind, Size)
		if got := img.NRGBAAt(Size/8, Size/2); got != tt.want {
			t.Errorf("%v: color %v, want %v", tt.kind, got, tt.want)
		}
	}
	// Signed out and connecting are rings: empty in the middle-left.
	for _, k := range []model.IconKind{model.IconSignedOut, model.IconConnecting} {
		if a := Draw(k, Size).NRGBAAt(Size/5, Size/2).A; a != 0 {
			t.Errorf("%v: inside of the ring should be transparent, alpha %d", k, a)
		}
	}
}

func TestSyncIconsDiffer(t *testing.T) {
	seen := map[string]model.SyncKind{}
	for _, k := range model.SyncKinds {
		data := SyncPNG(k)
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil || img.Bounds().Dx() != Size {
			t.Fatalf("%v: not a %d px PNG: %v", k, Size, err)
		}
		if other, dup := seen[string(data)]; dup {
			t.Errorf("%v and %v draw the same icon", k, other)
		}
		seen[string(data)] = k
	}
	for k, want := range map[model.SyncKind]color.NRGBA{model.SyncOK: Green, model.SyncPending: Amber, model.SyncError: Red} {
		if got := DrawSync(k, Size).NRGBAAt(Size/8, Size/2); got != want {
			t.Errorf("%v: color %v, want %v", k, got, want)
		}
	}
	if a := DrawSync(model.SyncNone, Size).NRGBAAt(Size/5, Size/3).A; a != 0 {
		t.Errorf("not synced is a ring: inside should be transparent, alpha %d", a)
	}
}
