package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/seed"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestSeedCommand: `kamrat seed` over three regions writes exactly the
// participants and meetings asked for, split by population, with the
// dashboards counting what the rows hold and people to sign in as (an API
// token can be made for the administrator); a second run over the same
// regions is refused and changes nothing; bad flags are refused with
// their message.
func TestSeedCommand(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		dbURL := db.Location().URL
		if db.Dialect() == tenants.SQLite {
			dbURL = "sqlite:" + db.Location().Path
		}
		kamrat := func(args ...string) (string, string, int) {
			t.Helper()
			var out, errOut bytes.Buffer
			code := run(ctx, append(args, "--database-url", dbURL), &out, &errOut, func(string) string { return "" })
			return out.String(), errOut.String(), code
		}
		const participants, meetings = 400, 3000
		out, errOut, code := kamrat("seed", "--regions", "3", "--participants", "400", "--meetings", "3000")
		if code != 0 {
			t.Fatalf("seed: code %d\n%s\n%s", code, out, errOut)
		}
		if !strings.Contains(errOut, "region 3/3 sormland") || !strings.Contains(out, "seeded 3 regions") ||
			!strings.Contains(out, "admin@stockholm.seed.example") || !strings.Contains(out, "samordnare.{a…d}@sormland.seed.example") {
			t.Errorf("progress or summary missing:\n%s\n%s", errOut, out)
		}

		// Stockholm, Uppsala, Sörmland: each region's share is its
		// population's, rounded one way or the other, and the shares add
		// up exactly.
		now := time.Now()
		var pop int
		for _, c := range seed.Counties[:3] {
			pop += c.Population
		}
		store := tenants.NewTenantStore(db)
		gotP, gotM := 0, 0
		for _, c := range seed.Counties[:3] {
			region, err := store.BySlug(ctx, c.Slug)
			if err != nil {
				t.Fatalf("%s: %v", c.Slug, err)
			}
			if region.Name != tenants.Counties[c.Code] || region.CountyCode != c.Code {
				t.Errorf("%s: %+v", c.Slug, region)
			}
			p := rowCount(t, db, region.ID, "participants")
			m := rowCount(t, db, region.ID, "meetings")
			for _, x := range []struct {
				what       string
				got, total int
			}{{"participants", p, participants}, {"meetings", m, meetings}} {
				exact := float64(x.total) * float64(c.Population) / float64(pop)
				if float64(x.got) < exact-1 || float64(x.got) > exact+1 {
					t.Errorf("%s: %d %s, its population's share is %.1f", c.Slug, x.got, x.what, exact)
				}
			}
			gotP += p
			gotM += m

			// The dashboard over every quarter seeded counts the rows'
			// referrals.
			def := tenants.DefaultDashboardFilter(now)
			dash, err := tenants.NewDashboardStore(db).Dashboard(ctx, region.ID,
				tenants.DashboardFilter{From: def.To.AddMonths(-3 * (tenants.MaxDashboardQuarters - 1)), To: def.To}, now)
			if err != nil {
				t.Fatal(err)
			}
			if dash.Funnel.Referred != rowCount(t, db, region.ID, "referrals") || dash.Funnel.Referred != p {
				t.Errorf("%s: the dashboard counts %d referrals, the rows %d", c.Slug, dash.Funnel.Referred, p)
			}
		}
		if gotP != participants || gotM != meetings {
			t.Errorf("%d participants and %d meetings in all, want %d and %d", gotP, gotM, participants, meetings)
		}

		// The administrator can be given an API token.
		if out, errOut, code := kamrat("token", "create", "--tenant", "uppsala", "--email", "admin@uppsala.seed.example", "--name", "bench"); code != 0 ||
			!strings.Contains(out, "token") {
			t.Errorf("token: code %d, %s %s", code, out, errOut)
		}

		// The same regions again: refused before anything is written.
		before := totals(t, db)
		out, errOut, code = kamrat("seed", "--regions", "2", "--participants", "400", "--meetings", "3000")
		if code != 2 || !strings.Contains(errOut, "regions stockholm, uppsala already exist") || !strings.Contains(errOut, "nothing was written") {
			t.Errorf("second run: code %d, %q %q", code, out, errOut)
		}
		if after := totals(t, db); after != before {
			t.Errorf("the refused run changed the database: %+v, was %+v", after, before)
		}
		// Beside them with a suffix.
		if out, errOut, code := kamrat("seed", "--regions", "1", "--participants", "20", "--meetings", "0", "--slug-suffix", "b"); code != 0 ||
			!strings.Contains(out, "admin@stockholm-b.seed.example") {
			t.Errorf("with a suffix: code %d, %s %s", code, out, errOut)
		}

		// Bad flags.
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--meetings", "10"}, "--participants is required"},
			{[]string{"--participants", "500"}, "--meetings is required"},
			{[]string{"--regions", "22", "--participants", "500", "--meetings", "10"}, "--regions: 22 is not between 1 and 21"},
			{[]string{"--regions", "3", "--participants", "20", "--meetings", "10"}, "--participants: 20 gives Region Uppsala 2; each region needs at least 10, so at least 101 over 3 regions"},
			{[]string{"--participants", "0", "--meetings", "10"}, "--participants: 0 is not a positive number"},
			{[]string{"--participants", "5000", "--meetings", "-3"}, "--meetings: -3 is negative"},
			{[]string{"--participants", "5000", "--meetings", "3", "--quarters", "41"}, "--quarters: 41 is not between 2 and 40"},
			{[]string{"--participants", "5000", "--meetings", "3", "--slug-suffix", "B!"}, `--slug-suffix: "B!" is not lower-case letters`},
			{[]string{"--participants", "many", "--meetings", "3"}, `invalid value "many" for flag -participants`},
			{[]string{"--participants", "5000", "--meetings", "3", "now"}, `unexpected argument "now"`},
		} {
			out, errOut, code := kamrat(append([]string{"seed"}, c.args...)...)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Errorf("%v: code %d, %q %q; want 2 and %q", c.args, code, out, errOut, c.want)
			}
		}
		if after := totals(t, db); after.regions != before.regions+1 || after.participants != before.participants+20 {
			t.Errorf("after the bad flags: %+v, was %+v and one region of 20 since", after, before)
		}
	})
}

// rowCount counts the region's rows in table.
func rowCount(t *testing.T, db *tenants.DB, tenantID int64, table string) int {
	t.Helper()
	var n int
	err := db.InTenantReadOnly(context.Background(), tenantID, func(tx *tenants.Tx) error {
		return tx.NewRaw("SELECT count(*) FROM "+table+" WHERE tenant_id = ?", tenantID).Scan(context.Background(), &n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// seedTotals are database-wide counts.
type seedTotals struct{ regions, users, participants, meetings int }

func totals(t *testing.T, db *tenants.DB) seedTotals {
	t.Helper()
	ctx := context.Background()
	list, err := tenants.NewTenantStore(db).List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var s seedTotals
	s.regions = len(list)
	for _, r := range list {
		s.participants += rowCount(t, db, r.ID, "participants")
		s.meetings += rowCount(t, db, r.ID, "meetings")
	}
	err = db.InPlatformReadOnly(ctx, func(tx *tenants.Tx) error {
		return tx.NewRaw("SELECT count(*) FROM users").Scan(ctx, &s.users)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
