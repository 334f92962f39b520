package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/seed"
)

// runSeed fills the database with national-scale test data: up to all 21
// regions, each with its clinics, organisations, peers and a realistic
// pathway (see package tenants/seed), the participants and meetings split
// over the regions by population. Each region is written in one
// transaction; a region whose slug exists is refused before anything is
// written. Progress goes to errOut, the summary and the people to sign in
// as to out.
func runSeed(ctx context.Context, args []string, out, errOut io.Writer, getenv env) error {
	fs := newFlagSet("seed", out)
	var dbf databaseFlags
	dbf.register(fs)
	var ownerURL string
	fs.StringVar(&ownerURL, "migration-database-url", "",
		"database URL of the schema owner, to seed as (default: --database-url); on PostgreSQL the owner may analyse the tables as they fill, which halves the time")
	fs.fromEnv("migration-database-url", "KAMRAT_MIGRATION_DATABASE_URL")
	var n seed.National
	fs.IntVar(&n.Regions, "regions", len(seed.Counties), fmt.Sprintf("how many regions, 1–%d, in county code order (01 Stockholm, 03 Uppsala, …)", len(seed.Counties)))
	fs.IntVar(&n.Participants, "participants", 0, "participants (one referral each) in all, split over the regions by population (required)")
	fs.IntVar(&n.Meetings, "meetings", 0, "meetings in all, split over the regions by population (required)")
	fs.IntVar(&n.Quarters, "quarters", tenants.MaxDashboardQuarters, fmt.Sprintf("quarters up to today the data spans, %d–%d", seed.MinQuarters, seed.MaxQuarters))
	fs.StringVar(&n.SlugSuffix, "slug-suffix", "", `added to every region's slug and e-mail domain ("stockholm-b"), to seed a second set beside the first`)
	var verbose bool
	fs.BoolVar(&verbose, "v", false, "print every step of every region with its rows and time")
	if err := fs.parse(args, getenv); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (run with -h for help)", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, name := range []string{"participants", "meetings"} {
		if !given[name] {
			return usagef("--%s is required, e.g. kamrat seed --regions 21 --participants 120000 --meetings 1000000", name)
		}
	}
	regions, err := n.Plan()
	if err != nil {
		return usageError{err.Error()}
	}
	if ownerURL != "" {
		dbf.url = ownerURL
	}
	db, err := openMigrated(ctx, dbf, fs)
	if err != nil {
		return err
	}
	defer db.Close()

	// Refuse before writing anything if any slug is taken.
	store := tenants.NewTenantStore(db)
	var taken []string
	for _, r := range regions {
		_, err := store.BySlug(ctx, r.Slug)
		switch {
		case err == nil:
			taken = append(taken, r.Slug)
		case !errors.Is(err, tenants.ErrNotFound):
			return err
		}
	}
	if len(taken) > 0 {
		return usagef("%s already exist in %s; nothing was written (seed another set beside them with --slug-suffix, e.g. --slug-suffix b)",
			regionList(taken), db.Location())
	}

	if ok, err := seed.CanAnalyze(ctx, db); err != nil {
		return err
	} else if !ok {
		fmt.Fprintln(errOut, "note: this role may not ANALYZE the tables, so PostgreSQL checks foreign keys on a poor plan while a region fills: "+
			"seeding as the schema owner (--migration-database-url / KAMRAT_MIGRATION_DATABASE_URL) takes about half the time")
	}
	var work, done int64
	for _, r := range regions {
		work += expectedRows(r)
	}
	fmt.Fprintf(errOut, "seeding %d regions into %s: %d participants, %d meetings over %d quarters\n",
		len(regions), db.Location(), n.Participants, n.Meetings, n.Quarters)
	start := time.Now()
	var results []seed.Result
	var rows int64
	for i, r := range regions {
		lastLine := time.Now()
		res, err := seed.Seed(ctx, db, r, seed.Options{Progress: func(p seed.Progress) {
			if verbose {
				fmt.Fprintf(errOut, "  %s: %s, %s rows in %s\n", r.Slug, p.Step, groupDigits(p.Rows), p.Took.Round(time.Millisecond))
				return
			}
			if time.Since(lastLine) < 5*time.Second {
				return
			}
			lastLine = time.Now()
			fmt.Fprintf(errOut, "  %s: %s written, %s rows so far in the region, %s elapsed\n",
				r.Slug, p.Step, groupDigits(p.RegionRows), roundDuration(time.Since(start)))
		}})
		if err != nil {
			kept := "nothing was written"
			if i > 0 {
				kept = fmt.Sprintf("the %d regions before it are seeded and stay", i)
			}
			if errors.Is(err, seed.ErrCountsPending) {
				return fmt.Errorf("region %d/%d %s: %w", i+1, len(regions), r.Slug, err)
			}
			if errors.Is(err, seed.ErrRegionExists) {
				return usagef("region %d/%d %s: it was created meanwhile; it is left as it is, %s", i+1, len(regions), r.Slug, kept)
			}
			return fmt.Errorf("region %d/%d %s: %w (its transaction was rolled back; %s)", i+1, len(regions), r.Slug, err, kept)
		}
		results = append(results, res)
		rows += res.Rows
		done += expectedRows(r)
		elapsed := time.Since(start)
		left := ""
		if done < work {
			left = ", about " + roundDuration(time.Duration(float64(elapsed)*float64(work-done)/float64(done))).String() + " left"
		}
		fmt.Fprintf(errOut, "region %d/%d %s: %d participants, %d meetings, %s rows in %s (counts %s); %s rows, %s elapsed%s\n",
			i+1, len(regions), r.Slug, r.Participants, r.Meetings, groupDigits(res.Rows), roundDuration(res.Seeded), roundDuration(res.Built),
			groupDigits(rows), roundDuration(elapsed), left)
	}
	took := time.Since(start)

	fmt.Fprintf(out, "seeded %d regions into %s: %d participants, %d meetings, %d rows in %s (%.0f rows/s)\n",
		len(results), db.Location(), n.Participants, n.Meetings, rows, roundDuration(took), float64(rows)/took.Seconds())
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REGION\tPARTICIPANTS\tMEETINGS\tMATCHES\tROWS\tTIME\tSIGN IN AS")
	for _, res := range results {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\n", res.Region.Slug, res.Referrals, res.Meetings, res.Matches, res.Rows,
			roundDuration(res.Seeded+res.Built), people(res.Users))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(results) > 0 {
		fmt.Fprintf(out, "for an API token: kamrat token create --tenant %s --email %s --name benchmark\n",
			results[0].Region.Slug, results[0].Users[0].Email)
	}
	return nil
}

