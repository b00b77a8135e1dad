package genesysemu

import (
	"net/http"
	"strconv"
	"strings"
)

// Definition is one presence definition of the organization.
type Definition struct {
	ID string
	// SystemPresence is the system presence it belongs to ("Available", "On Queue", ...).
	SystemPresence string
	// Label is its en_US label.
	Label string
	// Primary: the system presence's own definition (the org's own are secondary).
	Primary     bool
	Deactivated bool
}

// System are the primary definitions every organization has (fixed ids here, so demos and tests can
// name them; a real organization's ids are its own).
var System = []Definition{
	{ID: "6a3af858-942f-489d-9700-5f9bcdcdae9b", SystemPresence: "Available", Label: "Available", Primary: true},
	{ID: "5e5c5c66-ea97-4e7f-ac41-6424784829f2", SystemPresence: "Away", Label: "Away", Primary: true},
	{ID: "31fe3bac-dea6-44b7-bed7-47f91660a1a0", SystemPresence: "Busy", Label: "Busy", Primary: true},
	{ID: "e08eaf1b-ee47-4fa9-a231-1200e284798f", SystemPresence: "Break", Label: "Break", Primary: true},
	{ID: "3b894b9d-4466-4d8f-9ca7-8c2b5a3e5f11", SystemPresence: "Meal", Label: "Meal", Primary: true},
	{ID: "3fd96123-badb-4f69-bc03-1b1ccc6d8014", SystemPresence: "Meeting", Label: "Meeting", Primary: true},
	{ID: "afbb4b3c-4c6d-4b6b-9e4b-2f8a27a2e6b5", SystemPresence: "Training", Label: "Training", Primary: true},
	{ID: "227ff9b3-5fb6-4c8f-9b8b-6a0fd1c4bcfe", SystemPresence: "On Queue", Label: "On Queue", Primary: true},
	{ID: "a8e7f4d1-3c5b-4e0a-9f2d-7b1c6e8d9a02", SystemPresence: "Idle", Label: "Idle", Primary: true},
	{ID: "ccf3c10a-aa2c-4845-8e8d-f59fa48c58e5", SystemPresence: "Offline", Label: "Offline", Primary: true},
}

// The org's own definitions by default (fixed ids).
var (
	Lunch    = Definition{ID: "0d4f1c2e-7a1b-4c3d-8e9f-1a2b3c4d5e01", SystemPresence: "Meal", Label: "Lunch"}
	Coaching = Definition{ID: "0d4f1c2e-7a1b-4c3d-8e9f-1a2b3c4d5e02", SystemPresence: "Training", Label: "Coaching"}
	Retired  = Definition{ID: "0d4f1c2e-7a1b-4c3d-8e9f-1a2b3c4d5e03", SystemPresence: "Busy", Label: "Old project", Deactivated: true}
)

// Key is how a system presence is spelled in the adapter's vocabulary: lower case, words joined by
// "_" ("On Queue", "ON_QUEUE" → "on_queue").
func Key(systemPresence string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(systemPresence)))
}

// DefinitionPrefix starts the state of one of the org's own definitions: "presence:<id>".
const DefinitionPrefix = "presence:"

// definition finds a definition by id.
func (e *Emulator) definition(id string) (Definition, bool) {
	for _, d := range e.defs {
		if d.ID == id {
			return d, true
		}
	}
	return Definition{}, false
}

// primary finds the primary definition of a system presence (any spelling).
func (e *Emulator) primary(systemPresence string) (Definition, bool) {
	for _, d := range e.defs {
		if d.Primary && Key(d.SystemPresence) == Key(systemPresence) {
			return d, true
		}
	}
	return Definition{}, false
}

// stateOf is a definition's state in the adapter's vocabulary.
func stateOf(d Definition) string {
	if d.Primary {
		return Key(d.SystemPresence)
	}
	return DefinitionPrefix + d.ID
}

// definitionOf finds the definition a state names (a system presence's key or presence:<id>).
func (e *Emulator) definitionOf(state string) (Definition, bool) {
	if id, ok := strings.CutPrefix(state, DefinitionPrefix); ok {
		d, ok := e.definition(id)
		return d, ok && !d.Deactivated
	}
	return e.primary(state)
}

// Definitions lists the org's definitions, system primaries first.
func (e *Emulator) Definitions() []Definition { return append([]Definition(nil), e.defs...) }

func definitionJSON(d Definition) map[string]any {
	return map[string]any{"id": d.ID, "languageLabels": map[string]string{"en_US": d.Label}, "systemPresence": d.SystemPresence,
		"type": map[bool]string{true: "System", false: "User"}[d.Primary], "deactivated": d.Deactivated, "primary": d.Primary,
		"selfUri": "/api/v2/presencedefinitions/" + d.ID}
}

// listDefinitionsRoute serves GET /api/v2/presencedefinitions (legacy, pageSize/pageNumber, deactivated
// ones only with deactivated=true) and GET /api/v2/presence/definitions (every definition, one page).
func (e *Emulator) listDefinitionsRoute(w http.ResponseWriter, r *http.Request, seg []string) {
	q := r.URL.Query()
	withDeactivated := q.Get("deactivated") == "true" || seg[0] == "presence"
	var all []map[string]any
	for _, d := range e.defs {
		if !d.Deactivated || withDeactivated {
			all = append(all, definitionJSON(d))
		}
	}
	if seg[0] == "presence" {
		writeJSON(w, http.StatusOK, map[string]any{"entities": all, "total": len(all)})
		return
	}
	size, number, ok := paging(w, q.Get("pageSize"), q.Get("pageNumber"), 25)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, page(all, size, number, "/api/v2/presencedefinitions"))
}

// paging reads pageSize (1–maxPageSize, default def) and pageNumber (≥1); it answers the 400 itself.
func paging(w http.ResponseWriter, sizeS, numberS string, def int) (size, number int, ok bool) {
	size, number = def, 1
	if sizeS != "" {
		n, err := strconv.Atoi(sizeS)
		if err != nil || n < 1 || n > maxPageSize {
			badRequest(w, "pageSize", "pageSize must be between 1 and "+strconv.Itoa(maxPageSize))
			return 0, 0, false
		}
		size = n
	}
	if numberS != "" {
		n, err := strconv.Atoi(numberS)
		if err != nil || n < 1 {
			badRequest(w, "pageNumber", "pageNumber must be 1 or more")
			return 0, 0, false
		}
		number = n
	}
	return size, number, true
}

// maxPageSize is the largest pageSize.
const maxPageSize = 500

// page cuts one page out of entities, with Genesys's paging fields (nextUri only before the last).
func page(entities []map[string]any, size, number int, path string) map[string]any {
	total := len(entities)
	count := (total + size - 1) / size
	from := min((number-1)*size, total)
	to := min(from+size, total)
	uri := func(n int) string { return path + "?pageSize=" + strconv.Itoa(size) + "&pageNumber=" + strconv.Itoa(n) }
	out := map[string]any{"entities": append([]map[string]any{}, entities[from:to]...), "pageSize": size, "pageNumber": number,
		"total": total, "pageCount": count, "firstUri": uri(1), "selfUri": uri(number), "lastUri": uri(max(count, 1))}
	if number < count {
		out["nextUri"] = uri(number + 1)
	}
	if number > 1 {
		out["previousUri"] = uri(number - 1)
	}
	return out
}
