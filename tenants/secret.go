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
	"strings"
)

// Sealer encrypts data at rest (OIDC client secrets now; contact data
// later) with AES-256-GCM under a key from configuration. Ciphertexts carry
// the key's id so that a rotation can tell old from new.
type Sealer struct {
	keyID string
	aead  cipher.AEAD
}

// KeySize is the length of an encryption key in bytes.
const KeySize = 32

// NewSealer returns a Sealer for a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("encryption key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(key)
	return &Sealer{keyID: hex.EncodeToString(sum[:4]), aead: aead}, nil
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
	return nil, errors.New("key is not base64; create one with `openssl rand -base64 32`")
}

// Seal encrypts plaintext; the result is text safe to store in any column.
func (s *Sealer) Seal(plaintext string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	ct := s.aead.Seal(nonce, nonce, []byte(plaintext), []byte(s.keyID))
	return "v1:" + s.keyID + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// ErrUndecryptable means a ciphertext was damaged or sealed under another key.
var ErrUndecryptable = errors.New("cannot decrypt: damaged, or sealed with another key")

// Open decrypts what Seal produced.
func (s *Sealer) Open(sealed string) (string, error) {
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != "v1" || parts[1] != s.keyID {
		return "", ErrUndecryptable
	}
	ct, err := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil || len(ct) < s.aead.NonceSize() {
		return "", ErrUndecryptable
	}
	pt, err := s.aead.Open(nil, ct[:s.aead.NonceSize()], ct[s.aead.NonceSize():], []byte(s.keyID))
	if err != nil {
		return "", ErrUndecryptable
	}
	return string(pt), nil
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
