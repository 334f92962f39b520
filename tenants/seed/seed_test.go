package seed_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/seed"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// count runs a count query in the region.
func count(t *testing.T, db *tenants.DB, tenantID int64, query string, args ...any) int {
	t.Helper()
	var n int
	err := db.InTenantReadOnly(context.Background(), tenantID, func(tx *tenants.Tx) error {
		return tx.NewRaw(query, append([]any{tenantID}, args...)...).Scan(context.Background(), &n)
	})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestSeed seeds two small regions into one database and checks them
// against the rows: exactly the participants and meetings asked for, ids
// that do not collide, meetings never after their match's end or today,
// a skewed number of meetings per match, the dashboard's funnel equal to
// the counts from the rows, and people to sign in as. Seeding a slug
// again is refused and writes nothing.
func TestSeed(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		now := time.Now()
		a, err := seed.Seed(ctx, db, seed.Region{Slug: "alfa", Name: "Region Alfa", CountyCode: "12",
			Participants: 400, Meetings: 3000, Organisations: 4, PeersPerOrganisation: 8}, seed.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		b, err := seed.Seed(ctx, db, seed.Region{Slug: "beta", Name: "Region Beta", CountyCode: "01",
			Participants: 150, Meetings: 40, Quarters: 4, Organisations: 5, PeersPerOrganisation: 6},
			seed.Options{Now: now, Progress: func(p seed.Progress) { steps = append(steps, p.Step) }})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(steps, ","), "meetings") {
			t.Errorf("progress steps %v: no meetings", steps)
		}

		for _, c := range []struct {
			res                    seed.Result
			participants, meetings int
			units, orgs            int
		}{{a, 400, 3000, 12, 4}, {b, 150, 40, 15, 5}} {
			id := c.res.Region.ID
			for _, q := range []struct {
				what  string
				query string
				want  int
			}{
				{"participants", "SELECT count(*) FROM participants WHERE tenant_id = ?", c.participants},
				{"referrals", "SELECT count(*) FROM referrals WHERE tenant_id = ?", c.participants},
				{"meetings", "SELECT count(*) FROM meetings WHERE tenant_id = ?", c.meetings},
				{"units", "SELECT count(*) FROM units WHERE tenant_id = ?", c.units},
				{"organisations", "SELECT count(*) FROM organisations WHERE tenant_id = ?", c.orgs},
				{"memberships", "SELECT count(*) FROM memberships WHERE tenant_id = ?", 2 + c.orgs},
				// every meeting within its match and up to today
				{"meetings after their match's end", `SELECT count(*) FROM meetings AS m JOIN matches AS x
					ON x.tenant_id = m.tenant_id AND x.id = m.match_id
					WHERE m.tenant_id = ? AND (m.held_on < x.started_on OR (x.ended_at IS NOT NULL AND m.held_on > x.ended_at))`, 0},
				{"meetings after today", "SELECT count(*) FROM meetings WHERE tenant_id = ? AND held_on > ?", 0},
				{"referrals sent after now", "SELECT count(*) FROM referrals WHERE tenant_id = ? AND created_at > ?", 0},
			} {
				var args []any
				switch q.what {
				case "meetings after today":
					args = []any{c.res.Today}
				case "referrals sent after now":
					args = []any{now.UTC()}
				}
				if n := count(t, db, id, q.query, args...); n != q.want {
					t.Errorf("%s: %s: %d, want %d", c.res.Region.Slug, q.what, n, q.want)
				}
			}
			if c.res.Referrals != c.participants || c.res.Meetings != c.meetings || c.res.Rows < int64(c.participants+c.meetings) {
				t.Errorf("%s: result %+v", c.res.Region.Slug, c.res)
			}
			if len(c.res.Users) != 2+c.orgs || c.res.Users[0].Email != "admin@"+c.res.Region.Slug+".seed.example" ||
				c.res.Users[2].Email != "samordnare.a@"+c.res.Region.Slug+".seed.example" {
				t.Errorf("%s: users %+v", c.res.Region.Slug, c.res.Users)
			}
			checkDashboard(t, db, c.res, now)
		}

		// Every referral is sent on a working day.
		var created []time.Time
		err = db.InTenantReadOnly(ctx, a.Region.ID, func(tx *tenants.Tx) error {
			return tx.NewRaw("SELECT created_at FROM referrals WHERE tenant_id = ?", a.Region.ID).Scan(ctx, &created)
		})
		if err != nil {
			t.Fatal(err)
		}
		sthlm, _ := time.LoadLocation("Europe/Stockholm")
		for _, at := range created {
			if d := tenants.DateOf(at.In(sthlm)); !tenants.IsWorkingDay(d) {
				t.Fatalf("a referral sent on %s, not a working day", d)
			}
		}

		// Meetings per match: many short supports, a tail of long ones.
		var perMatch []int
		err = db.InTenantReadOnly(ctx, a.Region.ID, func(tx *tenants.Tx) error {
			return tx.NewRaw(`SELECT count(m.id) FROM matches AS x LEFT JOIN meetings AS m ON m.tenant_id = x.tenant_id AND m.match_id = x.id
				WHERE x.tenant_id = ? GROUP BY x.id`, a.Region.ID).Scan(ctx, &perMatch)
		})
		if err != nil {
			t.Fatal(err)
		}
		short, long, total := 0, 0, 0
		for _, n := range perMatch {
			total += n
			if n <= 3 {
				short++
			}
			if n >= 25 {
				long++
			}
		}
		if len(perMatch) != a.Matches || total != 3000 || short < len(perMatch)/5 || long == 0 || long > len(perMatch)/6 {
			t.Errorf("meetings per match: %d matches (%d reported), %d meetings, %d with at most 3, %d with 25 or more",
				len(perMatch), a.Matches, total, short, long)
		}

		// The same slug again: refused, nothing written.
		before := count(t, db, a.Region.ID, "SELECT count(*) FROM participants WHERE tenant_id = ?")
		regions, err := tenants.NewTenantStore(db).List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = seed.Seed(ctx, db, seed.Region{Slug: "alfa", Name: "Region Alfa", CountyCode: "12", Participants: 50, Meetings: 10},
			seed.Options{Now: now})
		if !errors.Is(err, seed.ErrRegionExists) {
			t.Fatalf("seeding alfa again: %v, want ErrRegionExists", err)
		}
		after, err := tenants.NewTenantStore(db).List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(regions) || count(t, db, a.Region.ID, "SELECT count(*) FROM participants WHERE tenant_id = ?") != before {
			t.Errorf("the refused seed wrote: %d regions (were %d)", len(after), len(regions))
		}

		// A region too short to hold a pathway: refused, nothing written.
		_, err = seed.Seed(ctx, db, seed.Region{Slug: "gamma", Name: "Region Gamma", CountyCode: "09", Participants: 10, Meetings: 10,
			Quarters: 1}, seed.Options{Now: now})
		if err == nil || !strings.Contains(err.Error(), "quarters") {
			t.Errorf("one quarter: %v", err)
		}
		if _, err := tenants.NewTenantStore(db).BySlug(ctx, "gamma"); !errors.Is(err, tenants.ErrNotFound) {
			t.Errorf("gamma after a refused seed: %v", err)
		}
	})
}

