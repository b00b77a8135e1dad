package ctl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// pair is one parsed key=value flag value, kept in command-line order.
type pair struct{ Key, Value string }

// parsePairs parses repeated key=value flag values. The value may itself contain "="; the key is
// trimmed and must not be empty or repeat. Empty entries are skipped, so that "--flag ”" can stand
// for "none" in update commands. When secret is set, error messages never quote the input.
func parsePairs(flag string, vals []string, secret bool) ([]pair, error) {
	var out []pair
	seen := map[string]bool{}
	for i, raw := range vals {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		k, v, ok := strings.Cut(raw, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			if secret {
				return nil, usageErrorf("invalid --%s value #%d: want key=value (value not shown)", flag, i+1)
			}
			return nil, usageErrorf("invalid --%s value %q: want key=value", flag, raw)
		}
		if seen[k] {
			return nil, usageErrorf("--%s: key %q given more than once", flag, k)
		}
		seen[k] = true
		out = append(out, pair{Key: k, Value: v})
	}
	return out, nil
}

// parseMap is parsePairs returning a map; nil when there are no entries.
func parseMap(flag string, vals []string, secret bool) (map[string]string, error) {
	ps, err := parsePairs(flag, vals, secret)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.Key] = p.Value
	}
	return m, nil
}

// nonEmpty drops empty and blank entries of a repeated flag and trims the rest.
func nonEmpty(vals []string) []string {
	var out []string
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// flagField ties a command-line flag to the proto field (proto name, dotted when nested) it sets.
type flagField struct {
	Flag  string
	Field string
}

// changedFields lists the proto fields whose flags were given on the command line.
func changedFields(cmd *cobra.Command, fields []flagField) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range fields {
		if cmd.Flags().Changed(f.Flag) && !seen[f.Field] {
			seen[f.Field] = true
			out = append(out, f.Field)
		}
	}
	return out
}

// requireChanged fails with a usage error naming the possible flags when an update command was given
// none of them.
func requireChanged(cmd *cobra.Command, fields []flagField) ([]string, error) {
	changed := changedFields(cmd, fields)
	if len(changed) == 0 {
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = "--" + f.Flag
		}
		return nil, usageErrorf("nothing to update: give at least one of %s", strings.Join(names, ", "))
	}
	return changed, nil
}

// optBool returns a pointer to v when the flag was given, else nil (the hub's default applies).
func optBool(cmd *cobra.Command, flag string, v bool) *bool {
	if !cmd.Flags().Changed(flag) {
		return nil
	}
	return &v
}

// partialJSON encodes msg as protojson (proto names) keeping only the named fields. Fields named
// but unset in msg are written with their zero value, so a PATCH can clear them.
func partialJSON(msg proto.Message, fields []string) ([]byte, error) {
	full, err := protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}.Marshal(msg)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(full))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return json.Marshal(selectFields(m, fields))
}

// selectFields keeps the dotted paths of m.
func selectFields(m map[string]any, paths []string) map[string]any {
	out := map[string]any{}
	nested := map[string][]string{}
	var heads []string
	for _, p := range paths {
		head, rest, isNested := strings.Cut(p, ".")
		v, ok := m[head]
		if !ok {
			continue
		}
		if !isNested {
			out[head] = v
			continue
		}
		if _, ok := v.(map[string]any); !ok {
			continue
		}
		if _, ok := nested[head]; !ok {
			heads = append(heads, head)
		}
		nested[head] = append(nested[head], rest)
	}
	sort.Strings(heads)
	for _, h := range heads {
		if _, whole := out[h]; whole {
			continue // the whole object was asked for
		}
		out[h] = selectFields(m[h].(map[string]any), nested[h])
	}
	return out
}

// joinOr renders a list for a table cell.
func joinOr(vals []string, empty string) string {
	if len(vals) == 0 {
		return empty
	}
	return strings.Join(vals, ",")
}

// fmtPairs renders pairs as "a=b,c=d".
func fmtPairs(ps []pair) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprintf("%s=%s", p.Key, p.Value)
	}
	return joinOr(s, "-")
}
