package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// organisationCount is how many organisations sb's region has.
func organisationCount(t *testing.T, sb *signInBundle) int {
	t.Helper()
	orgs, err := tenants.NewOrganisationStore(sb.db).Organisations(context.Background(), sb.region.ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(orgs)
}

// TestOrganisationPages: an administrator adds and changes partner
// organisations; an invalid organisationsnummer, contact or unit of another
// region is refused field by field and nothing is saved.
func TestOrganisationPages(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		admin := sb.adminSession(t)
		base := "/r/" + sb.region.Slug + "/admin/organisations"
		units, err := sb.unitsStore().Units(ctx, sb.region.ID)
		if err != nil || len(units) != 1 {
			t.Fatalf("units: %v", err)
		}
		unit := itoa(units[0].ID)
		other := tenanttest.Tenant(t, sb.db)
		foreign, err := sb.unitsStore().Create(ctx, other.ID, tenants.Unit{Name: "Annan region", Kind: tenants.UnitOther})
		if err != nil {
			t.Fatal(err)
		}
		before := organisationCount(t, sb)

		page := sb.send(t, http.MethodGet, base+"/new", admin)
		contains(t, "the new form", readAll(t, page), `name="units" value="`+unit+`"`, `name="focus" value="hiv"`, "Hiv", "Patientorganisation")

		bad := url.Values{"name": {"Posithiva Gruppen"}, "org_number": {"802000-1230"}, "kind": {"patient_organisation"},
			"contact_email": {"anna@"}, "contact_phone": {"12"}, "focus": {"hiv", "astrologi"}, "units": {unit, itoa(foreign.ID)}, "active": {"1"}}
		resp := sb.post(t, base, bad, admin)
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad organisation: %d\n%s", resp.StatusCode, body)
		}
		checkWellFormed(t, body)
		contains(t, "the refused form", body, `value="802000-1230"`, `href="#org_number"`, `href="#units"`, `href="#focus"`,
			"Organisationsnummer: Ange ett giltigt organisationsnummer (NNNNNN-NNNN).",
			"Kontaktpersonens e-postadress: Ange en giltig e-postadress.",
			"Kontaktpersonens telefon: Ange ett telefonnummer med 7–15 siffror",
			"Mottagningar och enheter: Välj en mottagning eller enhet i regionen.",
			`name="units" value="`+unit+`" checked="checked"`)
		if got := organisationCount(t, sb); got != before {
			t.Fatalf("a refused organisation was stored: %d → %d", before, got)
		}

		good := url.Values{"name": {"Posithiva Gruppen"}, "org_number": {"8020001239"}, "kind": {"patient_organisation"},
			"contact_name": {"Anna Berg"}, "contact_email": {"Anna@Example.se"}, "contact_phone": {"040-12 34 56"},
			"focus": {"psychiatry", "hiv"}, "units": {unit}, "active": {"1"}}
		if resp := sb.post(t, base, good, admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", resp.StatusCode, readAll(t, resp))
		}
		orgs, err := tenants.NewOrganisationStore(sb.db).Organisations(ctx, sb.region.ID)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(orgs, func(o tenants.Organisation) bool { return o.Name == "Posithiva Gruppen" })
		if i < 0 {
			t.Fatal("the organisation was not stored")
		}
		o := orgs[i]
		if o.OrgNumber != "802000-1239" || o.ContactEmail != "anna@example.se" || !slices.Equal(o.Focus, []tenants.TargetGroup{tenants.TargetHIV, tenants.TargetPsychiatry}) || !o.Active {
			t.Fatalf("stored organisation: %+v", o)
		}
		served, err := tenants.NewOrganisationStore(sb.db).ServedUnits(ctx, sb.region.ID, o.ID)
		if err != nil || len(served) != 1 || served[0].ID != units[0].ID {
			t.Fatalf("served units: %v %v", served, err)
		}
		if !audited(t, sb, "organisation.create", itoa(o.ID)) {
			t.Error("create is not audited")
		}

		list := sb.send(t, http.MethodGet, base, admin)
		contains(t, "the list", readAll(t, list), "Posithiva Gruppen", "802000-1239", "Anna Berg", "Hiv, Psykiatri", units[0].Name)

		edit := base + "/" + itoa(o.ID)
		form := readAll(t, sb.send(t, http.MethodGet, edit+"/edit", admin))
		contains(t, "the edit form", form, `value="802000-1239"`, `name="focus" value="hiv" checked="checked"`, `name="units" value="`+unit+`" checked="checked"`)

		// A second organisation may not take the first one's number.
		second := url.Values{"name": {"Brukarföreningen"}, "org_number": {"802000-1239"}, "kind": {"user_organisation"}}
		resp = sb.post(t, base, second, admin)
		if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Regionen har redan en organisation med det här organisationsnumret.") {
			t.Fatalf("taken number: %d", resp.StatusCode)
		}

		good.Set("name", "Posithiva Gruppen Syd")
		good.Del("units")
		good.Del("active")
		good.Set("org_number", "")
		if resp := sb.post(t, edit, good, admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d", resp.StatusCode)
		}
		o, err = tenants.NewOrganisationStore(sb.db).Organisation(ctx, sb.region.ID, o.ID)
		if err != nil || o.Name != "Posithiva Gruppen Syd" || o.Active || o.OrgNumber != "" {
			t.Fatalf("updated organisation: %+v %v", o, err)
		}
		if served, _ := tenants.NewOrganisationStore(sb.db).ServedUnits(ctx, sb.region.ID, o.ID); len(served) != 0 {
			t.Errorf("served units after unticking: %v", served)
		}
		if !audited(t, sb, "organisation.update", itoa(o.ID)) {
			t.Error("update is not audited")
		}
	})
}
