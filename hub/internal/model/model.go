// Package model holds the hub's domain types: plain structs shared by the store, the API edge and the
// engine. They carry no behaviour beyond small helpers, so every layer can depend on them.
package model

import "time"

// Status kinds of the unified catalog.
const (
	KindAvailable = "available"
	KindBusy      = "busy"
	KindAway      = "away"
	KindOffline   = "offline"
	KindSystem    = "system"
)

// System roles: what a system status stands for.
const (
	SystemOnCall        = "on_call"
	SystemAfterCallWork = "after_call_work"
	SystemRefused       = "refused"
)

// Roles of API keys.
const (
	RoleAdmin  = "admin"
	RoleViewer = "viewer"
)

// StatusPrevious is the inbound mapping target that restores the status held before.
const StatusPrevious = "previous"

// Tenant is one customer organisation.
type Tenant struct {
	ID          string
	Name        string         `json:"name" validate:"required,slug"`
	DisplayName string         `json:"display_name" validate:"max=200,safetext"`
	Settings    TenantSettings `json:"settings"`
	CreateTime  time.Time
	UpdateTime  time.Time
}

// TenantSettings are tenant-wide behaviours.
type TenantSettings struct {
	DefaultUnavailableStatus string `json:"default_unavailable_status,omitempty" validate:"omitempty,statusname"`
	SystemStatePolicy        string `json:"system_state_policy,omitempty" validate:"omitempty,oneof=queue refuse"`
	MaxChangesPerMinute      int32  `json:"max_changes_per_minute,omitempty" validate:"gte=0,lte=6000"`
}

// Status is one unified catalog entry.
type Status struct {
	ID          string
	TenantID    string
	Name        string `json:"name" validate:"required,statusname"`
	DisplayName string `json:"display_name" validate:"required,max=100,safetext"`
	Kind        string `json:"kind" validate:"required,oneof=available busy away offline system"`
	// SystemRole says what a system status stands for (SystemOnCall, SystemAfterCallWork,
	// SystemRefused), so templates map vendors' system states to it; "" for other statuses.
	SystemRole    string `json:"system_role" validate:"omitempty,oneof=on_call after_call_work refused"`
	Color         string `json:"color" validate:"omitempty,color"`
	AgentSettable bool
	Order         int32 `json:"order" validate:"gte=0,lte=100000"`
	CreateTime    time.Time
	UpdateTime    time.Time
}

// Team groups agents.
type Team struct {
	ID          string
	TenantID    string
	Name        string `json:"name" validate:"required,max=100,safetext"`
	Description string `json:"description" validate:"max=2000,safeprose"`
	CreateTime  time.Time
	UpdateTime  time.Time
}

// Agent is one person.
type Agent struct {
	ID          string
	TenantID    string
	Email       string     `json:"email" validate:"required,max=254,safetext,email"`
	DisplayName string     `json:"display_name" validate:"max=200,safetext"`
	TeamIDs     []string   `json:"team_ids" validate:"max=100,dive,required"`
	Identities  []Identity `json:"identities" validate:"max=50,dive"`
	CreateTime  time.Time
	UpdateTime  time.Time
}

// Identity links an agent to a vendor user of one connection.
type Identity struct {
	ConnectionID string `json:"connection_id" validate:"required"`
	ExternalID   string `json:"external_id" validate:"required,max=200,safetext"`
	Pinned       bool
	LinkTime     time.Time
}

// Connection is a link to one vendor account. Credentials hold the plaintext secrets only on the way in
// and after an explicit Open; the store keeps them sealed.
type Connection struct {
	ID       string
	TenantID string
	Name     string            `json:"name" validate:"required,max=100,safetext"`
	Vendor   string            `json:"vendor" validate:"required,vendor"`
	BaseURL  string            `json:"base_url" validate:"required,max=2000,http_url"`
	Settings map[string]string `json:"settings" validate:"max=100,dive,keys,required,max=100,endkeys,max=4000"`
	// Spec is the vendor's structured configuration as JSON ("" for none): the generic HTTP connector's
	// request templates, response mappings, pagination and actions.
	Spec                  string
	CredentialKeys        []string
	CredentialsUpdateTime time.Time
	Enabled               bool
	CreateTime            time.Time
	UpdateTime            time.Time
}

// SealedSecret is a connection's credentials as stored: which key sealed them and the ciphertext.
type SealedSecret struct {
	KeyID  string
	Sealed []byte
}

