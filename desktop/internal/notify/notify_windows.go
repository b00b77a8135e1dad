package notify

import (
	"fmt"
	"os/exec"
	"strings"
	"syscall"
)

// toast is a PowerShell script showing a Windows toast; {{title}} and {{body}} are XML-escaped.
const toast = `[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null
$x = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)
$t = $x.GetElementsByTagName('text')
$t.Item(0).AppendChild($x.CreateTextNode('{{title}}')) > $null
$t.Item(1).AppendChild($x.CreateTextNode('{{body}}')) > $null
[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('Presence Hub').Show([Windows.UI.Notifications.ToastNotification]::new($x))`

// send runs the toast script in a hidden PowerShell.
func send(title, body string) error {
	script := strings.NewReplacer("{{title}}", quote(title), "{{body}}", quote(body)).Replace(toast)
	cmd := exec.Command("powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("notifying: %w: %s", err, out)
	}
	return nil
}

// quote makes s safe inside a single-quoted PowerShell string.
func quote(s string) string { return strings.ReplaceAll(s, "'", "''") }
