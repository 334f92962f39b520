package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// offerBundle is a region with a nurse at the first unit, signed in, and
// clinic staff at a second unit, for checking that neither sees the
// other's figures.
type offerBundle struct {
	*signInBundle
	pages, api string
	unit       int64
	cookie     *http.Cookie
	token      string
	other      offerCaller
}

// offerCaller is a clinic staff member of another unit.
type offerCaller struct {
	unit   int64
	cookie *http.Cookie
	token  string
}

func setupOffers(t *testing.T, db *tenants.DB) *offerBundle {
	t.Helper()
	ctx := context.Background()
	sb := setupSignIn(t, db)
	ob := &offerBundle{
		signInBundle: sb, pages: "/r/" + sb.region.Slug + "/clinic/offers", api: "/api/v1/regions/" + sb.region.Slug + "/offers",
		unit: *sb.membership(t, tenants.RoleClinicStaff).UnitID, cookie: sessionCookie(sb.signIn(t, "sub-clinic_staff")),
	}
	var err error
	if _, ob.token, err = sb.policy.Tokens.Create(ctx, sb.region.ID, sb.users[tenants.RoleClinicStaff].ID, "offers", nil); err != nil {
		t.Fatal(err)
	}
	unit, err := tenants.NewUnitStore(sb.db).Create(ctx, sb.region.ID, tenants.Unit{Name: "Psykiatri", HSAID: "SE2321000016-PSY1", Kind: tenants.UnitPsychiatricOutpatient, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	u, err := sb.policy.Identities.CreateUser(ctx, tenants.User{Email: "psykiatri-" + sb.region.Slug + "@example.se", DisplayName: "Kim"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.policy.Identities.SetMembership(ctx, sb.region.ID, tenants.Membership{UserID: u.ID, Role: tenants.RoleClinicStaff, UnitID: &unit.ID}); err != nil {
		t.Fatal(err)
	}
	secret, _, err := sb.policy.Sessions.Create(ctx, u.ID, &sb.region.ID, "test", sb.policy.Session.Absolute)
	if err != nil {
		t.Fatal(err)
	}
	ob.other = offerCaller{unit: unit.ID, cookie: &http.Cookie{Name: "kamrat_session", Value: secret}}
	if _, ob.other.token, err = sb.policy.Tokens.Create(ctx, sb.region.ID, u.ID, "offers", nil); err != nil {
		t.Fatal(err)
	}
	return ob
}

// tally is the unit's tally for the month of day, as stored.
func (ob *offerBundle) tally(t *testing.T, unit int64, day tenants.Date) tenants.OfferTally {
	t.Helper()
	list, err := tenants.NewOfferStore(ob.db).Tallies(context.Background(), ob.region.ID, unit, day, day)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		return tenants.OfferTally{}
	}
	return list[0]
}

// page GETs a page with a session and returns its status and body.
func (ob *offerBundle) page(t *testing.T, path string, cookie *http.Cookie) (int, string) {
	t.Helper()
	resp := ob.send(t, http.MethodGet, path, cookie)
	body := readAll(t, resp)
	checkWellFormed(t, body)
	return resp.StatusCode, body
}

// offerAudited reports an audit row of action for unit by the user.
func (ob *offerBundle) offerAudited(t *testing.T, action string, unit, userID int64) bool {
	t.Helper()
	entries, err := ob.policy.Audit.Search(context.Background(), ob.region.ID, tenants.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(entries, func(e tenants.AuditEntry) bool {
		return e.ObjectType == "unit" && e.ObjectID == itoa(unit) && e.UserID != nil && *e.UserID == userID
	})
}

// TestOfferPages: a nurse records encounters one button each and the
// month's counts add up; a refused encounter or week changes nothing and
// says why at the field; a week is entered once; new diagnoses give the
// systematisation rate in Swedish; another unit's figures never show.
func TestOfferPages(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ob := setupOffers(t, db)
		today := todayInSweden()
		nurse := ob.users[tenants.RoleClinicStaff].ID

		status, body := ob.page(t, "/r/"+ob.region.Slug+"/start", ob.cookie)
		if status != http.StatusOK || !strings.Contains(body, `href="`+ob.pages+`"`) {
			t.Fatalf("start page links no offer page: %d", status)
		}
		status, body = ob.page(t, ob.pages, ob.cookie)
		contains(t, "offer page", body, `value="`+today.String()+`"`, `value="accepted">Tackade ja</button>`, `value="declined">Tackade nej</button>`,
			`value="undecided">Vill fundera</button>`, `value="not_informed">Inte informerad</button>`, "Den här månaden ("+monthString(today)+")")
		if status != http.StatusOK || strings.Contains(body, "personnummer") {
			t.Fatalf("offer page: %d", status)
		}

		for _, outcome := range []string{"accepted", "declined", "undecided", "informed_only", "not_informed", "accepted"} {
			// unit_id is not a field of the form; a forged one is ignored.
			resp := ob.post(t, ob.pages+"/encounters", url.Values{"date": {today.String()}, "outcome": {outcome}, "unit_id": {itoa(ob.other.unit)}}, ob.cookie)
			want := ob.pages + "?recorded=" + outcome + "&on=" + today.String()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
				t.Fatalf("record %s: %d → %q, want %q", outcome, resp.StatusCode, resp.Header.Get("Location"), want)
			}
		}
		wantCounts := tenants.OfferCounts{Met: 6, Informed: 5, Offered: 4, Accepted: 2, Declined: 1, Undecided: 1}
		if got := ob.tally(t, ob.unit, today); got.OfferCounts != wantCounts {
			t.Fatalf("after six encounters: %+v, want %+v", got.OfferCounts, wantCounts)
		}
		if !ob.offerAudited(t, "offer.encounter", ob.unit, nurse) {
			t.Error("encounter not audited")
		}
		_, body = ob.page(t, ob.pages+"?recorded=accepted&on="+today.String(), ob.cookie)
		contains(t, "confirmation", body, `role="status">Registrerat: tackade ja, `+today.String()+"</p>", "<dt>Träffade</dt><dd>6</dd>", "<dt>Tackade ja</dt><dd>2</dd>")
		if _, body = ob.page(t, ob.pages+"?recorded=<b>x</b>&on=igår", ob.cookie); strings.Contains(body, `role="status"`) {
			t.Error("a made-up confirmation was shown")
		}

		for _, tc := range []struct {
			name string
			form url.Values
			want string
		}{
			{"a day ahead", url.Values{"date": {today.AddDays(1).String()}, "outcome": {"accepted"}}, "Datumet får inte ligga i framtiden."},
			{"no date", url.Values{"outcome": {"declined"}}, "Datum: Måste fyllas i."},
			{"no such outcome", url.Values{"date": {today.String()}, "outcome": {"maybe"}}, "Vad hände: Välj ett av alternativen."},
		} {
			resp := ob.post(t, ob.pages+"/encounters", tc.form, ob.cookie)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d, want 422 with %q", tc.name, resp.StatusCode, tc.want)
			}
		}
		if got := ob.tally(t, ob.unit, today); got.OfferCounts != wantCounts {
			t.Fatalf("refused encounters changed the tally: %+v", got.OfferCounts)
		}

		// A week in March 2025: Monday the 3rd.
		if status, body = ob.page(t, ob.pages+"/weeks/new", ob.cookie); status != http.StatusOK || !strings.Contains(body, `value="`+lastMonday(today).String()+`"`) {
			t.Fatalf("week form: %d", status)
		}
		march := tenants.NewDate(2025, 3, 3)
		week := url.Values{"week_start": {"2025-03-04"}, "met": {"3"}, "informed": {"5"}, "offered": {"2"}, "accepted": {"1"}, "declined": {"1"}}
		resp := ob.post(t, ob.pages+"/weeks", week, ob.cookie)
		body = readAll(t, resp)
		contains(t, "refused week", body, "Veckans måndag: Ange veckans måndag.", "Informerade: Antalen hänger inte ihop", `id="informed-error"`, `value="5"`)
		if resp.StatusCode != http.StatusUnprocessableEntity || ob.tally(t, ob.unit, march) != (tenants.OfferTally{}) {
			t.Fatalf("refused week: %d, tally %+v", resp.StatusCode, ob.tally(t, ob.unit, march))
		}
		week.Set("week_start", march.String())
		week.Set("informed", "3")
		week.Set("undecided", "")
		resp = ob.post(t, ob.pages+"/weeks", week, ob.cookie)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != ob.pages+"?week=2025-03-03" {
			t.Fatalf("week: %d → %q %s", resp.StatusCode, resp.Header.Get("Location"), readAll(t, resp))
		}
		marchCounts := tenants.OfferCounts{Met: 3, Informed: 3, Offered: 2, Accepted: 1, Declined: 1}
		if got := ob.tally(t, ob.unit, march); got.OfferCounts != marchCounts || !ob.offerAudited(t, "offer.week", ob.unit, nurse) {
			t.Fatalf("week recorded as %+v, or not audited", got.OfferCounts)
		}
		_, body = ob.page(t, ob.pages+"?week=2025-03-03", ob.cookie)
		contains(t, "week confirmation", body, "Registrerat: veckan som börjar måndag 2025-03-03")
		resp = ob.post(t, ob.pages+"/weeks", week, ob.cookie)
		if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Den här veckan är redan registrerad för enheten.") {
			t.Fatalf("the same week twice: %d", resp.StatusCode)
		}
		if got := ob.tally(t, ob.unit, march); got.OfferCounts != marchCounts {
			t.Fatalf("the week entered twice counts %+v", got.OfferCounts)
		}

		if status, _ = ob.page(t, ob.pages+"/diagnoses", ob.cookie); status != http.StatusOK {
			t.Fatalf("diagnoses form: %d", status)
		}
		resp = ob.post(t, ob.pages+"/diagnoses", url.Values{"month": {monthString(today)}, "new_diagnoses": {"-1"}}, ob.cookie)
		if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Nya diagnoser: Måste vara mellan 0 och 10000.") {
			t.Fatalf("negative diagnoses: %d", resp.StatusCode)
		}
		resp = ob.post(t, ob.pages+"/diagnoses", url.Values{"month": {monthString(today)}, "new_diagnoses": {"8"}}, ob.cookie)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != ob.pages+"?diagnoses="+monthString(today) || !ob.offerAudited(t, "offer.diagnoses", ob.unit, nurse) {
			t.Fatalf("diagnoses: %d → %q, or not audited", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, body = ob.page(t, ob.pages+"/diagnoses?month="+monthString(today), ob.cookie); !strings.Contains(body, `value="8"`) {
			t.Error("the diagnoses form does not show the number entered")
		}
		_, body = ob.page(t, ob.pages, ob.cookie)
		// This month: 5 informed of 8 new diagnoses; the other months
		// have no diagnoses entered.
		contains(t, "tally table", body, "<dt>Systematiseringsgrad</dt><dd>63\u00a0%</dd>", `<th scope="row">`+monthString(today)+`</th>`, `<td class="number">–</td>`)
		if strings.Count(body, `<th scope="row">`) != offerMonths {
			t.Errorf("the table has %d months, want %d", strings.Count(body, `<th scope="row">`), offerMonths)
		}

		// The other unit's staff see zeros and record only for their unit.
		_, body = ob.page(t, ob.pages, ob.other.cookie)
		contains(t, "other unit", body, "<dt>Träffade</dt><dd>0</dd>", "<dt>Systematiseringsgrad</dt><dd>–</dd>")
		if strings.Contains(body, "63\u00a0%") {
			t.Error("another unit's rate is shown")
		}
		if resp := ob.post(t, ob.pages+"/encounters", url.Values{"date": {today.String()}, "outcome": {"declined"}}, ob.other.cookie); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("other unit records: %d", resp.StatusCode)
		}
		if got, other := ob.tally(t, ob.unit, today), ob.tally(t, ob.other.unit, today); got.OfferCounts != wantCounts || other.Met != 1 || other.Declined != 1 {
			t.Fatalf("after the other unit's encounter: own %+v, other %+v", got.OfferCounts, other.OfferCounts)
		}
	})
}

