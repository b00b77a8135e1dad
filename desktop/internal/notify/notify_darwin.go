package notify

import (
	"fmt"
	"os/exec"
	"strconv"
)

// send asks osascript to display the notification.
func send(title, body string) error {
	script := "display notification " + strconv.Quote(body) + " with title " + strconv.Quote(title)
	if out, err := exec.Command("osascript", "-e", script).CombinedOutput(); err != nil {
		return fmt.Errorf("notifying: %w: %s", err, out)
	}
	return nil
}
