package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// notificationPageExamples are the inbox with and without notifications.
func notificationPageExamples(base basePage) map[string]page {
	return map[string]page{
		"notifications": notificationsPage{basePage: base, Unread: 1, ReadAllAction: "/r/skane/notifications/read_all", Notifications: []notificationRow{
			{Sentence: "En uppföljning ska göras senast 2027-01-10.", URL: "/r/skane/my/matches/4", When: "2027-01-03 08:00",
				DateTime: "2027-01-03T07:00:00Z", Unread: true, ReadAction: "/r/skane/notifications/2/read"},
			{Sentence: "IOP-överenskommelsen <Stöd> upphör 2027-06-30.", URL: "/r/skane/agreements/1", When: "2027-01-01 08:00",
				DateTime: "2027-01-01T07:00:00Z", ReadAction: "/r/skane/notifications/1/read"},
		}},
		"notifications empty": notificationsPage{basePage: base},
	}
}

// notificationFixtures gives each of sb's users their first notification.
// Notifications are numbered per user, so every caller's first is number
// 1: the walk's one id names each caller's own notification, as a path
// always does.
func notificationFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {
	t.Helper()
	for role, u := range sb.users {
		n := notifyUser(t, sb, u.ID, "fixture", "2027 Q1")
		if n.ID != 1 {
			t.Fatalf("the %s's first notification is number %d, want 1", role, n.ID)
		}
	}
	ids["notifications"] = 1
}

