package tenants

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Organisation is a partner organisation in a region (patient or user
// organisation, municipality, …).
type Organisation struct {
	bun.BaseModel `bun:"table:organisations"`

	ID        int64  `bun:"id,pk,autoincrement"`
	TenantID  int64  `bun:"tenant_id,notnull"`
	Name      string `bun:"name,notnull"`
	OrgNumber string `bun:"org_number,nullzero"`
	Kind      string `bun:"kind,notnull"`
	// The person the region contacts at the organisation; all optional.
	ContactName  string `bun:"contact_name,notnull"`
	ContactEmail string `bun:"contact_email,notnull"`
	ContactPhone string `bun:"contact_phone,notnull"`
	// Focus lists the target groups the organisation works with, in the
	// order of TargetGroups.
	Focus     []TargetGroup `bun:"focus,notnull"`
	Active    bool          `bun:"active,notnull"`
	CreatedAt time.Time     `bun:"created_at,notnull"`
}

// OrganisationKinds lists every kind, in the order forms show them.
var OrganisationKinds = []string{OrgPatient, OrgUser, OrgMunicipality, OrgOther}

// TargetGroup is a group of people peer support is organised for.
type TargetGroup string

const (
	TargetHIV          TargetGroup = "hiv"
	TargetPsychiatry   TargetGroup = "psychiatry"
	TargetSubstanceUse TargetGroup = "substance_use"
	TargetOther        TargetGroup = "other"
)

// TargetGroups lists every target group, in the order forms show them.
var TargetGroups = []TargetGroup{TargetHIV, TargetPsychiatry, TargetSubstanceUse, TargetOther}

// normalizeTargetGroups returns the groups as a set in the order of
// TargetGroups (never nil, so it is stored as []), and false if any is
// unknown.
func normalizeTargetGroups(groups []TargetGroup) ([]TargetGroup, bool) {
	out := []TargetGroup{}
	for _, g := range groups {
		if !slices.Contains(TargetGroups, g) {
			return groups, false
		}
	}
	for _, g := range TargetGroups {
		if slices.Contains(groups, g) {
			out = append(out, g)
		}
	}
	return out, true
}

var phoneRE = regexp.MustCompile(`^\+?[0-9(][0-9 ()-]*[0-9]$`)

// validPhone accepts Swedish and international numbers as people write
// them: "040-33 10 00", "+46 40 33 10 00" — 7 to 15 digits.
func validPhone(s string) bool {
	if len(s) > 30 || !phoneRE.MatchString(s) {
		return false
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 7 && digits <= 15
}

// Validate normalises the organisation's fields (trimmed text, the
// organisationsnummer as NNNNNN-NNNC, a lower-case e-mail address, the
// focus as a set) and reports every problem as a *ValidationError, or nil.
func (o *Organisation) Validate() error {
	var v ValidationError
	o.Name = strings.TrimSpace(o.Name)
	checkText(&v, "name", o.Name, true, 200)
	if o.OrgNumber = strings.TrimSpace(o.OrgNumber); o.OrgNumber != "" {
		if n, ok := NormalizeOrganisationNumber(o.OrgNumber); ok {
			o.OrgNumber = n
		} else {
			v.add("org_number", "validation.org_number", nil)
		}
	}
	if !slices.Contains(OrganisationKinds, o.Kind) {
		v.add("kind", "validation.choice", nil)
	}
	o.ContactName = strings.TrimSpace(o.ContactName)
	checkText(&v, "contact_name", o.ContactName, false, 200)
	if o.ContactEmail = strings.TrimSpace(o.ContactEmail); o.ContactEmail != "" {
		var ok bool
		if o.ContactEmail, ok = NormalizeEmail(o.ContactEmail); !ok {
			v.add("contact_email", "validation.email", nil)
		}
	}
	if o.ContactPhone = strings.TrimSpace(o.ContactPhone); o.ContactPhone != "" && !validPhone(o.ContactPhone) {
		v.add("contact_phone", "validation.phone", nil)
	}
	var ok bool
	if o.Focus, ok = normalizeTargetGroups(o.Focus); !ok {
		v.add("focus", "validation.choice", nil)
	}
	return v.err()
}
