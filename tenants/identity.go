package tenants

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// User is a person who can sign in. Users are global: a membership gives
// one a role in a region.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID               int64  `bun:"id,pk,autoincrement"`
	Email            string `bun:"email,notnull"`
	DisplayName      string `bun:"display_name,notnull"`
	PlatformOperator bool   `bun:"platform_operator,notnull"`
	// NationalViewer may open the national view (approved, suppressed
	// figures of the regions that share them); like PlatformOperator it
	// is no role in any region.
	NationalViewer bool `bun:"national_viewer,notnull"`
	// Language is the person's own choice, "sv" or "en", remembered when
	// they switch language signed in; empty until then.
	Language   string     `bun:"language,notnull"`
	DisabledAt *time.Time `bun:"disabled_at"`
	CreatedAt  time.Time  `bun:"created_at,notnull"`
}

// Disabled reports whether the user may no longer sign in.
func (u User) Disabled() bool { return u.DisabledAt != nil }

// Identity links a user to an account at an OpenID provider, keyed on the
// provider's issuer and the account's subject.
type Identity struct {
	bun.BaseModel `bun:"table:identities"`

	ID         int64     `bun:"id,pk,autoincrement"`
	UserID     int64     `bun:"user_id,notnull"`
	Issuer     string    `bun:"issuer,notnull"`
	Subject    string    `bun:"subject,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	LastUsedAt time.Time `bun:"last_used_at,notnull"`
}

// Membership gives a user one role in one region, scoped to a unit or an
// organisation where the role needs it.
type Membership struct {
	bun.BaseModel `bun:"table:memberships"`

	ID             int64     `bun:"id,pk,autoincrement"`
	TenantID       int64     `bun:"tenant_id,notnull"`
	UserID         int64     `bun:"user_id,notnull"`
	Role           Role      `bun:"role,notnull"`
	UnitID         *int64    `bun:"unit_id"`
	OrganisationID *int64    `bun:"organisation_id"`
	CreatedAt      time.Time `bun:"created_at,notnull"`
	// DisabledAt is set while the region has shut the member out.
	DisabledAt *time.Time `bun:"disabled_at"`
}

// Invitation lets one person become a member of a region with a role.
// It is single-use and expires.
type Invitation struct {
	bun.BaseModel `bun:"table:invitations"`

	ID             int64      `bun:"id,pk,autoincrement"`
	TenantID       int64      `bun:"tenant_id,notnull"`
	Email          string     `bun:"email,notnull"`
	DisplayName    string     `bun:"display_name,notnull"`
	Role           Role       `bun:"role,notnull"`
	UnitID         *int64     `bun:"unit_id"`
	OrganisationID *int64     `bun:"organisation_id"`
	TokenHash      string     `bun:"token_hash,notnull"`
	InvitedBy      *int64     `bun:"invited_by"`
	CreatedAt      time.Time  `bun:"created_at,notnull"`
	ExpiresAt      time.Time  `bun:"expires_at,notnull"`
	AcceptedAt     *time.Time `bun:"accepted_at"`
	AcceptedUserID *int64     `bun:"accepted_user_id"`
	RevokedAt      *time.Time `bun:"revoked_at"`
}

// Open reports whether the invitation can still be accepted at t.
func (i Invitation) Open(t time.Time) bool {
	return i.AcceptedAt == nil && i.RevokedAt == nil && t.Before(i.ExpiresAt)
}

// InvitationTTL is how long an invitation stays valid.
const InvitationTTL = 7 * 24 * time.Hour

// NormalizeEmail lower-cases and trims an address, and reports whether it
// is a plain address ("name@example.se", no display name).
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || utf8.RuneCountInString(s) > 254 || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return s, false
	}
	return s, true
}

// Validate reports every problem with the invitation's fields.
func (i *Invitation) Validate() error {
	var v ValidationError
	var ok bool
	if i.Email, ok = NormalizeEmail(i.Email); !ok {
		v.add("email", "validation.email", nil)
	}
	i.DisplayName = strings.TrimSpace(i.DisplayName)
	switch {
	case i.DisplayName == "":
		v.add("display_name", "validation.required", nil)
	case utf8.RuneCountInString(i.DisplayName) > 200:
		v.add("display_name", "validation.too_long", map[string]any{"Max": 200})
	}
	validateScope(&v, i.Role, &i.UnitID, &i.OrganisationID)
	return v.err()
}

// validateScope checks that a membership role has the scope it needs (a
// unit for clinic staff, an organisation for coordinators and peers) and
// drops any scope it does not use.
func validateScope(v *ValidationError, role Role, unitID, orgID **int64) {
	if !role.IsMembershipRole() {
		v.add("role", "validation.choice", nil)
		return
	}
	switch role.Scope() {
	case ScopeUnit:
		if *unitID == nil {
			v.add("unit_id", "validation.scope_unit", nil)
		}
		*orgID = nil
	case ScopeOrganisation:
		if *orgID == nil {
			v.add("organisation_id", "validation.scope_organisation", nil)
		}
		*unitID = nil
	default:
		*unitID, *orgID = nil, nil
	}
}

// Session is a signed-in browser. The id is the hash of the cookie value.
type Session struct {
	bun.BaseModel `bun:"table:sessions"`

	ID         string     `bun:"id,pk"`
	UserID     int64      `bun:"user_id,notnull"`
	TenantID   *int64     `bun:"signed_in_tenant_id"`
	Method     string     `bun:"method,notnull"`
	CreatedAt  time.Time  `bun:"created_at,notnull"`
	LastSeenAt time.Time  `bun:"last_seen_at,notnull"`
	ExpiresAt  time.Time  `bun:"expires_at,notnull"`
	RevokedAt  *time.Time `bun:"revoked_at"`
}

// APIToken lets an integration call the JSON API of one region as a user.
type APIToken struct {
	bun.BaseModel `bun:"table:api_tokens"`

	ID         int64      `bun:"id,pk,autoincrement"`
	TenantID   int64      `bun:"tenant_id,notnull"`
	UserID     int64      `bun:"user_id,notnull"`
	Name       string     `bun:"name,notnull"`
	TokenHash  string     `bun:"token_hash,notnull"`
	CreatedBy  *int64     `bun:"created_by"`
	CreatedAt  time.Time  `bun:"created_at,notnull"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`
}
