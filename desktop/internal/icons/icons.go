// Package icons draws the tray icons as PNG bytes (the tray needs PNG on every OS): one per status
// kind, each a colored disc with a white glyph so the kinds differ in shape as well as color, plus
// distinct icons for connecting, disconnected and signed out. They are drawn once, in code, so there
// are no binary assets to keep in step with the model.
package icons

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"sync"

	"presencehub.dev/desktop/internal/model"
)

// Size is the edge of the drawn icons in pixels; tray hosts scale them down.
const Size = 64

// Colors of the status kinds (Tailwind 500s, readable on light and dark panels).
var (
	Green  = color.NRGBA{0x22, 0xc5, 0x5e, 0xff}
	Red    = color.NRGBA{0xef, 0x44, 0x44, 0xff}
	Amber  = color.NRGBA{0xf5, 0x9e, 0x0b, 0xff}
	Grey   = color.NRGBA{0x6b, 0x72, 0x80, 0xff}
	Violet = color.NRGBA{0x8b, 0x5c, 0xf6, 0xff}
	Light  = color.NRGBA{0x9c, 0xa3, 0xaf, 0xff}
	white  = color.NRGBA{0xff, 0xff, 0xff, 0xff}
)

var (
	once  sync.Once
	cache map[model.IconKind][]byte
)

// PNG returns the icon of a kind, encoded as PNG.
func PNG(k model.IconKind) []byte {
	once.Do(func() {
		cache = make(map[model.IconKind][]byte, len(model.IconKinds))
		for _, kind := range model.IconKinds {
			cache[kind] = encode(Draw(kind, Size))
		}
	})
	return cache[k]
}

// Draw paints the icon of a kind at size×size pixels.
func Draw(k model.IconKind, size int) *image.NRGBA {
	return paint(size, layers(k))
}

// layers are the shapes of each icon, in a 1×1 box with the origin top-left, painted in order.
func layers(k model.IconKind) []layer {
	disc := func(c color.NRGBA) layer { return layer{circle(0.5, 0.5, 0.46), c} }
	line := func(x1, y1, x2, y2 float64) layer { return layer{capsule(x1, y1, x2, y2, 0.065), white} }
	switch k {
	case model.IconAvailable: // a check mark
		return []layer{disc(Green), line(0.30, 0.52, 0.44, 0.66), line(0.44, 0.66, 0.71, 0.36)}
	case model.IconBusy: // a bar, as on a "do not disturb" sign
		return []layer{disc(Red), line(0.28, 0.5, 0.72, 0.5)}
	case model.IconAway: // clock hands
		return []layer{disc(Amber), line(0.5, 0.5, 0.5, 0.26), line(0.5, 0.5, 0.68, 0.6)}
	case model.IconOffline: // a cross
		return []layer{disc(Grey), line(0.34, 0.34, 0.66, 0.66), line(0.66, 0.34, 0.34, 0.66)}
	case model.IconSystem: // a handset-like ring: busy with a call or its wrap-up
		return []layer{disc(Violet), {ring(0.5, 0.5, 0.2, 0.065), white}}
	case model.IconConnecting: // a ring with three dots: working on it
		return []layer{{ring(0.5, 0.5, 0.42, 0.05), Light}, {circle(0.32, 0.5, 0.06), Light}, {circle(0.5, 0.5, 0.06), Light}, {circle(0.68, 0.5, 0.06), Light}}
	case model.IconDisconnected: // an exclamation mark: the shown status may be stale
		return []layer{disc(Grey), line(0.5, 0.25, 0.5, 0.58), {circle(0.5, 0.74, 0.07), white}}
	default: // signed out: an empty ring
		return []layer{{ring(0.5, 0.5, 0.42, 0.05), Light}}
	}
}

func encode(img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // cannot fail for an in-memory NRGBA
	}
	return b.Bytes()
}
