package ui

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// agreementBundle is a region with an administrator signed in on the pages
// and holding an API token, and the ids the agreement forms choose from.
type agreementBundle struct {
	*signInBundle
	admin      *http.Cookie
	token      string
	org, unit  int64
	pages, api string
	agreements *tenants.AgreementStore
}

func setupAgreements(t *testing.T, db *tenants.DB) *agreementBundle {
	t.Helper()
	sb := setupSignIn(t, db)
	_, token, err := sb.policy.Tokens.Create(context.Background(), sb.region.ID, sb.users[tenants.RoleRegionAdmin].ID, "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	a := testAgreement(t, sb)
	return &agreementBundle{
		signInBundle: sb, admin: sb.adminSession(t), token: token, org: a.Parties[0], unit: a.UnitIDs[0],
		pages: "/r/" + sb.region.Slug + "/admin/agreements", api: "/api/v1/regions/" + sb.region.Slug + "/agreements",
		agreements: tenants.NewAgreementStore(sb.db),
	}
}

// validForm is the agreement form filled in as an administrator would,
// with one row of each list (and the second funding row left empty).
func (ab *agreementBundle) validForm() url.Values {
	return url.Values{
		"title": {"Kamratstöd vid infektionsmottagningen"}, "reference": {"RS 2026/17"}, "committee": {"Hälso- och sjukvårdsnämnden"},
		"purpose": {"Att alla som lever med hiv erbjuds kamratstöd."}, "goals": {"Fler får stöd tidigt."},
		"starts_on": {"2026-01-01"}, "ends_on": {"2027-12-31"}, "notice_months": {"6"}, "reporting_cadence": {"quarterly"},
		"target_groups": {"hiv"}, "parties": {itoa(ab.org)}, "units": {itoa(ab.unit)},
		"funding.0.party": {""}, "funding.0.year": {"2026"}, "funding.0.amount_sek": {"1 250 000"},
		"funding.1.party": {""}, "funding.1.year": {""}, "funding.1.amount_sek": {""},
		"funding.2.party": {itoa(ab.org)}, "funding.2.year": {"2026"}, "funding.2.amount_sek": {"100000"},
		"commitments.0.indicator": {"active_peers"}, "commitments.0.comparison": {""}, "commitments.0.target": {"8"},
		"commitments.1.indicator": {"median_days_to_first_contact"}, "commitments.1.comparison": {""}, "commitments.1.target": {"5"},
		"positions.0.count": {"2"}, "positions.0.fte_percent": {"50"}, "positions.0.unit": {itoa(ab.unit)},
		"funding_rows": {"3"}, "commitments_rows": {"2"}, "positions_rows": {"1"},
	}
}

func (ab *agreementBundle) validJSON() map[string]any {
	return map[string]any{
		"title": "Kamratstöd i psykiatrin", "committee": "Psykiatrinämnden", "purpose": "Kamratstöd för alla som vill.",
		"starts_on": "2026-01-01", "ends_on": "2028-12-31", "notice_months": 3, "reporting_cadence": "half_yearly",
		"target_groups": []string{"psychiatry"}, "parties": []int64{ab.org}, "units": []int64{ab.unit},
		"funding":     []map[string]any{{"year": 2026, "amount_sek": 500000}, {"party": ab.org, "year": 2027, "amount_sek": 50000}},
		"commitments": []map[string]any{{"indicator": "supervision_interval_days", "target": 30}},
		"positions":   []map[string]any{{"count": 3, "fte_percent": 75}},
	}
}

// call sends a JSON request (body nil for none) with the API token.
func (ab *agreementBundle) call(t *testing.T, method, path string, body any) (*http.Response, string) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Authorization", "Bearer "+ab.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return ab.do(t, req)
}

// upload posts a file as the multipart field "file": from the page with
// the session's CSRF token, or to the API with the token when session is
// nil.
func (ab *agreementBundle) upload(t *testing.T, path, name string, content []byte, session *http.Cookie) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if session != nil {
		if err := w.WriteField("_csrf", ab.policy.CSRF.Token(tenants.HashToken(session.Value))); err != nil {
			t.Fatal(err)
		}
	}
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if session != nil {
		req.AddCookie(session)
	} else {
		req.Header.Set("Authorization", "Bearer "+ab.token)
	}
	return ab.do(t, req)
}

