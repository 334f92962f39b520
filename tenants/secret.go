package tenants

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Sealer encrypts data at rest (OIDC client secrets, peers' and
// participants' contact details, meeting notes) with AES-256-GCM. It is a
// small keyring: it seals with the current key and opens what the current
// key or any previous key sealed. Ciphertexts carry the id of the key that
// sealed them, so that a rotation (`kamrat keys rotate`) can tell old from
// new and Open knows which key to try.
type Sealer struct {
	keyID    string
	aead     cipher.AEAD
	previous map[string]cipher.AEAD // by key id
}

// KeySize is the length of an encryption key in bytes.
const KeySize = 32

// sealPrefix starts every ciphertext: the format version.
const sealPrefix = "v1"

// NewSealer returns a Sealer that seals with key and opens what key or any
// of the previous keys sealed. Every key must be 32 bytes; a previous key
// must differ from the current key and from the other previous keys. The
// errors name the key by its place: "previous key 2: …".
func NewSealer(key []byte, previous ...[]byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("encryption key must be %d bytes, got %d", KeySize, len(key))
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	s := &Sealer{keyID: KeyID(key), aead: aead, previous: make(map[string]cipher.AEAD, len(previous))}
	seen := map[string]int{} // key bytes → place (0: the current key)
	seen[string(key)] = 0
	for i, p := range previous {
		n := i + 1
		if len(p) != KeySize {
			return nil, fmt.Errorf("previous key %d must be %d bytes, got %d", n, KeySize, len(p))
		}
		if at, dup := seen[string(p)]; dup {
			if at == 0 {
				return nil, fmt.Errorf("previous key %d is the current encryption key; list only keys that are no longer current", n)
			}
			return nil, fmt.Errorf("previous keys %d and %d are the same key", at, n)
		}
		seen[string(p)] = n
		id := KeyID(p)
		if _, clash := s.previous[id]; clash || id == s.keyID {
			// Four bytes of SHA-256: two different keys share an id about
			// once in four billion pairs. Then generate another key.
			return nil, fmt.Errorf("previous key %d has the same key id (%s) as another configured key; generate a new key", n, id)
		}
		if s.previous[id], err = newAEAD(p); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// KeyID is the id a key's ciphertexts carry: the first four bytes of the
// key's SHA-256, in hex. It names a key in messages without revealing it.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

// KeyID is the id of the current key, the one Seal uses.
func (s *Sealer) KeyID() string { return s.keyID }

// PreviousKeyIDs lists the ids of the previous keys, sorted.
func (s *Sealer) PreviousKeyIDs() []string {
	ids := make([]string, 0, len(s.previous))
	for id := range s.previous {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// SealedKeyID returns the id of the key that sealed a ciphertext (as Seal
// writes it), and false for text that is not a ciphertext.
func SealedKeyID(sealed string) (string, bool) {
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != sealPrefix || parts[1] == "" {
		return "", false
	}
	return parts[1], true
}

// ParseKey decodes a base64 (standard or URL) encoded 32-byte key.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != KeySize {
				return nil, fmt.Errorf("key decodes to %d bytes, want %d", len(b), KeySize)
			}
			return b, nil
		}
	}
	return nil, errors.New("key is not base64; create one with `kamrat keys generate` or `openssl rand -base64 32`")
}

// ParseKeys decodes a comma-separated list of keys as ParseKey does; empty
// items (a trailing comma, spaces) are skipped. The error names the key by
// its place in the list: "key 2 of 3: …".
func ParseKeys(list string) ([][]byte, error) {
	var items []string
	for _, item := range strings.Split(list, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	keys := make([][]byte, 0, len(items))
	for i, item := range items {
		k, err := ParseKey(item)
		if err != nil {
			return nil, fmt.Errorf("key %d of %d: %w", i+1, len(items), err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// Seal encrypts plaintext under the current key; the result is text safe
// to store in any column.
func (s *Sealer) Seal(plaintext string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	ct := s.aead.Seal(nonce, nonce, []byte(plaintext), []byte(s.keyID))
	return sealPrefix + ":" + s.keyID + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// ErrUndecryptable means a ciphertext was damaged or sealed with another key.
var ErrUndecryptable = errors.New("cannot decrypt: damaged, or sealed with another key")

// Open decrypts what Seal produced, with the current key or the previous
// key the ciphertext names. It returns ErrUndecryptable (possibly wrapped,
// saying which key id is unknown) for anything else.
func (s *Sealer) Open(sealed string) (string, error) {
	id, ok := SealedKeyID(sealed)
	if !ok {
		return "", ErrUndecryptable
	}
	aead := s.aead
	if id != s.keyID {
		if aead, ok = s.previous[id]; !ok {
			return "", fmt.Errorf("%w (key id %s is not configured)", ErrUndecryptable, id)
		}
	}
	ct, err := base64.RawStdEncoding.DecodeString(sealed[len(sealPrefix)+1+len(id)+1:])
	if err != nil || len(ct) < aead.NonceSize() {
		return "", ErrUndecryptable
	}
	pt, err := aead.Open(nil, ct[:aead.NonceSize()], ct[aead.NonceSize():], []byte(id))
	if err != nil {
		return "", ErrUndecryptable
	}
	return string(pt), nil
}

// IsCurrent tells whether a ciphertext names the current key (whether or
// not it opens).
func (s *Sealer) IsCurrent(sealed string) bool {
	id, ok := SealedKeyID(sealed)
	return ok && id == s.keyID
}

// Reseal returns sealed re-encrypted under the current key, and whether it
// changed: a ciphertext of the current key is returned as it is, after
// checking that it opens. It returns ErrUndecryptable for a ciphertext no
// configured key opens.
func (s *Sealer) Reseal(sealed string) (string, bool, error) {
	plain, err := s.Open(sealed)
	if err != nil {
		return "", false, err
	}
	if s.IsCurrent(sealed) {
		return sealed, false, nil
	}
	out, err := s.Seal(plain)
	if err != nil {
		return "", false, err
	}
	return out, true, nil
}

// newToken returns a random bearer secret and the hash stored in its place.
// Tokens carry 256 bits of entropy, so a plain SHA-256 suffices: there is
// nothing to brute-force.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how bearer secrets (sessions, links, invitations, API
// tokens) are looked up: by their SHA-256, never stored in the clear.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
