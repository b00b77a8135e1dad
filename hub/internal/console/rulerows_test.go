package console

import (
	"reflect"
	"strings"
	"testing"
)

func TestRowsRoundTripThroughTheAPIsLists(t *testing.T) {
	r := rule{
		Inbound:  []mapping{{VendorState: "available", Status: "ready"}, {VendorState: "in_call", Status: "on-call"}},
		Outbound: []mapping{{VendorState: "available", Status: "ready"}, {VendorState: "unavailable", Status: "away"}},
	}
	rows := rowsOf(r)
	want := []ruleRow{{Status: "ready", State: "available", Dir: dirBoth}, {Status: "on-call", State: "in_call", Dir: dirIn},
		{Status: "away", State: "unavailable", Dir: dirOut}}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows %+v, want %+v", rows, want)
	}
	in, out, idx := mappingsOf(append(rows, ruleRow{Dir: dirBoth})) // a blank row is skipped
	if !reflect.DeepEqual(in, r.Inbound) || !reflect.DeepEqual(out, r.Outbound) {
		t.Fatalf("back to lists: in %+v out %+v", in, out)
	}
	if !reflect.DeepEqual(idx, rowIndex{inbound: []int{0, 1}, outbound: []int{0, 2}}) {
		t.Fatalf("index %+v", idx)
	}
}

func TestFieldErrorsLandBesideTheirRow(t *testing.T) {
	rows := []ruleRow{{Status: "ready", State: "available", Dir: dirBoth}, {}, {Status: "away", State: "offline", Dir: dirOut}}
	_, _, idx := mappingsOf(rows)
	rest := placeErrors(rows, idx, map[string]string{
		"outbound[1].vendor_state": "the vendor does not let the hub set \"offline\"",
		"inbound[0].status":        "no status named \"ready\"",
		"name":                     "must not be empty",
	})
	if !strings.Contains(rows[2].Error, "outbound (vendor_state): the vendor does not let the hub set") {
		t.Errorf("row 2: %q", rows[2].Error)
	}
	if !strings.Contains(rows[0].Error, "inbound (status): no status") || rows[1].Error != "" {
		t.Errorf("rows 0 and 1: %q, %q", rows[0].Error, rows[1].Error)
	}
	if len(rest) != 1 || rest["name"] == "" {
		t.Errorf("other fields: %v", rest)
	}
	if _, ok := listIndex("inbound[x].status", "inbound"); ok {
		t.Error("a malformed index was read")
	}
}