// notifyUser adds a report_ready notification for the period to the
// user's inbox in sb's region.
func notifyUser(t *testing.T, sb *signInBundle, userID int64, key, period string) tenants.Notification {
	t.Helper()
	ctx := context.Background()
	var n tenants.Notification
	if err := sb.db.InTenant(ctx, sb.region.ID, func(tx *tenants.Tx) error {
		var err error
		n, _, err = tenants.NewNotificationStore(sb.db).Notify(ctx, tx, tenants.Notification{
			UserID: userID, Kind: tenants.NotifyReportReady, DedupeKey: key,
			Link: "/r/" + sb.region.Slug + "/reports/" + key, Args: map[string]string{tenants.NotifyArgPeriod: period},
		})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// callerOf is sb's caller (session and token) with the role.
func callerOf(t *testing.T, callers []caller, role tenants.Role) caller {
	t.Helper()
	for _, c := range callers {
		if c.role == role {
			return c
		}
	}
	t.Fatalf("no caller with role %s", role)
	return caller{}
}

// notificationAPI sends an API request as c and returns the status and
// body.
func (sb *signInBundle) notificationAPI(t *testing.T, c caller, method, path string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept-Language", "en")
	resp, body := sb.do(t, req)
	return resp.StatusCode, body
}

// TestNotificationsInbox: a member sees their own notifications, newest
// first, unread ones marked in words; marks one or all read on the page
// and through the API; another user's notification cannot be marked
// (404), nor is it shown.
func TestNotificationsInbox(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		callers := callersFor(t, sb)
		viewer, coordinator := callerOf(t, callers, tenants.RoleViewer), callerOf(t, callers, tenants.RoleOrgCoordinator)
		for i, period := range []string{"2026 Q2", "2026 Q3", "2026 Q4"} {
			if n := notifyUser(t, sb, sb.users[tenants.RoleViewer].ID, "q"+itoa(int64(i)), period); n.ID != int64(i+1) {
				t.Fatalf("viewer's notification %d has number %d", i+1, n.ID)
			}
		}
		notifyUser(t, sb, sb.users[tenants.RoleOrgCoordinator].ID, "q9", "1999 Q1")
		pages := "/r/" + sb.region.Slug + "/notifications"
		api := "/api/v1/regions/" + sb.region.Slug + "/notifications"

		page := func(c caller) string {
			t.Helper()
			resp := sb.send(t, http.MethodGet, pages, c.cookie)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("inbox: %d\n%s", resp.StatusCode, body)
			}
			checkWellFormed(t, body)
			return body
		}
		body := page(viewer)
		q2, q3, q4 := strings.Index(body, "2026 Q2"), strings.Index(body, "2026 Q3"), strings.Index(body, "2026 Q4")
		if q2 < 0 || q3 < 0 || q4 < 0 || !(q4 < q3 && q3 < q2) {
			t.Fatalf("the viewer's inbox lacks a notification or is not newest first (%d %d %d):\n%s", q4, q3, q2, body)
		}
		if !strings.Contains(body, "Kvartalsrapporten för 2026 Q4 är klar") || !strings.Contains(body, `href="/r/`+sb.region.Slug+`/reports/q2"`) {
			t.Errorf("the inbox lacks the sentence or the link:\n%s", body)
		}
		if strings.Contains(body, "1999 Q1") {
			t.Errorf("the viewer sees the coordinator's notification")
		}
		if n := strings.Count(body, "<strong>Oläst</strong>"); n != 3 {
			t.Errorf("%d notifications marked unread in words, want 3", n)
		}

		// Mark the viewer's second read on the page; again is fine.
		for range 2 {
			resp := sb.post(t, pages+"/2/read", nil, viewer.cookie)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != pages {
				t.Fatalf("mark read: %d to %q, want 303 back to the inbox", resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		if n := strings.Count(page(viewer), "<strong>Oläst</strong>"); n != 2 {
			t.Errorf("after marking one read %d are unread, want 2", n)
		}
		// The coordinator has only a first notification: number 3 is none
		// of theirs, and the viewer's stays unread.
		if resp := sb.post(t, pages+"/3/read", nil, coordinator.cookie); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the coordinator marking number 3: %d, want 404", resp.StatusCode)
		}
		if code, body := sb.notificationAPI(t, coordinator, http.MethodPost, api+"/3/read"); code != http.StatusNotFound {
			t.Fatalf("the coordinator marking number 3 through the API: %d, want 404\n%s", code, body)
		}

		// The API list, in the Accept-Language language.
		var list apiNotificationList
		code, raw := sb.notificationAPI(t, viewer, http.MethodGet, api)
		if code != http.StatusOK {
			t.Fatalf("API list: %d\n%s", code, raw)
		}
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			t.Fatal(err)
		}
		if list.UnreadCount != 2 || len(list.Notifications) != 3 {
			t.Fatalf("API list %+v, want 3 notifications, 2 unread", list)
		}
		first, second := list.Notifications[0], list.Notifications[1]
		if first.ID != 3 || first.Kind != "report_ready" || first.Read || first.Args.Period != "2026 Q4" ||
			first.Sentence != "The quarterly report for 2026 Q4 is ready for review." || first.Link != "/r/"+sb.region.Slug+"/reports/q2" {
			t.Errorf("newest notification %+v", first)
		}
		if second.ID != 2 || !second.Read || second.ReadAt == nil {
			t.Errorf("second notification %+v, want read with its time", second)
		}
		if code, raw := sb.notificationAPI(t, viewer, http.MethodGet, api+"?limit=1"); code != http.StatusOK || strings.Count(raw, `"id"`) != 1 {
			t.Errorf("API list with limit 1: %d %s", code, raw)
		}
		if code, _ := sb.notificationAPI(t, viewer, http.MethodGet, api+"?limit=0"); code != http.StatusUnprocessableEntity {
			t.Errorf("API list with limit 0: %d, want 422", code)
		}

		if code, raw := sb.notificationAPI(t, viewer, http.MethodPost, api+"/1/read"); code != http.StatusNoContent {
			t.Fatalf("API mark read: %d %s", code, raw)
		}
		if code, raw := sb.notificationAPI(t, viewer, http.MethodPost, api+"/read_all"); code != http.StatusOK || raw != `{"marked":1}` {
			t.Fatalf("API mark all read: %d %s, want one marked", code, raw)
		}
		if body := page(viewer); strings.Contains(body, "<strong>Oläst</strong>") || strings.Contains(body, "/read_all") {
			t.Errorf("after marking all read the inbox still shows unread ones or the button")
		}
		// The coordinator's own is untouched by all of it, then marked on
		// the page.
		if n, _ := sb.testNotifications().UnreadCount(context.Background(), sb.region.ID, sb.users[tenants.RoleOrgCoordinator].ID); n != 1 {
			t.Fatalf("the coordinator has %d unread, want 1", n)
		}
		if resp := sb.post(t, pages+"/read_all", nil, coordinator.cookie); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("page mark all read: %d", resp.StatusCode)
		}
		if n, _ := sb.testNotifications().UnreadCount(context.Background(), sb.region.ID, sb.users[tenants.RoleOrgCoordinator].ID); n != 0 {
			t.Fatalf("the coordinator has %d unread after marking all, want 0", n)
		}
		if !strings.Contains(page(coordinator), "1999 Q1") {
			t.Errorf("the coordinator's inbox lacks their notification")
		}
	})
}

