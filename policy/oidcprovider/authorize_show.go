package oidcprovider

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// maxNonceLength bounds the nonce, which the provider keeps with the code.
const maxNonceLength = 512

// authorizeRequest is a validated authorization request (OpenID Connect Core
// section 3.1.2.1, RFC 7636 section 4.3).
type authorizeRequest struct {
	client      Client
	redirectURI string
	state       string
	scope       string
	nonce       string
	challenge   string
	loginHint   string
	prompt      []string
	cancel      bool
	params      url.Values // as received, to build the chooser's links
}

// handleAuthorizeShow answers an authorization request. A request whose
// client or redirect URI is not known gets an error page: redirecting to an
// unvalidated URI would make the provider an open redirector. Any other error
// goes back to the client's redirect URI with error and state (RFC 6749
// section 4.1.2.1). A login_hint that names a user approves at once;
// otherwise the chooser page lists the users.
func (p *Provider) handleAuthorizeShow(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		p.pages.render(w, http.StatusBadRequest, p.pages.error, errorPage{CSS: p.pages.css, Reason: "malformed request"})
		return
	}
	req, err := p.parseAuthorizeRequest(r.Form)
	if err != nil {
		var oerr *oauthError
		if !errors.As(err, &oerr) {
			p.pages.render(w, http.StatusBadRequest, p.pages.error, errorPage{CSS: p.pages.css, Reason: err.Error()})
			return
		}
		redirectError(w, r, req, oerr, p.issuer)
		return
	}

	if req.cancel {
		redirectError(w, r, req, &oauthError{Code: errAccessDenied, Description: "the user cancelled the sign-in"}, p.issuer)
		return
	}
	if user, ok := p.byID[req.loginHint]; ok {
		p.approve(w, r, req, user)
		return
	}
	if slices.Contains(req.prompt, "none") {
		redirectError(w, r, req, &oauthError{Code: errLoginRequired, Description: "no known user in login_hint and prompt=none"}, p.issuer)
		return
	}
	p.pages.render(w, http.StatusOK, p.pages.chooser, p.chooserPage(req))
}

// parseAuthorizeRequest validates the request's parameters. An error that is
// not an *oauthError means the client or redirect URI cannot be trusted; an
// *oauthError comes with req filled in enough to redirect it.
func (p *Provider) parseAuthorizeRequest(form url.Values) (authorizeRequest, error) {
	var req authorizeRequest
	clientID, err := singleParam(form, "client_id")
	if err != nil {
		return req, err
	}
	client, ok := p.clients[clientID]
	if !ok {
		return req, errors.New("unknown client_id")
	}
	redirectURI, err := singleParam(form, "redirect_uri")
	if err != nil {
		return req, err
	}
	if !slices.Contains(client.RedirectURIs, redirectURI) {
		return req, errors.New("redirect_uri is not registered for this client")
	}
	req = authorizeRequest{
		client:      client,
		redirectURI: redirectURI,
		state:       form.Get("state"),
		params:      form,
	}

	invalid := func(format string, args ...any) error {
		return &oauthError{Code: errInvalidRequest, Description: fmt.Sprintf(format, args...)}
	}
	for _, name := range []string{"state", "response_type", "scope", "nonce", "code_challenge", "code_challenge_method", "login_hint", "prompt"} {
		if len(form[name]) > 1 {
			return req, invalid("%s given more than once", name)
		}
	}
	switch rt := form.Get("response_type"); rt {
	case "code":
	case "":
		return req, invalid("response_type is missing")
	default:
		return req, &oauthError{Code: errUnsupportedResponseType, Description: "only response_type=code is supported"}
	}
	req.scope = form.Get("scope")
	if !slices.Contains(strings.Fields(req.scope), "openid") {
		return req, &oauthError{Code: errInvalidScope, Description: "scope must include openid"}
	}
	req.challenge = form.Get("code_challenge")
	if req.challenge == "" {
		return req, invalid("code_challenge is required (PKCE)")
	}
	if form.Get("code_challenge_method") != "S256" {
		return req, invalid("code_challenge_method must be S256")
	}
	if !validS256Challenge(req.challenge) {
		return req, invalid("code_challenge is not a base64url SHA-256 value")
	}
	req.nonce = form.Get("nonce")
	if len(req.nonce) > maxNonceLength {
		return req, invalid("nonce is longer than %d bytes", maxNonceLength)
	}
	req.loginHint = form.Get("login_hint")
	req.prompt = strings.Fields(form.Get("prompt"))
	req.cancel = form.Get("cancel") != ""
	return req, nil
}