// offerAPI calls the offer API with token and a JSON body (nil for none).
func (ob *offerBundle) offerAPI(t *testing.T, token, method, path string, in any) (*http.Response, string) {
	t.Helper()
	var raw []byte
	contentType := ""
	if in != nil {
		var err error
		if raw, err = json.Marshal(in); err != nil {
			t.Fatal(err)
		}
		contentType = "application/json"
	}
	return apiSend(t, ob.signInBundle, token, method, ob.api+path, contentType, raw)
}

// TestOfferAPI: the API writes and reads the same figures as the store
// keeps, refuses what the pages refuse (and changes nothing), audits every
// change, answers what the OpenAPI document promises, and shows each unit
// only its own tallies.
func TestOfferAPI(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ob := setupOffers(t, db)
		today := todayInSweden()
		nurse := ob.users[tenants.RoleClinicStaff].ID

		resp, body := ob.offerAPI(t, ob.token, http.MethodPost, "/encounters", map[string]any{"informed": true, "offered": true, "response": "accepted"})
		var got apiOfferTally
		if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &got) != nil || got.Month != monthString(today) || got.Met != 1 || got.Accepted != 1 {
			t.Fatalf("encounter today: %d %s", resp.StatusCode, body)
		}
		if !ob.offerAudited(t, "offer.encounter", ob.unit, nurse) {
			t.Error("encounter not audited")
		}
		resp, body = ob.offerAPI(t, ob.token, http.MethodPost, "/encounters", map[string]any{"date": today.String(), "informed": false, "offered": true, "response": "accepted"})
		if resp.StatusCode != http.StatusUnprocessableEntity || !slices.Contains(fieldMessages(errorJSON(t, body)), "Erbjudna kamratstöd: Den som erbjuds kamratstöd har också fått information om det. Kryssa i informerad, eller ta bort erbjudet.") {
			t.Fatalf("offered uninformed: %d %s", resp.StatusCode, body)
		}

		resp, body = ob.offerAPI(t, ob.token, http.MethodPost, "/weeks", map[string]any{"week_start": "2025-03-04", "met": 3, "informed": 5, "offered": 2, "accepted": 1, "declined": 1})
		if msgs := fieldMessages(errorJSON(t, body)); resp.StatusCode != http.StatusUnprocessableEntity || !slices.Contains(msgs, "Veckans måndag: Ange veckans måndag.") ||
			!slices.ContainsFunc(msgs, func(m string) bool { return strings.HasPrefix(m, "Informerade: Antalen hänger inte ihop") }) {
			t.Fatalf("refused week: %d %s", resp.StatusCode, body)
		}
		week := map[string]any{"week_start": "2025-03-03", "met": 10, "informed": 9, "offered": 7, "accepted": 3, "declined": 2, "undecided": 2}
		resp, body = ob.offerAPI(t, ob.token, http.MethodPost, "/weeks", week)
		if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &got) != nil || got.Month != "2025-03" || got.Informed != 9 || got.NewDiagnoses != nil || got.SystematisationRate != nil {
			t.Fatalf("week: %d %s", resp.StatusCode, body)
		}
		resp, body = ob.offerAPI(t, ob.token, http.MethodPost, "/weeks", week)
		if resp.StatusCode != http.StatusUnprocessableEntity || !slices.Contains(fieldMessages(errorJSON(t, body)), "Veckans måndag: Den här veckan är redan registrerad för enheten.") {
			t.Fatalf("the same week twice: %d %s", resp.StatusCode, body)
		}
		resp, body = ob.offerAPI(t, ob.token, http.MethodPut, "/diagnoses", map[string]any{"month": "2025-03", "new_diagnoses": 12})
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil || got.NewDiagnoses == nil || *got.NewDiagnoses != 12 || got.SystematisationRate == nil || *got.SystematisationRate != 0.75 {
			t.Fatalf("diagnoses: %d %s", resp.StatusCode, body)
		}
		if !ob.offerAudited(t, "offer.week", ob.unit, nurse) || !ob.offerAudited(t, "offer.diagnoses", ob.unit, nurse) {
			t.Error("week or diagnoses not audited")
		}
		if resp, body = ob.offerAPI(t, ob.token, http.MethodPut, "/diagnoses", map[string]any{"month": "mars", "new_diagnoses": 1}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Månad: Ange en månad som ÅÅÅÅ-MM.") {
			t.Fatalf("bad month: %d %s", resp.StatusCode, body)
		}

		resp, body = ob.offerAPI(t, ob.token, http.MethodGet, "/tallies?from=2025-01&to="+monthString(today), nil)
		var list apiOfferTallyList
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil || list.UnitID != ob.unit || len(list.Tallies) != 2 {
			t.Fatalf("tallies: %d %s", resp.StatusCode, body)
		}
		stored, err := tenants.NewOfferStore(ob.db).Tallies(context.Background(), ob.region.ID, ob.unit, tenants.NewDate(2025, 1, 1), today)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range stored {
			if want := apiOfferTallyOf(s); !equalTally(list.Tallies[i], want) {
				t.Errorf("tally %d: API %+v, store %+v", i, list.Tallies[i], want)
			}
		}
		if list.Tallies[0].Met != 10 || list.Tallies[1].Met != 1 {
			t.Errorf("tallies: %+v", list.Tallies)
		}
		if resp, body = ob.offerAPI(t, ob.token, http.MethodGet, "/tallies?from=igår", nil); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad from: %d %s", resp.StatusCode, body)
		}

		// The document describes the answer.
		_, raw := ob.get(t, "/api/openapi.json")
		doc, err := openapi3.NewLoader().LoadFromData([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		_, body = ob.offerAPI(t, ob.token, http.MethodGet, "/tallies?from=2025-01", nil)
		var data any
		if err := json.Unmarshal([]byte(body), &data); err != nil {
			t.Fatal(err)
		}
		media := doc.Paths.Find("/api/v1/regions/{region}/offers/tallies").GetOperation(http.MethodGet).Responses.Status(http.StatusOK).Value.Content.Get("application/json")
		if err := media.Schema.Value.VisitJSON(data); err != nil {
			t.Errorf("tallies do not fit their schema: %v\n%s", err, body)
		}

		// Another unit's staff read only their own unit.
		resp, body = ob.offerAPI(t, ob.other.token, http.MethodGet, "/tallies?from=2025-01", nil)
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil || list.UnitID != ob.other.unit || len(list.Tallies) != 0 {
			t.Fatalf("other unit's tallies: %d %s", resp.StatusCode, body)
		}
	})
}

func equalTally(a, b apiOfferTally) bool {
	ptrEq := func(x, y *int) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	rateEq := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Month == b.Month && ptrEq(a.NewDiagnoses, b.NewDiagnoses) && rateEq(a.SystematisationRate, b.SystematisationRate) &&
		a.Met == b.Met && a.Informed == b.Informed && a.Offered == b.Offered && a.Accepted == b.Accepted && a.Declined == b.Declined && a.Undecided == b.Undecided
}