// snapshot is everything the region holds about its agreements, to show
// that a refused request changed nothing.
func (ab *agreementBundle) snapshot(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	list, err := ab.agreements.Agreements(ctx, ab.region.ID)
	if err != nil {
		t.Fatal(err)
	}
	type full struct {
		Agreement tenants.Agreement
		History   []tenants.AgreementEvent
		Documents []tenants.AgreementDocument
	}
	var all []full
	for _, a := range list {
		h, err := ab.agreements.History(ctx, ab.region.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		d, err := ab.agreements.Documents(ctx, ab.region.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, full{a, h, d})
	}
	b, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// audited reports whether the audit log has the action on the object.
func (ab *agreementBundle) audited(t *testing.T, action, objectID string) bool {
	t.Helper()
	entries, err := ab.policy.Audit.Search(context.Background(), ab.region.ID, tenants.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == action && e.ObjectID == objectID && e.UserID != nil && *e.UserID == ab.users[tenants.RoleRegionAdmin].ID {
			return true
		}
	}
	return false
}

// TestAgreementRefusals: bad dates, negative funding, a party from outside
// the region and a status that skips a step are refused with the field's
// own message, on the pages and in the API, and change nothing.
func TestAgreementRefusals(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ab := setupAgreements(t, db)
		draft, err := ab.agreements.Create(context.Background(), ab.region.ID, 0, testAgreement(t, ab.signInBundle))
		if err != nil {
			t.Fatal(err)
		}
		draftPage, draftAPI := ab.pages+"/"+itoa(draft.ID), ab.api+"/"+itoa(draft.ID)
		for _, tc := range []struct {
			name     string
			form     func(url.Values)
			json     func(map[string]any)
			field    string
			message  string
			rowValue string // what the refused form shows again in the field
		}{
			{
				name: "end before start", field: "ends_on", message: "Gäller till och med: Perioden måste sluta efter att den börjar.",
				form: func(v url.Values) { v.Set("starts_on", "2027-06-01"); v.Set("ends_on", "2027-05-31") },
				json: func(m map[string]any) { m["starts_on"], m["ends_on"] = "2029-01-01", "2028-12-31" },
			},
			{
				name: "negative funding", field: "funding.1.amount_sek", message: "Finansiering rad 2, belopp: Beloppet får inte vara negativt.",
				// The empty row between is dropped: the bad row is the second.
				form:     func(v url.Values) { v.Set("funding.2.amount_sek", "-100 000") },
				json:     func(m map[string]any) { m["funding"].([]map[string]any)[1]["amount_sek"] = -100000 },
				rowValue: "-100 000",
			},
			{
				name: "unknown party", field: "parties", message: "Parter: Välj en organisation i regionen.",
				form: func(v url.Values) { v.Add("parties", "987654") },
				json: func(m map[string]any) { m["parties"] = []int64{ab.org, 987654} },
			},
			{
				name: "not a number", field: "positions.0.count", message: "Tjänster rad 1, antal: Ange ett heltal, till exempel 5.",
				form:     func(v url.Values) { v.Set("positions.0.count", "två") },
				rowValue: "två",
			},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := ab.snapshot(t)
				form := ab.validForm()
				tc.form(form)
				for _, path := range []string{ab.pages, draftPage} {
					resp := ab.post(t, path, form, ab.admin)
					body := readAll(t, resp)
					if resp.StatusCode != http.StatusUnprocessableEntity {
						t.Fatalf("POST %s: %d, want 422", path, resp.StatusCode)
					}
					for _, want := range []string{
						`href="#` + tc.field + `"`, tc.message,
						`id="` + tc.field + `-error"`,         // the message at the field itself
						`value="Hälso- och sjukvårdsnämnden"`, // what was typed stays
					} {
						if !strings.Contains(body, want) {
							t.Errorf("POST %s: the refused form lacks %q", path, want)
						}
					}
					if tc.rowValue != "" && !strings.Contains(body, `name="`+tc.field+`" type="number" value="`+tc.rowValue+`"`) &&
						!strings.Contains(body, `name="`+tc.field+`" type="text" value="`+tc.rowValue+`"`) {
						t.Errorf("POST %s: the refused row does not show %q again", path, tc.rowValue)
					}
				}
				if tc.json != nil {
					in := ab.validJSON()
					tc.json(in)
					for _, req := range []struct{ method, path string }{{http.MethodPost, ab.api}, {http.MethodPut, draftAPI}} {
						resp, body := ab.call(t, req.method, req.path, in)
						if resp.StatusCode != http.StatusUnprocessableEntity {
							t.Fatalf("%s %s: %d, want 422: %s", req.method, req.path, resp.StatusCode, body)
						}
						if e := errorJSON(t, body); len(e.Fields) != 1 || e.Fields[0].Field != tc.field || e.Fields[0].Message != tc.message {
							t.Errorf("%s %s: fields %+v, want %s %q", req.method, req.path, e.Fields, tc.field, tc.message)
						}
					}
				}
				if after := ab.snapshot(t); after != before {
					t.Errorf("a refused agreement changed the database:\nbefore %s\nafter  %s", before, after)
				}
			})
		}

		t.Run("status that skips a step", func(t *testing.T) {
			before := ab.snapshot(t)
			resp := ab.post(t, draftPage+"/status", url.Values{"status": {"ended"}}, ab.admin)
			body := readAll(t, resp)
			want := "Status: Statusen kan inte ändras så."
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, want) || !strings.Contains(body, `href="#status"`) {
				t.Fatalf("draft → ended on the page: %d, want 422 with %q", resp.StatusCode, want)
			}
			apiResp, apiBody := ab.call(t, http.MethodPost, draftAPI+"/status", map[string]string{"status": "ending"})
			if e := errorJSON(t, apiBody); apiResp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 1 || e.Fields[0].Field != "status" {
				t.Fatalf("draft → ending in the API: %d %s", apiResp.StatusCode, apiBody)
			}
			if after := ab.snapshot(t); after != before {
				t.Errorf("a refused status change changed the database")
			}
		})

		t.Run("malformed JSON", func(t *testing.T) {
			resp, _ := ab.call(t, http.MethodPost, ab.api, map[string]any{"title": "x", "colour": "blue"})
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("unknown field: %d, want 400", resp.StatusCode)
			}
		})
	})
}

