package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/uptrace/bun"

	"github.com/kamrat/kamrat/tenants"
)

// rotateHelp is printed above the flags by `kamrat keys rotate -h`.
const rotateHelp = `kamrat keys rotate re-encrypts every value sealed at rest (OIDC client
secrets, peers' and participants' contact details, meeting notes), in every
region, under the current key (--encryption-key / KAMRAT_ENCRYPTION_KEY),
opening the old values with the previous keys
(--previous-encryption-keys / KAMRAT_PREVIOUS_ENCRYPTION_KEYS). It first
reads every sealed value: if one opens with no configured key it names it
(table, id, region, the key id it names) and changes nothing. Then it
re-encrypts, --batch rows per transaction, printing its progress. A run that
stops midway loses nothing (each batch is one transaction, and both keys
open what both sealed): run it again. A run with nothing left to do says so.

PostgreSQL, several replicas, no downtime:
  1. kamrat keys generate   prints a new key; store it in your secret store.
  2. Let every replica read the new key: KAMRAT_ENCRYPTION_KEY=OLD,
     KAMRAT_PREVIOUS_ENCRYPTION_KEYS=NEW; roll out.
  3. Switch keys: KAMRAT_ENCRYPTION_KEY=NEW,
     KAMRAT_PREVIOUS_ENCRYPTION_KEYS=OLD; roll out.
  4. With the same settings: kamrat keys rotate
  5. When it reports every value sealed with the new key, drop OLD from
     KAMRAT_PREVIOUS_ENCRYPTION_KEYS. Keep OLD with the backups taken
     before the rotation: they need it.
  Step 2 lets replicas still on the old settings read what the switched ones
  write; with a stop, skip it. The CSRF key derives from the current key:
  while step 3 rolls out, and for pages opened before it, a form may be
  refused (403); reloading the page and sending it again works.

SQLite, one machine, key in the file DATABASE.key beside the database:
  1. Stop kamrat serve.
  2. KAMRAT_ENCRYPTION_KEY=$(kamrat keys generate) kamrat keys rotate
     The key file's keys are previous keys. Before re-encrypting anything the
     command writes the new key into the key file (first line; the old keys
     stay on further lines), so a run that stops midway loses no key: run
     "kamrat keys rotate" again, with no setting. When every value is sealed
     with the new key, the key file holds the new key alone.
  3. Start kamrat serve (no key setting needed: it reads the key file).
  Keep the old key file with the backups taken before the rotation.
  Without a key file (the key configured), rotate as with PostgreSQL.

Flags:
`

// sealedColumn is a column whose values are sealed at rest by a
// tenants.Sealer. Every such column must be listed in sealedColumns
// (TestSealedColumnsAreAllRotated checks the schema against it).
type sealedColumn struct{ table, column string }

func (c sealedColumn) String() string { return c.table + "." + c.column }

// sealedColumns are the columns that `keys rotate` re-encrypts. Each table
// has tenant_id and an id primary key; the column is text, NULL where
// nothing is sealed.
var sealedColumns = []sealedColumn{
	{"oidc_providers", "client_secret_enc"},
	{"peers", "contact_enc"},
	{"participants", "contact_enc"},
	{"meetings", "note_enc"},
}

// rotateOptions tune a rotation.
type rotateOptions struct {
	// batch is the number of rows re-encrypted per transaction.
	batch int
	// dryRun: survey and report, change nothing.
	dryRun bool
	// progressEvery is the least time between progress lines of one
	// column of one region (0: after every batch).
	progressEvery time.Duration
}

func keysRotate(ctx context.Context, args []string, out, errOut io.Writer, getenv env) error {
	fs := newFlagSet("keys rotate", out)
	var dbf databaseFlags
	dbf.register(fs)
	var kf keyFlags
	kf.register(fs)
	opts := rotateOptions{}
	fs.IntVar(&opts.batch, "batch", 500, "rows re-encrypted per transaction (1–10000)")
	fs.BoolVar(&opts.dryRun, "dry-run", false, "check that every sealed value opens and count what would be re-encrypted; change nothing")
	fs.DurationVar(&opts.progressEvery, "progress-every", time.Second, "print progress at most this often per table and region (0: after every batch)")
	if wantsHelp(args) {
		fmt.Fprint(out, rotateHelp)
	}
	if err := fs.parse(args, getenv); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if opts.batch < 1 || opts.batch > 10000 {
		return usagef("--batch: %d is not between 1 and 10000", opts.batch)
	}
	if opts.progressEvery < 0 {
		return usagef("--progress-every: must not be negative")
	}
	loc, err := dbf.location(fs)
	if err != nil {
		return err
	}
	keys, err := loadKeyring(kf, loc, false)
	if err != nil {
		return err
	}
	db, err := openMigrated(ctx, dbf, fs)
	if err != nil {
		return err
	}
	defer db.Close()
	regions, err := tenants.NewTenantStore(db).List(ctx)
	if err != nil {
		return err
	}
	r := &rotator{db: db, keys: keys, opts: opts, out: out, errOut: errOut}
	return r.run(ctx, regions)
}

