// Package policy decides who may do what in Kamrat: the casbin model and
// role matrix (as data, embedded), principals, sign-in (OIDC, SITHS, e-mail
// links), sessions, CSRF and the audit of it all.
//
// Casbin answers "may this role act on this resource in this region";
// which rows the action touches (own unit, own organisation, own matches) is
// the stores' business.
package policy

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"

	"github.com/kamrat/kamrat/tenants"
)

//go:embed model.conf
var modelText string

//go:embed matrix.csv
var matrixText string

// Resource and Action name what a route touches; the route table pairs
// every route with one of each.
type (
	Resource string
	Action   string
)

// Authorizer answers access questions with casbin. It is safe for
// concurrent use.
type Authorizer struct {
	enforcer *casbin.SyncedCachedEnforcer
}

// NewAuthorizer loads the embedded model and role matrix.
func NewAuthorizer() (*Authorizer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("policy model: %w", err)
	}
	e, err := casbin.NewSyncedCachedEnforcer(m, stringadapter.NewAdapter(stripComments(matrixText)))
	if err != nil {
		return nil, fmt.Errorf("role matrix: %w", err)
	}
	return &Authorizer{enforcer: e}, nil
}

// stripComments drops comment and blank lines, which casbin's string
// adapter would otherwise read as rules.
func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// Allowed reports whether role may act on resource in the region named by
// its slug. An unknown role is allowed nothing.
func (a *Authorizer) Allowed(role tenants.Role, region string, res Resource, act Action) bool {
	ok, err := a.enforcer.Enforce(string(role), region, string(res), string(act))
	return err == nil && ok
}

// Grants lists the matrix as (role, resource, action) triples that hold in
// every region, for documentation and the route × role test.
func (a *Authorizer) Grants() ([][3]string, error) {
	rules, err := a.enforcer.GetPolicy()
	if err != nil {
		return nil, err
	}
	var out [][3]string
	for _, r := range rules {
		if len(r) == 4 && r[1] == "*" {
			out = append(out, [3]string{r[0], r[2], r[3]})
		}
	}
	return out, nil
}
