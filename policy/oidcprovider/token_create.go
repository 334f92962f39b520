package oidcprovider

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
)

// maxFormBytes bounds a request body the provider reads.
const maxFormBytes = 64 << 10

// tokenResponse is a successful token response (OpenID Connect Core section
// 3.1.3.3).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	IDToken     string `json:"id_token"`
	Scope       string `json:"scope,omitempty"`
}

// handleTokenCreate exchanges an authorization code for an access token and
// an ID token. The client authenticates with its secret, by HTTP Basic or in
// the form; the code must be unused, unexpired, issued to this client for this
// redirect URI, and match the PKCE code_verifier.
func (p *Provider) handleTokenCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, &oauthError{Code: errInvalidRequest, Description: "the body must be a form"})
		return
	}
	resp, oerr := p.exchangeCode(r)
	if oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

func (p *Provider) exchangeCode(r *http.Request) (tokenResponse, *oauthError) {
	form := r.PostForm
	client, oerr := p.authenticateClient(r)
	if oerr != nil {
		return tokenResponse{}, oerr
	}
	if gt := form.Get("grant_type"); gt != "authorization_code" {
		if gt == "" {
			return tokenResponse{}, &oauthError{Code: errInvalidRequest, Description: "grant_type is missing"}
		}
		return tokenResponse{}, &oauthError{Code: errUnsupportedGrantType, Description: "only authorization_code is supported"}
	}
	for _, name := range []string{"grant_type", "code", "redirect_uri", "code_verifier"} {
		if len(form[name]) > 1 {
			return tokenResponse{}, &oauthError{Code: errInvalidRequest, Description: name + " given more than once"}
		}
	}

	codeValue := form.Get("code")
	if codeValue == "" {
		return tokenResponse{}, &oauthError{Code: errInvalidRequest, Description: "code is missing"}
	}
	now := p.now()
	code, err := p.grants.redeemCode(codeValue, now)
	switch {
	case errors.Is(err, errCodeReused):
		return tokenResponse{}, &oauthError{Code: errInvalidGrant, Description: "the code has already been used; tokens issued for it are revoked"}
	case err != nil:
		return tokenResponse{}, &oauthError{Code: errInvalidGrant, Description: "the code is unknown or expired"}
	}
	// The code is spent from here on, whatever follows: a failed PKCE check
	// cannot be retried with another guess.
	if code.clientID != client.ID {
		return tokenResponse{}, &oauthError{Code: errInvalidGrant, Description: "the code was issued to another client"}
	}
	if form.Get("redirect_uri") != code.redirectURI {
		return tokenResponse{}, &oauthError{Code: errInvalidGrant, Description: "redirect_uri differs from the authorization request"}
	}
	if !verifyPKCE(form.Get("code_verifier"), code.challenge) {
		return tokenResponse{}, &oauthError{Code: errInvalidGrant, Description: "code_verifier does not match code_challenge"}
	}
	user, ok := p.byID[code.subject]
	if !ok {
		return tokenResponse{}, &oauthError{Code: errServerError}
	}

	fault := p.currentFault()
	accessToken, err := p.grants.addAccessToken(codeValue, accessGrant{
		clientID: client.ID,
		subject:  user.Subject,
		scope:    code.scope,
		fault:    fault,
		expires:  now.Add(accessTokenTTL),
	}, now)
	if err != nil {
		return tokenResponse{}, &oauthError{Code: errTemporarilyUnavailable, Description: "too many tokens outstanding"}
	}
	idToken, err := p.mintIDToken(idTokenRequest{
		user:        user,
		clientID:    client.ID,
		nonce:       code.nonce,
		authTime:    code.authTime,
		accessToken: accessToken,
		fault:       fault,
	}, now)
	if err != nil {
		return tokenResponse{}, &oauthError{Code: errServerError}
	}
	return tokenResponse{
		AccessToken: accessToken,
		TokenType:   "Bearer",
		ExpiresIn:   int(accessTokenTTL.Seconds()),
		IDToken:     idToken,
		Scope:       code.scope,
	}, nil
}

// authenticateClient checks the client's credentials, sent either by HTTP
// Basic (client_secret_basic, form-encoded as RFC 6749 section 2.3.1 asks) or
// in the form (client_secret_post), not both.
func (p *Provider) authenticateClient(r *http.Request) (Client, *oauthError) {
	failed := &oauthError{Code: errInvalidClient, Description: "client authentication failed"}
	form := r.PostForm
	id, secret, basic := r.BasicAuth()
	switch {
	case basic:
		if form.Has("client_secret") {
			return Client{}, &oauthError{Code: errInvalidRequest, Description: "use one client authentication method"}
		}
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return Client{}, failed
		}
		if form.Has("client_id") && form.Get("client_id") != id {
			return Client{}, &oauthError{Code: errInvalidRequest, Description: "client_id differs from the authenticated client"}
		}
	case len(form["client_id"]) == 1 && len(form["client_secret"]) == 1:
		id, secret = form.Get("client_id"), form.Get("client_secret")
	default:
		return Client{}, &oauthError{Code: errInvalidClient, Description: "client authentication is required"}
	}
	client, ok := p.clients[id]
	if !ok || subtle.ConstantTimeCompare([]byte(secret), []byte(client.Secret)) != 1 {
		return Client{}, failed
	}
	return client, nil
}

// verifyPKCE reports whether verifier is a valid RFC 7636 code_verifier whose
// S256 transform is challenge.
func verifyPKCE(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	for _, b := range []byte(verifier) {
		if !isBase64URL(b) && b != '.' && b != '~' {
			return false
		}
	}
	sum := sha256.Sum256([]byte(verifier))
	computed := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(computed), []byte(challenge)) == 1
}
