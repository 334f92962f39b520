package tenants_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// notifyFixture is a region with two members, and another region where
// the first of them is a member too.
type notifyFixture struct {
	db         *tenants.DB
	store      *tenants.NotificationStore
	a, b       tenants.Tenant
	anna, bo   int64 // members of a; anna also of b
	outsider   int64 // a user with no membership in a
	identities *tenants.IdentityStore
}

func newNotifyFixture(t *testing.T, db *tenants.DB) notifyFixture {
	t.Helper()
	ctx := context.Background()
	f := notifyFixture{db: db, store: tenants.NewNotificationStore(db), a: tenanttest.Tenant(t, db), b: tenanttest.Tenant(t, db),
		identities: tenants.NewIdentityStore(db)}
	for _, u := range []struct {
		dst     *int64
		email   string
		regions []int64
	}{{&f.anna, "anna@region.se", []int64{f.a.ID, f.b.ID}}, {&f.bo, "bo@region.se", []int64{f.a.ID}}, {&f.outsider, "ut@region.se", nil}} {
		user, err := f.identities.CreateUser(ctx, tenants.User{Email: u.email, DisplayName: u.email})
		if err != nil {
			t.Fatal(err)
		}
		*u.dst = user.ID
		for _, r := range u.regions {
			if _, err := f.identities.SetMembership(ctx, r, tenants.Membership{UserID: user.ID, Role: tenants.RoleViewer}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return f
}

// notify runs Notify in its own committed transaction of region.
func (f notifyFixture) notify(t *testing.T, region int64, n tenants.Notification) (tenants.Notification, bool, error) {
	t.Helper()
	var got tenants.Notification
	var created bool
	err := f.db.InTenant(context.Background(), region, func(tx *tenants.Tx) error {
		var err error
		got, created, err = f.store.Notify(context.Background(), tx, n)
		return err
	})
	return got, created, err
}

func reportReady(user int64, key string) tenants.Notification {
	return tenants.Notification{UserID: user, Kind: tenants.NotifyReportReady, DedupeKey: key,
		Link: "/r/x/reports/1", Args: map[string]string{tenants.NotifyArgPeriod: "2027 Q1"}}
}

// TestNotifyIsIdempotent: the same dedupe key for the same user is stored
// once, however often it is notified; the user's notifications are
// numbered from 1 and listed newest first; another user's numbering is
// their own.
func TestNotifyIsIdempotent(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		f := newNotifyFixture(t, db)
		ctx := context.Background()
		at := time.Date(2027, 4, 1, 6, 0, 0, 0, time.UTC)
		first := reportReady(f.anna, "report_ready:2027Q1")
		first.CreatedAt = at
		got, created, err := f.notify(t, f.a.ID, first)
		if err != nil || !created {
			t.Fatalf("first Notify: created %v, %v", created, err)
		}
		if got.ID != 1 || got.TenantID != f.a.ID || !got.CreatedAt.Equal(at) || !got.Unread() {
			t.Fatalf("first notification %+v, want id 1 in region a, created at the caller's time, unread", got)
		}
		again := first
		again.Link = "/r/x/elsewhere"
		dup, created, err := f.notify(t, f.a.ID, again)
		if err != nil || created || dup.ID != 1 || dup.Link != first.Link {
			t.Fatalf("second Notify with the same key: %+v created %v, %v; want the first one back, not created", dup, created, err)
		}
		// Twice in one transaction is also stored once.
		if err := db.InTenant(ctx, f.a.ID, func(tx *tenants.Tx) error {
			for i, want := range []bool{true, false} {
				_, created, err := f.store.Notify(ctx, tx, reportReady(f.anna, "report_ready:2027Q2"))
				if err != nil || created != want {
					t.Errorf("Notify %d in one transaction: created %v (%v), want %v", i, created, err, want)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// The same key for another user is that user's own first.
		bos, created, err := f.notify(t, f.a.ID, reportReady(f.bo, "report_ready:2027Q1"))
		if err != nil || !created || bos.ID != 1 {
			t.Fatalf("Bo's notification %+v created %v, %v; want Bo's number 1", bos, created, err)
		}

		list, err := f.store.List(ctx, f.a.ID, f.anna, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != 2 || list[1].ID != 1 || list[1].Args[tenants.NotifyArgPeriod] != "2027 Q1" {
			t.Fatalf("Anna's list %+v, want ids 2 and 1 with their args", list)
		}
		var rows int
		if err := db.InTenantReadOnly(ctx, f.a.ID, func(tx *tenants.Tx) error {
			n, err := tx.NewSelect().Model((*tenants.Notification)(nil)).Where("tenant_id = ?", f.a.ID).Count(ctx)
			rows = int(n)
			return err
		}); err != nil || rows != 3 {
			t.Fatalf("region a holds %d notifications (%v), want 3", rows, err)
		}
		if list, err := f.store.List(ctx, f.a.ID, f.anna, 1); err != nil || len(list) != 1 || list[0].ID != 2 {
			t.Fatalf("List with limit 1: %+v, %v", list, err)
		}
	})
}

// TestNotificationScope: a user sees, counts and marks only their own
// notifications in the region; another user's id, or the same user's
// notification in another region, is not found and stays unread.
func TestNotificationScope(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		f := newNotifyFixture(t, db)
		ctx := context.Background()
		for _, key := range []string{"k1", "k2", "k3"} {
			if _, _, err := f.notify(t, f.a.ID, reportReady(f.bo, key)); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := f.notify(t, f.a.ID, reportReady(f.anna, "k1")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.notify(t, f.b.ID, reportReady(f.anna, "b1")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.notify(t, f.b.ID, reportReady(f.anna, "b2")); err != nil {
			t.Fatal(err)
		}

		list, err := f.store.List(ctx, f.a.ID, f.anna, 0)
		if err != nil || len(list) != 1 || list[0].DedupeKey != "k1" || list[0].UserID != f.anna {
			t.Fatalf("Anna's list in a: %+v, %v; want only her own one", list, err)
		}
		// Bo's notification 3 is no notification of Anna's.
		if err := f.store.MarkRead(ctx, f.a.ID, f.anna, 3); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("Anna marking id 3 (Bo's): %v, want ErrNotFound", err)
		}
		// Anna's notification 2 lives in region b only.
		if err := f.store.MarkRead(ctx, f.a.ID, f.anna, 2); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("Anna marking id 2 in a (hers in b): %v, want ErrNotFound", err)
		}
		if n, err := f.store.UnreadCount(ctx, f.a.ID, f.bo); err != nil || n != 3 {
			t.Fatalf("Bo's unread %d (%v), want 3: nobody else marks his", n, err)
		}
		if n, err := f.store.UnreadCount(ctx, f.b.ID, f.anna); err != nil || n != 2 {
			t.Fatalf("Anna's unread in b %d (%v), want 2", n, err)
		}

		// Marking her own: once and again, both fine.
		for range 2 {
			if err := f.store.MarkRead(ctx, f.a.ID, f.anna, 1); err != nil {
				t.Fatalf("Anna marking her own: %v", err)
			}
		}
		if n, _ := f.store.UnreadCount(ctx, f.a.ID, f.anna); n != 0 {
			t.Fatalf("Anna's unread in a %d, want 0", n)
		}
		if n, _ := f.store.UnreadCount(ctx, f.a.ID, f.bo); n != 3 {
			t.Fatalf("Bo's unread %d after Anna marked her 1, want 3", n)
		}
		if list, _ := f.store.List(ctx, f.a.ID, f.bo, 0); list[2].ID != 1 || !list[2].Unread() {
			t.Fatalf("Bo's number 1 %+v, want unread", list[2])
		}

		// Mark all: the user's in the region only.
		if n, err := f.store.MarkAllRead(ctx, f.b.ID, f.anna); err != nil || n != 2 {
			t.Fatalf("MarkAllRead in b: %d, %v; want 2", n, err)
		}
		if n, _ := f.store.UnreadCount(ctx, f.a.ID, f.bo); n != 3 {
			t.Fatalf("Bo's unread %d after Anna's mark-all, want 3", n)
		}
		if n, err := f.store.MarkAllRead(ctx, f.a.ID, f.bo); err != nil || n != 3 {
			t.Fatalf("Bo's MarkAllRead: %d, %v; want 3", n, err)
		}
		if list, _ := f.store.List(ctx, f.a.ID, f.bo, 0); list[0].Unread() || list[0].ReadAt == nil {
			t.Fatalf("Bo's newest %+v, want read", list[0])
		}
	})
}

// TestNotifyRefusals: a bad kind, link, key or args, or a user who is no
// member of the region, is refused and stores nothing.
func TestNotifyRefusals(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		f := newNotifyFixture(t, db)
		ctx := context.Background()
		for _, tc := range []struct {
			name, field, key string
			change           func(*tenants.Notification)
		}{
			{"unknown kind", "kind", "validation.choice", func(n *tenants.Notification) { n.Kind = "birthday" }},
			{"absolute link", "link", "validation.invalid", func(n *tenants.Notification) { n.Link = "https://evil.example/x" }},
			{"other host", "link", "validation.invalid", func(n *tenants.Notification) { n.Link = "//evil.example/x" }},
			{"backslash", "link", "validation.invalid", func(n *tenants.Notification) { n.Link = `/\evil.example` }},
			{"no link", "link", "validation.invalid", func(n *tenants.Notification) { n.Link = "" }},
			{"no key", "dedupe_key", "validation.required", func(n *tenants.Notification) { n.DedupeKey = " " }},
			{"missing arg", "args.Period", "validation.required", func(n *tenants.Notification) { n.Args = nil }},
			{"unknown arg", "args.Code", "validation.choice", func(n *tenants.Notification) { n.Args["Code"] = "K-7QX2" }},
			{"multi-line arg", "args.Period", "validation.single_line", func(n *tenants.Notification) { n.Args[tenants.NotifyArgPeriod] = "a\nb" }},
			{"no user", "user_id", "validation.required", func(n *tenants.Notification) { n.UserID = 0 }},
		} {
			n := reportReady(f.anna, "refused")
			tc.change(&n)
			_, created, err := f.notify(t, f.a.ID, n)
			var v *tenants.ValidationError
			if !errors.As(err, &v) || created || !notifyHasField(v, tc.field, tc.key) {
				t.Errorf("%s: created %v, %v; want a ValidationError on %s (%s)", tc.name, created, err, tc.field, tc.key)
			}
		}
		if _, _, err := f.notify(t, f.a.ID, reportReady(f.outsider, "x")); !errors.Is(err, tenants.ErrNotFound) {
			t.Errorf("notifying a non-member: %v, want ErrNotFound", err)
		}
		if err := db.InPlatform(ctx, func(tx *tenants.Tx) error {
			_, _, err := f.store.Notify(ctx, tx, reportReady(f.anna, "x"))
			if !errors.Is(err, tenants.ErrNoTenant) {
				t.Errorf("Notify without a tenant: %v, want ErrNoTenant", err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if list, _ := f.store.List(ctx, f.a.ID, f.anna, 0); len(list) != 0 {
			t.Fatalf("refusals stored %+v", list)
		}
		for _, k := range tenants.NotificationKinds {
			if _, ok := tenants.NotificationArgs[k]; !ok {
				t.Errorf("kind %s has no args listed", k)
			}
		}
	})
}

// TestNotificationRecipient: the address and the region's language, and
// whether the user may be e-mailed at all.
func TestNotificationRecipient(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		f := newNotifyFixture(t, db)
		ctx := context.Background()
		regions := tenants.NewTenantStore(db)
		if _, err := regions.UpdateSettings(ctx, f.b.ID, f.b.Name, tenants.TenantSettings{DefaultLanguage: "en"}); err != nil {
			t.Fatal(err)
		}
		if err := f.identities.SetMemberDisabled(ctx, f.a.ID, f.bo, true); err != nil {
			t.Fatal(err)
		}
		recipient := func(region, user int64) (tenants.NotificationRecipient, error) {
			var r tenants.NotificationRecipient
			err := db.InTenant(ctx, region, func(tx *tenants.Tx) error {
				var err error
				r, err = f.store.Recipient(ctx, tx, user)
				return err
			})
			return r, err
		}
		for _, tc := range []struct {
			region, user int64
			want         tenants.NotificationRecipient
		}{
			{f.a.ID, f.anna, tenants.NotificationRecipient{Email: "anna@region.se", Active: true, Language: "sv"}},
			{f.b.ID, f.anna, tenants.NotificationRecipient{Email: "anna@region.se", Active: true, Language: "en"}},
			{f.a.ID, f.bo, tenants.NotificationRecipient{Email: "bo@region.se", Active: false, Language: "sv"}},
		} {
			if got, err := recipient(tc.region, tc.user); err != nil || got != tc.want {
				t.Errorf("Recipient(%d, %d) = %+v, %v; want %+v", tc.region, tc.user, got, err, tc.want)
			}
		}
		if err := f.identities.SetDisabled(ctx, f.anna, true); err != nil {
			t.Fatal(err)
		}
		if got, err := recipient(f.a.ID, f.anna); err != nil || got.Active {
			t.Errorf("a disabled user: %+v, %v; want inactive", got, err)
		}
		if _, err := recipient(f.a.ID, f.outsider); !errors.Is(err, tenants.ErrNotFound) {
			t.Errorf("a non-member: %v, want ErrNotFound", err)
		}
	})
}

func notifyHasField(v *tenants.ValidationError, field, key string) bool {
	for _, f := range v.Fields {
		if f.Field == field && f.Key == key {
			return true
		}
	}
	return false
}
