package icons

import (
	"image"
	"image/color"
	"sync"

	"presencehub.dev/desktop/internal/model"
)

var (
	syncOnce  sync.Once
	syncCache map[model.SyncKind][]byte
)

// SyncPNG returns the small icon before a connected system's line, encoded as PNG: a check for in
// sync, dots for pending, an exclamation mark for an error, a dash in a ring for not synced. Shapes
// differ as well as colors, so the kinds read without color too.
func SyncPNG(k model.SyncKind) []byte {
	syncOnce.Do(func() {
		syncCache = make(map[model.SyncKind][]byte, len(model.SyncKinds))
		for _, kind := range model.SyncKinds {
			syncCache[kind] = encode(DrawSync(kind, Size))
		}
	})
	return syncCache[k]
}

// DrawSync paints the sync icon of a kind at size×size pixels.
func DrawSync(k model.SyncKind, size int) *image.NRGBA {
	return paint(size, syncLayers(k))
}

func syncLayers(k model.SyncKind) []layer {
	disc := func(c color.NRGBA) layer { return layer{circle(0.5, 0.5, 0.46), c} }
	line := func(x1, y1, x2, y2 float64) layer { return layer{capsule(x1, y1, x2, y2, 0.075), white} }
	dot := func(x float64) layer { return layer{circle(x, 0.5, 0.075), white} }
	switch k {
	case model.SyncOK:
		return []layer{disc(Green), line(0.28, 0.52, 0.43, 0.67), line(0.43, 0.67, 0.72, 0.36)}
	case model.SyncPending:
		return []layer{disc(Amber), dot(0.29), dot(0.5), dot(0.71)}
	case model.SyncError:
		return []layer{disc(Red), line(0.5, 0.24, 0.5, 0.56), {circle(0.5, 0.74, 0.08), white}}
	default:
		return []layer{{ring(0.5, 0.5, 0.42, 0.06), Grey}, {capsule(0.32, 0.5, 0.68, 0.5, 0.06), Grey}}
	}
}
