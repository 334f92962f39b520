package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// nationalPageExamples are the national view's pages for the page test.
func nationalPageExamples(base basePage) map[string]page {
	quarter := fieldView{Name: "quarter", Label: "Kvartal", Value: "2026-01-01", Options: []option{{Value: "2026-01-01", Label: "Kvartal 1 2026"}}}
	bad := quarter
	bad.Value, bad.Error = "", "2026-02-01 är inte första dagen i ett kvartal."
	return map[string]page{
		"national": nationalPage{basePage: base, Quarter: quarter, QuarterLabel: "Kvartal 1 2026", Figures: &figureDoc{Legend: "<k", Tables: []figureTableView{{
			ID: "regions", Caption: "Regioner", LabelHeading: "Region", Columns: []string{"Nydiagnostiserade", "Informerade"},
			Rows: []figureRowView{
				{Label: "Region Skåne", Cells: []figureCellView{{Text: "12"}, {Text: "<4", Hidden: true}}},
				{Label: "Region Gotland", Cells: []figureCellView{{Text: "Ingen godkänd rapport", Kind: tenants.FigureText}, {Text: "–"}}},
			},
			Note: "Ingen summa för hela landet.",
		}}}},
		"national no reports":         nationalPage{basePage: base, Quarter: fieldView{Name: "quarter", Label: "Kvartal"}, NoReports: true},
		"national no reports quarter": nationalPage{basePage: base, Quarter: quarter, QuarterLabel: "Kvartal 3 2025", NoReports: true},
		"national bad quarter":        nationalPage{basePage: base, Quarter: bad},
		"national bad quarter, none":  nationalPage{basePage: base, Quarter: fieldView{Name: "quarter", Label: "Kvartal", Error: "”x” är inget datum."}},
	}
}

// nationalRegion makes a region named name with k 4, sharing nationally or
// not, with a clinic whose tally for quarter has newDiagnoses and informed,
// the quarter's reports built and, when approve, approved.
func nationalRegion(t *testing.T, db *tenants.DB, slug, name string, share bool, quarter tenants.Date, newDiagnoses, informed int, approve bool) tenants.Tenant {
	t.Helper()
	ctx := context.Background()
	regions := tenants.NewTenantStore(db)
	r, err := regions.Create(ctx, tenants.Tenant{Slug: slug, Name: name, CountyCode: "12"})
	if err != nil {
		t.Fatal(err)
	}
	nationalSetUp(t, db, r, share, quarter, newDiagnoses, informed, approve)
	return r
}

