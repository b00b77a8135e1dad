package streamclient

import "testing"

func TestStreamURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://127.0.0.1:8080", "ws://127.0.0.1:8080/v1/stream"},
		{"https://hub.example.com", "wss://hub.example.com/v1/stream"},
		{"https://hub.example.com/", "wss://hub.example.com/v1/stream"},
		{"HTTPS://hub.example.com", "wss://hub.example.com/v1/stream"},
		{"https://example.com/presence/", "wss://example.com/presence/v1/stream"},
		{"  https://example.com/presence  ", "wss://example.com/presence/v1/stream"},
		{"https://hub.example.com/?x=1#frag", "wss://hub.example.com/v1/stream"},
		{"ws://localhost:1234", "ws://localhost:1234/v1/stream"},
		{"wss://hub.example.com", "wss://hub.example.com/v1/stream"},
		{"http://[::1]:8080", "ws://[::1]:8080/v1/stream"},
	} {
		got, err := streamURL(tc.in, "")
		if err != nil || got != tc.want {
			t.Errorf("streamURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestStreamURLRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"hub.example.com",
		"ftp://hub.example.com",
		"https://",
		"https://user:secret@hub.example.com",
		"http://%zz",
	} {
		if got, err := streamURL(in, ""); err == nil {
			t.Errorf("streamURL(%q) = %q, want an error", in, got)
		}
	}
}

func TestStreamURLTenant(t *testing.T) {
	got, err := streamURL("https://hub.example.com/?x=1", "tnt_01 a&b")
	if want := "wss://hub.example.com/v1/stream?tenant=tnt_01+a%26b"; err != nil || got != want {
		t.Fatalf("streamURL = %q, %v; want %q", got, err, want)
	}
}
