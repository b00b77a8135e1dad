package cli

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"

	"presencehub.dev/hub/internal/demo"
	"presencehub.dev/hub/internal/emulator/emulators"
)

// emulatorPortsHelp is the help of --emulator-base-port: which vendor gets which port.
func emulatorPortsHelp() string {
	var order []string
	for i, v := range emulators.Vendors() {
		n := "N"
		if i > 0 {
			n = "N+" + strconv.Itoa(i)
		}
		order = append(order, v+" "+n)
	}
	return fmt.Sprintf("serve the %d vendor emulators on 127.0.0.1 ports `N`, N+1, …: %s (http is the punch clock); 0 picks free ports at random",
		len(order), strings.Join(order, ", "))
}

// checkEmulatorPorts refuses a base port whose range does not fit or holds the hub's own port.
func checkEmulatorPorts(base int, listen string) error {
	if base == 0 {
		return nil
	}
	last := base + len(emulators.Vendors()) - 1
	if base < 0 || last > 65535 {
		return fmt.Errorf("--emulator-base-port %d: want 0 (random ports) or 1 to %d", base, 65535-len(emulators.Vendors())+1)
	}
	if _, p, err := net.SplitHostPort(listen); err == nil {
		if port, err := strconv.Atoi(p); err == nil && port >= base && port <= last {
			return fmt.Errorf("--emulator-base-port %d: the emulators take ports %d to %d, which holds the hub's own %s", base, base, last, listen)
		}
	}
	return nil
}

// startEmulators starts every vendor emulator on 127.0.0.1, on base, base+1, … in emulators.Vendors()
// order, or on free ports when base is 0. stop shuts down those started, also after an error.
func startEmulators(log *slog.Logger, base int) (ems []demo.Emulated, stop func(), err error) {
	var running []*emulators.Running
	stop = func() {
		for _, r := range running {
			r.Stop()
		}
	}
	for i, v := range emulators.Vendors() {
		em, err := emulators.New(v, log)
		if err != nil {
			return nil, stop, err
		}
		port := 0
		if base != 0 {
			port = base + i
		}
		run, err := emulators.Start(em, net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil && base != 0 {
			return nil, stop, fmt.Errorf("--emulator-base-port %d: %w", base, err)
		}
		if err != nil {
			return nil, stop, err
		}
		running = append(running, run)
		ems = append(ems, demo.Emulated{Emulator: em, URL: run.URL})
	}
	return ems, stop, nil
}
