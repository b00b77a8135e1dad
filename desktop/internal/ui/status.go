package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"presencehub.dev/desktop/internal/model"
)

// Actions are what the status window asks for.
type Actions struct {
	SetStatus       func(name string)
	SignIn, SignOut func()
	SetStartAtLogin func(bool)
}

// timelineLines is how many recent changes the window lists.
const timelineLines = 8

// Status is the main window: the current status, the picker, the connected systems, the recent
// timeline, the connection, and the settings.
type Status struct {
	act Actions

	Icon      *canvas.Image
	Headline  *widget.Label
	Since     *widget.Label
	Conn      *widget.Label
	Blocked   *widget.Label
	Overtaken *widget.Label   // a change made offline that the hub overtook
	Picker    *fyne.Container // one button per status
	Vendors   *fyne.Container
	Timeline  *fyne.Container
	AutoStart *widget.Check
	AutoHint  *widget.Label
	SignOut   *widget.Button
	SignIn    *widget.Button
	// The sign-out confirmation: its two buttons, shown in a dialog over the window (SetWindow).
	ConfirmSignOut, KeepSignedIn *widget.Button

	buttons  map[string]*widget.Button
	statuses []model.Status
	root     *fyne.Container
	win      fyne.Window
	confirm  dialog.Dialog
}

// NewStatus builds the window's content; call Update with every state.
func NewStatus(act Actions) *Status {
	s := &Status{act: act, buttons: map[string]*widget.Button{}}
	s.Icon = canvas.NewImageFromResource(IconResource(model.IconSignedOut))
	s.Icon.FillMode = canvas.ImageFillContain
	s.Icon.SetMinSize(fyne.NewSquareSize(40))
	// The status name is larger than body text; one line, so a long one never grows the window.
	s.Headline = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Headline.SizeName = theme.SizeNameSubHeadingText
	s.Headline.Truncation = fyne.TextTruncateEllipsis
	s.Since = widget.NewLabel("")
	s.Since.Importance = widget.LowImportance // legible: Theme keeps muted text at 4.5:1
	s.Since.Truncation = fyne.TextTruncateEllipsis
	s.Conn = widget.NewLabel("")
	s.Conn.Wrapping = fyne.TextWrapWord
	s.Blocked = widget.NewLabel("")
	s.Blocked.Wrapping = fyne.TextWrapWord
	s.Blocked.Importance = widget.WarningImportance
	s.Overtaken = widget.NewLabel("")
	s.Overtaken.Wrapping = fyne.TextWrapWord
	s.Overtaken.Importance = widget.WarningImportance
	s.Overtaken.Hide()
	s.Picker = container.NewGridWithColumns(2)
	s.Vendors = container.NewVBox()
	s.Timeline = container.NewVBox()
	s.AutoStart = widget.NewCheck("Start Presence Hub when I log in", func(on bool) {
		if act.SetStartAtLogin != nil {
			act.SetStartAtLogin(on)
		}
	})
	s.AutoHint = widget.NewLabel("")
	s.AutoHint.Importance = widget.LowImportance
	s.AutoHint.Hide()
	s.SignOut = widget.NewButtonWithIcon("Sign out…", theme.LogoutIcon(), s.AskSignOut)
	s.ConfirmSignOut = widget.NewButtonWithIcon("Sign out", theme.LogoutIcon(), func() {
		s.closeConfirm()
		call(act.SignOut)
	})
	s.ConfirmSignOut.Importance = widget.DangerImportance
	s.KeepSignedIn = widget.NewButton("Stay signed in", s.closeConfirm)
	s.SignIn = widget.NewButtonWithIcon("Sign in…", theme.LoginIcon(), func() { call(act.SignIn) })
	s.SignIn.Importance = widget.HighImportance

	// Everything whose size follows the state scrolls, so the window keeps the size it was given (it
	// never grows itself as vendors, reasons or changes come and go).
	header := container.NewBorder(nil, nil, container.NewCenter(s.Icon), nil, container.NewVBox(s.Headline, s.Since))
	left := container.NewVBox(s.Conn, s.Overtaken, section("Set my status"), s.Blocked, s.Picker, section("Connected systems"), s.Vendors)
	right := container.NewVBox(section("Recent changes"), s.Timeline)
	bottom := container.NewVBox(widget.NewSeparator(),
		container.NewHBox(s.AutoStart, layout.NewSpacer(), s.SignIn, s.SignOut), s.AutoHint)
	s.root = container.NewBorder(header, bottom, nil, nil,
		container.NewGridWithColumns(2, container.NewVScroll(left), container.NewVScroll(right)))
	return s
}

// SetWindow names the window the content is shown in, for the sign-out confirmation.
func (s *Status) SetWindow(w fyne.Window) { s.win = w }

// AskSignOut asks the agent to confirm signing out (a misclick would mean asking an admin for a new
// pairing code); only "Sign out" in that dialog signs out. Without a window nothing happens.
func (s *Status) AskSignOut() {
	if s.win == nil || s.confirm != nil {
		return
	}
	msg := widget.NewLabel("This computer stops showing and changing your status. To sign in again you need a new pairing code from your admin.")
	msg.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(msg, container.NewHBox(layout.NewSpacer(), s.KeepSignedIn, s.ConfirmSignOut))
	s.confirm = dialog.NewCustomWithoutButtons("Sign out of Presence Hub?", body, s.win)
	s.confirm.SetOnClosed(func() { s.confirm = nil })
	s.confirm.Resize(fyne.NewSize(420, 0))
	s.confirm.Show()
}

func (s *Status) closeConfirm() {
	if d := s.confirm; d != nil {
		d.Hide()
	}
}

func call(f func()) {
	if f != nil {
		f()
	}
}

func section(title string) fyne.CanvasObject {
	return container.NewVBox(widget.NewSeparator(), widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
}

// Content is the window's root object.
func (s *Status) Content() fyne.CanvasObject { return s.root }

// SetStartAtLogin shows the start-at-login setting; locked when IT enforces it.
func (s *Status) SetStartAtLogin(on, locked bool) {
	s.AutoStart.Checked = on
	s.AutoStart.Refresh()
	if locked {
		s.AutoStart.Disable()
		s.AutoHint.SetText("Set by your IT department.")
		s.AutoHint.Show()
	} else {
		s.AutoStart.Enable()
		s.AutoHint.Hide()
	}
}

// Update shows a state.
func (s *Status) Update(st model.State, now time.Time) {
	s.Icon.Resource = IconResource(model.Icon(st))
	s.Icon.Refresh()
	s.Headline.SetText(st.Headline())
	since := ""
	if st.Have && st.SignedIn() {
		since = model.Since(st.Presence.Since, now)
	}
	s.Since.SetText(since)
	s.Conn.SetText(st.ConnLabel())
	s.Conn.Importance = widget.MediumImportance
	if st.SignedIn() && st.Conn != model.Connected {
		s.Conn.Importance = widget.WarningImportance
	}
	s.Conn.Refresh()
	s.Overtaken.SetText(st.Overtaken)
	if st.Overtaken != "" && st.SignedIn() {
		s.Overtaken.Show()
	} else {
		s.Overtaken.Hide()
	}
	s.updatePicker(st)
	s.updateVendors(st)
	s.updateTimeline(st, now)
	if st.SignedIn() {
		s.SignIn.Hide()
		s.SignOut.Show()
	} else {
		s.SignIn.Show()
		s.SignOut.Hide()
		s.closeConfirm()
	}
	s.root.Refresh() // lay out again: sections grew or shrank
}
