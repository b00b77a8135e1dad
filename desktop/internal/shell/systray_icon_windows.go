package shell

import (
	"encoding/binary"

	"presencehub.dev/desktop/internal/icons"
)

// osIcon is the icon in the format the Windows notification area takes: an .ico holding the PNG
// (PNG-compressed icon images are read since Vista).
func osIcon(png []byte) []byte {
	le := binary.LittleEndian
	ico := le.AppendUint16(le.AppendUint16(le.AppendUint16(nil, 0), 1), 1) // ICONDIR: reserved, icon, one image
	ico = append(ico, icons.Size, icons.Size, 0, 0)                        // width, height, colors, reserved
	ico = le.AppendUint16(le.AppendUint16(ico, 1), 32)                     // planes, bits per pixel
	ico = le.AppendUint32(le.AppendUint32(ico, uint32(len(png))), 6+16)    // size, offset
	return append(ico, png...)
}