// expectedRows estimates the rows a region's seed writes, for the time
// left: about thirteen per participant (participant, referral, their
// history, contact attempts, matches, follow-ups, scores) and one per
// meeting.
func expectedRows(r seed.Region) int64 { return 13*int64(r.Participants) + int64(r.Meetings) }

// people lists the addresses to sign in as: the administrator, the viewer
// and the coordinators, these as one pattern.
func people(users []seed.User) string {
	var parts, letters []string
	domain := ""
	for _, u := range users {
		if u.Role == tenants.RoleOrgCoordinator {
			local, dom, _ := strings.Cut(u.Email, "@")
			letters = append(letters, strings.TrimPrefix(local, "samordnare."))
			domain = dom
			continue
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", u.Email, u.Role))
	}
	if len(letters) > 0 {
		parts = append(parts, fmt.Sprintf("samordnare.{%s…%s}@%s (%s)", letters[0], letters[len(letters)-1], domain, tenants.RoleOrgCoordinator))
	}
	return strings.Join(parts, ", ")
}

// regionList names the regions for a message: "stockholm" or "regions
// stockholm, uppsala".
func regionList(slugs []string) string {
	if len(slugs) == 1 {
		return "region " + slugs[0]
	}
	return "regions " + strings.Join(slugs, ", ")
}

// groupDigits writes n with a space every three digits, as Swedish does:
// 1 234 567.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	var sb strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			sb.WriteRune(' ')
		}
		sb.WriteRune(c)
	}
	return sb.String()
}

// roundDuration keeps a duration readable: tenths of a second under a
// minute, whole seconds above.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Minute {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