// wantsHelp tells whether the arguments ask for help (before any "--").
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "-h=true", "--help=true":
			return true
		}
	}
	return false
}

// rotator re-encrypts the sealed columns of every region.
type rotator struct {
	db     *tenants.DB
	keys   keyring
	opts   rotateOptions
	out    io.Writer
	errOut io.Writer
}

// columnSurvey is what one column of one region holds.
type columnSurvey struct {
	region tenants.Tenant
	column sealedColumn
	// sealed counts the values (NULLs are not values); current those
	// sealed with the current key; stale those sealed with a previous
	// key, by key id.
	sealed, current int
	stale           map[string]int
	// staleIDs are the ids of the rows to re-encrypt, in order.
	staleIDs []int64
	// unopenable counts the values no configured key opens.
	unopenable int
}

func (s columnSurvey) staleCount() int {
	n := 0
	for _, c := range s.stale {
		n += c
	}
	return n
}

// unopenable is a sealed value that no configured key opens.
type unopenable struct {
	region tenants.Tenant
	column sealedColumn
	id     int64
	why    string
}

func (u unopenable) String() string {
	return fmt.Sprintf("%s id %d in region %s: %s", u.column, u.id, u.region.Slug, u.why)
}

// diagnose says why a value does not open, without showing it.
func (r *rotator) diagnose(sealed string) string {
	id, ok := tenants.SealedKeyID(sealed)
	switch {
	case !ok:
		return "not a sealed value"
	case id == r.keys.sealer.KeyID() || slices.Contains(r.keys.sealer.PreviousKeyIDs(), id):
		return fmt.Sprintf("damaged: does not open with key %s, the key it names", id)
	default:
		return fmt.Sprintf("sealed with key %s, which is not configured", id)
	}
}

// sealedRow is one row's sealed value.
type sealedRow struct {
	ID    int64  `bun:"id"`
	Value string `bun:"value"`
}

