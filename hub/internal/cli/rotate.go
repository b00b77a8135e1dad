package cli

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/seal"
	"presencehub.dev/hub/internal/store"
)

func newRotateSealKeyCommand() *cobra.Command {
	var f serverFlags
	var newKeyHex string
	cmd := &cobra.Command{
		Use:   "rotate-seal-key",
		Short: "Re-seal every stored vendor secret under a new seal key",
		Long: `Re-seals all vendor credentials under a new key, in one transaction, with the hub stopped.
The current key comes from PRESENCE_HUB_SEAL_KEY or the data dir's seal.key, as for serve.
If the key lives in the data dir, the new key replaces it there. If it came from the environment,
the new key is printed: put it in PRESENCE_HUB_SEAL_KEY before starting the hub again.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load(nil)
			if err != nil {
				return err
			}
			unlock, err := seal.LockDataDir(cfg.DataDir, true)
			if err != nil {
				return err
			}
			defer func() { _ = unlock() }()
			var oldKey []byte
			if cfg.SealKey != "" {
				oldKey, err = seal.ParseHexKey(cfg.SealKey)
			} else {
				oldKey, _, err = seal.LoadOrCreateKeyFile(cfg.DataDir)
			}
			if err != nil {
				return err
			}
			newKey := seal.NewKey()
			if newKeyHex != "" {
				if newKey, err = seal.ParseHexKey(newKeyHex); err != nil {
					return fmt.Errorf("--new-key: %w", err)
				}
			}
			opener, err := seal.New(oldKey)
			if err != nil {
				return err
			}
			sealer, err := seal.New(newKey)
			if err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), cfg.Database.Driver, cfg.Database.DSN)
			if err != nil {
				return err
			}
			defer st.Close()
			keyFile := filepath.Join(cfg.DataDir, seal.KeyFileName)
			pending := keyFile + ".new"
			if cfg.SealKey == "" {
				// Written before the database changes, so a crash in between leaves the new key on disk.
				if err := seal.WriteKeyFile(pending, newKey); err != nil {
					return err
				}
			}
			n, err := st.ResealSecrets(cmd.Context(), func(tenantID, id string, old model.SealedSecret) (model.SealedSecret, error) {
				owner := seal.ConnectionOwner(tenantID, id)
				plain, err := opener.Open(old.KeyID, old.Sealed, owner)
				if err != nil {
					return model.SealedSecret{}, err
				}
				keyID, sealed, err := sealer.Seal(plain, owner)
				return model.SealedSecret{KeyID: keyID, Sealed: sealed}, err
			})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Re-sealed %d connection secret(s) under key %s.\n", n, sealer.PrimaryKeyID())
			if cfg.SealKey == "" {
				if err := seal.WriteKeyFile(keyFile, newKey); err != nil {
					return fmt.Errorf("secrets are sealed under the key in %s; move it to %s by hand: %w", pending, keyFile, err)
				}
				_ = os.Remove(pending)
				fmt.Fprintf(out, "The new key is in %s.\n", keyFile)
				return nil
			}
			fmt.Fprintf(out, "Set PRESENCE_HUB_SEAL_KEY to the new key before starting the hub:\n\n    %s\n\n", hex.EncodeToString(newKey))
			return nil
		},
	}
	f.register(cmd, config.Default().DataDir)
	cmd.Flags().StringVar(&newKeyHex, "new-key", "", "the new key as 64 hex characters (default: generate one)")
	return cmd
}
