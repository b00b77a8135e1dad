package ctl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// printer writes command results to stdout as tables or as protojson, and notices to stderr.
type printer struct {
	out    io.Writer
	errOut io.Writer
	json   bool
}

var marshalOut = protojson.MarshalOptions{
	UseProtoNames:   true,
	EmitUnpopulated: true,
}

// message writes m as multiline protojson, with credential values removed.
func (p *printer) message(m proto.Message) error {
	redact(m)
	b, err := marshalOut.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	// protojson varies its whitespace on purpose; re-indent for output that is stable across runs.
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	buf.WriteByte('\n')
	_, err = p.out.Write(buf.Bytes())
	return err
}

// emit writes m as JSON, or calls table for the table form.
func (p *printer) emit(m proto.Message, table func(w io.Writer) error) error {
	if p.json {
		return p.message(m)
	}
	return table(p.out)
}

// notice writes a line for humans to stderr; it never goes to stdout, so JSON output stays clean.
func (p *printer) notice(format string, args ...any) {
	fmt.Fprintf(p.errOut, format+"\n", args...)
}

// done reports a finished action without a resource to show (a deletion): "{}" in JSON, a sentence
// in table form.
func (p *printer) done(m proto.Message, format string, args ...any) error {
	if p.json {
		return p.message(m)
	}
	_, err := fmt.Fprintf(p.out, format+"\n", args...)
	return err
}

// listed writes a list: the JSON message, or a table with one row per item. An empty table prints
// a notice instead; a next page token left over is reported as a notice.
func (p *printer) listed(m proto.Message, what string, header []string, rows [][]string, next string) error {
	if p.json {
		return p.message(m)
	}
	if len(rows) == 0 {
		p.notice("No %s found.", what)
	} else if err := writeTable(p.out, header, rows); err != nil {
		return err
	}
	if next != "" {
		p.notice("More %s: repeat with --page-token %s", what, next)
	}
	return nil
}

// writeTable writes an aligned table with an upper-case header.
func writeTable(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = cell(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// field is one line of a detail view.
type field struct{ Name, Value string }

// writeDetail writes one resource as aligned "Name: value" lines.
func writeDetail(w io.Writer, fields []field) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	for _, f := range fields {
		fmt.Fprintf(tw, "%s:\t%s\n", f.Name, cell(f.Value))
	}
	return tw.Flush()
}

// cell makes a value safe for one table cell: no tabs or line breaks, "-" when empty.
func cell(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return ' '
		}
		return r
	}, s)
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// fmtTime renders a timestamp in UTC, or "" when unset.
func fmtTime(ts *timestamppb.Timestamp) string {
	if ts == nil || (ts.GetSeconds() == 0 && ts.GetNanos() == 0) {
		return ""
	}
	return ts.AsTime().UTC().Format(time.RFC3339)
}

// fmtBool renders a bool as yes/no.
func fmtBool(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// fmtOptBool renders an optional bool, showing def when unset.
func fmtOptBool(b *bool, def bool) string {
	if b == nil {
		return fmtBool(def)
	}
	return fmtBool(*b)
}

// credentialsField is Connection.credentials, the write-only map of vendor secrets.
var credentialsField = (&phv1.Connection{}).ProtoReflect().Descriptor().Fields().ByName("credentials").FullName()

// redact clears every Connection.credentials map inside m, so that no credential value is ever
// printed, even should the hub return one.
func redact(m proto.Message) {
	if m != nil {
		redactMsg(m.ProtoReflect())
	}
}

func redactMsg(m protoreflect.Message) {
	var clear []protoreflect.FieldDescriptor
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.FullName() == credentialsField:
			clear = append(clear, fd)
		case fd.IsList() && fd.Message() != nil:
			for i, l := 0, v.List(); i < l.Len(); i++ {
				redactMsg(l.Get(i).Message())
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				redactMsg(mv.Message())
				return true
			})
		case !fd.IsList() && !fd.IsMap() && fd.Message() != nil:
			redactMsg(v.Message())
		}
		return true
	})
	for _, fd := range clear {
		m.Clear(fd)
	}
}