// checkDashboard compares the dashboard's funnel over every quarter seeded
// with the counts from the rows.
func checkDashboard(t *testing.T, db *tenants.DB, res seed.Result, now time.Time) {
	t.Helper()
	ctx := context.Background()
	def := tenants.DefaultDashboardFilter(now)
	f := tenants.DashboardFilter{From: res.Start, To: def.To}
	dash, err := tenants.NewDashboardStore(db).Dashboard(ctx, res.Region.ID, f, now)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Region.ID
	want := tenants.DashboardFunnel{
		Referred:  count(t, db, id, "SELECT count(*) FROM referrals WHERE tenant_id = ?"),
		Contacted: count(t, db, id, "SELECT count(*) FROM referrals WHERE tenant_id = ? AND first_contact_on IS NOT NULL"),
		Matched: count(t, db, id, `SELECT count(DISTINCT referral_id) FROM referral_events
			WHERE tenant_id = ? AND to_status = 'matched'`),
		ThreeMeetings: count(t, db, id, `SELECT count(*) FROM (SELECT x.referral_id FROM meetings AS m
			JOIN matches AS x ON x.tenant_id = m.tenant_id AND x.id = m.match_id
			WHERE m.tenant_id = ? GROUP BY x.referral_id HAVING count(*) >= 3) AS r`),
	}
	got := dash.Funnel
	if got.Referred != want.Referred || got.Contacted != want.Contacted || got.Matched != want.Matched || got.ThreeMeetings != want.ThreeMeetings {
		t.Errorf("%s: the dashboard's funnel %+v, the rows' %+v", res.Region.Slug, got, want)
	}
	if want.Matched == 0 || want.Referred != res.Referrals {
		t.Errorf("%s: %d referrals, %d matched", res.Region.Slug, want.Referred, want.Matched)
	}
}

// TestCanAnalyze: the schema owner may analyse the tables, the
// application role on PostgreSQL may not; on SQLite anyone may.
func TestCanAnalyze(t *testing.T) {
	for _, d := range []tenants.Dialect{tenants.SQLite, tenants.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			app, owner := tenanttest.OpenWithOwner(t, d)
			ctx := context.Background()
			for _, c := range []struct {
				name string
				db   *tenants.DB
				want bool
			}{{"app", app, d == tenants.SQLite}, {"owner", owner, true}} {
				got, err := seed.CanAnalyze(ctx, c.db)
				if err != nil || got != c.want {
					t.Errorf("%s: %v, %v; want %v", c.name, got, err, c.want)
				}
			}
		})
	}
}
