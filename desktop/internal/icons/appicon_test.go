package icons

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"testing"
)

func TestICOHoldsEachSizeAsPNG(t *testing.T) {
	sizes := []int{16, 32, 48, 256}
	data, err := ICO(sizes...)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if le.Uint16(data[0:]) != 0 || le.Uint16(data[2:]) != 1 || int(le.Uint16(data[4:])) != len(sizes) {
		t.Fatalf("bad ICONDIR % x", data[:6])
	}
	for i, s := range sizes {
		e := data[6+16*i:]
		n, off := le.Uint32(e[8:]), le.Uint32(e[12:])
		img, err := png.Decode(bytes.NewReader(data[off : off+n]))
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if img.Bounds().Dx() != s || (e[0] != byte(s%256)) {
			t.Fatalf("entry %d: %v, header width %d, want %d", i, img.Bounds(), e[0], s)
		}
	}
	if _, err := ICO(512); err == nil {
		t.Fatal("ICO cannot hold 512 pixels")
	}
}

func TestICNSLayout(t *testing.T) {
	data := ICNS()
	be := binary.BigEndian
	if string(data[:4]) != "icns" || int(be.Uint32(data[4:])) != len(data) {
		t.Fatalf("bad header % x (len %d)", data[:8], len(data))
	}
	n := 0
	for p := 8; p < len(data); n++ {
		l := int(be.Uint32(data[p+4:]))
		img, err := png.Decode(bytes.NewReader(data[p+8 : p+l]))
		if err != nil || img.Bounds().Dx() != icnsTypes[n].size || string(data[p:p+4]) != icnsTypes[n].typ {
			t.Fatalf("entry %d (%s): %v, %v", n, data[p:p+4], img.Bounds(), err)
		}
		p += l
	}
	if n != len(icnsTypes) {
		t.Fatalf("%d entries", n)
	}
}
