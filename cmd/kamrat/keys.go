package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"

	"github.com/kamrat/kamrat/tenants"
)

// encryptionKey returns the key for data encrypted at rest. With
// PostgreSQL it must be configured (every replica needs the same key); with
// SQLite, for a single machine, it is kept in a file beside the database and
// created on first use.
func encryptionKey(configured string, loc tenants.Location, setting string) ([]byte, error) {
	if configured != "" {
		key, err := tenants.ParseKey(configured)
		if err != nil {
			return nil, usagef("%s: %v", setting, err)
		}
		return key, nil
	}
	if loc.Dialect != tenants.SQLite {
		return nil, usagef("%s is required with PostgreSQL; create one with `openssl rand -base64 32`", setting)
	}
	path := loc.Path + ".key"
	if b, err := os.ReadFile(path); err == nil {
		key, err := tenants.ParseKey(string(b))
		if err != nil {
			return nil, fmt.Errorf("key file %s: %w", path, err)
		}
		return key, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("key file: %w", err)
	}
	key := make([]byte, tenants.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		return nil, fmt.Errorf("write key file: %w", err)
	}
	return key, nil
}
