package oidcprovider

import (
	"errors"
	"net/http"
	"strings"
)

// handleUserinfoShow returns the claims of the user an access token was
// issued for (OpenID Connect Core section 5.3). The token comes as a Bearer
// Authorization header or, in a POST, as the access_token form field (RFC 6750
// section 2). A missing, unknown or expired token gets 401 with a
// WWW-Authenticate challenge.
func (p *Provider) handleUserinfoShow(w http.ResponseWriter, r *http.Request) {
	token, err := bearerToken(w, r)
	switch {
	case err != nil:
		w.Header().Set("WWW-Authenticate", `Bearer realm="userinfo", error="invalid_request"`)
		writeJSON(w, http.StatusBadRequest, &oauthError{Code: errInvalidRequest, Description: err.Error()})
		return
	case token == "":
		w.Header().Set("WWW-Authenticate", `Bearer realm="userinfo"`)
		writeJSON(w, http.StatusUnauthorized, &oauthError{Code: errInvalidRequest, Description: "a Bearer access token is required"})
		return
	}
	grant, ok := p.grants.accessGrant(token, p.now())
	user, known := p.byID[grant.subject]
	if !ok || !known {
		w.Header().Set("WWW-Authenticate", `Bearer realm="userinfo", error="invalid_token", error_description="the access token is unknown or expired"`)
		writeJSON(w, http.StatusUnauthorized, &oauthError{Code: "invalid_token", Description: "the access token is unknown or expired"})
		return
	}
	claims := userClaims(user, grant.fault)
	claims["sub"] = user.Subject
	if grant.fault == FaultUserinfoSubMismatch {
		claims["sub"] = user.Subject + "-other"
	}
	writeJSON(w, http.StatusOK, claims)
}

// bearerToken returns the request's access token, or "" if it has none. It
// returns an error if the request cannot be read or carries the token in more
// than one way (RFC 6750 section 2).
func bearerToken(w http.ResponseWriter, r *http.Request) (string, error) {
	var token string
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, value, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") {
			token = strings.TrimSpace(value)
		}
	}
	if r.Method != http.MethodPost {
		return token, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return "", errors.New("the body cannot be read as a form")
	}
	if form := r.PostForm.Get("access_token"); form != "" {
		if token != "" {
			return "", errors.New("the access token is given in more than one way")
		}
		token = form
	}
	return token, nil
}
