package oidcprovider

import (
	"encoding/json"
	"net/http"
)

// oauthError is an error response as RFC 6749 section 5.2 (token endpoint)
// and section 4.1.2.1 (authorization endpoint) define it.
type oauthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func (e *oauthError) Error() string {
	return e.Code + ": " + e.Description
}

// The error codes of RFC 6749 and OpenID Connect Core that the provider uses.
const (
	errInvalidRequest          = "invalid_request"
	errInvalidClient           = "invalid_client"
	errInvalidGrant            = "invalid_grant"
	errUnsupportedGrantType    = "unsupported_grant_type"
	errUnsupportedResponseType = "unsupported_response_type"
	errInvalidScope            = "invalid_scope"
	errAccessDenied            = "access_denied"
	errLoginRequired           = "login_required"
	errServerError             = "server_error"
	errTemporarilyUnavailable  = "temporarily_unavailable"
)

// status maps an error code to the HTTP status of a JSON error response. It is
// the one place that decides it.
func (e *oauthError) status() int {
	switch e.Code {
	case errInvalidClient:
		return http.StatusUnauthorized
	case errServerError:
		return http.StatusInternalServerError
	case errTemporarilyUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusBadRequest
	}
}

// writeOAuthError writes e as the JSON body of a token endpoint error.
func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	if e.Code == errInvalidClient {
		// RFC 6749 section 5.2: a 401 names the authentication scheme.
		w.Header().Set("WWW-Authenticate", `Basic realm="token", charset="UTF-8"`)
	}
	writeJSON(w, e.status(), e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeJSONBytes(w, http.StatusInternalServerError, []byte(`{"error":"server_error"}`))
		return
	}
	writeJSONBytes(w, status, body)
}

func writeJSONBytes(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}
