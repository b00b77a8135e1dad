// Package trim drops the pages of the program's own code and read-only data that the tray no longer
// touches once it runs, like a working-set trim. The tray and its windows are one binary, and Fyne's
// share of it (code, fonts, tables) is paged in while the program starts, though a tray without a
// window never runs it again; on a kernel that maps page-cache folios whole, nearly the whole
// executable ends up resident. The pages are clean and stay in the page cache: what the tray does
// touch later comes back with a minor fault.
package trim

// Result is what a trim did.
type Result struct {
	// Ranges is how many mappings were trimmed; Bytes their size (not all of it was resident).
	Ranges int
	Bytes  uint64
}
