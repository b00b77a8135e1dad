package salesforceemu

import "strings"

// The sObject types the query endpoint answers, with the fields the emulator keeps.
var (
	userSchema = &schema{name: "User", fields: []string{"Id", "Username", "Email", "Name", "IsActive", "UserType",
		"CreatedDate", "LastModifiedDate", "SystemModstamp"}}
	statusSchema = &schema{name: "ServicePresenceStatus", fields: []string{"Id", "DeveloperName", "MasterLabel",
		"Language", "CreatedDate", "LastModifiedDate", "SystemModstamp"}}
	presenceSchema = &schema{name: "UserServicePresence", fields: []string{"Id", "Name", "UserId", "OwnerId",
		"ServicePresenceStatusId", "IsCurrentState", "IsAway", "StatusStartDate", "StatusEndDate", "StatusDuration",
		"ConfiguredCapacity", "CreatedDate", "LastModifiedDate", "SystemModstamp"},
		rels: map[string]*schema{"ServicePresenceStatus": statusSchema, "User": userSchema}}
)

// tableLocked returns the schema and a snapshot of the rows of an sObject type (case-insensitive).
func (e *Emulator) tableLocked(object string) (*schema, []record, bool) {
	switch {
	case strings.EqualFold(object, userSchema.name):
		rows := make([]record, 0, len(e.users))
		for _, u := range e.users {
			rows = append(rows, userRecord(u))
		}
		return userSchema, rows, true
	case strings.EqualFold(object, statusSchema.name):
		rows := make([]record, 0, len(e.statuses))
		for _, s := range e.statuses {
			rows = append(rows, statusRecord(s))
		}
		return statusSchema, rows, true
	case strings.EqualFold(object, presenceSchema.name):
		rows := make([]record, 0, len(e.presences))
		for _, p := range e.presences {
			rows = append(rows, e.presenceRecordLocked(p))
		}
		return presenceSchema, rows, true
	}
	return nil, nil, false
}

func userRecord(u *user) record {
	return record{"Id": u.id, "Username": u.username, "Email": u.email, "Name": u.name, "IsActive": true,
		"UserType": "Standard", "CreatedDate": u.created, "LastModifiedDate": u.created, "SystemModstamp": u.created}
}

func statusRecord(s *status) record {
	return record{"Id": s.id, "DeveloperName": s.developerName, "MasterLabel": s.masterLabel, "Language": "en_US",
		"CreatedDate": s.created, "LastModifiedDate": s.created, "SystemModstamp": s.created}
}

func (e *Emulator) presenceRecordLocked(p *presence) record {
	s := e.statusByIDLocked(p.statusID)
	r := record{"Id": p.id, "Name": "USP-" + p.id[len(p.id)-9:], "UserId": p.userID, "OwnerId": p.userID,
		"ServicePresenceStatusId": p.statusID, "IsCurrentState": p.current, "IsAway": len(s.channels) == 0,
		"StatusStartDate": p.start, "StatusEndDate": p.end, "StatusDuration": nil, "ConfiguredCapacity": 5.0,
		"CreatedDate": p.start, "LastModifiedDate": p.modstamp, "SystemModstamp": p.modstamp,
		"ServicePresenceStatus": statusRecord(s)}
	if !p.current {
		r["StatusDuration"] = float64(int64(p.end.Sub(p.start).Seconds()))
	}
	if u := e.byID[p.userID]; u != nil {
		r["User"] = userRecord(u)
	}
	return r
}
