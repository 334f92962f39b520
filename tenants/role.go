package tenants

// Role is what a membership lets a user do in a region. The platform
// operator is not a membership role: it is a flag on the user.
type Role string

const (
	RolePlatformOperator Role = "platform_operator"
	RoleRegionAdmin      Role = "region_admin"
	RoleClinicStaff      Role = "clinic_staff"
	RoleOrgCoordinator   Role = "org_coordinator"
	RolePeerSupporter    Role = "peer_supporter"
	RoleViewer           Role = "viewer"
)

// MembershipRoles are the roles a membership can have, in display order.
var MembershipRoles = []Role{RoleRegionAdmin, RoleClinicStaff, RoleOrgCoordinator, RolePeerSupporter, RoleViewer}

// AllRoles adds the platform operator to MembershipRoles.
var AllRoles = append([]Role{RolePlatformOperator}, MembershipRoles...)

// Scope says what a role must be scoped to.
type Scope int

const (
	ScopeRegion       Scope = iota // the whole region
	ScopeUnit                      // one clinic or unit
	ScopeOrganisation              // one partner organisation
)

// Scope returns what the role is scoped to.
func (r Role) Scope() Scope {
	switch r {
	case RoleClinicStaff:
		return ScopeUnit
	case RoleOrgCoordinator, RolePeerSupporter:
		return ScopeOrganisation
	}
	return ScopeRegion
}

// IsMembershipRole reports whether r can be given by a membership.
func (r Role) IsMembershipRole() bool {
	for _, m := range MembershipRoles {
		if r == m {
			return true
		}
	}
	return false
}
