package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kamrat/kamrat/tenants"
)

// The settings of the keys for data encrypted at rest, as messages name them.
const (
	settingEncryptionKey = "--encryption-key / KAMRAT_ENCRYPTION_KEY"
	settingPreviousKeys  = "--previous-encryption-keys / KAMRAT_PREVIOUS_ENCRYPTION_KEYS"
)

// keyFlags are the encryption key settings shared by serve and
// `keys rotate`.
type keyFlags struct {
	current, previous string
}

func (k *keyFlags) register(fs *flagSet) {
	fs.StringVar(&k.current, "encryption-key", "", "base64 32-byte key for data encrypted at rest (required with PostgreSQL; SQLite keeps one beside the database)")
	fs.fromEnv("encryption-key", "KAMRAT_ENCRYPTION_KEY")
	fs.StringVar(&k.previous, "previous-encryption-keys", "", "comma-separated base64 `keys` that data may still be sealed with after a key change: read, never written (see: kamrat keys rotate -h)")
	fs.fromEnv("previous-encryption-keys", "KAMRAT_PREVIOUS_ENCRYPTION_KEYS")
}

// keyring is the keys a process works with.
type keyring struct {
	sealer *tenants.Sealer
	// current is the key data is sealed with (it also derives the CSRF key).
	current []byte
	// previous are the keys data may still be sealed with: those
	// configured, then those of the key file that are not current.
	previous [][]byte
	// keyFile is the key file beside an SQLite database ("" on PostgreSQL).
	keyFile string
	// fileKeys are the keys in keyFile, when it exists: the first is the
	// current key of a database with no key configured, the others are
	// previous keys (kept there while a rotation is under way).
	fileKeys [][]byte
}

// loadKeyring reads the encryption key settings. With PostgreSQL the
// current key must be configured (every replica needs the same key). With
// SQLite, for a single machine, the key may instead live in a file beside
// the database, created on first use when create is set. Every key of that
// file that is not the current key is a previous key: data sealed before a
// key was configured stays readable, and `keys rotate` moves it to the
// current key. Every mistake is a usage error that names the setting.
func loadKeyring(k keyFlags, loc tenants.Location, create bool) (keyring, error) {
	var kr keyring
	previous, err := tenants.ParseKeys(k.previous)
	if err != nil {
		return kr, usagef("%s: %v", settingPreviousKeys, err)
	}
	if loc.Dialect == tenants.SQLite {
		kr.keyFile = loc.Path + ".key"
		if kr.fileKeys, err = readKeyFile(kr.keyFile); err != nil {
			return kr, err
		}
	}
	switch {
	case k.current != "":
		if kr.current, err = tenants.ParseKey(k.current); err != nil {
			return kr, usagef("%s: %v", settingEncryptionKey, err)
		}
	case loc.Dialect != tenants.SQLite:
		return kr, usagef("%s is required with PostgreSQL; create one with `kamrat keys generate`", settingEncryptionKey)
	case kr.fileKeys != nil:
		kr.current = kr.fileKeys[0]
	case !create:
		return kr, usagef("%s is not set and there is no key file %s; set it to the key the data is sealed with", settingEncryptionKey, kr.keyFile)
	default:
		if kr.current, err = createKeyFile(kr.keyFile); err != nil {
			return kr, err
		}
		kr.fileKeys = [][]byte{kr.current}
	}
	// The configured keys first, so that the errors count them as listed.
	if _, err := tenants.NewSealer(kr.current, previous...); err != nil {
		return kr, usagef("%s: %v", settingPreviousKeys, err)
	}
	for _, fk := range kr.fileKeys {
		if !bytes.Equal(fk, kr.current) && !containsKey(previous, fk) {
			previous = append(previous, fk)
		}
	}
	kr.previous = previous
	if kr.sealer, err = tenants.NewSealer(kr.current, previous...); err != nil {
		return kr, fmt.Errorf("key file %s: %w", kr.keyFile, err)
	}
	return kr, nil
}

// keyFileSettled tells whether the key file, if any, holds the current key
// alone: what it holds when no rotation is under way.
func (kr keyring) keyFileSettled() bool {
	return kr.fileKeys == nil || (len(kr.fileKeys) == 1 && bytes.Equal(kr.fileKeys[0], kr.current))
}

func containsKey(keys [][]byte, key []byte) bool {
	for _, k := range keys {
		if bytes.Equal(k, key) {
			return true
		}
	}
	return false
}

// readKeyFile returns the keys in path, one a line (the first is the
// current key; lines starting with # are comments), or nil when there is
// no such file.
func readKeyFile(path string) ([][]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	var keys [][]byte
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, err := tenants.ParseKey(line)
		if err != nil {
			return nil, fmt.Errorf("key file %s, line %d: %w", path, i+1, err)
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("key file %s holds no key", path)
	}
	return keys, nil
}

// newKey returns a random key.
func newKey() []byte {
	key := make([]byte, tenants.KeySize)
	if _, err := rand.Read(key); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return key
}

func encodeKey(key []byte) string { return base64.StdEncoding.EncodeToString(key) }

// createKeyFile writes a new random key to path, which must not exist.
func createKeyFile(path string) ([]byte, error) {
	key := newKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(encodeKey(key) + "\n"); err != nil {
		return nil, fmt.Errorf("write key file: %w", err)
	}
	return key, f.Sync()
}

// writeKeyFile replaces what path holds with the current key and, on
// further lines, previous keys: through a new file renamed over it, so that
// path always holds whole keys.
func writeKeyFile(path string, current []byte, previous [][]byte) error {
	text := encodeKey(current) + "\n"
	if len(previous) > 0 {
		text += "# Previous keys, kept while `kamrat keys rotate` re-encrypts the data sealed with them:\n"
		for _, k := range previous {
			text += encodeKey(k) + "\n"
		}
	}
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	_, err = f.WriteString(text)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write key file: %w", err)
	}
	// The rename is durable once the directory is: a crash right after it
	// must not bring the old file back.
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		dir.Sync()
		dir.Close()
	}
	return nil
}

func runKeys(ctx context.Context, args []string, out, errOut io.Writer, getenv env) error {
	if len(args) > 0 {
		switch args[0] {
		case "generate":
			return keysGenerate(args[1:], out, getenv)
		case "rotate":
			return keysRotate(ctx, args[1:], out, errOut, getenv)
		}
	}
	return usagef("use `kamrat keys generate` (print a new key) or `kamrat keys rotate [--dry-run] [--batch N]` (re-encrypt data at rest under the current key; -h tells how)")
}

// keysGenerate prints a new random key, base64, alone on its line, for
// KAMRAT_ENCRYPTION_KEY.
func keysGenerate(args []string, out io.Writer, getenv env) error {
	fs := newFlagSet("keys generate", out)
	if err := fs.parse(args, getenv); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	_, err := fmt.Fprintln(out, encodeKey(newKey()))
	return err
}