// singleParam returns the one value of a parameter that identifies the client
// or its redirect URI; it may be neither missing nor repeated.
func singleParam(form url.Values, name string) (string, error) {
	switch vs := form[name]; {
	case len(vs) == 0 || vs[0] == "":
		return "", fmt.Errorf("%s is missing", name)
	case len(vs) > 1:
		return "", fmt.Errorf("%s given more than once", name)
	default:
		return vs[0], nil
	}
}

// validS256Challenge reports whether c can be BASE64URL(SHA256(verifier)):
// 43 characters of the unpadded base64url alphabet.
func validS256Challenge(c string) bool {
	if len(c) != 43 {
		return false
	}
	for _, b := range []byte(c) {
		if !isBase64URL(b) {
			return false
		}
	}
	return true
}

func isBase64URL(b byte) bool {
	return 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '-' || b == '_'
}

// approve issues a code for user and sends it to the client.
func (p *Provider) approve(w http.ResponseWriter, r *http.Request, req authorizeRequest, user User) {
	now := p.now()
	code, err := p.grants.addCode(authCode{
		clientID:    req.client.ID,
		redirectURI: req.redirectURI,
		subject:     user.Subject,
		scope:       req.scope,
		nonce:       req.nonce,
		challenge:   req.challenge,
		authTime:    now,
		expires:     now.Add(codeTTL),
	}, now)
	if err != nil {
		redirectError(w, r, req, &oauthError{Code: errTemporarilyUnavailable, Description: "too many sign-ins in progress"}, p.issuer)
		return
	}
	params := url.Values{"code": {code}, "iss": {p.issuer}}
	if req.state != "" {
		params.Set("state", req.state)
	}
	redirectTo(w, r, req.redirectURI, params)
}

func redirectError(w http.ResponseWriter, r *http.Request, req authorizeRequest, e *oauthError, issuer string) {
	params := url.Values{"error": {e.Code}, "iss": {issuer}}
	if e.Description != "" {
		params.Set("error_description", e.Description)
	}
	if req.state != "" {
		params.Set("state", req.state)
	}
	redirectTo(w, r, req.redirectURI, params)
}

// redirectTo sends the browser to redirectURI, a registered URI, with params
// added to its query.
func redirectTo(w http.ResponseWriter, r *http.Request, redirectURI string, params url.Values) {
	u, err := url.Parse(redirectURI)
	if err != nil { // checked in New
		http.Error(w, "invalid redirect URI", http.StatusInternalServerError)
		return
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (p *Provider) chooserPage(req authorizeRequest) chooserPage {
	link := func(name, value string) string {
		q := url.Values{}
		for k, vs := range req.params {
			if k != "login_hint" && k != "cancel" {
				q[k] = vs
			}
		}
		q.Set(name, value)
		return p.endpoint("/authorize") + "?" + q.Encode()
	}
	page := chooserPage{
		CSS:       p.pages.css,
		ClientID:  req.client.ID,
		CancelURL: link("cancel", "1"),
	}
	for _, u := range p.users {
		label := u.Label
		if label == "" {
			label = u.Subject
		}
		page.Users = append(page.Users, chooserUser{Label: label, Subject: u.Subject, URL: link("login_hint", u.Subject)})
	}
	return page
}
