package icons

import (
	"image"
	"image/color"
	"math"
)

// shape says whether a point of the unit box is inside.
type shape func(x, y float64) bool

type layer struct {
	in shape
	c  color.NRGBA
}

func circle(cx, cy, r float64) shape {
	return func(x, y float64) bool { return math.Hypot(x-cx, y-cy) <= r }
}

func ring(cx, cy, r, half float64) shape {
	return func(x, y float64) bool { return math.Abs(math.Hypot(x-cx, y-cy)-r) <= half }
}

// capsule is a line from (x1,y1) to (x2,y2) with round ends, half as wide as given.
func capsule(x1, y1, x2, y2, half float64) shape {
	dx, dy := x2-x1, y2-y1
	l2 := dx*dx + dy*dy
	return func(x, y float64) bool {
		t := 0.0
		if l2 > 0 {
			t = math.Max(0, math.Min(1, ((x-x1)*dx+(y-y1)*dy)/l2))
		}
		return math.Hypot(x-(x1+t*dx), y-(y1+t*dy)) <= half
	}
}

// samples per pixel edge: 4×4 supersampling gives smooth edges.
const samples = 4

// paint draws the layers over a transparent background, each pixel's coverage taken from samples.
func paint(size int, layers []layer) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64 // premultiplied
			for _, l := range layers {
				cov := coverage(l.in, px, py, size)
				if cov == 0 {
					continue
				}
				la := cov * float64(l.c.A) / 255
				r = float64(l.c.R)*la + r*(1-la)
				g = float64(l.c.G)*la + g*(1-la)
				b = float64(l.c.B)*la + b*(1-la)
				a = la + a*(1-la)
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{R: uint8(r/a + 0.5), G: uint8(g/a + 0.5), B: uint8(b/a + 0.5), A: uint8(a*255 + 0.5)})
		}
	}
	return img
}

func coverage(in shape, px, py, size int) float64 {
	hit := 0
	for sy := 0; sy < samples; sy++ {
		for sx := 0; sx < samples; sx++ {
			x := (float64(px) + (float64(sx)+0.5)/samples) / float64(size)
			y := (float64(py) + (float64(sy)+0.5)/samples) / float64(size)
			if in(x, y) {
				hit++
			}
		}
	}
	return float64(hit) / (samples * samples)
}
