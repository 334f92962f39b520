package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestUnitAPI: units and their readiness through the API, with the same
// validation as the pages: bad fields are 422 with translated messages and
// change nothing; every change is audited.
func TestUnitAPI(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		token := adminToken(t, sb)
		base := "/api/v1/regions/" + sb.region.Slug + "/units"
		call := func(method, path, body string) (*http.Response, string) {
			t.Helper()
			return apiSend(t, sb, token, method, path, "application/json", []byte(body))
		}
		before := unitCount(t, sb)

		resp, body := call(http.MethodPost, base, `{"name": "Psykiatrin", "hsa_id": "SE2321000016", "kind": "psychiatry"}`)
		e := errorJSON(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 2 ||
			e.Fields[0] != (fieldIssue{Field: "hsa_id", Message: "HSA-id: Ange ett giltigt HSA-id, till exempel SE2321000016-1234."}) ||
			e.Fields[1] != (fieldIssue{Field: "kind", Message: "Typ: Välj ett av alternativen."}) {
			t.Fatalf("bad unit: %d %+v", resp.StatusCode, e)
		}
		if resp, _ := call(http.MethodPost, base, `{"name": "X", "hsa_id": "SE2321000016-INF1", "kind": "other"}`); resp.StatusCode != http.StatusConflict {
			t.Errorf("taken HSA-id: %d, want 409", resp.StatusCode)
		}
		if resp, _ := call(http.MethodPost, base, `{"name": "X", "kind": "other", "colour": "red"}`); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown field: %d, want 400", resp.StatusCode)
		}
		if got := unitCount(t, sb); got != before {
			t.Fatalf("refused units were stored: %d → %d", before, got)
		}

		resp, body = call(http.MethodPost, base, `{"name": "Psykiatrin", "hsa_id": "SE2321000016-PSY", "kind": "psychiatric_outpatient", "municipality": "Lund"}`)
		var u apiUnit
		if err := json.Unmarshal([]byte(body), &u); err != nil || resp.StatusCode != http.StatusCreated || !u.Active || u.Ready || u.Municipality != "Lund" {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		one := base + "/" + itoa(u.ID)
		if !audited(t, sb, "unit.create", itoa(u.ID)) {
			t.Error("create is not audited")
		}

		resp, body = call(http.MethodPut, one, `{"name": "", "kind": "psychiatric_outpatient"}`)
		if e := errorJSON(t, body); resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 1 || e.Fields[0].Field != "name" {
			t.Fatalf("bad replace: %d %+v", resp.StatusCode, e)
		}
		resp, body = call(http.MethodPatch, one, `{"municipality": "Malmö", "active": false}`)
		if err := json.Unmarshal([]byte(body), &u); err != nil || resp.StatusCode != http.StatusOK || u.Name != "Psykiatrin" || u.HSAID != "SE2321000016-PSY" || u.Municipality != "Malmö" || u.Active {
			t.Fatalf("patch: %d %s", resp.StatusCode, body)
		}
		resp, body = call(http.MethodPut, one, `{"name": "Psykiatrin Malmö", "kind": "psychiatric_inpatient"}`)
		u = apiUnit{}
		if err := json.Unmarshal([]byte(body), &u); err != nil || resp.StatusCode != http.StatusOK || u.HSAID != "" || u.Municipality != "" || !u.Active {
			t.Fatalf("replace: %d %s", resp.StatusCode, body)
		}
		if !audited(t, sb, "unit.update", itoa(u.ID)) {
			t.Error("update is not audited")
		}

		readiness := one + "/readiness"
		future := time.Now().AddDate(0, 1, 0).Format(tenants.DateLayout)
		today := time.Now().AddDate(0, 0, -1).Format(tenants.DateLayout)
		resp, body = call(http.MethodPut, readiness, `{"budget_decided": true, "management_anchored": true, "management_anchored_on": "`+future+`"}`)
		if e := errorJSON(t, body); resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 2 ||
			e.Fields[0].Message != "Datum för budgetbeslutet: Måste fyllas i." || e.Fields[1].Message != "Datum för förankringen: Datumet får inte ligga i framtiden." {
			t.Fatalf("bad readiness: %d %+v", resp.StatusCode, e)
		}
		resp, body = call(http.MethodPut, readiness, `{"budget_decided": true, "budget_decided_on": "igår", "management_anchored": false}`)
		if e := errorJSON(t, body); resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 1 || e.Fields[0].Field != "budget_decided_on" {
			t.Fatalf("readiness with a bad date: %d %+v", resp.StatusCode, e)
		}
		var r apiReadiness
		resp, body = call(http.MethodPut, readiness, `{"budget_decided": true, "budget_decided_on": "`+today+`", "management_anchored": true, "management_anchored_on": "`+today+`"}`)
		if err := json.Unmarshal([]byte(body), &r); err != nil || resp.StatusCode != http.StatusOK || r.Ready || strings.Join(r.Missing, ",") != "intro_sessions" || r.BudgetDecidedOn != today {
			t.Fatalf("readiness: %d %s", resp.StatusCode, body)
		}
		if resp, _ := call(http.MethodPost, readiness+"/intro_sessions", `{"held_on": "`+future+`"}`); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("future session: %d", resp.StatusCode)
		}
		var sess apiIntroSession
		resp, body = call(http.MethodPost, readiness+"/intro_sessions", `{"held_on": "`+today+`", "note": "8 sjuksköterskor"}`)
		if err := json.Unmarshal([]byte(body), &sess); err != nil || resp.StatusCode != http.StatusCreated || sess.Note != "8 sjuksköterskor" {
			t.Fatalf("session: %d %s", resp.StatusCode, body)
		}
		resp, body = call(http.MethodGet, readiness, "")
		if err := json.Unmarshal([]byte(body), &r); err != nil || !r.Ready || len(r.Missing) != 0 || len(r.IntroSessions) != 1 {
			t.Fatalf("ready: %d %s", resp.StatusCode, body)
		}
		if resp, body := call(http.MethodGet, one, ""); !strings.Contains(body, `"ready":true`) {
			t.Errorf("the unit does not say it is ready: %d %s", resp.StatusCode, body)
		}
		session := readiness + "/intro_sessions/" + itoa(sess.ID)
		if resp, _ := call(http.MethodDelete, session, ""); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("delete session: %d", resp.StatusCode)
		}
		if resp, _ := call(http.MethodDelete, session, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("delete twice: %d, want 404", resp.StatusCode)
		}
		for _, a := range []struct{ action, id string }{
			{"unit.readiness", itoa(u.ID)}, {"unit.intro_session.add", itoa(u.ID) + "/" + itoa(sess.ID)}, {"unit.intro_session.remove", itoa(u.ID) + "/" + itoa(sess.ID)},
		} {
			if !audited(t, sb, a.action, a.id) {
				t.Errorf("%s is not audited", a.action)
			}
		}
	})
}

