package trim

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Executable un-maps the resident pages of the executable's read-only mappings (code and read-only
// data; never the writable data) with madvise(MADV_DONTNEED). For a private read-only file mapping
// that only drops this process's page-table entries: the contents come back from the file on the
// next access.
func Executable() (Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return Result{}, fmt.Errorf("trimming: %w", err)
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return Result{}, fmt.Errorf("trimming: %w", err)
	}
	defer f.Close()
	var res Result
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		start, end, ok := readOnlyMapping(sc.Text(), exe)
		if !ok {
			continue
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, start, end-start, syscall.MADV_DONTNEED); errno != 0 {
			return res, fmt.Errorf("trimming %x-%x: %w", start, end, errno)
		}
		res.Ranges++
		res.Bytes += uint64(end - start)
	}
	return res, sc.Err()
}

// readOnlyMapping parses a /proc/self/maps line ("start-end perms offset dev inode path") and says
// whether it maps exe without write permission, private.
func readOnlyMapping(line, exe string) (start, end uintptr, ok bool) {
	fields := strings.Fields(line)
	if len(fields) < 6 || strings.Join(fields[5:], " ") != exe {
		return 0, 0, false
	}
	perms := fields[1]
	if len(perms) != 4 || perms[1] != '-' || perms[3] != 'p' {
		return 0, 0, false
	}
	lo, hi, found := strings.Cut(fields[0], "-")
	if !found {
		return 0, 0, false
	}
	s, err1 := strconv.ParseUint(lo, 16, 64)
	e, err2 := strconv.ParseUint(hi, 16, 64)
	if err1 != nil || err2 != nil || e <= s {
		return 0, 0, false
	}
	return uintptr(s), uintptr(e), true
}
