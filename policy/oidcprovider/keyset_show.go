package oidcprovider

import (
	"net/http"

	jose "github.com/go-jose/go-jose/v4"
)

// keySet holds the public halves of both signing keys, so a relying party can
// verify tokens signed with either.
func (p *Provider) keySet() jose.JSONWebKeySet {
	var set jose.JSONWebKeySet
	for _, k := range p.keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{
			Key:       &k.private.PublicKey,
			KeyID:     k.kid,
			Algorithm: string(jose.RS256),
			Use:       "sig",
		})
	}
	return set
}

func (p *Provider) handleKeySetShow(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.WriteHeader(http.StatusOK)
	w.Write(p.jwks)
}
