package oidcprovider

import (
	"net/http"
	"slices"
)

// discoveryDocument is the provider's metadata, as OpenID Connect Discovery
// 1.0 section 3 describes it.
type discoveryDocument struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ClaimsSupported                   []string `json:"claims_supported"`
	// RFC 9207: the authorization response carries iss.
	AuthorizationResponseIssParameterSupported bool `json:"authorization_response_iss_parameter_supported"`
	ClaimsParameterSupported                   bool `json:"claims_parameter_supported"`
	RequestParameterSupported                  bool `json:"request_parameter_supported"`
}

func (p *Provider) discoveryDocument() discoveryDocument {
	claims := []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash"}
	var extra []string
	for _, u := range p.users {
		for name := range u.Claims {
			if !slices.Contains(extra, name) {
				extra = append(extra, name)
			}
		}
	}
	slices.Sort(extra)
	return discoveryDocument{
		Issuer:                                     p.issuer,
		AuthorizationEndpoint:                      p.endpoint("/authorize"),
		TokenEndpoint:                              p.endpoint("/token"),
		UserinfoEndpoint:                           p.endpoint("/userinfo"),
		JWKSURI:                                    p.endpoint("/jwks"),
		ResponseTypesSupported:                     []string{"code"},
		ResponseModesSupported:                     []string{"query"},
		GrantTypesSupported:                        []string{"authorization_code"},
		SubjectTypesSupported:                      []string{"public"},
		IDTokenSigningAlgValuesSupported:           []string{"RS256"},
		TokenEndpointAuthMethodsSupported:          []string{"client_secret_basic", "client_secret_post"},
		CodeChallengeMethodsSupported:              []string{"S256"},
		ScopesSupported:                            []string{"openid", "profile", "email"},
		ClaimsSupported:                            append(claims, extra...),
		AuthorizationResponseIssParameterSupported: true,
	}
}

func (p *Provider) handleDiscoveryShow(w http.ResponseWriter, r *http.Request) {
	writeJSONBytes(w, http.StatusOK, p.discovery)
}