// nationalSetUp gives region r the settings, the tally and the reports
// nationalRegion describes.
func nationalSetUp(t *testing.T, db *tenants.DB, r tenants.Tenant, share bool, quarter tenants.Date, newDiagnoses, informed int, approve bool) {
	t.Helper()
	ctx := context.Background()
	if _, err := tenants.NewTenantStore(db).UpdateSettings(ctx, r.ID, r.Name, tenants.TenantSettings{NationalSharing: share, SmallCountThreshold: 4}); err != nil {
		t.Fatal(err)
	}
	unit, err := tenants.NewUnitStore(db).Create(ctx, r.ID, tenants.Unit{Name: "Nationell mottagning", HSAID: "SE2321000016-NAT" + itoa(r.ID), Kind: tenants.UnitInfectionClinic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.InTenant(ctx, r.ID, func(tx *tenants.Tx) error {
		_, err := tx.NewInsert().Model(&tenants.OfferTally{TenantID: r.ID, UnitID: unit.ID, Month: quarter, NewDiagnoses: &newDiagnoses,
			OfferCounts: tenants.OfferCounts{Met: newDiagnoses, Informed: informed}}).Exec(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	reports := tenants.NewReportStore(db)
	if _, err := reports.Build(ctx, r.ID, quarter, time.Now(), tenants.BuildOnce); err != nil {
		t.Fatal(err)
	}
	if approve {
		if err := reports.Approve(ctx, r.ID, 0, quarter, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestNationalView: a national viewer who is a member of no region signs in
// through a region's sign-in and lands on the national view. It shows the
// sharing region's approved figures with its small count as "<4", the
// sharing region with only a draft without figures, and never the name of
// the region that does not share. Members of a region get 404, a visitor
// 401; a bad quarter is refused with a message; a member who is a national
// viewer too finds the view from their start page.
func TestNationalView(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		quarter := tenants.LastEndedQuarter(time.Now())

		// The sign-in bundle's region shares and has approved the quarter:
		// 12 newly diagnosed, 3 of them informed (below its k of 4).
		nationalSetUp(t, db, sb.region, true, quarter, 12, 3, true)
		draft := nationalRegion(t, db, "utkastby", "Region Utkastby", true, quarter, 40, 30, false)
		nationalRegion(t, db, "hemlig", "Region Hemlighult", false, quarter, 50, 45, true)

		// A national viewer with an account at the region's provider and
		// no membership anywhere.
		nina, err := sb.policy.Identities.CreateUser(ctx, tenants.User{Email: "nina@example.se", DisplayName: "Nina Analytiker", NationalViewer: true})
		if err != nil {
			t.Fatal(err)
		}
		providers, err := sb.policy.SignIns.Providers(ctx, sb.region.ID)
		if err != nil || len(providers) == 0 {
			t.Fatalf("providers: %v", err)
		}
		if err := sb.policy.Identities.LinkIdentity(ctx, nina.ID, tenants.IdentityKey{Issuer: providers[0].Issuer, Subject: "stranger"}); err != nil {
			t.Fatal(err)
		}
		resp := sb.signIn(t, "stranger")
		cookie := sessionCookie(resp)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/national" || cookie == nil {
			t.Fatalf("national viewer's sign-in: %d → %q (%s)", resp.StatusCode, resp.Header.Get("Location"), readAll(t, resp))
		}
		signIns, err := sb.policy.Audit.Search(ctx, sb.region.ID, tenants.AuditFilter{Action: "signin.oidc"})
		if err != nil || len(signIns) != 1 || signIns[0].Role != string(tenants.RoleNationalViewer) || signIns[0].UserID == nil || *signIns[0].UserID != nina.ID {
			t.Errorf("the sign-in's audit rows: %+v (%v), want one as national_viewer", signIns, err)
		}

		get := func(path string) (int, string) {
			t.Helper()
			r := sb.send(t, http.MethodGet, path, cookie)
			return r.StatusCode, readAll(t, r)
		}
		status, body := get("/national")
		if status != http.StatusOK {
			t.Fatalf("national view: %d\n%s", status, body)
		}
		checkWellFormed(t, body)
		contains(t, "national view", body, "Nationell jämförelse", sb.translatorQuarter(quarter),
			`<option value="`+quarter.String()+`" selected="selected">`,
			`<th scope="row">`+sb.region.Name+`</th><td>12</td><td data-hidden="true">&lt;4</td><td data-hidden="true">&lt;4</td>`,
			`<th scope="row">`+draft.Name+`</th><td>Ingen godkänd rapport</td><td>–</td>`,
			"Det finns ingen summa för hela landet")
		for _, secret := range []string{"Region Hemlighult", "hemlig", "<td>40</td>", "<td>30</td>", "<td>50</td>", "<td>45</td>"} {
			if strings.Contains(body, secret) {
				t.Errorf("the national view shows %q (a region that does not share, or a draft's figures)", secret)
			}
		}
		// The national viewer is nobody in the region they signed in
		// through.
		if status, _ := get("/r/" + sb.region.Slug + "/start"); status != http.StatusNotFound {
			t.Errorf("national viewer at the region's start page: %d, want 404", status)
		}

		for _, tc := range []struct {
			query, want string
			status      int
		}{
			{"2026-02-01", "2026-02-01 är inte första dagen i ett kvartal", http.StatusBadRequest},
			{"januari", "”januari” är inget datum", http.StatusBadRequest},
			{"", "”” är inget datum", http.StatusBadRequest},
			{quarter.AddMonths(-3).String(), "Ingen region som delar sina siffror nationellt har någon godkänd rapport för " + sb.translatorQuarter(quarter.AddMonths(-3)), http.StatusOK},
		} {
			status, body := get("/national?quarter=" + url.QueryEscape(tc.query))
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("?quarter=%s: %d, want %d with %q", tc.query, status, tc.status, tc.want)
			}
			if strings.Contains(body, `data-figures="regions"`) {
				t.Errorf("?quarter=%s shows figures", tc.query)
			}
		}

		// Members of a region, whatever their role, are not national
		// viewers; a visitor must sign in.
		callers := callersFor(t, sb)
		for _, role := range []tenants.Role{tenants.RoleRegionAdmin, tenants.RoleViewer} {
			c := reportCaller(t, callers, role)
			if status, _ := sb.getAs(t, c, "/national"); status != http.StatusNotFound {
				t.Errorf("%s: /national %d, want 404", role, status)
			}
		}
		if r := sb.send(t, http.MethodGet, "/national"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("visitor: /national %d, want 401", r.StatusCode)
		}

		// A viewer made a national viewer too finds the view from the start
		// page and may open it; revoked, they may not.
		viewer := reportCaller(t, callers, tenants.RoleViewer)
		if err := sb.policy.Identities.SetNationalViewer(ctx, sb.users[tenants.RoleViewer].ID, true); err != nil {
			t.Fatal(err)
		}
		if _, body := sb.getAs(t, viewer, "/r/"+sb.region.Slug+"/start"); !strings.Contains(body, `href="/national"`) {
			t.Error("the national viewer's start page does not link to the national view")
		}
		if status, _ := sb.getAs(t, viewer, "/national"); status != http.StatusOK {
			t.Errorf("member and national viewer: /national %d", status)
		}
		if err := sb.policy.Identities.SetNationalViewer(ctx, sb.users[tenants.RoleViewer].ID, false); err != nil {
			t.Fatal(err)
		}
		if status, _ := sb.getAs(t, viewer, "/national"); status != http.StatusNotFound {
			t.Errorf("revoked national viewer: /national %d, want 404", status)
		}
		if _, body := sb.getAs(t, viewer, "/r/"+sb.region.Slug+"/start"); strings.Contains(body, `href="/national"`) {
			t.Error("a viewer who is no national viewer is offered the national view")
		}

		// The region stops sharing: it leaves the view at once.
		if _, err := sb.tenants.UpdateSettings(ctx, draft.ID, draft.Name, tenants.TenantSettings{}); err != nil {
			t.Fatal(err)
		}
		if _, body := get("/national"); strings.Contains(body, draft.Name) || !strings.Contains(body, sb.region.Name) {
			t.Error("a region that stopped sharing is still shown, or the sharing one is not")
		}
	})
}

// TestNationalSharingSetting: the settings page explains the national
// sharing and saves it; turning it on and off is audited on its own.
func TestNationalSharingSetting(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		admin := sb.adminSession(t)
		path := "/r/" + sb.region.Slug + "/admin/settings"

		page := sb.send(t, http.MethodGet, path, admin)
		body := readAll(t, page)
		contains(t, "settings page", body, `name="national_sharing"`, "Nationell jämförelse",
			"Utkast, siffror för enskilda mottagningar, organisationer eller överenskommelser och uppgifter om enskilda personer delas aldrig")
		if strings.Contains(body, `name="national_sharing" value="1" aria-describedby="national_sharing-hint" checked`) {
			t.Error("national sharing is on by default")
		}

		save := func(share bool) {
			t.Helper()
			form := url.Values{"name": {sb.region.Name}, "default_language": {"sv"}, "languages": {"sv", "en"}}
			if share {
				form.Set("national_sharing", "1")
			}
			if resp := sb.post(t, path, form, admin); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save (sharing %v): %d\n%s", share, resp.StatusCode, readAll(t, resp))
			}
			region, err := sb.tenants.BySlug(ctx, sb.region.Slug)
			if err != nil || region.Settings.NationalSharing != share {
				t.Fatalf("after saving sharing %v: %+v, %v", share, region.Settings, err)
			}
		}
		save(true)
		if body := readAll(t, sb.send(t, http.MethodGet, path, admin)); !strings.Contains(body, `aria-describedby="national_sharing-hint" checked="checked"`) {
			t.Error("the saved sharing is not checked on the page")
		}
		save(true) // unchanged: no second "on"
		save(false)
		for action, want := range map[string]int{"region.national_sharing.on": 1, "region.national_sharing.off": 1, "region.settings": 3} {
			rows, err := sb.policy.Audit.Search(ctx, sb.region.ID, tenants.AuditFilter{Action: action})
			if err != nil || len(rows) != want {
				t.Errorf("audit %s: %d rows (%v), want %d", action, len(rows), err, want)
			}
		}
	})
}
