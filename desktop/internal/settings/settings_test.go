package settings

import (
	"path/filepath"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name     string
		p        Policy
		user     Values
		wantURL  Value[string]
		wantAuto Value[bool]
	}{
		{"defaults", Policy{}, Values{}, Value[string]{"", Default}, Value[bool]{true, Default}},
		{"recommended", Policy{Recommended: Values{HubURL: Ptr("https://rec"), StartAtLogin: Ptr(false)}}, Values{},
			Value[string]{"https://rec", Recommended}, Value[bool]{false, Recommended}},
		{"user beats recommended", Policy{Recommended: Values{HubURL: Ptr("https://rec"), StartAtLogin: Ptr(false)}},
			Values{HubURL: Ptr("https://mine"), StartAtLogin: Ptr(true)}, Value[string]{"https://mine", User}, Value[bool]{true, User}},
		{"enforced beats user", Policy{Enforced: Values{HubURL: Ptr("https://it"), StartAtLogin: Ptr(true)}},
			Values{HubURL: Ptr("https://mine"), StartAtLogin: Ptr(false)}, Value[string]{"https://it", Enforced}, Value[bool]{true, Enforced}},
		{"empty URL sets nothing", Policy{Enforced: Values{HubURL: Ptr("")}}, Values{HubURL: Ptr("https://mine")},
			Value[string]{"https://mine", User}, Value[bool]{true, Default}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Resolve(tt.p, tt.user)
			if s.HubURL != tt.wantURL || s.StartAtLogin != tt.wantAuto {
				t.Fatalf("got %+v / %+v, want %+v / %+v", s.HubURL, s.StartAtLogin, tt.wantURL, tt.wantAuto)
			}
			if s.HubURL.Locked() != (tt.wantURL.Source == Enforced) {
				t.Fatal("Locked disagrees with the source")
			}
		})
	}
}

func TestFromMap(t *testing.T) {
	v := fromMap(map[string]any{keyHubURL: "https://h", keyStartAtLogin: uint64(0)})
	if *v.HubURL != "https://h" || *v.StartAtLogin {
		t.Fatalf("registry form: %+v", v)
	}
	v = fromMap(map[string]any{keyStartAtLogin: true})
	if v.HubURL != nil || !*v.StartAtLogin {
		t.Fatalf("plist form: %+v", v)
	}
}

func TestPrefsRoundTrip(t *testing.T) {
	p := Prefs{Path: filepath.Join(t.TempDir(), "sub", "tray.json")}
	if v, err := p.Load(); err != nil || v != (Values{}) {
		t.Fatalf("missing file: %+v, %v", v, err)
	}
	want := Values{HubURL: Ptr("https://mine"), StartAtLogin: Ptr(false)}
	if err := p.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := p.Load()
	if err != nil || *got.HubURL != *want.HubURL || *got.StartAtLogin != *want.StartAtLogin {
		t.Fatalf("Load = %+v, %v", got, err)
	}
}

func TestTenantAndSourceNames(t *testing.T) {
	s := Resolve(Policy{Enforced: Values{Tenant: Ptr("ten_1")}, Recommended: Values{StartAtLogin: Ptr(false)}}, Values{})
	if s.Tenant != (Value[string]{"ten_1", Enforced}) {
		t.Fatalf("tenant %+v", s.Tenant)
	}
	if v := fromMap(map[string]any{keyTenant: "ten_2"}); v.Tenant == nil || *v.Tenant != "ten_2" {
		t.Fatalf("registry/plist Tenant: %+v", v)
	}
	p, err := ParsePolicyJSON([]byte(`{"enforced":{"tenant":"ten_3"}}`))
	if err != nil || *p.Enforced.Tenant != "ten_3" {
		t.Fatalf("policy file tenant: %+v, %v", p, err)
	}
	for src, want := range map[Source]string{Default: "default", Recommended: "recommended", User: "user", Enforced: "enforced"} {
		if got, _ := src.MarshalText(); string(got) != want {
			t.Errorf("%v marshals as %q, want %q", src, got, want)
		}
	}
}