// Rule maps one connection's vendor states to the catalog and back.
type Rule struct {
	ID             string
	TenantID       string
	Name           string            `json:"name" validate:"required,max=100,safetext"`
	ConnectionID   string            `json:"connection_id" validate:"required"`
	Inbound        []InboundMapping  `json:"inbound" validate:"max=500,dive"`
	Outbound       []OutboundMapping `json:"outbound" validate:"max=500,dive"`
	TeamIDs        []string          `json:"team_ids" validate:"max=500,dive,required"`
	AgentIDs       []string          `json:"agent_ids" validate:"max=5000,dive,required"`
	FallbackStatus string            `json:"fallback_status"`
	// SkipUnavailableValidation writes a status the rule does not map outbound as the tenant's default
	// unavailable status instead of not syncing it (NICE CXone's "skip validation of unavailable codes").
	SkipUnavailableValidation bool `json:"skip_unavailable_validation"`
	CreateTime                time.Time
	UpdateTime                time.Time
}

// InboundMapping turns a vendor state into a catalog status (or StatusPrevious).
type InboundMapping struct {
	VendorState string `json:"vendor_state" validate:"required,max=200"`
	Status      string `json:"status" validate:"required"`
}

// OutboundMapping writes a catalog status to the vendor as a vendor state.
type OutboundMapping struct {
	Status      string `json:"status" validate:"required"`
	VendorState string `json:"vendor_state" validate:"required,max=200"`
}

// APIKey authenticates an admin caller; TenantID is empty for hub-wide keys.
type APIKey struct {
	ID          string
	Name        string `json:"name" validate:"required,max=100,safetext"`
	TenantID    string
	Role        string `json:"role" validate:"required,oneof=admin viewer"`
	Prefix      string
	Hash        string
	CreateTime  time.Time
	LastUseTime time.Time
}

// AuditRecord notes one mutating call.
type AuditRecord struct {
	ID         string
	TenantID   string
	Actor      string
	Action     string
	ObjectType string
	ObjectID   string
	CreateTime time.Time
}

// Presence sources.
const (
	SourceDevice     = "device"
	SourceAdmin      = "admin"
	SourceConnection = "connection"
	SourceSystem     = "system"
)

// Presence is an agent's authoritative status.
type Presence struct {
	TenantID       string
	AgentID        string
	Status         string
	Version        int64
	Source         string
	SourceID       string
	Reason         string
	PreviousStatus string
	// HeldStatus is the status held when the current system state began ("previous" restores it).
	HeldStatus string
	// QueuedStatus is what the agent asked for during a system state, applied when it ends.
	QueuedStatus string
	UpdateTime   time.Time
}

// TimelineEntry records one change request and its outcome.
type TimelineEntry struct {
	ID              string
	TenantID        string
	AgentID         string
	Outcome         string
	RequestedStatus string
	Status          string
	PreviousStatus  string
	Version         int64
	Source          string
	SourceID        string
	Reason          string
	RuleID          string
	CreateTime      time.Time
}

// Device is a paired tray.
type Device struct {
	ID           string
	TenantID     string
	AgentID      string
	Name         string
	TokenHash    string
	Supervisor   bool
	CreateTime   time.Time
	LastSeenTime time.Time
}

// PairingCode is a pending pairing, stored by the hash of its code.
type PairingCode struct {
	Hash       string
	TenantID   string
	AgentID    string
	Supervisor bool
	ExpireTime time.Time
	CreateTime time.Time
}

// Outbox write states.
const (
	WritePending    = "pending"
	WriteDelivered  = "delivered"
	WriteDead       = "dead"
	WriteSuperseded = "superseded"
)

// OutboxWrite is a vendor write the hub owes: one agent's status, to one connection.
type OutboxWrite struct {
	ID              string
	TenantID        string
	ConnectionID    string
	AgentID         string
	ExternalID      string
	Status          string
	VendorState     string
	PresenceVersion int64
	RuleID          string
	State           string
	Attempts        int32
	NextAttemptTime time.Time
	LastError       string
	CreateTime      time.Time
	UpdateTime      time.Time
	// IfState, when set, makes the write conditional: it is made only while the vendor still shows
	// that state (the hub's status owed to a vendor whose own change it held; docs/sync.md).
	IfState string
}

// ConnectionHealth is how a connection's vendor has been answering.
type ConnectionHealth struct {
	ConnectionID    string
	LastSuccessTime time.Time
	LastError       string
	LastErrorTime   time.Time
	ErrorCount      int64
	PendingWrites   int64
	DeadWrites      int64
}
