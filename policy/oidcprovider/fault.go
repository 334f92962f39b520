package oidcprovider

// Fault names one way in which the provider deliberately breaks the tokens it
// mints, for negative tests. See [Provider.SetFault].
type Fault string

// The faults the provider can apply. Which of them go-oidc's Verify rejects by
// itself and which the relying party has to check is written down in
// fault_test.go.
const (
	FaultNone                Fault = ""
	FaultWrongIssuer         Fault = "wrong_issuer"          // iss differs from the issuer
	FaultMissingSubject      Fault = "missing_sub"           // no sub claim in the ID token
	FaultWrongAudience       Fault = "wrong_aud"             // aud names another client
	FaultMissingIssuedAt     Fault = "missing_iat"           // no iat claim
	FaultIssuedInFuture      Fault = "future_iat"            // iat one hour ahead
	FaultBadSignature        Fault = "bad_signature"         // signed by a key not in the JWKS (same kid)
	FaultAlgNone             Fault = "alg_none"              // unsigned JWT, header alg "none"
	FaultWrongNonce          Fault = "wrong_nonce"           // nonce differs from the one in the request
	FaultUserinfoSubMismatch Fault = "userinfo_sub_mismatch" // userinfo returns another sub
	FaultMissingKeyID        Fault = "missing_kid"           // no kid header while the JWKS has several keys, signed with the second key
	FaultMissingACR          Fault = "missing_acr"           // drop the acr claim even if the user has one
	FaultExpired             Fault = "expired"               // exp in the past
)

// Faults returns every fault except [FaultNone], in a fixed order. A caller
// that takes a fault from configuration can check it against this list.
func Faults() []Fault {
	return []Fault{
		FaultWrongIssuer,
		FaultMissingSubject,
		FaultWrongAudience,
		FaultMissingIssuedAt,
		FaultIssuedInFuture,
		FaultBadSignature,
		FaultAlgNone,
		FaultWrongNonce,
		FaultUserinfoSubMismatch,
		FaultMissingKeyID,
		FaultMissingACR,
		FaultExpired,
	}
}

func (f Fault) known() bool {
	if f == FaultNone {
		return true
	}
	for _, k := range Faults() {
		if f == k {
			return true
		}
	}
	return false
}
