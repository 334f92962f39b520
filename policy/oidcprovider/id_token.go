package oidcprovider

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// idTokenRequest is what an ID token is minted from.
type idTokenRequest struct {
	user        User
	clientID    string
	nonce       string
	authTime    time.Time
	accessToken string
	fault       Fault
}

// mintIDToken returns a signed ID token (OpenID Connect Core section 2) with
// req.fault applied.
func (p *Provider) mintIDToken(req idTokenRequest, now time.Time) (string, error) {
	claims := p.idTokenClaims(req, now)
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encoding ID token claims: %w", err)
	}

	key := jose.JSONWebKey{Key: p.keys[0].private, KeyID: p.keys[0].kid, Algorithm: string(jose.RS256)}
	switch req.fault {
	case FaultAlgNone:
		return unsignedJWT(payload), nil
	case FaultBadSignature:
		rogue, err := p.rogueKey()
		if err != nil {
			return "", fmt.Errorf("generating rogue key: %w", err)
		}
		key.Key = rogue // the published kid, a key nobody published
	case FaultMissingKeyID:
		key = jose.JSONWebKey{Key: p.keys[1].private, Algorithm: string(jose.RS256)}
	}
	return signJWT(key, payload)
}

func (p *Provider) idTokenClaims(req idTokenRequest, now time.Time) map[string]any {
	claims := userClaims(req.user, req.fault)
	claims["iss"] = p.issuer
	claims["sub"] = req.user.Subject
	claims["aud"] = req.clientID
	claims["iat"] = now.Unix()
	claims["exp"] = now.Add(idTokenTTL).Unix()
	claims["auth_time"] = req.authTime.Unix()
	claims["at_hash"] = accessTokenHash(req.accessToken)
	if req.nonce != "" {
		claims["nonce"] = req.nonce
	}

	switch req.fault {
	case FaultWrongIssuer:
		claims["iss"] = p.issuer + "-other"
	case FaultMissingSubject:
		delete(claims, "sub")
	case FaultWrongAudience:
		claims["aud"] = req.clientID + "-other"
	case FaultMissingIssuedAt:
		delete(claims, "iat")
	case FaultIssuedInFuture:
		claims["iat"] = now.Add(time.Hour).Unix()
	case FaultWrongNonce:
		claims["nonce"] = req.nonce + "-other"
	case FaultExpired:
		claims["iat"] = now.Add(-2 * idTokenTTL).Unix()
		claims["exp"] = now.Add(-idTokenTTL).Unix()
	}
	return claims
}

// userClaims returns a fresh map of the user's own claims with fault applied;
// the provider's claims (iss, sub, …) are the caller's to add.
func userClaims(u User, fault Fault) map[string]any {
	claims := make(map[string]any, len(u.Claims)+8)
	for k, v := range u.Claims {
		claims[k] = v
	}
	if fault == FaultMissingACR {
		delete(claims, "acr")
	}
	return claims
}

func signJWT(key jose.JSONWebKey, payload []byte) (string, error) {
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return "", fmt.Errorf("creating signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("signing ID token: %w", err)
	}
	return jws.CompactSerialize()
}

// unsignedJWT returns an unsecured JWT (RFC 7519 section 6): header alg
// "none" and an empty signature. go-jose will not make one.
func unsignedJWT(payload []byte) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + "."
}

// accessTokenHash is the at_hash of OpenID Connect Core section 3.1.3.6: the
// left half of the SHA-256 of the token, base64url encoded.
func accessTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}
