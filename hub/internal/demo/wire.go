package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/ruletemplate"
	"presencehub.dev/hub/internal/seal"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendors"
)

// EmulatorInfo describes one vendor emulator serving the demo, in demo.json.
type EmulatorInfo struct {
	Vendor       string            `json:"vendor"`
	BaseURL      string            `json:"base_url"`
	ConnectionID string            `json:"connection_id"`
	Credentials  map[string]string `json:"credentials"`
	// Users maps each demo agent's email to its user id in the emulator.
	Users map[string]string `json:"users"`
	// Polled: the vendor sends no webhooks; the hub polls it (sync.poll_interval).
	Polled bool `json:"polled,omitempty"`
	// AgentSync: the agents are linked by agent sync (a run starts with the demo), not by the demo; the
	// generic HTTP connector (seed 001's punch clock).
	AgentSync bool `json:"agent_sync,omitempty"`
}

// Emulated is a running emulator to wire into the demo tenant.
type Emulated struct {
	Emulator emulator.Emulator
	URL      string
}

// Wire connects the demo tenant to the running emulators: one connection per vendor (created or
// pointed at the emulator's current address, credentials sealed as the API would), every demo agent
// added to each emulator and linked by identity, the hub's webhook subscribed (vendors without webhooks
// are polled), and every rule template whose vendors are all connected applied in both directions
// (Aircall ↔ Zendesk first). A system reached through the generic HTTP connector gets its connector and
// the punch-clock rule; its users are left for agent sync to link. It runs at every demo start
// (emulators keep no state).
func Wire(ctx context.Context, st *store.DB, sealer *seal.Sealer, hubURL string, info *Info, ems []Emulated) error {
	conns := map[string]string{}
	info.Emulators = nil
	agents, _, err := st.ListAgents(ctx, info.TenantID, "", store.Page{Size: store.MaxPageSize})
	if err != nil {
		return fmt.Errorf("wiring demo: %w", err)
	}
	for _, e := range ems {
		c, err := upsertConnection(ctx, st, sealer, info.TenantID, hubURL, e)
		if err != nil {
			return err
		}
		conns[c.Vendor] = c.ID
		_, viaSync := isConnector(e.Emulator)
		ei := EmulatorInfo{Vendor: c.Vendor, BaseURL: e.URL, ConnectionID: c.ID, Credentials: e.Emulator.Credentials(), Users: map[string]string{},
			Polled: polled(c, e.Emulator) && !viaSync, AgentSync: viaSync}
		for _, a := range agents {
			ext := e.Emulator.AddUser(a.Email, a.DisplayName)
			ei.Users[a.Email] = ext
			if viaSync {
				continue
			}
			a.Identities = slices.DeleteFunc(a.Identities, func(i model.Identity) bool { return i.ConnectionID == c.ID })
			a.Identities = append(a.Identities, model.Identity{ConnectionID: c.ID, ExternalID: ext})
		}
		if viaSync {
			if err := ensureConnectorRule(ctx, st, info.TenantID, c.ID); err != nil {
				return err
			}
		}
		e.Emulator.AddWebhook(hubURL + "/v1/webhooks/" + c.ID)

		info.Emulators = append(info.Emulators, ei)
	}
	for _, a := range agents {
		if err := st.UpdateAgent(ctx, a); err != nil {
			return fmt.Errorf("linking demo agent: %w", err)
		}
	}
	return applyTemplates(ctx, st, info.TenantID, conns)
}

// selfSubscriber is an emulator whose vendor's subscriptions the adapter creates itself, to the URL
// in the connection setting NotificationSetting (Microsoft Graph).
type selfSubscriber interface{ NotificationSetting() string }

// polled reports whether the hub polls c's vendor: its adapter takes no webhooks.
func polled(c *model.Connection, em emulator.Emulator) bool {
	v, ok := vendors.All()[c.Vendor]
	if !ok {
		return false
	}
	a, err := v.New(vendorapi.Config{BaseURL: c.BaseURL, Credentials: em.Credentials(), Settings: c.Settings})
	if err != nil {
		return false
	}
	_, push := a.(vendorapi.WebhookReceiver)
	return !push
}