// TestAgreementPages: an agreement is written with the form (rows added
// without JavaScript), shown with Swedish figures, activated and changed,
// and the history says who changed what; every change is in the audit
// log.
func TestAgreementPages(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ab := setupAgreements(t, db)
		ctx := context.Background()

		page := ab.send(t, http.MethodGet, ab.pages+"/new", ab.admin)
		if body := readAll(t, page); page.StatusCode != http.StatusOK || !strings.Contains(body, `name="funding.1.amount_sek"`) || strings.Contains(body, `name="funding.2.amount_sek"`) {
			t.Fatalf("new form: %d, want two empty funding rows", page.StatusCode)
		}

		form := ab.validForm()
		form.Set("add", "funding")
		more := ab.post(t, ab.pages, form, ab.admin)
		body := readAll(t, more)
		if more.StatusCode != http.StatusOK || !strings.Contains(body, `name="funding.3.year"`) || strings.Contains(body, `name="funding.4.year"`) {
			t.Fatalf("add a funding row: %d, want rows 0–3 (two filled, two empty)", more.StatusCode)
		}
		if !strings.Contains(body, `value="1 250 000"`) || strings.Contains(body, "error-summary") {
			t.Error("adding a row lost what was typed, or judged it")
		}
		if list, _ := ab.agreements.Agreements(ctx, ab.region.ID); len(list) != 0 {
			t.Fatal("adding a row saved the agreement")
		}

		created := ab.post(t, ab.pages, ab.validForm(), ab.admin)
		if created.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", created.StatusCode, readAll(t, created))
		}
		where := created.Header.Get("Location")
		id, err := strconv.ParseInt(where[strings.LastIndex(where, "/")+1:], 10, 64)
		if err != nil || !strings.HasPrefix(where, ab.pages+"/") {
			t.Fatalf("create redirected to %q", where)
		}
		a, err := ab.agreements.Agreement(ctx, ab.region.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Funding) != 2 || a.Funding[0].AmountSEK != 1_250_000 || a.Funding[0].OrganisationID != nil || *a.Funding[1].OrganisationID != ab.org ||
			len(a.Commitments) != 2 || a.Commitments[1].Comparison != tenants.AtMost || len(a.Positions) != 1 || *a.Positions[0].UnitID != ab.unit {
			t.Fatalf("stored agreement: %+v", a)
		}

		show := ab.send(t, http.MethodGet, where, ab.admin)
		body = readAll(t, show)
		for _, want := range []string{
			"1\u202f250\u202f000\u00a0kr", "1\u202f350\u202f000\u00a0kr", // a row and the total
			"Hälso- och sjukvårdsnämnden", "Utkast", "minst 8", "högst 5 dagar", "50\u00a0%",
			`name="status" value="active"`, "Aktivera avtalet", "Ta bort utkastet",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("agreement page lacks %q", want)
			}
		}
		for _, unwanted := range []string{`value="ending"`, `value="ended"`} {
			if strings.Contains(body, unwanted) {
				t.Errorf("a draft offers the transition %s", unwanted)
			}
		}

		if resp := ab.post(t, where+"/status", url.Values{"status": {"active"}}, ab.admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("activate: %d", resp.StatusCode)
		}
		edit := ab.send(t, http.MethodGet, where+"/edit", ab.admin)
		if body := readAll(t, edit); edit.StatusCode != http.StatusOK || !strings.Contains(body, `value="Hälso- och sjukvårdsnämnden"`) || !strings.Contains(body, `value="1250000"`) {
			t.Fatalf("edit form: %d", edit.StatusCode)
		}
		form = ab.validForm()
		form.Set("committee", "Regionstyrelsen")
		if resp := ab.post(t, where, form, ab.admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d %s", resp.StatusCode, readAll(t, resp))
		}

		show = ab.send(t, http.MethodGet, where, ab.admin)
		body = readAll(t, show)
		admin := ab.users[tenants.RoleRegionAdmin].DisplayName
		for _, want := range []string{
			"Aktivt", "Börja avveckla avtalet", "Status ändrades", "Status: Utkast → Aktivt",
			"Nämnd: Hälso- och sjukvårdsnämnden → Regionstyrelsen", "<td>" + admin + "</td>",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("agreement page after changes lacks %q", want)
			}
		}
		if strings.Contains(body, "Ta bort utkastet") {
			t.Error("an active agreement offers to be deleted")
		}
		if resp := ab.post(t, where+"/delete", nil, ab.admin); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("deleting an active agreement: %d, want 422", resp.StatusCode)
		}

		list := ab.send(t, http.MethodGet, ab.pages, ab.admin)
		if body := readAll(t, list); !strings.Contains(body, `href="`+where+`"`) || !strings.Contains(body, "Aktivt") {
			t.Error("the list does not show the agreement")
		}
		for _, action := range []string{"agreement.create", "agreement.status", "agreement.update"} {
			if !ab.audited(t, action, itoa(id)) {
				t.Errorf("no audit row %s for agreement %d", action, id)
			}
		}

		// An ended agreement no longer changes: the page offers nothing, the
		// form says why, and a change is refused.
		for _, to := range []tenants.AgreementStatus{tenants.AgreementEnding, tenants.AgreementEnded} {
			if _, err := ab.agreements.SetStatus(ctx, ab.region.ID, 0, id, to); err != nil {
				t.Fatal(err)
			}
		}
		show = ab.send(t, http.MethodGet, where, ab.admin)
		body = readAll(t, show)
		for _, unwanted := range []string{where + "/edit", `name="status"`, `type="file"`} {
			if strings.Contains(body, unwanted) {
				t.Errorf("an ended agreement's page offers %q", unwanted)
			}
		}
		edit = ab.send(t, http.MethodGet, where+"/edit", ab.admin)
		if body := readAll(t, edit); edit.StatusCode != http.StatusOK || !strings.Contains(body, "Status: Avtalet är avslutat och kan inte längre ändras.") {
			t.Errorf("edit form of an ended agreement: %d, want the reason it cannot change", edit.StatusCode)
		}
		before := ab.snapshot(t)
		if resp := ab.post(t, where, ab.validForm(), ab.admin); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("changing an ended agreement: %d, want 422", resp.StatusCode)
		}
		if ab.snapshot(t) != before {
			t.Error("a refused change to an ended agreement changed the database")
		}

		// A draft can be deleted, with its history.
		draft := ab.post(t, ab.pages, ab.validForm(), ab.admin)
		draftURL := draft.Header.Get("Location")
		if resp := ab.post(t, draftURL+"/delete", nil, ab.admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete draft: %d", resp.StatusCode)
		}
		if resp := ab.send(t, http.MethodGet, draftURL, ab.admin); resp.StatusCode != http.StatusNotFound {
			t.Errorf("deleted draft: %d, want 404", resp.StatusCode)
		}
	})
}

