package seed

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// unitKinds are the clinics' kinds, in turn, with the target group of
// their participants.
var unitKinds = []struct {
	kind  tenants.UnitKind
	name  string
	group tenants.TargetGroup
}{
	{tenants.UnitInfectionClinic, "Infektionsmottagningen", tenants.TargetHIV},
	{tenants.UnitPsychiatricOutpatient, "Allmänpsykiatrisk mottagning", tenants.TargetPsychiatry},
	{tenants.UnitPsychiatricOutpatient, "Psykosmottagningen", tenants.TargetPsychiatry},
	{tenants.UnitPsychiatricInpatient, "Psykiatrisk vårdavdelning", tenants.TargetPsychiatry},
	{tenants.UnitMunicipalSocialPsych, "Socialpsykiatrin", tenants.TargetPsychiatry},
	{tenants.UnitPrimaryCare, "Vårdcentralen", tenants.TargetSubstanceUse},
	{tenants.UnitPsychiatricOutpatient, "Beroendemottagningen", tenants.TargetSubstanceUse},
	{tenants.UnitHabilitation, "Habiliteringen", tenants.TargetOther},
}

// unitsPerOrganisation: a region has three clinics per organisation.
const unitsPerOrganisation = 3

// routeUnit and routeOrg are the clinic and the organisation (indexes) of
// route r: clinic u is served by organisations u % orgs and (u+3) % orgs,
// routes 0…units-1 leading to the first and the rest to the second.
func (p *plan) routeUnit(r int) int { return r % p.nUnits() }

func (p *plan) routeOrg(r int) int {
	u, o := r%p.nUnits(), p.r.Organisations
	if r < p.nUnits() {
		return u % o
	}
	return (u + 3) % o
}

func (p *plan) nUnits() int  { return unitsPerOrganisation * p.r.Organisations }
func (p *plan) nRoutes() int { return 2 * p.nUnits() }