// survey reads every sealed value of a column of a region, in one
// read-only transaction, checking that it opens, and keeps the ids of those
// to re-encrypt. (One query read to the end rather than pages: paging by
// "id > last ORDER BY id LIMIT n" lets PostgreSQL, before it has gathered
// statistics on a table, sort the rest of the table for every page.)
func (r *rotator) survey(ctx context.Context, region tenants.Tenant, col sealedColumn) (columnSurvey, []unopenable, error) {
	s := columnSurvey{region: region, column: col, stale: map[string]int{}}
	var bad []unopenable
	err := r.db.InTenantReadOnly(ctx, region.ID, func(tx *tenants.Tx) error {
		s.sealed, s.current, s.unopenable, s.staleIDs, bad = 0, 0, 0, nil, nil
		clear(s.stale)
		rows, err := tx.QueryContext(ctx, "SELECT id, ? FROM ? WHERE tenant_id = ? AND ? IS NOT NULL ORDER BY id",
			bun.Ident(col.column), bun.Ident(col.table), region.ID, bun.Ident(col.column))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var row sealedRow
			if err := rows.Scan(&row.ID, &row.Value); err != nil {
				return err
			}
			s.sealed++
			if _, err := r.keys.sealer.Open(row.Value); err != nil {
				bad = append(bad, unopenable{region: region, column: col, id: row.ID, why: r.diagnose(row.Value)})
				s.unopenable++
				continue
			}
			if r.keys.sealer.IsCurrent(row.Value) {
				s.current++
			} else {
				id, _ := tenants.SealedKeyID(row.Value)
				s.stale[id]++
				s.staleIDs = append(s.staleIDs, row.ID)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return s, nil, fmt.Errorf("read %s in region %s: %w", col, region.Slug, err)
	}
	return s, bad, nil
}

// errUnopenable is a batch that met a value no configured key opens; the
// batch was rolled back.
type errUnopenable struct{ unopenable }

func (e errUnopenable) Error() string { return e.unopenable.String() }

// rotateBatch re-encrypts, in one transaction, the values of the rows ids
// of a column of a region that are not sealed with the current key (rows
// deleted or re-sealed since the survey are passed over). It returns how
// many it re-encrypted. A value no configured key opens rolls the whole
// batch back (errUnopenable).
func (r *rotator) rotateBatch(ctx context.Context, region tenants.Tenant, col sealedColumn, ids []int64) (done int, err error) {
	err = r.db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
		q := "SELECT id, ? AS value FROM ? WHERE tenant_id = ? AND id IN (?) AND ? IS NOT NULL AND ? NOT LIKE ? ORDER BY id"
		if tx.Dialect() == tenants.Postgres {
			q += " FOR UPDATE"
		}
		var rows []sealedRow
		if err := tx.NewRaw(q, bun.Ident(col.column), bun.Ident(col.table), region.ID, bun.In(ids),
			bun.Ident(col.column), bun.Ident(col.column), "v1:"+r.keys.sealer.KeyID()+":%").Scan(ctx, &rows); err != nil {
			return fmt.Errorf("read %s in region %s: %w", col, region.Slug, err)
		}
		if len(rows) == 0 {
			return nil
		}
		// One statement for the batch: WITH v(id, value) AS (VALUES …)
		// UPDATE … FROM v, which both databases accept.
		var q2 strings.Builder
		args := make([]any, 0, 2*len(rows)+6)
		q2.WriteString("WITH v (id, value) AS (VALUES ")
		for i, row := range rows {
			resealed, changed, err := r.keys.sealer.Reseal(row.Value)
			if err != nil {
				return errUnopenable{unopenable{region: region, column: col, id: row.ID, why: r.diagnose(row.Value)}}
			}
			if !changed {
				return fmt.Errorf("%s id %d in region %s: selected as stale but sealed with the current key", col, row.ID, region.Slug)
			}
			if i > 0 {
				q2.WriteString(", ")
			}
			q2.WriteString("(?, ?)")
			args = append(args, row.ID, resealed)
		}
		q2.WriteString(") UPDATE ? SET ? = v.value FROM v WHERE ?.tenant_id = ? AND ?.id = v.id")
		args = append(args, bun.Ident(col.table), bun.Ident(col.column), bun.Ident(col.table), region.ID, bun.Ident(col.table))
		res, err := tx.NewRaw(q2.String(), args...).Exec(ctx)
		if err != nil {
			return fmt.Errorf("re-encrypt %s in region %s: %w", col, region.Slug, err)
		}
		if n, err := res.RowsAffected(); err == nil && n != int64(len(rows)) {
			return fmt.Errorf("re-encrypt %s in region %s: %d rows changed, want %d", col, region.Slug, n, len(rows))
		}
		done = len(rows)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return done, nil
}

// countStale counts the values of a column of a region not sealed with the
// current key.
func (r *rotator) countStale(ctx context.Context, region tenants.Tenant, col sealedColumn) (int, error) {
	var n int
	err := r.db.InTenantReadOnly(ctx, region.ID, func(tx *tenants.Tx) error {
		return tx.NewRaw("SELECT count(*) FROM ? WHERE tenant_id = ? AND ? IS NOT NULL AND ? NOT LIKE ?",
			bun.Ident(col.table), region.ID, bun.Ident(col.column), bun.Ident(col.column), "v1:"+r.keys.sealer.KeyID()+":%").Scan(ctx, &n)
	})
	return n, err
}

// maxListed caps the unopenable values listed.
const maxListed = 50

func (r *rotator) run(ctx context.Context, regions []tenants.Tenant) error {
	sealer := r.keys.sealer
	prev := sealer.PreviousKeyIDs()
	prevText := "none"
	if len(prev) > 0 {
		prevText = strings.Join(prev, ", ")
	}
	fmt.Fprintf(r.out, "current key %s; previous keys: %s\n", sealer.KeyID(), prevText)
	if r.keys.keyFile != "" && r.keys.fileKeys != nil {
		fmt.Fprintf(r.out, "key file %s holds %d key(s)\n", r.keys.keyFile, len(r.keys.fileKeys))
	}

	// 1. Survey: every value must open before anything changes.
	var surveys []columnSurvey
	var bad []unopenable
	for _, region := range regions {
		for _, col := range sealedColumns {
			s, b, err := r.survey(ctx, region, col)
			if err != nil {
				return err
			}
			surveys = append(surveys, s)
			bad = append(bad, b...)
		}
	}
	total, stale := 0, 0
	tw := tabwriter.NewWriter(r.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REGION\tCOLUMN\tSEALED\tCURRENT KEY\tTO RE-ENCRYPT\tNO KEY OPENS")
	for _, s := range surveys {
		total += s.sealed
		stale += s.staleCount()
		if s.sealed == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%d\n", s.region.Slug, s.column, s.sealed, s.current, staleText(s), s.unopenable)
	}
	tw.Flush()
	if len(bad) > 0 {
		fmt.Fprintf(r.errOut, "%d sealed value(s) open with no configured key:\n", len(bad))
		for i, u := range bad {
			if i == maxListed {
				fmt.Fprintf(r.errOut, "  … and %d more\n", len(bad)-maxListed)
				break
			}
			fmt.Fprintf(r.errOut, "  %s\n", u)
		}
		return fmt.Errorf("refused: %d sealed value(s) open with no configured key (listed above); nothing was changed. Add the key(s) they were sealed with to %s and run again", len(bad), settingPreviousKeys)
	}
	if r.opts.dryRun {
		fmt.Fprintf(r.out, "dry run: %d of %d sealed values would be re-encrypted under key %s; every value opens; nothing was changed\n", stale, total, sealer.KeyID())
		return nil
	}
	if stale == 0 {
		fmt.Fprintf(r.out, "nothing to re-encrypt: all %d sealed values are sealed with key %s\n", total, sealer.KeyID())
		return r.settleKeyFile()
	}

	// 2. Keep the new key before sealing anything with it.
	if !r.keys.keyFileSettled() {
		if err := writeKeyFile(r.keys.keyFile, r.keys.current, r.keys.previous); err != nil {
			return err
		}
		fmt.Fprintf(r.out, "key file %s now holds key %s first and the previous keys after it, until the rotation ends\n", r.keys.keyFile, sealer.KeyID())
	}

	// 3. Re-encrypt, a batch per transaction.
	start := time.Now()
	done := 0
	for _, s := range surveys {
		want := s.staleCount()
		if want == 0 {
			continue
		}
		colDone, printed := 0, time.Time{}
		for from := 0; from < len(s.staleIDs); from += r.opts.batch {
			n, err := r.rotateBatch(ctx, s.region, s.column, s.staleIDs[from:min(from+r.opts.batch, len(s.staleIDs))])
			colDone, done = colDone+n, done+n
			if err != nil {
				var u errUnopenable
				if errors.As(err, &u) {
					fmt.Fprintf(r.errOut, "  %s\n", u)
					return fmt.Errorf("refused: %s (written after the check began); that batch was rolled back and %d value(s) re-encrypted before it stay so. Add the key to %s and run again", u, done, settingPreviousKeys)
				}
				if ctx.Err() != nil {
					return fmt.Errorf("interrupted after re-encrypting %d value(s); the batch under way was rolled back; run again to finish", done)
				}
				return fmt.Errorf("%w (after re-encrypting %d value(s); run again to finish)", err, done)
			}
			last := from+r.opts.batch >= len(s.staleIDs)
			if last || r.opts.progressEvery == 0 || time.Since(printed) >= r.opts.progressEvery {
				fmt.Fprintf(r.out, "%s %s: %d/%d re-encrypted\n", s.region.Slug, s.column, colDone, want)
				printed = time.Now()
			}
		}
	}
	elapsed := time.Since(start)

	// 4. Check: values written meanwhile by a process with an old key.
	left := 0
	for _, s := range surveys {
		n, err := r.countStale(ctx, s.region, s.column)
		if err != nil {
			return err
		}
		left += n
	}
	fmt.Fprintf(r.out, "re-encrypted %d value(s) in %s (%.0f values/s)\n", done, elapsed.Round(time.Millisecond), float64(done)/max(elapsed.Seconds(), 1e-9))
	if left > 0 {
		return fmt.Errorf("%d value(s) were sealed with a previous key while the rotation ran (a process still has the old key as current?); run again", left)
	}
	fmt.Fprintf(r.out, "every sealed value is sealed with key %s\n", sealer.KeyID())
	if err := r.settleKeyFile(); err != nil {
		return err
	}
	if len(prev) > 0 && r.keys.fileKeys == nil {
		fmt.Fprintf(r.out, "next: remove the previous keys from %s once every process runs with key %s as current; keep them with backups taken before now\n", settingPreviousKeys, sealer.KeyID())
	}
	return nil
}

// settleKeyFile leaves the current key alone in the key file once every
// value is sealed with it.
func (r *rotator) settleKeyFile() error {
	if r.keys.keyFileSettled() {
		return nil
	}
	if err := writeKeyFile(r.keys.keyFile, r.keys.current, nil); err != nil {
		return err
	}
	fmt.Fprintf(r.out, "key file %s now holds key %s alone; keep the old key(s) only with backups taken before now\n", r.keys.keyFile, r.keys.sealer.KeyID())
	return nil
}

func staleText(s columnSurvey) string {
	n := s.staleCount()
	if n == 0 {
		return "0"
	}
	ids := make([]string, 0, len(s.stale))
	for id := range s.stale {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("key %s: %d", id, s.stale[id])
	}
	return fmt.Sprintf("%d (%s)", n, strings.Join(parts, ", "))
}
