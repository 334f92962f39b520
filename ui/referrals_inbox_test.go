package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestInboxIsPaged: an organisation with more referrals than a page sees
// the inbox page by page, on the page (?page=, with previous/next links
// and the counts in the caption) and in the API (?offset=&limit=, with
// the counts); together the pages list each referral once; the list
// audit names only the referrals shown; bad paging is refused by name.
func TestInboxIsPaged(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		rb := setupReferrals(t, db)
		ctx := context.Background()
		refs := rb.cfgReferrals(t)
		const n = tenants.InboxPageSize + 3
		codes := map[string]bool{}
		for range n {
			p := tenants.NewParticipant{TargetGroup: tenants.TargetHIV, Language: "sv",
				Consent: tenants.ConsentScopes{FollowUp: true, ExpiresOn: todayInSweden().AddMonths(6)}}
			participant, _, err := refs.RegisterAndRefer(ctx, rb.region.ID, rb.unit, rb.users[tenants.RoleClinicStaff].ID, p, rb.org)
			if err != nil {
				t.Fatal(err)
			}
			codes[participant.Code] = true
		}
		codeIn := regexp.MustCompile(`<a href="/r/[^"]+/org/referrals/\d+">([A-Z0-9]+)</a>`)

		// The page: two pages of the inbox.
		seen := map[string]bool{}
		status, first := rb.page(t, rb.orgPages, rb.coordinator)
		if status != http.StatusOK {
			t.Fatalf("inbox: %d", status)
		}
		if !strings.Contains(first, "Remisser 1–50 av 53 (53 pågående)") || !strings.Contains(first, `href="`+rb.orgPages+`?page=2" rel="next"`) || strings.Contains(first, `rel="prev"`) {
			t.Fatalf("first page lacks its caption or links:\n%s", first)
		}
		for _, m := range codeIn.FindAllStringSubmatch(first, -1) {
			seen[m[1]] = true
		}
		status, second := rb.page(t, rb.orgPages+"?page=2", rb.coordinator)
		if status != http.StatusOK || !strings.Contains(second, "Remisser 51–53 av 53") || !strings.Contains(second, `href="`+rb.orgPages+`?page=1" rel="prev"`) || strings.Contains(second, `rel="next"`) {
			t.Fatalf("second page: %d\n%s", status, second)
		}
		onSecond := codeIn.FindAllStringSubmatch(second, -1)
		for _, m := range onSecond {
			if seen[m[1]] {
				t.Errorf("%s is on both pages", m[1])
			}
			seen[m[1]] = true
		}
		if len(seen) != n || len(onSecond) != 3 {
			t.Fatalf("the pages list %d referrals (%d on the second), want %d", len(seen), len(onSecond), n)
		}
		for c := range seen {
			if !codes[c] {
				t.Errorf("the inbox lists %s, not one of the organisation's", c)
			}
		}
		// The list's audit entry names the three on the page it showed.
		lists := rb.audited(t, "participant.list")
		if len(lists) == 0 || len(strings.Fields(strings.TrimPrefix(lists[0].Subject, "participants "))) != 3 {
			t.Fatalf("last list audit: %+v", lists[:min(1, len(lists))])
		}
		if status, body := rb.page(t, rb.orgPages+"?page=0", rb.coordinator); status != http.StatusUnprocessableEntity || !strings.Contains(body, "Måste vara mellan 1 och 1000000") {
			t.Errorf("page 0: %d\n%s", status, body)
		}

		// The API: offset and limit, and the counts.
		var got []string
		for offset := 0; offset < n; offset += 20 {
			resp, body := rb.call(t, rb.token, http.MethodGet, rb.orgAPI+"?limit=20&offset="+itoa(int64(offset)), nil)
			var list apiInboxList
			if err := json.Unmarshal([]byte(body), &list); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("API offset %d: %d %v\n%s", offset, resp.StatusCode, err, body)
			}
			if list.Total != n || list.Open != n || list.Offset != offset || list.Limit != 20 || len(list.Referrals) != min(20, n-offset) {
				t.Fatalf("API offset %d: total %d open %d offset %d limit %d, %d listed", offset, list.Total, list.Open, list.Offset, list.Limit, len(list.Referrals))
			}
			for _, r := range list.Referrals {
				got = append(got, r.Code)
			}
		}
		for _, c := range got {
			if !codes[c] {
				t.Errorf("API lists %s, not one of the organisation's", c)
			}
			delete(codes, c)
		}
		if len(got) != n || len(codes) != 0 {
			t.Errorf("API pages list %d referrals, %d of the organisation's missing", len(got), len(codes))
		}
		for query, field := range map[string]string{"?limit=0": "limit", "?limit=501": "limit", "?limit=x": "limit", "?offset=-1": "offset", "?offset=1.5": "offset"} {
			resp, body := rb.call(t, rb.token, http.MethodGet, rb.orgAPI+query, nil)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"`+field+`"`) {
				t.Errorf("API %s: %d %s, want 422 naming %s", query, resp.StatusCode, body, field)
			}
		}
	})
}