// hsaPrefix is an organisationsnummer for the region's HSA-ids: 232100,
// then 0 and the county code, then the check digit. Stockholm's is the
// real one; the others are made up in the same pattern.
func (p *plan) hsaPrefix() string {
	nine := "2321000" + p.countyCode
	sum := 0
	for i, c := range nine {
		d := int(c - '0')
		if i%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return fmt.Sprintf("SE%s%d", nine, (10-sum%10)%10)
}

// structure inserts the clinics, the organisations and the units they
// serve, and the agreements, as the stores would.
func (p *plan) structure(ctx context.Context, w *writer, now time.Time) error {
	t0, before := time.Now(), *w.rows
	for i := range p.nUnits() {
		k := unitKinds[i%len(unitKinds)]
		u := tenants.Unit{TenantID: p.tenantID, Name: fmt.Sprintf("%s %d", k.name, i/len(unitKinds)+1),
			HSAID: fmt.Sprintf("%s-B%03d", p.hsaPrefix(), i), Kind: k.kind, Active: true, CreatedAt: now}
		if err := u.Validate(); err != nil {
			return fmt.Errorf("unit %s: %w", u.Name, err)
		}
		if err := w.insert(ctx, "units", &u); err != nil {
			return err
		}
		p.units = append(p.units, u)
	}
	for o := range p.r.Organisations {
		var served []int64
		focus := map[tenants.TargetGroup]bool{}
		for r := range p.nRoutes() {
			if p.routeOrg(r) == o {
				served = append(served, p.units[p.routeUnit(r)].ID)
				focus[unitKinds[p.routeUnit(r)%len(unitKinds)].group] = true
			}
		}
		var groups []tenants.TargetGroup
		for _, g := range tenants.TargetGroups {
			if focus[g] {
				groups = append(groups, g)
			}
		}
		org := tenants.Organisation{TenantID: p.tenantID, Name: "Kamratföreningen " + orgLetter(o), Kind: tenants.OrgPatient,
			Focus: groups, Active: true, CreatedAt: now}
		if err := org.Validate(); err != nil {
			return fmt.Errorf("organisation %s: %w", org.Name, err)
		}
		if err := w.insert(ctx, "organisations", &org); err != nil {
			return err
		}
		p.orgs = append(p.orgs, org)
		for _, unitID := range served {
			if err := w.row(ctx, "served units", "INSERT INTO organisation_units (tenant_id, organisation_id, unit_id) VALUES (?, ?, ?)",
				p.tenantID, org.ID, unitID); err != nil {
				return err
			}
		}
	}
	// Two agreements in force, the organisations split between them.
	half := p.r.Organisations / 2
	for n, parties := range [][]tenants.Organisation{p.orgs[:half], p.orgs[half:]} {
		a := tenants.Agreement{TenantID: p.tenantID,
			Title: fmt.Sprintf("IOP kamratstöd %d", n+1), Committee: "Hälso- och sjukvårdsnämnden", Purpose: "Kamratstöd",
			StartsOn: p.start, EndsOn: p.today.AddMonths(24), ReportingCadence: tenants.ReportQuarterly,
			UnitIDs: []int64{p.units[n].ID},
			Commitments: []tenants.Commitment{
				{Indicator: tenants.IndicatorActivePeers, Comparison: tenants.AtLeast, Target: 15 * len(parties)},
				{Indicator: tenants.IndicatorMedianDaysToFirstContact, Comparison: tenants.AtMost, Target: 5},
			},
			Positions: []tenants.BudgetedPosition{{Count: 4 * len(parties), FTEPercent: 50}},
			Status:    tenants.AgreementActive, CreatedAt: now, UpdatedAt: now,
		}
		for _, o := range parties {
			a.Parties = append(a.Parties, o.ID)
		}
		if err := a.Validate(); err != nil {
			return fmt.Errorf("agreement %s: %w", a.Title, err)
		}
		if err := w.insert(ctx, "agreements", &a); err != nil {
			return err
		}
		for _, id := range a.Parties {
			if err := w.row(ctx, "agreement parties", "INSERT INTO agreement_parties (tenant_id, agreement_id, organisation_id) VALUES (?, ?, ?)",
				p.tenantID, a.ID, id); err != nil {
				return err
			}
		}
		for _, id := range a.UnitIDs {
			if err := w.row(ctx, "agreement units", "INSERT INTO agreement_units (tenant_id, agreement_id, unit_id) VALUES (?, ?, ?)",
				p.tenantID, a.ID, id); err != nil {
				return err
			}
		}
		for i := range a.Commitments {
			a.Commitments[i].TenantID, a.Commitments[i].AgreementID = p.tenantID, a.ID
			if err := w.insert(ctx, "agreement commitments", &a.Commitments[i]); err != nil {
				return err
			}
		}
		for i := range a.Positions {
			a.Positions[i].TenantID, a.Positions[i].AgreementID = p.tenantID, a.ID
			if err := w.insert(ctx, "agreement positions", &a.Positions[i]); err != nil {
				return err
			}
		}
		// Its history: created as a draft, then put in force.
		for _, e := range []tenants.AgreementEvent{
			{Kind: tenants.EventCreated, Changes: []tenants.FieldChange{}},
			{Kind: tenants.EventStatusChanged, Changes: []tenants.FieldChange{{Field: "status",
				From: []byte(`"` + tenants.AgreementDraft + `"`), To: []byte(`"` + tenants.AgreementActive + `"`)}}},
		} {
			e.TenantID, e.AgreementID, e.At = p.tenantID, a.ID, now
			if err := w.insert(ctx, "agreement history", &e); err != nil {
				return err
			}
		}
	}
	w.countSince("structure", before, t0)
	return nil
}

func orgLetter(o int) string { return string(rune('A' + o)) }

// people gives the region a regional administrator, a viewer and a
// coordinator for each organisation, at predictable addresses under
// <slug>.seed.example. A user whose address exists already (a region of
// that slug seeded and removed before) is given the membership.
func (p *plan) people(ctx context.Context, w *writer, now time.Time) ([]User, error) {
	t0, before := time.Now(), *w.rows
	domain := p.slug + ".seed.example"
	users := []User{
		{Email: "admin@" + domain, Name: "Alva Administratör", Role: tenants.RoleRegionAdmin},
		{Email: "lasare@" + domain, Name: "Vera Läsare", Role: tenants.RoleViewer},
	}
	var orgIDs []*int64
	orgIDs = append(orgIDs, nil, nil)
	for i, o := range p.orgs {
		users = append(users, User{Email: "samordnare." + strings.ToLower(orgLetter(i)) + "@" + domain,
			Name: "Samordnare " + orgLetter(i), Role: tenants.RoleOrgCoordinator, Organisation: o.Name})
		orgIDs = append(orgIDs, &p.orgs[i].ID)
	}
	for i := range users {
		email, ok := tenants.NormalizeEmail(users[i].Email)
		if !ok {
			return nil, fmt.Errorf("seed %s: %q is no e-mail address", p.slug, users[i].Email)
		}
		users[i].Email = email
		id, err := findUser(ctx, w.tx, email)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", email, err)
		}
		if id == 0 {
			u := tenants.User{Email: email, DisplayName: users[i].Name, CreatedAt: now}
			if err := w.insert(ctx, "users", &u); err != nil {
				return nil, err
			}
			id = u.ID
		}
		users[i].ID = id
		m := tenants.Membership{TenantID: p.tenantID, UserID: id, Role: users[i].Role, OrganisationID: orgIDs[i], CreatedAt: now}
		if err := w.insert(ctx, "memberships", &m); err != nil {
			return nil, err
		}
	}
	w.countSince("people", before, t0)
	return users, nil
}
