package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrationFS embed.FS

func (s *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFS, "migrations/"+s.dialect.name())
	if err != nil {
		return nil, fmt.Errorf("loading migrations: %w", err)
	}
	opts, err := s.dialect.migrationOptions()
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.Dialect(s.dialect.gooseDialect()), s.db, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every pending migration.
func (s *DB) Migrate(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating database: %w", err)
	}
	return nil
}

// SchemaVersion reports the newest applied migration.
func (s *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := s.provider()
	if err != nil {
		return 0, err
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading schema version: %w", err)
	}
	return v, nil
}
