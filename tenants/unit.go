package tenants

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// UnitKind classifies a clinic or care unit.
type UnitKind string

const (
	UnitInfectionClinic       UnitKind = "infection_clinic"
	UnitPsychiatricOutpatient UnitKind = "psychiatric_outpatient"
	UnitPsychiatricInpatient  UnitKind = "psychiatric_inpatient"
	UnitMunicipalSocialPsych  UnitKind = "municipal_social_psychiatry"
	UnitHabilitation          UnitKind = "habilitation"
	UnitPrimaryCare           UnitKind = "primary_care"
	UnitOther                 UnitKind = "other"
)

// UnitKinds lists every kind, in the order forms show them.
var UnitKinds = []UnitKind{
	UnitInfectionClinic, UnitPsychiatricOutpatient, UnitPsychiatricInpatient,
	UnitMunicipalSocialPsych, UnitHabilitation, UnitPrimaryCare, UnitOther,
}

func (k UnitKind) valid() bool {
	for _, v := range UnitKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Unit is a clinic or care unit in a region: where patients are informed and
// offered peer support, and where peers may be placed.
type Unit struct {
	bun.BaseModel `bun:"table:units"`

	ID        int64     `bun:"id,pk,autoincrement"`
	TenantID  int64     `bun:"tenant_id,notnull"`
	Name      string    `bun:"name,notnull"`
	HSAID     string    `bun:"hsa_id,nullzero"`
	Kind      UnitKind  `bun:"kind,notnull"`
	Active    bool      `bun:"active,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// Validate reports every problem with the unit's fields as a
// *ValidationError, or nil.
func (u *Unit) Validate() error {
	var v ValidationError
	name := strings.TrimSpace(u.Name)
	switch {
	case name == "":
		v.add("name", "validation.required", nil)
	case utf8.RuneCountInString(name) > 200:
		v.add("name", "validation.too_long", map[string]any{"Max": 200})
	}
	if u.HSAID != "" && !ValidHSAID(u.HSAID) {
		v.add("hsa_id", "validation.hsa_id", nil)
	}
	if !u.Kind.valid() {
		v.add("kind", "validation.choice", nil)
	}
	return v.err()
}
