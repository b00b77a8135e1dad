// Package ruletemplate holds ready-made mappings between two vendors, taken from the vendors' own
// integration articles, that an admin applies in one call. A template is pure: given the tenant's
// catalog and a direction it returns the rules to create, one per connection, mapping through the
// unified catalog (vendor A → hub status → vendor B). Vendor states a template leaves out are not synced.
// Statuses are picked by kind, and system statuses by their system_role (a call, after-call work, a
// refused contact): a vendor's system state the catalog has no status for is left unmapped.
package ruletemplate

import (
	"errors"
	"fmt"
	"slices"

	"presencehub.dev/hub/internal/model"
)

// Errors for a template that cannot be applied.
var (
	ErrUnknownTemplate  = errors.New("no such template")
	ErrUnknownDirection = errors.New("the template has no such direction")
	// ErrCatalog: the tenant's catalog lacks a status kind the template needs.
	ErrCatalog = errors.New("the catalog lacks a status the template needs")
)

// Template is one ready-made mapping.
type Template struct {
	Name        string
	Description string
	Vendors     []string
	Directions  []string
	build       func(c catalog, dir string) (map[string]mappings, error)
}

// mappings are one connection's rows.
type mappings struct {
	in  []model.InboundMapping
	out []model.OutboundMapping
}

// All lists the templates.
func All() []*Template {
	return []*Template{aircallZendesk, servicenowTalkdesk, salesforceCXone, cxoneTeams, talkdeskTeams, genesysTeams}
}

// Find returns a template by name.
func Find(name string) (*Template, error) {
	for _, t := range All() {
		if t.Name == name {
			return t, nil
		}
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownTemplate, name)
}

// Rules builds the template's rules for the given catalog, direction and connections (by vendor).
// Names are "<template>: <vendor>"; ids, tenant and assignments are the caller's to fill.
func (t *Template) Rules(statuses []*model.Status, direction string, connections map[string]string) ([]*model.Rule, error) {
	if !slices.Contains(t.Directions, direction) {
		return nil, fmt.Errorf("%w %q (want one of %v)", ErrUnknownDirection, direction, t.Directions)
	}
	byVendor, err := t.build(newCatalog(statuses), direction)
	if err != nil {
		return nil, err
	}
	var rules []*model.Rule
	for _, v := range t.Vendors {
		m := byVendor[v]
		rules = append(rules, &model.Rule{
			Name: t.Name + ": " + v, ConnectionID: connections[v],
			Inbound: m.in, Outbound: m.out, TeamIDs: []string{}, AgentIDs: []string{},
		})
	}
	return rules, nil
}

// catalog picks statuses by kind, in catalog order.
type catalog struct{ byKind map[string][]*model.Status }

func newCatalog(statuses []*model.Status) catalog {
	sorted := slices.Clone(statuses)
	slices.SortStableFunc(sorted, func(a, b *model.Status) int { return int(a.Order - b.Order) })
	c := catalog{byKind: map[string][]*model.Status{}}
	for _, s := range sorted {
		c.byKind[s.Kind] = append(c.byKind[s.Kind], s)
	}
	return c
}

// first is the first status of a kind; required ones fail when missing.
func (c catalog) first(kind string, required bool) (string, error) {
	if list := c.byKind[kind]; len(list) > 0 {
		return list[0].Name, nil
	}
	if required {
		return "", fmt.Errorf("%w: no %q status", ErrCatalog, kind)
	}
	return "", nil
}

// all lists every status of a kind.
func (c catalog) all(kind string) []string {
	var names []string
	for _, s := range c.byKind[kind] {
		names = append(names, s.Name)
	}
	return names
}

// role is the system status standing for a system state (model.SystemOnCall…), "" when none does.
// A system status is picked by what it is, never by its position or name: a tenant's "refused" is
// not a call.
func (c catalog) role(role string) string {
	for _, s := range c.byKind[model.KindSystem] {
		if s.SystemRole == role {
			return s.Name
		}
	}
	return ""
}
