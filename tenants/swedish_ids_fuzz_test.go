package tenants

import (
	"strings"
	"testing"
)

// orgNumberOracle is an independent reading of the organisationsnummer
// rules: after trimming, ten ASCII digits with an optional "-" after the
// sixth, the third digit at least 2, and the tenth the Luhn check digit
// computed from the first nine.
func orgNumberOracle(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 11 && s[6] == '-' {
		s = s[:6] + s[7:]
	}
	if len(s) != 10 {
		return "", false
	}
	for i := 0; i < 10; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	if s[2] < '2' {
		return "", false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		d := int(s[i]-'0') * (2 - i%2)
		sum += d/10 + d%10
	}
	if check := (10 - sum%10) % 10; int(s[9]-'0') != check {
		return "", false
	}
	return s[:6] + "-" + s[6:], true
}

// withDigit returns s with the byte at i replaced by digit d.
func withDigit(s string, i int, d byte) string { return s[:i] + string(d) + s[i+1:] }

func FuzzOrganisationNumber(f *testing.F) {
	for _, s := range []string{
		"232100-0016", "2321000016", " 232100-0016\t", "556036-0793", "802002-4280",
		"232100-0017", "232100-001", "23210000160", "2321000-016", "132100-0016", "121212-1212",
		"", "-", "aaaaaa-aaaa", "232100–0016", "２３２１００-００１６", "232100--0016", "\u00a0232100-0016",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := NormalizeOrganisationNumber(s)
		want, wantOK := orgNumberOracle(s)
		if got != want || ok != wantOK {
			t.Fatalf("NormalizeOrganisationNumber(%q) = %q, %v; the rules give %q, %v", s, got, ok, want, wantOK)
		}
		if !ok {
			if got != "" {
				t.Fatalf("refused %q but returned %q", s, got)
			}
			return
		}
		if again, ok := NormalizeOrganisationNumber(got); !ok || again != got {
			t.Fatalf("normalised %q to %q, which normalises to %q, %v", s, got, again, ok)
		}
		digits := got[:6] + got[7:]
		if again, ok := NormalizeOrganisationNumber(digits); !ok || again != got {
			t.Fatalf("%q without its hyphen normalises to %q, %v; want %q", digits, again, ok, got)
		}
		// Luhn catches every single-digit error.
		for i := 0; i < len(got); i++ {
			if i == 6 {
				continue
			}
			for d := byte('0'); d <= '9'; d++ {
				if d == got[i] {
					continue
				}
				if changed := withDigit(got, i, d); func() bool { _, ok := NormalizeOrganisationNumber(changed); return ok }() {
					t.Fatalf("%q is valid, and so is %q with one digit changed", got, changed)
				}
			}
		}
	})
}

func FuzzHSAID(f *testing.F) {
	for _, s := range []string{
		"SE2321000016-1234", "SE2321000016-E12V", "SE2321000016-a", "SE5560360793-0000000000000000",
		"SE5560360793-00000000000000000", "SE2321000017-1234", "SE2321000016-", "SE2321000016", "se2321000016-1234",
		"SE232100-0016-1234", "SE2321000016-12 34", "SE2321000016-12å4", " SE2321000016-1234", "SE1321000016-1234", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ok := ValidHSAID(s)
		want := len(s) <= 31 && strings.HasPrefix(s, "SE") && len(s) >= 14 && s[12] == '-'
		if want {
			_, want = orgNumberOracle(s[2:12])
			want = want && strings.Trim(s[2:12], "0123456789") == "" // no spaces trimmed away
			for _, r := range s[13:] {
				if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
					want = false
				}
			}
		}
		if ok != want {
			t.Fatalf("ValidHSAID(%q) = %v, the rules give %v", s, ok, want)
		}
		if !ok {
			return
		}
		for i := 2; i < 12; i++ {
			for d := byte('0'); d <= '9'; d++ {
				if d != s[i] && ValidHSAID(withDigit(s, i, d)) {
					t.Fatalf("%q is valid, and so is %q with one digit of its organisationsnummer changed", s, withDigit(s, i, d))
				}
			}
		}
	})
}
