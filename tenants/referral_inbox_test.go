package tenants_test

import (
	"context"
	"slices"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestInboxPages: the inbox comes in pages, running referrals first and
// newest first within each part; the pages together are every referral
// of the organisation once, in the order the rows give, with the counts of
// all; another organisation's referrals never appear; sizes are clamped.
func TestInboxPages(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPathwayFixture(t, db)
		var ids []int64 // in the order sent
		for range 7 {
			p := f.participant(t, ahmed())
			r, err := f.refs.Refer(ctx, f.a.ID, f.clinic.ID, f.nurse, p.ID, f.orgA.ID)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		// One referral to B, which A's inbox must not show.
		other := f.participant(t, ahmed())
		if _, err := f.refs.Refer(ctx, f.a.ID, f.clinic.ID, f.nurse, other.ID, f.orgB.ID); err != nil {
			t.Fatal(err)
		}
		// End three of A's: the second and fifth declined, the fourth closed.
		for _, i := range []int{1, 4} {
			if _, err := f.refs.Decline(ctx, f.a.ID, f.orgA.ID, f.coordinator, ids[i], tenants.DeclineNoCapacity); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.refs.Accept(ctx, f.a.ID, f.orgA.ID, f.coordinator, ids[3]); err != nil {
			t.Fatal(err)
		}
		if _, err := f.refs.Close(ctx, f.a.ID, f.orgA.ID, f.coordinator, ids[3], tenants.ClosureNoContact); err != nil {
			t.Fatal(err)
		}

		// The order the rows give: running first, then by created_at and id,
		// newest first.
		var rows []struct {
			ID     int64                  `bun:"id"`
			Status tenants.ReferralStatus `bun:"status"`
		}
		f.raw(t, &rows, "SELECT id, status FROM referrals WHERE tenant_id = ? AND organisation_id = ? ORDER BY created_at DESC, id DESC", f.a.ID, f.orgA.ID)
		var want []int64
		for _, open := range []bool{true, false} {
			for _, r := range rows {
				if r.Status.Open() == open {
					want = append(want, r.ID)
				}
			}
		}
		if len(want) != 7 {
			t.Fatalf("the rows hold %d of A's referrals, want 7", len(want))
		}

		for _, size := range []int{1, 2, 3, 4, 7, 50} {
			var got []int64
			for offset := 0; offset < 10; offset += size {
				page, err := f.refs.Inbox(ctx, f.a.ID, f.orgA.ID, offset, size)
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != 7 || page.Open != 4 {
					t.Fatalf("size %d offset %d: total %d, open %d; want 7 and 4", size, offset, page.Total, page.Open)
				}
				if len(page.Referrals) > size {
					t.Fatalf("size %d offset %d: %d referrals on the page", size, offset, len(page.Referrals))
				}
				for _, r := range page.Referrals {
					if r.OrganisationID != f.orgA.ID || r.Code == "" || r.UnitName != f.clinic.Name || r.Contact != nil {
						t.Fatalf("size %d offset %d: entry %+v", size, offset, r)
					}
					got = append(got, r.ID)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("pages of %d give %v, want %v", size, got, want)
			}
		}

		// No size asked: a page of InboxPageSize; too large: MaxInboxPageSize.
		if page, err := f.refs.Inbox(ctx, f.a.ID, f.orgA.ID, 0, 0); err != nil || len(page.Referrals) != 7 {
			t.Fatalf("default page: %d referrals (%v)", len(page.Referrals), err)
		}
		if page, err := f.refs.Inbox(ctx, f.a.ID, f.orgA.ID, 6, tenants.MaxInboxPageSize+1); err != nil || len(page.Referrals) != 1 || page.Referrals[0].ID != want[6] {
			t.Fatalf("last page with an oversized limit: %+v (%v)", page.Referrals, err)
		}
		if page, err := f.refs.Inbox(ctx, f.a.ID, f.orgB.ID, 0, 0); err != nil || page.Total != 1 || len(page.Referrals) != 1 || page.Referrals[0].ParticipantID != other.ID {
			t.Fatalf("B's inbox: %+v (%v), want its one referral", page, err)
		}
	})
}
