package tenants_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
)

func keyOf(b byte) []byte { return bytes.Repeat([]byte{b}, tenants.KeySize) }

// TestSealerKeyring: a Sealer seals with its current key and opens what the
// current or a previous key sealed; a Sealer that does not know a key
// cannot open its ciphertexts and says which key id it lacks.
func TestSealerKeyring(t *testing.T) {
	a, b, c := keyOf(1), keyOf(2), keyOf(3)
	onlyA, err := tenants.NewSealer(a)
	if err != nil {
		t.Fatal(err)
	}
	bWithA, err := tenants.NewSealer(b, a)
	if err != nil {
		t.Fatal(err)
	}
	onlyB, err := tenants.NewSealer(b)
	if err != nil {
		t.Fatal(err)
	}

	underA, err := onlyA.Seal("070-123 45 67")
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := tenants.SealedKeyID(underA); !ok || id != tenants.KeyID(a) || id != onlyA.KeyID() {
		t.Fatalf("ciphertext %q names key %q (ok %v), want %s", underA, id, ok, tenants.KeyID(a))
	}
	if got, err := bWithA.Open(underA); err != nil || got != "070-123 45 67" {
		t.Fatalf("B with previous A opens A's ciphertext: %q, %v", got, err)
	}
	_, err = onlyB.Open(underA)
	if !errors.Is(err, tenants.ErrUndecryptable) || !strings.Contains(err.Error(), tenants.KeyID(a)) {
		t.Fatalf("B alone opening A's ciphertext: err = %v, want ErrUndecryptable naming key id %s", err, tenants.KeyID(a))
	}

	underB, err := bWithA.Seal("anna@example.se")
	if err != nil {
		t.Fatal(err)
	}
	if !bWithA.IsCurrent(underB) || bWithA.IsCurrent(underA) || !onlyB.IsCurrent(underB) {
		t.Fatal("IsCurrent does not follow the key id")
	}
	if got, err := onlyB.Open(underB); err != nil || got != "anna@example.se" {
		t.Fatalf("B opens what B-with-previous-A sealed: %q, %v", got, err)
	}
	if _, err := onlyA.Open(underB); !errors.Is(err, tenants.ErrUndecryptable) {
		t.Fatalf("A opening B's ciphertext: err = %v", err)
	}
	if got := bWithA.PreviousKeyIDs(); len(got) != 1 || got[0] != tenants.KeyID(a) {
		t.Fatalf("previous key ids = %v", got)
	}

	// A previous key's ciphertext that was tampered with does not open.
	prefix := "v1:" + tenants.KeyID(a) + ":"
	ct, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(underA, prefix))
	if err != nil {
		t.Fatal(err)
	}
	ct[len(ct)-1] ^= 1
	if _, err := bWithA.Open(prefix + base64.RawStdEncoding.EncodeToString(ct)); !errors.Is(err, tenants.ErrUndecryptable) {
		t.Fatalf("tampered ciphertext: err = %v", err)
	}
	// A ciphertext relabelled with another known key's id does not open:
	// the id is authenticated.
	relabelled := strings.Replace(underA, tenants.KeyID(a), tenants.KeyID(b), 1)
	if _, err := bWithA.Open(relabelled); !errors.Is(err, tenants.ErrUndecryptable) {
		t.Fatalf("relabelled ciphertext: err = %v", err)
	}
	for _, junk := range []string{"", "v1", "v1::", "v2:" + tenants.KeyID(b) + ":AAAA", "plain text"} {
		if _, err := bWithA.Open(junk); !errors.Is(err, tenants.ErrUndecryptable) {
			t.Errorf("Open(%q): err = %v", junk, err)
		}
	}

	// Reseal moves A's ciphertext to B, leaves B's alone, refuses C's.
	moved, changed, err := bWithA.Reseal(underA)
	if err != nil || !changed || !onlyB.IsCurrent(moved) {
		t.Fatalf("Reseal(A) = %q, %v, %v", moved, changed, err)
	}
	if got, err := onlyB.Open(moved); err != nil || got != "070-123 45 67" {
		t.Fatalf("resealed value opens with B alone: %q, %v", got, err)
	}
	same, changed, err := bWithA.Reseal(underB)
	if err != nil || changed || same != underB {
		t.Fatalf("Reseal(B) = %q, %v, %v; want unchanged", same, changed, err)
	}
	onlyC, _ := tenants.NewSealer(c)
	underC, _ := onlyC.Seal("x")
	if _, _, err := bWithA.Reseal(underC); !errors.Is(err, tenants.ErrUndecryptable) {
		t.Fatalf("Reseal(C) err = %v", err)
	}
	// A damaged ciphertext that names the current key is refused too.
	if _, _, err := bWithA.Reseal(strings.Replace(underC, tenants.KeyID(c), tenants.KeyID(b), 1)); !errors.Is(err, tenants.ErrUndecryptable) {
		t.Fatalf("Reseal(damaged, current id) err = %v", err)
	}
}

// TestSealerKeyErrors: bad key sets are refused with a message that names
// the key by its place.
func TestSealerKeyErrors(t *testing.T) {
	a, b := keyOf(1), keyOf(2)
	for _, tt := range []struct {
		name     string
		key      []byte
		previous [][]byte
		want     string
	}{
		{"short current key", a[:16], nil, "encryption key must be 32 bytes, got 16"},
		{"short previous key", a, [][]byte{b, b[:31]}, "previous key 2 must be 32 bytes, got 31"},
		{"previous is current", a, [][]byte{b, a}, "previous key 2 is the current encryption key"},
		{"previous twice", a, [][]byte{b, keyOf(5), b}, "previous keys 1 and 3 are the same key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tenants.NewSealer(tt.key, tt.previous...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestParseKeys: a comma-separated list of base64 keys; the error names the
// bad key's place and never repeats the key.
func TestParseKeys(t *testing.T) {
	a, b := keyOf(1), keyOf(2)
	enc := base64.StdEncoding.EncodeToString
	keys, err := tenants.ParseKeys(" " + enc(a) + " ," + base64.RawURLEncoding.EncodeToString(b) + ",")
	if err != nil || len(keys) != 2 || !bytes.Equal(keys[0], a) || !bytes.Equal(keys[1], b) {
		t.Fatalf("ParseKeys = %v, %v", keys, err)
	}
	if keys, err := tenants.ParseKeys(" "); err != nil || len(keys) != 0 {
		t.Fatalf("empty list = %v, %v", keys, err)
	}
	short := enc(a[:16])
	if _, err := tenants.ParseKeys(enc(a) + "," + short); err == nil || !strings.Contains(err.Error(), "key 2 of 2: key decodes to 16 bytes, want 32") || strings.Contains(err.Error(), short) {
		t.Fatalf("short key: %v", err)
	}
	if _, err := tenants.ParseKeys("not-a-key!," + enc(b)); err == nil || !strings.Contains(err.Error(), "key 1 of 2: key is not base64") || strings.Contains(err.Error(), "not-a-key!") {
		t.Fatalf("bad base64: %v", err)
	}
}
