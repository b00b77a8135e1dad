package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"presencehub.dev/hub/internal/app"
	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/seal"
)

func TestRotateSealKeyReSealsEverySecret(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir = dir
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	tn := &model.Tenant{ID: ids.New(ids.Tenant), Name: "acme"}
	conn := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: "zd", Vendor: "zendesk", BaseURL: "https://x", Enabled: true, CredentialKeys: []string{"token"}}
	keyID, sealed, _ := a.Sealer.Seal([]byte(`{"token":"t0ps3cret"}`), seal.ConnectionOwner(tn.ID, conn.ID))
	if err := a.Store.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.CreateConnection(ctx, conn, &model.SealedSecret{KeyID: keyID, Sealed: sealed}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	oldKey, _ := os.ReadFile(filepath.Join(dir, seal.KeyFileName))

	var out bytes.Buffer
	if code := Execute(ctx, []string{"rotate-seal-key", "--data-dir", dir}, &out, &out); code != 0 {
		t.Fatalf("rotate: %d %s", code, out.String())
	}
	newKey, _ := os.ReadFile(filepath.Join(dir, seal.KeyFileName))
	if bytes.Equal(oldKey, newKey) || !bytes.Contains(out.Bytes(), []byte("Re-sealed 1 connection secret")) {
		t.Fatalf("key not rotated: %s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, seal.KeyFileName+".new")); err == nil {
		t.Fatal("pending key file left behind")
	}

	a, err = app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	sec, err := a.Store.ConnectionSecret(ctx, tn.ID, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sec.KeyID == keyID || sec.KeyID != a.Sealer.PrimaryKeyID() {
		t.Fatalf("secret still under key %s", sec.KeyID)
	}
	plain, err := a.Sealer.Open(sec.KeyID, sec.Sealed, seal.ConnectionOwner(tn.ID, conn.ID))
	if err != nil || string(plain) != `{"token":"t0ps3cret"}` {
		t.Fatalf("re-sealed secret: %q %v", plain, err)
	}
}