// apiSend calls the API with the region administrator's token.
func apiSend(t *testing.T, sb *signInBundle, token, method, path, contentType string, body []byte) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return sb.do(t, req)
}

// adminToken is an API token of the region's administrator.
func adminToken(t *testing.T, sb *signInBundle) string {
	t.Helper()
	_, token, err := sb.policy.Tokens.Create(context.Background(), sb.region.ID, sb.users[tenants.RoleRegionAdmin].ID, "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// TestUnitImportAPI: a dry run returns every row with its problems and
// writes nothing; a real import of a bad file is 422 with each problem and
// its line, and writes nothing; a good file is written whole.
func TestUnitImportAPI(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		token := adminToken(t, sb)
		path := "/api/v1/regions/" + sb.region.Slug + "/units/import"
		before := unitCount(t, sb)

		resp, body := apiSend(t, sb, token, http.MethodPost, path+"?dry_run=true", "text/csv; charset=utf-8", []byte(badUnitsCSV))
		var dry apiUnitImportResult
		if err := json.Unmarshal([]byte(body), &dry); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("dry run: %d %v\n%s", resp.StatusCode, err, body)
		}
		if !dry.DryRun || dry.BadRows != 6 || len(dry.Rows) != 7 || len(dry.Units) != 0 || len(dry.Rows[0].Problems) != 0 {
			t.Fatalf("dry run: %+v", dry)
		}
		for _, row := range dry.Rows[1:] {
			if len(row.Problems) != 1 || row.Problems[0].Message != badUnitsProblems[row.Line] {
				t.Errorf("line %d: %+v, want %q", row.Line, row.Problems, badUnitsProblems[row.Line])
			}
		}

		resp, body = apiSend(t, sb, token, http.MethodPost, path, "text/csv", []byte(badUnitsCSV))
		e := errorJSON(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 7 || e.Fields[0].Field != "file" ||
			e.Fields[0].Message != "Fil: Rader som behöver rättas: 6. Inget har sparats." {
			t.Fatalf("bad import: %d %+v", resp.StatusCode, e)
		}
		for _, f := range e.Fields[1:] {
			if !strings.HasPrefix(f.Message, "Rad ") {
				t.Errorf("problem without its line: %+v", f)
			}
		}
		if !slices.Contains(fieldMessages(e), "Rad 5: "+badUnitsProblems[5]) {
			t.Errorf("the taken HSA-id is not reported with its line: %+v", e.Fields)
		}
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(badUnitsCSV))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Accept-Language", "en")
		if _, body := sb.do(t, req); !slices.Contains(fieldMessages(errorJSON(t, body)), "Line 6: Type: This is required.") {
			t.Errorf("English problems: %s", body)
		}
		for _, tc := range []struct {
			name, query, contentType string
			status                   int
		}{
			{"misspelt dry run", "?dry_run=yes", "text/csv", http.StatusBadRequest},
			{"JSON", "", "application/json", http.StatusUnsupportedMediaType},
		} {
			if resp, _ := apiSend(t, sb, token, http.MethodPost, path+tc.query, tc.contentType, manyUnitsCSV(2)); resp.StatusCode != tc.status {
				t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.status)
			}
		}
		if got := unitCount(t, sb); got != before {
			t.Fatalf("refused imports wrote units: %d → %d", before, got)
		}

		resp, body = apiSend(t, sb, token, http.MethodPost, path, "text/csv", manyUnitsCSV(3))
		var done apiUnitImportResult
		if err := json.Unmarshal([]byte(body), &done); err != nil || resp.StatusCode != http.StatusOK || done.DryRun || len(done.Units) != 3 || done.Units[0].Kind != "primary_care" {
			t.Fatalf("import: %d %v\n%s", resp.StatusCode, err, body)
		}
		if !audited(t, sb, "unit.import", fmt.Sprintf("%d,%d,%d", done.Units[0].ID, done.Units[1].ID, done.Units[2].ID)) {
			t.Error("the import is not in the audit log")
		}

		// The same as a multipart upload.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "fler.csv")
		fw.Write([]byte("Namn;Typ\nHabiliteringen;Habilitering\n"))
		mw.Close()
		resp, body = apiSend(t, sb, token, http.MethodPost, path, mw.FormDataContentType(), buf.Bytes())
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"kind":"habilitation"`) {
			t.Fatalf("multipart import: %d %s", resp.StatusCode, body)
		}
		if got := unitCount(t, sb); got != before+4 {
			t.Fatalf("after the imports: %d units, want %d", got, before+4)
		}
	})
}

func fieldMessages(e errorBody) []string {
	out := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f.Message
	}
	return out
}

// TestOrganisationAPI: organisations through the API, with the same checks
// as the pages.
func TestOrganisationAPI(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		token := adminToken(t, sb)
		base := "/api/v1/regions/" + sb.region.Slug + "/organisations"
		call := func(method, path, body string) (*http.Response, string) {
			t.Helper()
			return apiSend(t, sb, token, method, path, "application/json", []byte(body))
		}
		units, err := sb.unitsStore().Units(ctx, sb.region.ID)
		if err != nil {
			t.Fatal(err)
		}
		other := tenanttest.Tenant(t, sb.db)
		foreign, err := sb.unitsStore().Create(ctx, other.ID, tenants.Unit{Name: "Annan region", Kind: tenants.UnitOther})
		if err != nil {
			t.Fatal(err)
		}
		before := organisationCount(t, sb)

		resp, body := call(http.MethodPost, base, `{"name": "Föreningen", "org_number": "123456-7890", "kind": "patient_organisation", "unit_ids": [`+itoa(foreign.ID)+`]}`)
		e := errorJSON(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 2 ||
			e.Fields[0].Message != "Organisationsnummer: Ange ett giltigt organisationsnummer (NNNNNN-NNNN)." || e.Fields[1].Field != "units" {
			t.Fatalf("bad organisation: %d %+v", resp.StatusCode, e)
		}
		if got := organisationCount(t, sb); got != before {
			t.Fatalf("a refused organisation was stored: %d → %d", before, got)
		}

		var o apiOrganisation
		resp, body = call(http.MethodPost, base, `{"name": "Föreningen", "org_number": "802000-1239", "kind": "user_organisation", "focus": ["substance_use"], "unit_ids": [`+itoa(units[0].ID)+`]}`)
		if err := json.Unmarshal([]byte(body), &o); err != nil || resp.StatusCode != http.StatusCreated || !o.Active ||
			!slices.Equal(o.UnitIDs, []int64{units[0].ID}) || !slices.Equal(o.Focus, []string{"substance_use"}) {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		if !audited(t, sb, "organisation.create", itoa(o.ID)) {
			t.Error("create is not audited")
		}
		if resp, _ := call(http.MethodPost, base, `{"name": "Kopian", "org_number": "8020001239", "kind": "other"}`); resp.StatusCode != http.StatusConflict {
			t.Errorf("taken number: %d, want 409", resp.StatusCode)
		}

		one := base + "/" + itoa(o.ID)
		resp, body = call(http.MethodPut, one, `{"name": "Föreningen", "kind": "user_organisation", "contact_email": "nej"}`)
		if e := errorJSON(t, body); resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 1 || e.Fields[0].Field != "contact_email" {
			t.Fatalf("bad replace: %d %+v", resp.StatusCode, e)
		}
		resp, body = call(http.MethodPut, one, `{"name": "Föreningen Syd", "kind": "user_organisation", "contact_phone": "+46 40 33 10 00", "active": false}`)
		o = apiOrganisation{}
		if err := json.Unmarshal([]byte(body), &o); err != nil || resp.StatusCode != http.StatusOK || o.Name != "Föreningen Syd" || o.OrgNumber != "" || len(o.UnitIDs) != 0 || o.Active {
			t.Fatalf("replace: %d %s", resp.StatusCode, body)
		}
		if !audited(t, sb, "organisation.update", itoa(o.ID)) {
			t.Error("update is not audited")
		}
		resp, body = call(http.MethodGet, base, "")
		var list apiOrganisationList
		if err := json.Unmarshal([]byte(body), &list); err != nil || resp.StatusCode != http.StatusOK || len(list.Organisations) != before+1 {
			t.Fatalf("list: %d %s", resp.StatusCode, body)
		}
	})
}
