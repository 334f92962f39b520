package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// readerWorld is a quarter with reports of every scope: the region, the
// coordinator's organisation and another one, an agreement the
// coordinator's organisation is a party to and one it is not.
type readerWorld struct {
	quarter                              tenants.Date
	region, own, other, ownAgr, otherAgr int64
}

func newReaderWorld(t *testing.T, sb *signInBundle) readerWorld {
	t.Helper()
	ctx := context.Background()
	w := readerWorld{quarter: tenants.LastEndedQuarter(time.Now())}
	own := *sb.membership(t, tenants.RoleOrgCoordinator).OrganisationID
	other, err := tenants.NewOrganisationStore(sb.db).Create(ctx, sb.region.ID, tenants.Organisation{Name: "Annan förening", Kind: tenants.OrgPatient, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	agreements := tenants.NewAgreementStore(sb.db)
	agreement := func(title string, party int64) {
		a := testAgreement(t, sb)
		a.Title, a.Parties, a.StartsOn = title, []int64{party}, w.quarter
		a.Funding = []tenants.AgreementFunding{{Year: w.quarter.Year(), AmountSEK: 500_000}}
		a, err := agreements.Create(ctx, sb.region.ID, 0, a)
		if err == nil {
			_, err = agreements.SetStatus(ctx, sb.region.ID, 0, a.ID, tenants.AgreementActive)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	agreement("Egen överenskommelse", own)
	agreement("Annans överenskommelse", other.ID)
	w.region = buildReports(t, sb, w.quarter)
	reports, err := tenants.NewReportStore(sb.db).PeriodReports(ctx, sb.region.ID, w.quarter)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		switch {
		case r.Scope == tenants.ReportOrganisation && r.ScopeID == own:
			w.own = r.ID
		case r.Scope == tenants.ReportOrganisation && r.ScopeID == other.ID:
			w.other = r.ID
		case r.Scope == tenants.ReportAgreement && r.ScopeName == "Egen överenskommelse":
			w.ownAgr = r.ID
		case r.Scope == tenants.ReportAgreement && r.ScopeName == "Annans överenskommelse":
			w.otherAgr = r.ID
		}
	}
	if len(reports) != 5 || w.own == 0 || w.other == 0 || w.ownAgr == 0 || w.otherAgr == 0 {
		t.Fatalf("reports of the quarter: %+v", reports)
	}
	return w
}

func (w readerWorld) all() []int64 { return []int64{w.region, w.own, w.other, w.ownAgr, w.otherAgr} }

// readableThrough returns the reports the caller may open, page and API
// alike (a report one answers and the other does not is an error), and
// the report ids the caller's list and API list name.
func readableThrough(t *testing.T, sb *signInBundle, c caller, w readerWorld) (opened, listed, apiListed []int64) {
	t.Helper()
	pages := "/r/" + sb.region.Slug + "/admin/reports"
	api := "/api/v1/regions/" + sb.region.Slug + "/reports"
	for _, id := range w.all() {
		page, _ := sb.getAs(t, c, pages+"/"+itoa(id))
		answer, _ := sb.reportAPI(t, c, http.MethodGet, api+"/"+itoa(id))
		if page != answer || (page != http.StatusOK && page != http.StatusNotFound) {
			t.Errorf("report %d as %s: page %d, API %d", id, c.role, page, answer)
		}
		if page == http.StatusOK {
			opened = append(opened, id)
		}
	}
	_, body := sb.getAs(t, c, pages)
	for _, id := range w.all() {
		if strings.Contains(body, `href="`+pages+"/"+itoa(id)+`"`) {
			listed = append(listed, id)
		}
	}
	status, body := sb.reportAPI(t, c, http.MethodGet, api)
	var list apiReportQuarterList
	if status != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil {
		t.Fatalf("API list as %s: %d %s", c.role, status, body)
	}
	for _, q := range list.Quarters {
		for _, r := range q.Reports {
			apiListed = append(apiListed, r.ID)
		}
	}
	slices.Sort(apiListed)
	return opened, listed, apiListed
}

// TestReportReaders: who reads which report, on the page, in the API and
// in the lists alike. A regional administrator reads every report; a
// viewer only approved ones (a draft is 404 and not listed); a coordinator
// their own organisation's report and their organisation's agreement's,
// draft or approved, and no other (404, not listed, not among the
// report's siblings).
func TestReportReaders(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		callers := callersFor(t, sb)
		admin, viewer := reportCaller(t, callers, tenants.RoleRegionAdmin), reportCaller(t, callers, tenants.RoleViewer)
		coordinator := reportCaller(t, callers, tenants.RoleOrgCoordinator)
		w := newReaderWorld(t, sb)
		sorted := func(ids ...int64) []int64 { return slices.Sorted(slices.Values(ids)) }

		check := func(when string, c caller, want []int64) {
			t.Helper()
			opened, listed, apiListed := readableThrough(t, sb, c, w)
			want = sorted(want...)
			if !slices.Equal(sorted(opened...), want) || !slices.Equal(sorted(listed...), want) || !slices.Equal(apiListed, want) {
				t.Errorf("%s, %s: opens %v, lists %v, API lists %v; want %v", when, c.role, opened, listed, apiListed, want)
			}
		}
		check("draft", admin, w.all())
		check("draft", viewer, nil)
		check("draft", coordinator, []int64{w.own, w.ownAgr})

		// The coordinator's report names as siblings only what they read.
		pages := "/r/" + sb.region.Slug + "/admin/reports/"
		_, body := sb.getAs(t, coordinator, pages+itoa(w.own))
		contains(t, "the coordinator's report", body, `href="`+pages+itoa(w.ownAgr)+`"`, "Egen överenskommelse")
		for _, id := range []int64{w.region, w.other, w.otherAgr} {
			if strings.Contains(body, `href="`+pages+itoa(id)+`"`) {
				t.Errorf("the coordinator's report links to report %d", id)
			}
		}
		if strings.Contains(body, "Annan förening") || strings.Contains(body, "Annans överenskommelse") {
			t.Error("the coordinator's report names another organisation's reports")
		}

		if err := tenants.NewReportStore(db).Approve(context.Background(), sb.region.ID, sb.users[tenants.RoleRegionAdmin].ID, w.quarter, time.Now()); err != nil {
			t.Fatal(err)
		}
		check("approved", admin, w.all())
		check("approved", viewer, w.all())
		check("approved", coordinator, []int64{w.own, w.ownAgr})

		// Roles without report read are refused by the matrix before any
		// of this.
		for _, role := range []tenants.Role{tenants.RoleClinicStaff, tenants.RolePeerSupporter} {
			if status, _ := sb.getAs(t, reportCaller(t, callers, role), pages+itoa(w.own)); status != http.StatusForbidden {
				t.Errorf("%s opens a report: %d, want 403", role, status)
			}
		}
	})
}
