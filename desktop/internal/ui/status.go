package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
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
	Picker    *fyne.Container // one button per status
	Vendors   *fyne.Container
	Timeline  *fyne.Container
	AutoStart *widget.Check
	AutoHint  *widget.Label
	SignOut   *widget.Button
	SignIn    *widget.Button

	buttons  map[string]*widget.Button
	statuses []model.Status
	root     *fyne.Container
}

// NewStatus builds the window's content; call Update with every state.
func NewStatus(act Actions) *Status {
	s := &Status{act: act, buttons: map[string]*widget.Button{}}
	s.Icon = canvas.NewImageFromResource(IconResource(model.IconSignedOut))
	s.Icon.FillMode = canvas.ImageFillContain
	s.Icon.SetMinSize(fyne.NewSquareSize(40))
	s.Headline = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Headline.Wrapping = fyne.TextWrapWord
	s.Since = widget.NewLabel("")
	s.Since.Importance = widget.LowImportance
	s.Conn = widget.NewLabel("")
	s.Conn.Wrapping = fyne.TextWrapWord
	s.Blocked = widget.NewLabel("")
	s.Blocked.Wrapping = fyne.TextWrapWord
	s.Blocked.Importance = widget.WarningImportance
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
	s.SignOut = widget.NewButtonWithIcon("Sign out", theme.LogoutIcon(), func() { call(act.SignOut) })
	s.SignIn = widget.NewButtonWithIcon("Sign in…", theme.LoginIcon(), func() { call(act.SignIn) })
	s.SignIn.Importance = widget.HighImportance

	header := container.NewBorder(nil, nil, container.NewCenter(s.Icon), nil, container.NewVBox(s.Headline, s.Since))
	left := container.NewVBox(section("Set my status"), s.Blocked, s.Picker, section("Connected systems"), s.Vendors)
	right := container.NewVBox(section("Recent changes"), s.Timeline)
	bottom := container.NewVBox(widget.NewSeparator(),
		container.NewHBox(s.AutoStart, layout.NewSpacer(), s.SignIn, s.SignOut), s.AutoHint)
	s.root = container.NewBorder(container.NewVBox(header, s.Conn), bottom, nil, nil,
		container.NewGridWithColumns(2, left, container.NewVScroll(right)))
	return s
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
	s.updatePicker(st)
	s.updateVendors(st)
	s.updateTimeline(st, now)
	if st.SignedIn() {
		s.SignIn.Hide()
		s.SignOut.Show()
	} else {
		s.SignIn.Show()
		s.SignOut.Hide()
	}
	s.root.Refresh() // lay out again: sections grew or shrank
}
