package emulators

import (
	"fmt"
	"strings"

	"presencehub.dev/hub/internal/emulator"
)

// AgentSideExample is one curl command that changes agent externalID "as the agent would" in the
// vendor's own apps, through the emulator at baseURL's agent's side (emulator.AgentSidePrefix), with
// a comment saying what the vendor then does. "" for an unknown vendor.
func AgentSideExample(vendor, baseURL, externalID string) string {
	agent := strings.TrimSuffix(baseURL, "/") + emulator.AgentSidePrefix + externalID
	verb := func(v, what string) string { return fmt.Sprintf("curl -s -X POST %s/%s   # %s", agent, v, what) }
	state := func(s, what string) string {
		return fmt.Sprintf(`curl -s -X POST %s/state -d '{"state":"%s"}'   # %s`, agent, s, what)
	}
	switch vendor {
	case "talkdesk":
		return verb(emulator.VerbCall, "On a call (seed 000: the hub never changes them; call:end hangs up); seen at the next poll")
	case "cxone":
		return verb(emulator.VerbWrapUp, "After Call Work (seed 003; call:end finishes it); seen at the next poll")
	case "zendesk":
		return state("custom:123", "the agent's own switcher: the webhook says reason AGENT_STATUS_SWITCHER")
	case "aircall":
		return verb(emulator.VerbCall, "answers a call: call.created, call.answered webhooks")
	case "salesforce":
		return state("On_Break", "picked in the Omni-Channel widget; seen at the next poll")
	case "servicenow":
		return state("away", "picked in the inbox: the business rule's signed call")
	case "teams":
		return state("InAMeeting", "joins a Teams meeting (meeting:end leaves); a change notification, or the next poll")
	case "genesys":
		return verb(emulator.VerbCall, "an ACD interaction (routing INTERACTING; call:end ends it); pushed over the notification channel")
	case "http":
		return verb(emulator.VerbOffline, "punched out at the clock")
	}
	return ""
}
