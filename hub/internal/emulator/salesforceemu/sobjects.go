package salesforceemu

import (
	"net/http"
	"slices"
	"strings"
)

// object is what describe says of an sObject type the org serves.
type object struct {
	schema                                                     *schema
	label, labelPlural, keyPrefix                              string
	createable, updateable, deletable, queryable, retrieveable bool
}

var eventSchema = &schema{name: EventObject, fields: []string{"ReplayId", "CreatedDate", "CreatedById", "EventUuid",
	FieldUserID, FieldStatusID, FieldStatusAPIName, FieldRequestID}}

// objects are the sObject types of the org, in describe order: UserServicePresence has no
// create/update (only delete, query, retrieve), the platform event only create.
var objects = []object{
	{schema: userSchema, label: "User", labelPlural: "Users", keyPrefix: prefixUser,
		createable: true, updateable: true, queryable: true, retrieveable: true},
	{schema: statusSchema, label: "Presence Status", labelPlural: "Presence Statuses", keyPrefix: prefixStatus,
		createable: true, updateable: true, deletable: true, queryable: true, retrieveable: true},
	{schema: presenceSchema, label: "User Presence", labelPlural: "User Presences", keyPrefix: prefixPresence,
		deletable: true, queryable: true, retrieveable: true},
	{schema: eventSchema, label: "Presence Change", labelPlural: "Presence Changes", keyPrefix: prefixEvent, createable: true},
}

func objectNamed(name string) *object {
	for i := range objects {
		if strings.EqualFold(objects[i].schema.name, name) {
			return &objects[i]
		}
	}
	return nil
}

// resources serves GET /services/data/vXX.X: the resources this org serves (Salesforce lists more),
// identity on the org's own host.
func (e *Emulator) resources(w http.ResponseWriter, r *http.Request, base string) {
	writeJSON(w, http.StatusOK, map[string]string{"sobjects": base + "/sobjects", "query": base + "/query",
		"limits": base + "/limits", "identity": e.identityURL(r)})
}

func (o *object) urls(base string) map[string]string {
	u := base + "/sobjects/" + o.schema.name
	return map[string]string{"sobject": u, "describe": u + "/describe", "rowTemplate": u + "/{ID}"}
}

func (o *object) summary(base string) map[string]any {
	return map[string]any{"name": o.schema.name, "label": o.label, "labelPlural": o.labelPlural,
		"keyPrefix": o.keyPrefix, "custom": strings.HasSuffix(o.schema.name, "__e"), "createable": o.createable,
		"updateable": o.updateable, "deletable": o.deletable, "queryable": o.queryable,
		"retrieveable": o.retrieveable, "urls": o.urls(base)}
}

// globalDescribe serves GET /sobjects.
func globalDescribe(w http.ResponseWriter, base string) {
	list := make([]any, 0, len(objects))
	for i := range objects {
		list = append(list, objects[i].summary(base))
	}
	writeJSON(w, http.StatusOK, map[string]any{"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": list})
}

// describe serves GET /sobjects/{type}/describe: the object and its fields (name, type, label,
// nillable; lookups with referenceTo).
func describe(w http.ResponseWriter, o *object, base string) {
	fields := make([]any, 0, len(o.schema.fields))
	for _, f := range o.schema.fields {
		typ, ref := fieldType(f)
		fields = append(fields, map[string]any{"name": f, "type": typ, "label": f, "referenceTo": ref,
			"nillable": f != "Id" && !strings.HasPrefix(f, "Is"), "custom": strings.HasSuffix(f, "__c")})
	}
	d := o.summary(base)
	d["fields"] = fields
	writeJSON(w, http.StatusOK, d)
}

// fieldType is a field's describe type and, for a lookup, the types it references.
func fieldType(f string) (string, []string) {
	switch {
	case f == "Id":
		return "id", []string{}
	case f == "UserId" || f == "OwnerId" || f == "CreatedById":
		return "reference", []string{"User"}
	case f == "ServicePresenceStatusId":
		return "reference", []string{"ServicePresenceStatus"}
	case strings.HasPrefix(f, "Is"):
		return "boolean", []string{}
	case strings.HasSuffix(f, "Date") || f == "SystemModstamp":
		return "datetime", []string{}
	case f == "StatusDuration":
		return "int", []string{}
	case f == "ConfiguredCapacity":
		return "double", []string{}
	}
	return "string", []string{}
}

// retrieve serves GET /sobjects/{type}/{id}[?fields=a,b]: the record with every field (or those
// named), 404 NOT_FOUND for an id the org lacks.
func (e *Emulator) retrieve(w http.ResponseWriter, r *http.Request, o *object, id, base string) {
	e.mu.Lock()
	s, rows, _ := e.tableLocked(o.schema.name)
	e.mu.Unlock()
	fields := s.fields
	if f := r.URL.Query().Get("fields"); f != "" {
		fields = nil
		for _, name := range strings.Split(f, ",") {
			p, err := s.resolve(strings.TrimSpace(name))
			if err != nil || len(p) != 1 {
				writeErrors(w, http.StatusBadRequest, "INVALID_FIELD", "No such column '"+name+"' on sobject of type "+s.name)
				return
			}
			fields = append(fields, p[0])
		}
	}
	i := slices.IndexFunc(rows, func(rec record) bool { return validID(id) && compare(rec["Id"], id) == 0 })
	if i < 0 {
		writeErrors(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	out := map[string]any{"attributes": attributes(s.name, rows[i], base)}
	for _, f := range fields {
		out[f] = jsonValue(rows[i][f])
	}
	writeJSON(w, http.StatusOK, out)
}

// readOnlyPresence answers a create or update of UserServicePresence as Salesforce does: the object
// supports neither.
func readOnlyPresence(w http.ResponseWriter, op string) {
	writeErrors(w, http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", "entity type cannot be "+op+": User Presence")
}
