package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// SignIn is the first-run form: the hub URL (prefilled, read-only when IT enforces it) and the
// pairing code an admin handed out.
type SignIn struct {
	HubURL  *widget.Entry
	Code    *widget.Entry
	Submit  *widget.Button
	Message *widget.Label
	root    fyne.CanvasObject
}

// NewSignIn builds the form. onSubmit runs (on the UI goroutine) when the agent signs in; call
// SetBusy(false) and SetError when the attempt has ended.
func NewSignIn(hubURL string, locked bool, onSubmit func(hubURL, code string)) *SignIn {
	s := &SignIn{HubURL: widget.NewEntry(), Code: widget.NewEntry(), Message: widget.NewLabel("")}
	s.HubURL.SetPlaceHolder("https://presence.example.com")
	s.HubURL.SetText(hubURL)
	s.Code.SetPlaceHolder("Pairing code, e.g. XXXX-XXXX")
	s.Message.Wrapping = fyne.TextWrapWord
	s.Submit = widget.NewButton("Sign in", func() {
		if s.ready() {
			onSubmit(strings.TrimSpace(s.HubURL.Text), strings.TrimSpace(s.Code.Text))
		}
	})
	s.Submit.Importance = widget.HighImportance
	s.HubURL.OnChanged = func(string) { s.refresh() }
	s.Code.OnChanged = func(string) { s.refresh() }
	s.Code.OnSubmitted = func(string) { s.Submit.OnTapped() }
	hubHint := widget.NewLabel("Set by your IT department.")
	hubHint.Importance = widget.LowImportance
	hubHint.Hide()
	if locked {
		s.HubURL.Disable()
		hubHint.Show()
	}
	intro := widget.NewLabel("Ask your admin for a pairing code, then enter it here. You stay signed in on this computer until you sign out.")
	intro.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(widget.NewFormItem("Hub URL", s.HubURL), widget.NewFormItem("Pairing code", s.Code))
	title := widget.NewLabelWithStyle("Sign in to Presence Hub", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.root = container.NewVBox(title, intro, form, hubHint, container.NewHBox(s.Submit), s.Message)
	s.refresh()
	return s
}

// Reset prepares the form for another sign-in: the hub URL (unless locked), no code, no message.
func (s *SignIn) Reset(hubURL string) {
	if !s.HubURL.Disabled() {
		s.HubURL.SetText(hubURL)
	}
	s.Code.SetText("")
	s.Message.SetText("")
	s.refresh()
}

// Content is the form's root object.
func (s *SignIn) Content() fyne.CanvasObject { return s.root }

func (s *SignIn) ready() bool {
	return strings.TrimSpace(s.HubURL.Text) != "" && strings.TrimSpace(s.Code.Text) != ""
}

func (s *SignIn) refresh() {
	if s.ready() {
		s.Submit.Enable()
	} else {
		s.Submit.Disable()
	}
}

// SetBusy shows that an attempt is under way.
func (s *SignIn) SetBusy(busy bool) {
	if busy {
		s.Submit.Disable()
		s.Message.Importance = widget.MediumImportance
		s.Message.SetText("Signing in…")
		return
	}
	s.refresh()
}

// SetError shows why the last attempt failed ("" clears it).
func (s *SignIn) SetError(msg string) {
	s.Message.Importance = widget.DangerImportance
	s.Message.SetText(msg)
}
