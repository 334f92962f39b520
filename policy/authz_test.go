package policy

import (
	"fmt"
	"testing"

	"github.com/kamrat/kamrat/tenants"
)

func TestAuthorizerMatrix(t *testing.T) {
	t.Parallel()
	a, err := NewAuthorizer()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		role tenants.Role
		res  Resource
		act  Action
		want bool
	}{
		{tenants.RoleRegionAdmin, "audit", "read", true},
		{tenants.RoleClinicStaff, "audit", "read", false},
		{tenants.RoleClinicStaff, "referral", "create", true},
		{tenants.RoleOrgCoordinator, "referral", "create", false},
		{tenants.RoleOrgCoordinator, "peer", "create", true},
		{tenants.RolePeerSupporter, "meeting", "create", true},
		{tenants.RolePeerSupporter, "referral", "read", false},
		{tenants.RoleViewer, "dashboard", "read", true},
		{tenants.RoleViewer, "referral", "read", false},
		{tenants.RolePlatformOperator, "region", "read", false},
		{tenants.RolePlatformOperator, "tenant", "create", true},
		{"intruder", "region", "read", false},
		{tenants.RoleRegionAdmin, "region", "delete", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%s", tt.role, tt.res, tt.act), func(t *testing.T) {
			for _, region := range []string{"skane", "stockholm"} {
				if got := a.Allowed(tt.role, region, tt.res, tt.act); got != tt.want {
					t.Errorf("Allowed(%s, %s, %s, %s) = %v, want %v", tt.role, region, tt.res, tt.act, got, tt.want)
				}
			}
		})
	}
	grants, err := a.Grants()
	if err != nil || len(grants) < 40 {
		t.Fatalf("Grants() = %d rules, %v; want the whole matrix", len(grants), err)
	}
}

// BenchmarkAuthorize measures one access decision at national scale: 21
// regions, every role, every resource and action in the matrix, in a
// rotating order so that no single answer is asked for twice in a row.
func BenchmarkAuthorize(b *testing.B) {
	a, err := NewAuthorizer()
	if err != nil {
		b.Fatal(err)
	}
	grants, _ := a.Grants()
	type req struct {
		role   tenants.Role
		region string
		res    Resource
		act    Action
	}
	var reqs []req
	for county := range tenants.Counties {
		for _, role := range tenants.AllRoles {
			for _, g := range grants {
				reqs = append(reqs, req{role, "region-" + county, Resource(g[1]), Action(g[2])})
			}
		}
	}
	for i := 0; b.Loop(); i++ {
		r := reqs[i%len(reqs)]
		a.Allowed(r.role, r.region, r.res, r.act)
	}
	// Reported after the loop: b.Loop resets the timer and extra metrics.
	b.ReportMetric(float64(len(reqs)), "distinct-requests")
}
