package tenants

import (
	"regexp"
	"strings"
)

// luhnValid reports whether the digit string passes the Luhn check used by
// Swedish personal and organisation numbers (weights 2,1,2,1… from the left
// over ten digits).
func luhnValid(digits string) bool {
	sum := 0
	for i, r := range digits {
		d := int(r - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

var orgNumberRE = regexp.MustCompile(`^\d{6}-?\d{4}$`)

// NormalizeOrganisationNumber returns the organisationsnummer in the form
// NNNNNN-NNNC, and false when it is not a valid one: ten digits, the third
// at least 2, the last a Luhn check digit over the first nine.
func NormalizeOrganisationNumber(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !orgNumberRE.MatchString(s) {
		return "", false
	}
	digits := strings.ReplaceAll(s, "-", "")
	if digits[2] < '2' || !luhnValid(digits) {
		return "", false
	}
	return digits[:6] + "-" + digits[6:], true
}

var hsaIDRE = regexp.MustCompile(`^SE(\d{10})-[A-Za-z0-9]+$`)

// ValidHSAID reports whether s is an HSA-id: "SE", the ten digits of a valid
// organisationsnummer, "-", then letters and digits, at most 31 characters.
func ValidHSAID(s string) bool {
	if len(s) > 31 {
		return false
	}
	m := hsaIDRE.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	_, ok := NormalizeOrganisationNumber(m[1])
	return ok
}