func upsertConnection(ctx context.Context, st *store.DB, sealer *seal.Sealer, tenantID, hubURL string, e Emulated) (*model.Connection, error) {
	vendor := e.Emulator.Vendor()
	list, _, err := st.ListConnections(ctx, tenantID, store.Page{Size: store.MaxPageSize})
	if err != nil {
		return nil, fmt.Errorf("wiring demo: %w", err)
	}
	var c *model.Connection
	for _, x := range list {
		if x.Name == vendor {
			c = x
		}
	}
	creating := c == nil
	if creating {
		c = &model.Connection{ID: ids.New(ids.Connection), TenantID: tenantID, Name: vendor}
	}
	c.Vendor, c.BaseURL, c.Enabled = vendor, e.URL, true
	c.Settings = map[string]string{"note": "the built-in " + vendor + " emulator"}
	maps.Copy(c.Settings, e.Emulator.Settings())
	if s, ok := e.Emulator.(selfSubscriber); ok { // Graph: the adapter subscribes the hub's webhook itself
		c.Settings[s.NotificationSetting()] = hubURL + "/v1/webhooks/" + c.ID
	}
	c.Spec, _ = isConnector(e.Emulator)
	creds := e.Emulator.Credentials()
	plain, err := json.Marshal(creds)
	if err != nil {
		return nil, fmt.Errorf("encoding demo credentials: %w", err)
	}
	keyID, sealed, err := sealer.Seal(plain, seal.ConnectionOwner(tenantID, c.ID))
	if err != nil {
		return nil, fmt.Errorf("sealing demo credentials: %w", err)
	}
	c.CredentialKeys = slices.Sorted(maps.Keys(creds))
	secret := &model.SealedSecret{KeyID: keyID, Sealed: sealed}
	if creating {
		err = st.CreateConnection(ctx, c, secret)
	} else {
		err = st.UpdateConnection(ctx, c, secret)
	}
	if err != nil {
		return nil, fmt.Errorf("wiring demo connection %s: %w", vendor, err)
	}
	return c, nil
}

// applyTemplates applies, both ways and once, each template whose vendors are all connected and whose
// connections have no rule yet (one default rule per connection; templates map through the catalog,
// so every connected vendor syncs with every other).
func applyTemplates(ctx context.Context, st *store.DB, tenantID string, conns map[string]string) error {
	rules, _, err := st.ListRules(ctx, tenantID, "", store.Page{Size: store.MaxPageSize})
	if err != nil {
		return fmt.Errorf("wiring demo rules: %w", err)
	}
	ruled := map[string]bool{}
	for _, r := range rules {
		if r.Name == "aircall-two-way" { // the placeholder of earlier demo versions
			if err := st.DeleteRule(ctx, tenantID, r.ID); err != nil {
				return fmt.Errorf("wiring demo rules: %w", err)
			}
			continue
		}
		ruled[r.ConnectionID] = true
	}
	statuses, _, err := st.ListStatuses(ctx, tenantID, store.Page{Size: store.MaxPageSize})
	if err != nil {
		return fmt.Errorf("wiring demo rules: %w", err)
	}
	for _, tpl := range ruletemplate.All() {
		if slices.ContainsFunc(tpl.Vendors, func(v string) bool { return conns[v] == "" }) || !slices.Contains(tpl.Directions, ruletemplate.Both) ||
			!slices.ContainsFunc(tpl.Vendors, func(v string) bool { return !ruled[conns[v]] }) {
			continue
		}
		// A connection another template already ruled keeps that rule: the catalog links them anyway
		// (Teams: cxone-teams gives it its rule beside salesforce-cxone's CXone rule).
		if err := applyTemplate(ctx, st, tenantID, tpl, statuses, conns, ruled); err != nil {
			return err
		}
		for _, v := range tpl.Vendors {
			ruled[conns[v]] = true
		}
	}
	return nil
}

func applyTemplate(ctx context.Context, st *store.DB, tenantID string, tpl *ruletemplate.Template, statuses []*model.Status, conns map[string]string, ruled map[string]bool) error {
	made, err := tpl.Rules(statuses, ruletemplate.Both, conns)
	if err != nil {
		return fmt.Errorf("wiring demo rules (%s): %w", tpl.Name, err)
	}
	made = slices.DeleteFunc(made, func(r *model.Rule) bool { return ruled[r.ConnectionID] })
	for _, r := range made {
		r.ID, r.TenantID = ids.New(ids.Rule), tenantID
	}
	if err := st.CreateRules(ctx, made); err != nil {
		return fmt.Errorf("wiring demo rules (%s): %w", tpl.Name, err)
	}
	return nil
}
