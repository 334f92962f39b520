package policy

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The callback's state, code and provider error are only looked up in the
// database or sent to the provider; what Complete reads itself from the
// provider's answer is the ID token's header (requireKeyID) and its iat
// claim (checkIssuedAt). Both are fuzzed here.

func jwsHeader(h string) string { return base64.RawURLEncoding.EncodeToString([]byte(h)) }

// FuzzRequireKeyID: a token passes only when its first segment is
// unpadded base64url of a JSON object with a non-empty string kid.
func FuzzRequireKeyID(f *testing.F) {
	for _, s := range []string{
		jwsHeader(`{"alg":"RS256","kid":"k1"}`) + ".e30.sig",
		jwsHeader(`{"alg":"RS256"}`) + ".e30.sig",
		jwsHeader(`{"alg":"RS256","kid":""}`) + ".e30.sig",
		jwsHeader(`{"kid":1}`) + ".e30.sig",
		jwsHeader(`{"kid":null}`) + ".e30.sig",
		// Names are case-sensitive: "kId" is not a kid (found by the fuzzer).
		jwsHeader(`{"alg":"RS256","kId":"k1"}`) + ".e30.sig",
		jwsHeader(`[]`) + ".e30",
		base64.URLEncoding.EncodeToString([]byte(`{"kid":"k1"}`)) + ".e30.sig",
		base64.StdEncoding.EncodeToString([]byte(`{"kid":"k?>"}`)) + ".e30.sig",
		"no-dots", "", ".", "..",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		err := requireKeyID(raw)
		header, _, dot := strings.Cut(raw, ".")
		b, decErr := base64.RawURLEncoding.DecodeString(header)
		var h map[string]any
		jsonErr := json.Unmarshal(b, &h)
		kid, _ := h["kid"].(string)
		want := dot && decErr == nil && jsonErr == nil && kid != ""
		if (err == nil) != want {
			t.Fatalf("requireKeyID(%q) = %v; want accepted %v", raw, err, want)
		}
	})
}

// FuzzCheckIssuedAt: an iat is accepted only within two minutes ahead of
// and ten minutes behind the clock, whatever the number (fractions, NaN,
// infinities, values beyond int64) or the claim's type.
func FuzzCheckIssuedAt(f *testing.F) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	n := float64(now.Unix())
	for _, v := range []float64{n, n - 600, n - 601, n + 120, n + 121, n + 0.5, n - 600.5, n + 120.9, 0, -1, 1e19, -1e19, 9.3e18, math.MaxFloat64, math.Inf(1), math.NaN()} {
		f.Add(v, true)
	}
	f.Add(n, false)
	o := &OIDC{now: func() time.Time { return now }}
	f.Fuzz(func(t *testing.T, iat float64, asNumber bool) {
		claims := map[string]any{"iat": iat}
		if !asNumber {
			claims["iat"] = strconv.FormatFloat(iat, 'f', -1, 64) // a string, not a number
		}
		err := o.checkIssuedAt(claims)
		// Whole seconds, as the check reads them (truncated).
		secs := math.Trunc(iat)
		want := asNumber && secs >= n-600 && secs <= n+120
		if (err == nil) != want {
			t.Fatalf("iat %v (number %v) at %v: %v; want accepted %v", iat, asNumber, now, err, want)
		}
	})
}
