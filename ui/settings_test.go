package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestSettingsPage: bad values are refused field by field and change
// nothing; good ones are saved and audited.
func TestSettingsPage(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		admin := sb.adminSession(t)
		path := "/r/" + sb.region.Slug + "/admin/settings"
		before, err := sb.tenants.BySlug(ctx, sb.region.Slug)
		if err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name  string
			form  url.Values
			field string
			want  string
		}{
			{"threshold below 3", url.Values{"small_count_threshold": {"2"}}, "small_count_threshold", "Måste vara minst 3."},
			{"threshold not a number", url.Values{"small_count_threshold": {"fem"}}, "small_count_threshold", "Ange ett heltal"},
			{"follow-ups out of order", url.Values{"follow_up_months": {"3, 0"}}, "follow_up_months", "0"},
			{"no name", url.Values{"name": {" "}}, "name", "Måste fyllas i."},
			{"default language not offered", url.Values{"default_language": {"en"}, "languages": {"sv"}}, "default_language", ""},
		} {
			form := url.Values{"name": {"Region Test"}, "default_language": {"sv"}, "languages": {"sv", "en"}}
			for k, v := range tc.form {
				form[k] = v
			}
			resp := sb.post(t, path, form, admin)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tc.field+`-error"`) || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d, or the message at %s is missing", tc.name, resp.StatusCode, tc.field)
			}
		}
		after, err := sb.tenants.BySlug(ctx, sb.region.Slug)
		if err != nil || after.Name != before.Name || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("refused forms changed the region: %+v → %+v (%v)", before, after, err)
		}

		resp := sb.post(t, path, url.Values{"name": {"Region Test"}, "default_language": {"en"}, "languages": {"en"},
			"small_count_threshold": {"7"}, "contact_deadline_days": {"3"}, "follow_up_months": {"0, 3, 6, 12"}, "retention_months": {"36"}, "supervision_interval_weeks": {"2"},
			"meeting_notes": {"1"}, "follow_up_qpr15": {"1"}}, admin)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", resp.StatusCode, readAll(t, resp))
		}
		saved, err := sb.tenants.BySlug(ctx, sb.region.Slug)
		if err != nil {
			t.Fatal(err)
		}
		e := saved.Settings.Effective()
		if saved.Name != "Region Test" || e.SmallCountThreshold != 7 || e.ContactDeadlineDays != 3 || e.RetentionMonths != 36 ||
			e.SupervisionIntervalWeeks != 2 || !slices.Equal(e.FollowUpMonths, []int{0, 3, 6, 12}) || !slices.Equal(e.Languages, []string{"sv", "en"}) || e.DefaultLanguage != "en" ||
			!e.MeetingNotes || !e.SkipPozQoL || e.SkipQPR15 {
			t.Errorf("saved settings: %q %+v", saved.Name, e)
		}
		if rows, err := sb.policy.Audit.Search(ctx, sb.region.ID, tenants.AuditFilter{Action: "region.settings"}); err != nil || len(rows) != 1 {
			t.Errorf("audit rows for the change: %d (%v), want 1", len(rows), err)
		}
	})
}

// TestSettingsAPI: the same rules through the JSON API, and a body with an
// unknown field is refused with a detail instead of being half applied.
func TestSettingsAPI(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		_, token, err := sb.policy.Tokens.Create(context.Background(), sb.region.ID, sb.users[tenants.RoleRegionAdmin].ID, "settings", nil)
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/regions/" + sb.region.Slug + "/settings"
		put := func(body string) (*http.Response, string) {
			req := httptest.NewRequest(http.MethodPut, path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			return sb.do(t, req)
		}
		resp, body := put(`{"name": "Region Test", "small_count_threshold": 2, "follow_up_months": [3]}`)
		e := errorJSON(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 2 {
			t.Fatalf("bad settings: %d %+v", resp.StatusCode, e)
		}
		req := httptest.NewRequest(http.MethodPut, path, strings.NewReader(`{"name": "", "contact_deadline_days": 99}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", "en-GB,en;q=0.9,sv;q=0.5")
		resp, body = sb.do(t, req)
		if e := errorJSON(t, body); resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 2 || !strings.Contains(e.Fields[0].Message+e.Fields[1].Message, "Must") {
			t.Fatalf("English errors: %d %+v", resp.StatusCode, e)
		}
		resp, body = put(`{"name": "Region Test", "small_count": 7}`)
		if e := errorJSON(t, body); resp.StatusCode != http.StatusBadRequest || !strings.Contains(e.Detail, "small_count") {
			t.Fatalf("unknown field: %d %+v", resp.StatusCode, e)
		}
		for _, trailing := range []string{"}", "]", " {}", " x"} {
			resp, body = put(`{"name": "Region Test", "small_count_threshold": 7}` + trailing)
			if e := errorJSON(t, body); resp.StatusCode != http.StatusBadRequest || !strings.Contains(e.Detail, "after the object") {
				t.Errorf("data after the object (%q): %d %+v", trailing, resp.StatusCode, e)
			}
		}
		if region, err := sb.tenants.BySlug(context.Background(), sb.region.Slug); err != nil || region.Settings.Effective().SmallCountThreshold == 7 {
			t.Fatalf("a refused body changed the settings (%v)", err)
		}
		resp, body = put(`{"name": "Region Test", "small_count_threshold": 6, "languages": ["sv"], "skip_qpr15": true}`)
		var got apiSettings
		if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("good settings: %d %s", resp.StatusCode, body)
		}
		if got.SmallCountThreshold != 6 || got.ContactDeadlineDays != tenants.DefaultContactDeadlineDays || !slices.Equal(got.Languages, []string{"sv"}) ||
			got.SkipPozQoL || !got.SkipQPR15 || got.MeetingNotes {
			t.Errorf("answer: %+v", got)
		}
	})
}
