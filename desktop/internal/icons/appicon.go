package icons

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"presencehub.dev/desktop/internal/model"
)

// AppKind is the icon kind that stands for the app itself (installers, menus, the window): available.
const AppKind = model.IconAvailable

// AppPNG draws the app icon at size×size pixels, encoded as PNG.
func AppPNG(size int) []byte { return encode(Draw(AppKind, size)) }

// ICO encodes the app icon at the given sizes (1 to 256 pixels) as a Windows .ico file whose images
// are PNG-compressed, as Windows reads them since Vista. The MSI and go-winres use it.
func ICO(sizes ...int) ([]byte, error) {
	var head, body bytes.Buffer
	le := binary.LittleEndian
	head.Write(le.AppendUint16(le.AppendUint16(le.AppendUint16(nil, 0), 1), uint16(len(sizes)))) // ICONDIR: reserved, type 1 = icon, count
	offset := 6 + 16*len(sizes)
	for _, s := range sizes {
		if s < 1 || s > 256 {
			return nil, fmt.Errorf("icon size %d: want 1 to 256", s)
		}
		img := AppPNG(s)
		edge := byte(s % 256) // 0 means 256
		head.Write([]byte{edge, edge, 0, 0})
		head.Write(le.AppendUint16(le.AppendUint16(nil, 1), 32)) // planes, bits per pixel
		head.Write(le.AppendUint32(le.AppendUint32(nil, uint32(len(img))), uint32(offset+body.Len())))
		body.Write(img)
	}
	return append(head.Bytes(), body.Bytes()...), nil
}

// icnsTypes are the PNG-carrying .icns entries by edge in pixels (ic10 is the 512@2x image).
var icnsTypes = []struct {
	typ  string
	size int
}{{"ic07", 128}, {"ic08", 256}, {"ic09", 512}, {"ic10", 1024}}

// ICNS encodes the app icon as a macOS .icns file (PNG entries of 128 to 1024 pixels) for the .app
// bundle's Resources.
func ICNS() []byte {
	be := binary.BigEndian
	var body bytes.Buffer
	for _, e := range icnsTypes {
		img := AppPNG(e.size)
		body.WriteString(e.typ)
		body.Write(be.AppendUint32(nil, uint32(8+len(img))))
		body.Write(img)
	}
	out := append([]byte("icns"), be.AppendUint32(nil, uint32(8+body.Len()))...)
	return append(out, body.Bytes()...)
}
