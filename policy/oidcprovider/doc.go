// Package oidcprovider is a small OpenID Provider that runs inside the Kamrat
// process. It speaks the same authorization code + PKCE (S256) flow as a real
// identity provider, so the relying party code that talks to it is the code
// that talks to the real one.
//
// It has two uses:
//
//  1. Demo mode. The Kamrat server mounts the provider and a newcomer signs in
//     as any of a fixed set of demo users, either from a chooser page or
//     directly from a demo sign-in button that passes login_hint. Nothing about
//     the sign-in is faked on the relying party's side: discovery, the code
//     exchange, ID token verification and userinfo all go through
//     github.com/coreos/go-oidc and golang.org/x/oauth2 as in production.
//  2. Negative tests. [Provider.SetFault] makes the provider mint deliberately
//     broken tokens (wrong issuer, bad signature, alg "none", wrong nonce, …),
//     so tests can show that the relying party refuses each of them.
//
// Anyone who can reach the provider can sign in as any of its users. It is
// therefore never enabled in production: Kamrat only mounts it when demo mode
// is asked for explicitly, and tests start their own.
//
// Mounted in Kamrat's router under the issuer's path:
//
//	idp, err := oidcprovider.New("http://127.0.0.1:8080/demo-idp", clients, users)
//	if err != nil {
//		return err
//	}
//	mux.Handle("/demo-idp/", http.StripPrefix("/demo-idp", idp.Handler()))
//
// The relying party then discovers "http://127.0.0.1:8080/demo-idp" with
// oidc.NewProvider like any other issuer.
//
// Keys are generated in [New] and live only in memory, as do authorization
// codes and access tokens; a restart signs everyone out of the provider.
package oidcprovider
