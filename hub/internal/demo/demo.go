// Package demo seeds a demonstration tenant (catalog, team, agents) through the same store the API uses,
// wires it to the built-in vendor emulators (connections, identities, webhooks, the Aircall ↔ Zendesk
// rule template), and writes demo.json describing how to reach all of it.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// TenantName is the demo tenant's slug.
const TenantName = "demo"

// FileName is written in the data dir.
const FileName = "demo.json"

// Info is the content of demo.json: everything a person or script needs to use the demo.
type Info struct {
	HubURL     string   `json:"hub_url"`
	AdminKey   string   `json:"admin_key"`
	TenantID   string   `json:"tenant_id"`
	TenantName string   `json:"tenant_name"`
	TeamID     string   `json:"team_id"`
	AgentIDs   []string `json:"agent_ids"`
	// PairingCode signs a tray in as the first demo agent; a fresh one is made at every start.
	PairingCode        string    `json:"pairing_code"`
	PairingAgentID     string    `json:"pairing_agent_id"`
	PairingCodeExpires time.Time `json:"pairing_code_expires"`
	// Emulators are the vendor emulators the demo tenant is connected to.
	Emulators []EmulatorInfo `json:"emulators"`
}

// NewPairingCode stores a fresh 24-hour pairing code for the first demo agent and records it in info.
func NewPairingCode(ctx context.Context, st *store.DB, info *Info) error {
	if len(info.AgentIDs) == 0 {
		return nil
	}
	code := auth.NewPairingCode()
	pc := &model.PairingCode{Hash: auth.Hash(auth.NormalizePairingCode(code)), TenantID: info.TenantID, AgentID: info.AgentIDs[0],
		ExpireTime: time.Now().UTC().Add(24 * time.Hour)}
	if err := st.CreatePairingCode(ctx, pc); err != nil {
		return fmt.Errorf("creating demo pairing code: %w", err)
	}
	info.PairingCode, info.PairingAgentID, info.PairingCodeExpires = code, pc.AgentID, pc.ExpireTime
	return nil
}

// ReadInfo reads demo.json from dir; a missing file gives an empty Info.
func ReadInfo(dir string) (Info, error) {
	var info Info
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return info, nil
	}
	if err != nil {
		return info, fmt.Errorf("reading %s: %w", FileName, err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("reading %s: %w", FileName, err)
	}
	return info, nil
}

// WriteInfo writes demo.json (mode 0600: it holds an admin key).
func WriteInfo(dir string, info Info) error {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", FileName, err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", FileName, err)
	}
	return nil
}

// Seed creates the demo tenant unless it exists, and fills info with its ids.
func Seed(ctx context.Context, st *store.DB, info *Info) error {
	t, err := st.GetTenantByName(ctx, TenantName)
	if err == nil {
		return describe(ctx, st, t, info)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("seeding demo: %w", err)
	}
	t = &model.Tenant{ID: ids.New(ids.Tenant), Name: TenantName, DisplayName: "Demo Contact Center",
		Settings: model.TenantSettings{DefaultUnavailableStatus: "busy", SystemStatePolicy: "queue"}}
	if err := st.CreateTenant(ctx, t); err != nil {
		return fmt.Errorf("seeding demo tenant: %w", err)
	}
	for i, s := range catalog {
		s.ID, s.TenantID, s.Order = ids.New(ids.Status), t.ID, int32(i)
		s.AgentSettable = s.Kind != model.KindSystem
		if err := st.CreateStatus(ctx, &s); err != nil {
			return fmt.Errorf("seeding demo catalog: %w", err)
		}
	}
	team := &model.Team{ID: ids.New(ids.Team), TenantID: t.ID, Name: "Support", Description: "Tier 1 phone and ticket support"}
	if err := st.CreateTeam(ctx, team); err != nil {
		return fmt.Errorf("seeding demo team: %w", err)
	}
	for _, p := range people {
		a := &model.Agent{ID: ids.New(ids.Agent), TenantID: t.ID, Email: p[0], DisplayName: p[1], TeamIDs: []string{team.ID}}
		if err := st.CreateAgent(ctx, a); err != nil {
			return fmt.Errorf("seeding demo agent: %w", err)
		}
	}
	return describe(ctx, st, t, info)
}

var catalog = []model.Status{
	{Name: "available", DisplayName: "Available", Kind: model.KindAvailable, Color: "#22c55e"},
	{Name: "busy", DisplayName: "Busy", Kind: model.KindBusy, Color: "#ef4444"},
	{Name: "lunch", DisplayName: "Lunch", Kind: model.KindAway, Color: "#f59e0b"},
	{Name: "break", DisplayName: "Break", Kind: model.KindAway, Color: "#fbbf24"},
	{Name: "offline", DisplayName: "Offline", Kind: model.KindOffline, Color: "#6b7280"},
	{Name: "on-call", DisplayName: "On a call", Kind: model.KindSystem, SystemRole: model.SystemOnCall, Color: "#8b5cf6"},
	{Name: "after-call-work", DisplayName: "After call work", Kind: model.KindSystem, SystemRole: model.SystemAfterCallWork, Color: "#a78bfa"},
}

var people = [][2]string{
	{"alice@demo.example", "Alice Martin"},
	{"bob@demo.example", "Bob Okafor"},
	{"carol@demo.example", "Carol Nguyen"},
}

// describe fills info from the stored demo tenant.
func describe(ctx context.Context, st *store.DB, t *model.Tenant, info *Info) error {
	info.TenantID, info.TenantName = t.ID, t.Name
	teams, _, err := st.ListTeams(ctx, t.ID, store.Page{Size: 1})
	if err != nil {
		return fmt.Errorf("reading demo team: %w", err)
	}
	if len(teams) > 0 {
		info.TeamID = teams[0].ID
	}
	agents, _, err := st.ListAgents(ctx, t.ID, "", store.Page{})
	if err != nil {
		return fmt.Errorf("reading demo agents: %w", err)
	}
	info.AgentIDs = info.AgentIDs[:0]
	for _, a := range agents {
		info.AgentIDs = append(info.AgentIDs, a.ID)
	}
	return nil
}