func (sb *signInBundle) testNotifications() *tenants.NotificationStore {
	return tenants.NewNotificationStore(sb.db)
}

// TestNotificationMail: the e-mail says the sentence in the language
// asked for, links to the notification's place, escapes HTML, and names
// the kind in the subject.
func TestNotificationMail(t *testing.T) {
	t.Parallel()
	tr, err := NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	m := NewNotificationMailer(tr)
	n := tenants.Notification{Kind: tenants.NotifyAgreementEnding, Link: "/r/skane/agreements/1",
		Args: map[string]string{tenants.NotifyArgAgreement: `Stöd <b>"&"</b>`, tenants.NotifyArgDate: "2027-06-30"}}
	url := "https://kamrat.example/r/skane/agreements/1?a=1&b=2"
	for lang, want := range map[string][2]string{
		"sv": {"Kamrat: en överenskommelse upphör", `IOP-överenskommelsen Stöd <b>"&"</b> upphör 2027-06-30.`},
		"en": {"Kamrat: an agreement ends", `The IOP agreement Stöd <b>"&"</b> ends on 2027-06-30.`},
		"de": {"Kamrat: en överenskommelse upphör", `IOP-överenskommelsen Stöd <b>"&"</b> upphör 2027-06-30.`},
	} {
		subject, text, html := m.NotificationEmail(lang, n, url)
		if subject != want[0] {
			t.Errorf("%s subject %q, want %q", lang, subject, want[0])
		}
		if !strings.HasPrefix(text, want[1]+"\n") || !strings.Contains(text, url) {
			t.Errorf("%s text %q, want the sentence and the link", lang, text)
		}
		if strings.Contains(html, "<b>") || !strings.Contains(html, "&lt;b&gt;&#34;&amp;&#34;&lt;/b&gt;") ||
			!strings.Contains(html, `href="https://kamrat.example/r/skane/agreements/1?a=1&amp;b=2"`) {
			t.Errorf("%s HTML not escaped or without the link:\n%s", lang, html)
		}
		if l := map[string]string{"de": "sv"}[lang]; (l == "" && !strings.Contains(html, `lang="`+lang+`"`)) || (l != "" && !strings.Contains(html, `lang="sv"`)) {
			t.Errorf("%s HTML has the wrong lang:\n%s", lang, html)
		}
	}
	// Every kind has its sentence and title in both languages, filled.
	for _, k := range tenants.NotificationKinds {
		args := map[string]string{}
		for _, a := range tenants.NotificationArgs[k] {
			args[a] = "X" + a
		}
		for _, lang := range []string{"sv", "en"} {
			subject, text, _ := m.NotificationEmail(lang, tenants.Notification{Kind: k, Link: "/x", Args: args}, "/x")
			if strings.Contains(subject, "notification.") || strings.Contains(text, "notification.") || strings.Contains(text, "no value") {
				t.Errorf("%s %s: %q / %q", k, lang, subject, text)
			}
			for _, a := range tenants.NotificationArgs[k] {
				if !strings.Contains(text, "X"+a) {
					t.Errorf("%s %s: the sentence %q does not use %s", k, lang, text, a)
				}
			}
		}
	}
}
