package ui

import (
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"presencehub.dev/desktop/internal/icons"
	"presencehub.dev/desktop/internal/model"
)

// updatePicker shows one button per status the agent may pick (rebuilt when the catalog changes):
// the current one, or the one asked for, is marked; all are disabled while changes are refused.
func (s *Status) updatePicker(st model.State) {
	statuses := st.Statuses
	if !st.SignedIn() || !st.Have {
		statuses = nil
	}
	if !slices.Equal(statuses, s.statuses) {
		s.statuses = slices.Clone(statuses)
		s.buttons = map[string]*widget.Button{}
		objs := make([]fyne.CanvasObject, 0, len(statuses))
		for _, ms := range statuses {
			name := ms.Name
			b := widget.NewButtonWithIcon(ms.Display, IconResource(kindIcon(ms.Kind)), func() {
				if s.act.SetStatus != nil {
					s.act.SetStatus(name)
				}
			})
			b.Alignment = widget.ButtonAlignLeading
			s.buttons[name] = b
			objs = append(objs, b)
		}
		s.Picker.Objects = objs
		s.Picker.Refresh()
	}
	for _, it := range model.StatusItems(st) {
		b, ok := s.buttons[it.Status]
		if !ok {
			continue
		}
		b.SetText(it.Label)
		b.Importance = widget.MediumImportance
		if it.Checked {
			b.Importance = widget.HighImportance
		}
		if it.Enabled {
			b.Enable()
		} else {
			b.Disable()
		}
		b.Refresh()
	}
	blocked := ""
	if st.SignedIn() && st.Have {
		blocked = st.BlockReason()
	}
	s.Blocked.SetText(blocked)
	if blocked == "" {
		s.Blocked.Hide()
	} else {
		s.Blocked.Show()
	}
}

// updateVendors shows one line per connected system, each after a small icon of its sync state.
func (s *Status) updateVendors(st model.State) {
	var objs []fyne.CanvasObject
	switch {
	case !st.SignedIn() || !st.Have:
	case len(st.Vendors) == 0:
		objs = append(objs, lowLabel("No connected systems for you yet."))
	default:
		for _, v := range st.Vendors {
			l := widget.NewLabel(model.VendorLine(v))
			l.Wrapping = fyne.TextWrapWord
			if v.Sync == "error" {
				l.Importance = widget.DangerImportance
			}
			icon := canvas.NewImageFromResource(SyncResource(model.VendorSync(v)))
			icon.FillMode = canvas.ImageFillContain
			icon.SetMinSize(fyne.NewSquareSize(16))
			objs = append(objs, container.NewBorder(nil, nil, container.NewCenter(icon), nil, l))
		}
	}
	s.Vendors.Objects = objs
	s.Vendors.Refresh()
}

func (s *Status) updateTimeline(st model.State, now time.Time) {
	var objs []fyne.CanvasObject
	if len(st.Timeline) == 0 && st.SignedIn() {
		objs = append(objs, lowLabel("Nothing yet."))
	}
	for _, e := range st.Timeline[:min(len(st.Timeline), timelineLines)] {
		l := widget.NewLabel(st.EntryLine(e, now))
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	s.Timeline.Objects = objs
	s.Timeline.Refresh()
}

func lowLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Importance = widget.LowImportance
	return l
}

// kindIcon is the icon of a status kind, for the picker's buttons.
func kindIcon(kind string) model.IconKind {
	return model.Icon(model.State{Conn: model.Connected, Have: true, Presence: model.Presence{Kind: kind}})
}

var (
	iconCache sync.Map // model.IconKind → fyne.Resource
	syncCache sync.Map // model.SyncKind → fyne.Resource
)

// SyncResource wraps a sync icon's PNG as a fyne resource named after the kind ("sync-in-sync.png").
func SyncResource(k model.SyncKind) fyne.Resource {
	if r, ok := syncCache.Load(k); ok {
		return r.(fyne.Resource)
	}
	r, _ := syncCache.LoadOrStore(k, fyne.NewStaticResource("sync-"+k.String()+".png", icons.SyncPNG(k)))
	return r.(fyne.Resource)
}

// IconResource wraps an icon's PNG as a fyne resource, named after the kind (which golden markup
// shows), for the window and the tray.
func IconResource(k model.IconKind) fyne.Resource {
	if r, ok := iconCache.Load(k); ok {
		return r.(fyne.Resource)
	}
	r, _ := iconCache.LoadOrStore(k, fyne.NewStaticResource("icon-"+k.String()+".png", icons.PNG(k)))
	return r.(fyne.Resource)
}
