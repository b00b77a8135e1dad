package cli

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"presencehub.dev/hub/internal/demo"
)

// stateRead is one shell command reading a demo agent's state straight from a vendor emulator.
type stateRead struct {
	Vendor, Email, Command string
}

// stateReads gives, per emulator in demo.json order, a curl (with jq to pick the state out) that reads
// the first demo agent's state through that vendor's own API and auth (-f: an HTTP error prints the
// status instead of an error body jq would turn into null): Basic for Aircall, Zendesk and
// ServiceNow, a bearer token fetched in the same command for Salesforce, CXone and Talkdesk, the
// punch clock's API token (its last punch: it keeps no status).
func stateReads(info demo.Info) []stateRead {
	var out []stateRead
	for _, e := range info.Emulators {
		if len(e.Users) == 0 {
			continue
		}
		email := slices.Min(slices.Collect(maps.Keys(e.Users)))
		if cmd := stateReadCommand(e, e.Users[email]); cmd != "" {
			out = append(out, stateRead{Vendor: e.Vendor, Email: email, Command: cmd})
		}
	}
	return out
}

func stateReadCommand(e demo.EmulatorInfo, user string) string {
	c, base := e.Credentials, e.BaseURL
	bearer := func(tokenCurl string) string {
		return `-H "Authorization: Bearer $(` + tokenCurl + ` | jq -r .access_token)"`
	}
	switch e.Vendor {
	case "aircall":
		return fmt.Sprintf(`curl -sSf -u %s %s/v1/users/%s | jq -r .user.availability_status`,
			sh(c["api_id"]+":"+c["api_token"]), base, user)
	case "zendesk":
		return fmt.Sprintf(`curl -sSf -u %s %s/api/v2/agent_availabilities/%s | jq -r .data.attributes.agent_status.name`,
			sh(c["email"]+"/token:"+c["api_token"]), base, user)
	case "servicenow":
		return fmt.Sprintf(`curl -sSf -u %s %s/api/now/awa/agents/%s | jq -r .result.presence.name`,
			sh(c["username"]+":"+c["password"]), base, user)
	case "salesforce":
		token := fmt.Sprintf(`curl -sSf %s/services/oauth2/token -d grant_type=client_credentials -d client_id=%s -d client_secret=%s`,
			base, sh(c["client_id"]), sh(c["client_secret"]))
		soql := "SELECT ServicePresenceStatus.DeveloperName FROM UserServicePresence WHERE UserId = '" + user + "' AND IsCurrentState = true"
		return fmt.Sprintf(`curl -sSf -G %s %s/services/data/v60.0/query --data-urlencode "q=%s" | jq -r '.records[0].ServicePresenceStatus.DeveloperName // "Offline"'`,
			bearer(token), base, soql)
	case "cxone":
		key := fmt.Sprintf(`{"accessKeyId":%q,"accessKeySecret":%q}`, c["access_key_id"], c["access_key_secret"])
		token := fmt.Sprintf(`curl -sSf %s/authentication/v1/token/access-key -H 'Content-Type: application/json' -d %s`, base, sh(key))
		return fmt.Sprintf(`curl -sSf %s %s/inContactAPI/services/v30.0/agents/%s/states | jq -c '.agentStates[0] | {agentStateName, outStateDescription}'`,
			bearer(token), base, user)
	case "talkdesk":
		token := fmt.Sprintf(`curl -sSf -u %s %s/oauth/token -d grant_type=client_credentials`, sh(c["client_id"]+":"+c["client_secret"]), base)
		return fmt.Sprintf(`curl -sSf %s %s/users/%s/presence | jq -c '{status, custom_status}'`, bearer(token), base, user)
	case "teams":
		token := fmt.Sprintf(`curl -sSf %s/%s/oauth2/v2.0/token -d grant_type=client_credentials -d client_id=%s -d client_secret=%s --data-urlencode scope=https://graph.microsoft.com/.default`,
			base, c["tenant_id"], sh(c["client_id"]), sh(c["client_secret"]))
		return fmt.Sprintf(`curl -sSf %s %s/v1.0/users/%s/presence | jq -c '{availability, activity}'`, bearer(token), base, user)
	case "genesys":
		token := fmt.Sprintf(`curl -sSf -u %s %s/oauth/token -d grant_type=client_credentials`, sh(c["client_id"]+":"+c["client_secret"]), base)
		return fmt.Sprintf(`curl -sSf %s %s/api/v2/users/%s?expand=presence,routingStatus | jq -c '{presence: .presence.presenceDefinition.systemPresence, routing: .routingStatus.status}'`,
			bearer(token), base, user)
	case "http":
		return fmt.Sprintf(`curl -sSf -H %s %s/users/%s/punch-clock | jq -c '.punches[-1] // "no punch yet"'`,
			sh("Authorization: Bearer "+c["api_token"]), base, user)
	}
	return ""
}

// plainWord is what a shell takes as one word without quotes.
var plainWord = regexp.MustCompile(`^[A-Za-z0-9@%+=:,./_-]+$`)

// sh quotes s for a POSIX shell when it needs it.
func sh(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// stateReadLines renders stateReads for the demo's banner.
func stateReadLines(info demo.Info) string {
	var b strings.Builder
	for _, r := range stateReads(info) {
		fmt.Fprintf(&b, "  %-10s %s\n", r.Vendor, r.Command)
	}
	return b.String()
}