// TestAgreementAPI: create → activate → history through the API, with
// the same shapes the pages read.
func TestAgreementAPI(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ab := setupAgreements(t, db)
		resp, body := ab.call(t, http.MethodPost, ab.api, ab.validJSON())
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		var a apiAgreement
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatal(err)
		}
		if a.Status != "draft" || a.TotalFundingSEK != 550000 || a.BudgetedFTE != 2.25 || len(a.Funding) != 2 || a.Funding[0].Party != nil ||
			a.Commitments[0].Comparison != "at_most" || resp.Header.Get("Location") != ab.api+"/"+itoa(a.ID) {
			t.Fatalf("created: %+v", a)
		}
		path := ab.api + "/" + itoa(a.ID)

		resp, body = ab.call(t, http.MethodPost, path+"/status", map[string]string{"status": "active"})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"active"`) {
			t.Fatalf("activate: %d %s", resp.StatusCode, body)
		}
		in := ab.validJSON()
		in["committee"] = "Regionstyrelsen"
		if resp, body := ab.call(t, http.MethodPut, path, in); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"committee":"Regionstyrelsen"`) {
			t.Fatalf("update: %d %s", resp.StatusCode, body)
		}

		resp, body = ab.call(t, http.MethodGet, path+"/history", nil)
		var h apiAgreementHistory
		if err := json.Unmarshal([]byte(body), &h); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("history: %d %v", resp.StatusCode, err)
		}
		var kinds []string
		for _, e := range h.Events {
			kinds = append(kinds, e.Kind)
			if e.UserID == nil || *e.UserID != ab.users[tenants.RoleRegionAdmin].ID {
				t.Errorf("event %s by %v, want the administrator", e.Kind, e.UserID)
			}
		}
		if !reflect.DeepEqual(kinds, []string{"created", "status", "updated"}) {
			t.Fatalf("history kinds %v", kinds)
		}
		if ch := h.Events[1].Changes; len(ch) != 1 || ch[0].Field != "status" || ch[0].From != "draft" || ch[0].To != "active" {
			t.Errorf("status change: %+v", ch)
		}
		if ch := h.Events[2].Changes; len(ch) != 1 || ch[0].Field != "committee" || ch[0].To != "Regionstyrelsen" {
			t.Errorf("update: %+v", ch)
		}

		resp, body = ab.call(t, http.MethodGet, ab.api, nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"id":`+itoa(a.ID)) {
			t.Fatalf("list: %d %s", resp.StatusCode, body)
		}
		for _, action := range []string{"agreement.create", "agreement.status", "agreement.update"} {
			if !ab.audited(t, action, itoa(a.ID)) {
				t.Errorf("no audit row %s", action)
			}
		}
		if resp, _ := ab.call(t, http.MethodGet, ab.api+"/987654", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown agreement: %d, want 404", resp.StatusCode)
		}
	})
}

// TestAgreementDocuments: a document goes up and comes back byte for byte
// as an attachment of its stored type; a file of the wrong kind, one
// larger than the server takes and a second copy are refused and store
// nothing; a document can be removed.
func TestAgreementDocuments(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ab := setupAgreements(t, db)
		a, err := ab.agreements.Create(context.Background(), ab.region.ID, 0, testAgreement(t, ab.signInBundle))
		if err != nil {
			t.Fatal(err)
		}
		page := ab.pages + "/" + itoa(a.ID)
		content := []byte("Överenskommelse om kamratstöd, bilaga 1.\n")

		resp, body := ab.upload(t, page+"/documents", "Bilaga 1 – åtaganden.txt", content, ab.admin)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", resp.StatusCode, body)
		}
		docs, err := ab.agreements.Documents(context.Background(), ab.region.ID, a.ID)
		if err != nil || len(docs) != 1 {
			t.Fatalf("documents: %v %v", docs, err)
		}
		doc := docs[0]
		show := ab.send(t, http.MethodGet, page, ab.admin)
		if body := readAll(t, show); !strings.Contains(body, doc.FileName) || !strings.Contains(body, page+"/documents/"+itoa(doc.ID)) {
			t.Error("the agreement page does not list the document")
		}

		for _, download := range []func() *http.Response{
			func() *http.Response { return ab.send(t, http.MethodGet, page+"/documents/"+itoa(doc.ID), ab.admin) },
			func() *http.Response {
				req := httptest.NewRequest(http.MethodGet, ab.api+"/"+itoa(a.ID)+"/documents/"+itoa(doc.ID), nil)
				req.Header.Set("Authorization", "Bearer "+ab.token)
				resp, err := ab.app.Test(req, -1)
				if err != nil {
					t.Fatal(err)
				}
				return resp
			},
		} {
			resp := download()
			got := readAll(t, resp)
			if resp.StatusCode != http.StatusOK || got != string(content) {
				t.Fatalf("download: %d %q", resp.StatusCode, got)
			}
			if ct := resp.Header.Get("Content-Type"); ct != tenants.ContentTypeText {
				t.Errorf("Content-Type %q, want %q", ct, tenants.ContentTypeText)
			}
			if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename") {
				t.Errorf("Content-Disposition %q", cd)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("a download without nosniff")
			}
		}

		before := ab.snapshot(t)
		limit := int64(uploadLimit(ab.app.Config().BodyLimit, tenants.MaxDocumentBytes))
		tooBig := bytes.Repeat([]byte("a"), int(limit)+1)
		for _, tc := range []struct {
			name, file string
			content    []byte
			message    string
		}{
			{"wrong type", "program.exe", []byte("MZ\x90\x00"), "Fil: Filen måste vara en PDF, ett Word-dokument (.docx), ett OpenDocument-dokument (.odt) eller en textfil (.txt)."},
			{"wrong content", "avtal.pdf", []byte("not a PDF at all"), "Fil: Filens innehåll stämmer inte med filtypen."},
			{"too large", "stor.txt", tooBig, "Fil: Filen är för stor. Den får vara högst " + strconv.FormatInt(limit>>20, 10) + " MB."},
			{"twice", "samma.txt", content, "Fil: Avtalet har redan ett dokument med exakt samma innehåll."},
		} {
			resp, body := ab.upload(t, page+"/documents", tc.file, tc.content, ab.admin)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.message) || !strings.Contains(body, `id="file-error"`) {
				t.Errorf("%s on the page: %d, want 422 with %q", tc.name, resp.StatusCode, tc.message)
			}
			resp, body = ab.upload(t, ab.api+"/"+itoa(a.ID)+"/documents", tc.file, tc.content, nil)
			want := http.StatusUnprocessableEntity
			if tc.name == "twice" {
				want = http.StatusConflict
			}
			if resp.StatusCode != want {
				t.Errorf("%s in the API: %d, want %d: %s", tc.name, resp.StatusCode, want, body)
			}
		}
		if status, body := ab.overBodyLimit(t, page+"/documents"); status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Det du skickade är för stort.") {
			t.Errorf("a request over the body limit: %d, want 413 with its message", status)
		}
		if after := ab.snapshot(t); after != before {
			t.Error("a refused document changed the database")
		}

		resp, body = ab.upload(t, ab.api+"/"+itoa(a.ID)+"/documents", "protokoll.txt", []byte("Protokoll.\n"), nil)
		if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `"file_name":"protokoll.txt"`) {
			t.Fatalf("API upload: %d %s", resp.StatusCode, body)
		}
		resp, body = ab.call(t, http.MethodGet, ab.api+"/"+itoa(a.ID)+"/documents", nil)
		var list apiAgreementDocumentList
		if err := json.Unmarshal([]byte(body), &list); err != nil || resp.StatusCode != http.StatusOK || len(list.Documents) != 2 {
			t.Fatalf("API documents: %d %s", resp.StatusCode, body)
		}

		if resp := ab.post(t, page+"/documents/"+itoa(doc.ID)+"/remove", nil, ab.admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d", resp.StatusCode)
		}
		if resp := ab.send(t, http.MethodGet, page+"/documents/"+itoa(doc.ID), ab.admin); resp.StatusCode != http.StatusNotFound {
			t.Errorf("removed document: %d, want 404", resp.StatusCode)
		}
		for _, action := range []string{"agreement.document_add", "agreement.document_remove"} {
			if !ab.audited(t, action, itoa(doc.ID)) {
				t.Errorf("no audit row %s", action)
			}
		}
		show = ab.send(t, http.MethodGet, page, ab.admin)
		if body := readAll(t, show); !strings.Contains(body, "Ett dokument togs bort") || !strings.Contains(body, "Dokument: "+doc.FileName+" → –") {
			t.Error("the history does not show the removed document")
		}
	})
}

// overBodyLimit announces a request body larger than the app reads, on a
// real connection (the server answers from the headers alone, before any
// handler, and app.Test reports that as an error instead of a response).
func (ab *agreementBundle) overBodyLimit(t *testing.T, path string) (int, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = ab.app.Listener(ln) }()
	t.Cleanup(func() { _ = ab.app.Shutdown() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: kamrat.test\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\nCookie: %s\r\n\r\n",
		path, ab.app.Config().BodyLimit+1, ab.admin.String())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, readAll(t, resp)
}
