package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// Keys of the rotation tests: A is the old key, B the new one, C a key
// nobody configured.
var (
	rotKeyA = bytes.Repeat([]byte{0xA1}, tenants.KeySize)
	rotKeyB = bytes.Repeat([]byte{0xB2}, tenants.KeySize)
	rotKeyC = bytes.Repeat([]byte{0xC3}, tenants.KeySize)
)

func b64(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

func mustSealer(t testing.TB, key []byte, previous ...[]byte) *tenants.Sealer {
	t.Helper()
	s, err := tenants.NewSealer(key, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sealedWorld is data sealed in all four sealed columns, through the
// stores, in two regions: r1 allows meeting notes and has an OIDC provider,
// a peer with phone and e-mail, referred participants (one withdrawn, so
// its contact is NULL) and a meeting with a note; r2 has a provider and a
// peer.
type sealedWorld struct {
	db          *tenants.DB
	url         string
	r1, r2      tenants.Tenant
	org1, org2  tenants.Organisation
	unit        tenants.Unit
	nurse, coor int64
	peer1       tenants.Peer
	peer2       tenants.Peer
	referrals   map[int64]tenants.ParticipantContact // referral id → contact
	matchID     int64
	note        string
}

const rotSecret1, rotSecret2 = "klienthemlighet-r1", "klienthemlighet-r2"

func dbURLOf(db *tenants.DB) string {
	if db.Dialect() == tenants.SQLite {
		return "sqlite:" + db.Location().Path
	}
	return db.Location().URL
}

func newSealedWorld(t *testing.T, db *tenants.DB, sealer *tenants.Sealer, participants int) *sealedWorld {
	t.Helper()
	ctx := context.Background()
	w := &sealedWorld{db: db, url: dbURLOf(db), referrals: map[int64]tenants.ParticipantContact{},
		note: "Pratade om att berätta för sin syster"}
	w.r1, w.r2 = tenanttest.Tenant(t, db), tenanttest.Tenant(t, db)
	settings := w.r1.Settings
	settings.MeetingNotes = true
	var err error
	if w.r1, err = tenants.NewTenantStore(db).UpdateSettings(ctx, w.r1.ID, w.r1.Name, settings); err != nil {
		t.Fatal(err)
	}
	signIns := tenants.NewSignInStore(db, sealer)
	for _, p := range []struct {
		region tenants.Tenant
		secret string
	}{{w.r1, rotSecret1}, {w.r2, rotSecret2}} {
		if _, err := signIns.CreateProvider(ctx, p.region.ID, tenants.OIDCProvider{
			Slug: "idp", DisplayName: "Regionens inloggning", Preset: tenants.PresetGeneric,
			Issuer: "https://idp.example.se", ClientID: "kamrat",
		}, p.secret); err != nil {
			t.Fatal(err)
		}
	}
	if w.unit, err = tenants.NewUnitStore(db).Create(ctx, w.r1.ID, tenants.Unit{Name: "Infektionsmottagningen Malmö", Kind: tenants.UnitInfectionClinic, Active: true}); err != nil {
		t.Fatal(err)
	}
	orgs := tenants.NewOrganisationStore(db)
	if w.org1, err = orgs.Save(ctx, w.r1.ID, tenants.Organisation{Name: "Positiva gruppen Syd", Kind: tenants.OrgPatient, Focus: []tenants.TargetGroup{tenants.TargetHIV}, Active: true}, []int64{w.unit.ID}); err != nil {
		t.Fatal(err)
	}
	if w.org2, err = orgs.Save(ctx, w.r2.ID, tenants.Organisation{Name: "Noaks Ark", Kind: tenants.OrgPatient, Focus: []tenants.TargetGroup{tenants.TargetHIV}, Active: true}, nil); err != nil {
		t.Fatal(err)
	}
	ids := tenants.NewIdentityStore(db)
	for _, u := range []struct {
		dst   *int64
		email string
	}{{&w.nurse, "nurse@skane.example"}, {&w.coor, "kim@pgs.example"}} {
		user, err := ids.CreateUser(ctx, tenants.User{Email: u.email, DisplayName: u.email})
		if err != nil {
			t.Fatal(err)
		}
		*u.dst = user.ID
	}
	peers := tenants.NewPeerStore(db, sealer)
	peer := tenants.Peer{DisplayName: "Yusuf", Phone: "070-123 45 67", Email: "yusuf@example.se", Languages: []string{"sv", "ar"},
		Experience: []tenants.ExperienceArea{tenants.ExperienceHIV}, Capacity: 3, Status: tenants.PeerActive}
	if w.peer1, err = peers.Create(ctx, w.r1.ID, w.org1.ID, w.coor, peer); err != nil {
		t.Fatal(err)
	}
	peer.DisplayName, peer.Phone, peer.Email = "Maria", "", "maria@example.se"
	if w.peer2, err = peers.Create(ctx, w.r2.ID, w.org2.ID, w.coor, peer); err != nil {
		t.Fatal(err)
	}
	refs := tenants.NewReferralStore(db, sealer)
	var first tenants.ClinicReferral
	for i := range participants {
		c := tenants.ParticipantContact{Alias: fmt.Sprintf("Deltagare %d", i), Method: tenants.ContactSMS, Details: fmt.Sprintf("070-000 00 %02d", i)}
		_, ref := w.refer(t, refs, c)
		if i == 0 {
			first = ref
		}
	}
	// A withdrawn participant: contact NULL, nothing to re-encrypt.
	p, gone := w.refer(t, refs, tenants.ParticipantContact{Alias: "Utträdd", Method: tenants.ContactPhone, Details: "070-999 99 99"})
	if _, err := refs.WithdrawConsentAtUnit(ctx, w.r1.ID, w.unit.ID, w.nurse, p.ID); err != nil {
		t.Fatal(err)
	}
	delete(w.referrals, gone.ID)
	// The first participant is supported by Yusuf, with a noted meeting.
	if _, err := refs.Accept(ctx, w.r1.ID, w.org1.ID, w.coor, first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := refs.RecordContactAttempt(ctx, w.r1.ID, w.org1.ID, w.coor, first.ID,
		tenants.ContactAttempt{AttemptedOn: tenants.Today(time.Now()), Method: tenants.ContactSMS, Reached: true}); err != nil {
		t.Fatal(err)
	}
	support := tenants.NewSupportStore(db, sealer)
	m, err := support.Match(ctx, w.r1.ID, w.org1.ID, w.coor, first.ID, w.peer1.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.matchID = m.ID
	if _, err := support.LogMeeting(ctx, w.r1.ID, w.peer1.ID, w.coor, m.ID, tenants.Meeting{
		HeldOn: m.StartedOn, Format: tenants.MeetingInPerson, DurationMinutes: 60,
		Topics: []tenants.MeetingTopic{tenants.TopicOpenness}, Note: w.note,
	}); err != nil {
		t.Fatal(err)
	}
	// And one without a note: note_enc NULL.
	if _, err := support.LogMeeting(ctx, w.r1.ID, w.peer1.ID, w.coor, m.ID, tenants.Meeting{
		HeldOn: m.StartedOn, Format: tenants.MeetingPhone, DurationMinutes: 30, Topics: []tenants.MeetingTopic{tenants.TopicStigma},
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

// refer registers a participant at the unit and refers them to org1.
func (w *sealedWorld) refer(t *testing.T, refs *tenants.ReferralStore, c tenants.ParticipantContact) (tenants.Participant, tenants.ClinicReferral) {
	t.Helper()
	p, ref, err := refs.RegisterAndRefer(context.Background(), w.r1.ID, w.unit.ID, w.nurse, tenants.NewParticipant{
		TargetGroup: tenants.TargetHIV, Language: "sv", Contact: c,
		Consent: tenants.ConsentScopes{ShareContact: true, FollowUp: true, ExpiresOn: tenants.Today(time.Now()).AddMonths(12)},
	}, w.org1.ID)
	if err != nil {
		t.Fatal(err)
	}
	c.Alias = strings.TrimSpace(c.Alias)
	w.referrals[ref.ID] = c
	return p, ref
}

// rawSealed returns every sealed value of the sealed columns, by
// "table.column id region", straight from the database.
func (w *sealedWorld) rawSealed(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for _, region := range []tenants.Tenant{w.r1, w.r2} {
		for _, col := range sealedColumns {
			var rows []sealedRow
			err := w.db.InTenantReadOnly(ctx, region.ID, func(tx *tenants.Tx) error {
				return tx.NewRaw(fmt.Sprintf("SELECT id, %s AS value FROM %s WHERE tenant_id = ? AND %s IS NOT NULL", col.column, col.table, col.column), region.ID).Scan(ctx, &rows)
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				out[fmt.Sprintf("%s %d %s", col, r.ID, region.Slug)] = r.Value
			}
		}
	}
	return out
}

// keyIDs counts the raw sealed values by the key id they carry.
func keyIDs(raw map[string]string) map[string]int {
	ids := map[string]int{}
	for _, v := range raw {
		id, _ := tenants.SealedKeyID(v)
		ids[id]++
	}
	return ids
}

// checkOpens reads everything back through the stores with sealer.
func (w *sealedWorld) checkOpens(t *testing.T, sealer *tenants.Sealer) {
	t.Helper()
	ctx := context.Background()
	signIns := tenants.NewSignInStore(w.db, sealer)
	for _, p := range []struct {
		region tenants.Tenant
		secret string
	}{{w.r1, rotSecret1}, {w.r2, rotSecret2}} {
		prov, err := signIns.Provider(ctx, p.region.ID, "idp")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := signIns.ClientSecret(prov); err != nil || got != p.secret {
			t.Errorf("client secret of %s = %q, %v", p.region.Slug, got, err)
		}
	}
	peers := tenants.NewPeerStore(w.db, sealer)
	if p, err := peers.Peer(ctx, w.r1.ID, w.org1.ID, w.peer1.ID); err != nil || p.Phone != "070-123 45 67" || p.Email != "yusuf@example.se" {
		t.Errorf("peer of r1 = %q %q, %v", p.Phone, p.Email, err)
	}
	if p, err := peers.Peer(ctx, w.r2.ID, w.org2.ID, w.peer2.ID); err != nil || p.Email != "maria@example.se" {
		t.Errorf("peer of r2 = %q, %v", p.Email, err)
	}
	refs := tenants.NewReferralStore(w.db, sealer)
	for id, want := range w.referrals {
		rec, err := refs.Record(ctx, w.r1.ID, w.org1.ID, id)
		if err != nil {
			t.Errorf("referral %d: %v", id, err)
			continue
		}
		if rec.Contact == nil || *rec.Contact != want {
			t.Errorf("referral %d contact = %+v, want %+v", id, rec.Contact, want)
		}
	}
	pm, err := tenants.NewSupportStore(w.db, sealer).PeerMatch(ctx, w.r1.ID, w.peer1.ID, w.matchID)
	if err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, m := range pm.Meetings {
		if m.Note == w.note {
			notes++
		}
	}
	if notes != 1 || pm.Contact == nil {
		t.Errorf("the peer's match opens %d notes (want 1), contact %+v", notes, pm.Contact)
	}
}

// kamratIn runs a kamrat command in this process with the given settings
// as its whole environment.
func kamratIn(ctx context.Context, envs map[string]string, args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = run(ctx, args, &out, &errOut, func(k string) string { return envs[k] })
	return out.String(), errOut.String(), code
}

// TestKeysRotate seals data in every sealed column under key A through the
// stores, then rotates to key B in small batches: every value then carries
// B's id, the stores open everything with a Sealer that knows B alone, a
// second run changes nothing, and mistakes change nothing either.
func TestKeysRotate(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		w := newSealedWorld(t, db, mustSealer(t, rotKeyA), 5)
		idA, idB, idC := tenants.KeyID(rotKeyA), tenants.KeyID(rotKeyB), tenants.KeyID(rotKeyC)
		before := w.rawSealed(t)
		// 2 providers, 2 peers, 5 participants (the withdrawn one has no
		// contact left), 1 note.
		if got := keyIDs(before); got[idA] != 10 || len(got) != 1 {
			t.Fatalf("sealed before: %v, want 10 under key A", got)
		}
		env := func(kv ...string) map[string]string {
			m := map[string]string{"KAMRAT_DATABASE_URL": w.url}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i]] = kv[i+1]
			}
			return m
		}
		unchanged := func(what string) {
			t.Helper()
			if after := w.rawSealed(t); !mapsEqual(after, before) {
				t.Fatalf("%s changed sealed values", what)
			}
		}

		// Bad key settings: one line naming the setting, nothing changed.
		missing := "no key file"
		if db.Dialect() == tenants.Postgres {
			missing = "required with PostgreSQL"
		}
		for _, c := range []struct {
			name string
			env  map[string]string
			args []string
			want []string
		}{
			{"no key", env(), nil, []string{"KAMRAT_ENCRYPTION_KEY", missing}},
			{"previous not base64", env("KAMRAT_ENCRYPTION_KEY", b64(rotKeyB), "KAMRAT_PREVIOUS_ENCRYPTION_KEYS", "gammal-nyckel!"), nil,
				[]string{"KAMRAT_PREVIOUS_ENCRYPTION_KEYS", "key 1 of 1: key is not base64"}},
			{"previous too short", env("KAMRAT_ENCRYPTION_KEY", b64(rotKeyB), "KAMRAT_PREVIOUS_ENCRYPTION_KEYS", b64(rotKeyA)+","+b64(rotKeyA[:16])), nil,
				[]string{"KAMRAT_PREVIOUS_ENCRYPTION_KEYS", "key 2 of 2: key decodes to 16 bytes, want 32"}},
			{"previous is current", env("KAMRAT_ENCRYPTION_KEY", b64(rotKeyB), "KAMRAT_PREVIOUS_ENCRYPTION_KEYS", b64(rotKeyA)+","+b64(rotKeyB)), nil,
				[]string{"KAMRAT_PREVIOUS_ENCRYPTION_KEYS", "previous key 2 is the current encryption key"}},
			{"current too long", env("KAMRAT_ENCRYPTION_KEY", b64(append(slices.Clone(rotKeyB), 1))), nil,
				[]string{"KAMRAT_ENCRYPTION_KEY", "key decodes to 33 bytes"}},
			{"batch zero", env("KAMRAT_ENCRYPTION_KEY", b64(rotKeyB)), []string{"--batch", "0"}, []string{"--batch", "not between 1 and 10000"}},
		} {
			_, errOut, code := kamratIn(ctx, c.env, append([]string{"keys", "rotate"}, c.args...)...)
			if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("%s: code %d, stderr %q; want 2 and one line", c.name, code, errOut)
			}
			for _, s := range c.want {
				if !strings.Contains(errOut, s) {
					t.Errorf("%s: %q lacks %q", c.name, errOut, s)
				}
			}
		}
		unchanged("bad settings")

		// B alone cannot open A's values: refused, each value named.
		out, errOut, code := kamratIn(ctx, env("KAMRAT_ENCRYPTION_KEY", b64(rotKeyB)), "keys", "rotate")
		if code != 1 || !strings.Contains(errOut, "refused: 10 sealed value(s) open with no configured key") {
			t.Fatalf("rotate without the old key: code %d\n%s%s", code, out, errOut)
		}
		for _, col := range sealedColumns {
			line := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(col.String()) + ` id \d+ in region ` + regexp.QuoteMeta(w.r1.Slug) + `: sealed with key ` + idA + `, which is not configured$`)
			if !line.MatchString(errOut) {
				t.Errorf("refusal does not name %s in %s:\n%s", col, w.r1.Slug, errOut)
			}
		}
		if n := strings.Count(errOut, "which is not configured"); n != 10 {
			t.Errorf("%d values listed, want 10:\n%s", n, errOut)
		}
		unchanged("a refused rotation")

		// Dry run: counts, changes nothing.
		keysAB := env("KAMRAT_ENCRYPTION_KEY", b64(rotKeyB), "KAMRAT_PREVIOUS_ENCRYPTION_KEYS", b64(rotKeyA))
		out, errOut, code = kamratIn(ctx, keysAB, "keys", "rotate", "--dry-run")
		if code != 0 || !strings.Contains(out, "dry run: 10 of 10 sealed values would be re-encrypted under key "+idB) {
			t.Fatalf("dry run: code %d\n%s%s", code, out, errOut)
		}
		unchanged("a dry run")

		// The rotation, two rows a batch.
		out, errOut, code = kamratIn(ctx, keysAB, "keys", "rotate", "--batch", "2", "--progress-every", "0")
		if code != 0 {
			t.Fatalf("rotate: code %d\n%s%s", code, out, errOut)
		}
		for _, want := range []string{
			"current key " + idB + "; previous keys: " + idA,
			w.r1.Slug + " oidc_providers.client_secret_enc: 1/1 re-encrypted",
			w.r2.Slug + " oidc_providers.client_secret_enc: 1/1 re-encrypted",
			w.r1.Slug + " peers.contact_enc: 1/1 re-encrypted",
			w.r2.Slug + " peers.contact_enc: 1/1 re-encrypted",
			w.r1.Slug + " participants.contact_enc: 2/5 re-encrypted",
			w.r1.Slug + " participants.contact_enc: 4/5 re-encrypted",
			w.r1.Slug + " participants.contact_enc: 5/5 re-encrypted",
			w.r1.Slug + " meetings.note_enc: 1/1 re-encrypted",
			"re-encrypted 10 value(s) in ",
			"every sealed value is sealed with key " + idB,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("rotate output lacks %q:\n%s", want, out)
			}
		}
		if regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(w.r2.Slug) + ` (participants|meetings)`).MatchString(out) {
			t.Errorf("progress for columns with nothing to do in %s:\n%s", w.r2.Slug, out)
		}
		after := w.rawSealed(t)
		if got := keyIDs(after); got[idB] != 10 || len(got) != 1 || len(after) != len(before) {
			t.Fatalf("sealed after: %v over %d values, want all 10 under key B", got, len(after))
		}
		for k, v := range after {
			if v == before[k] {
				t.Errorf("%s kept its ciphertext", k)
			}
		}
		w.checkOpens(t, mustSealer(t, rotKeyB))

		// A second run finds nothing to do and changes nothing.
		before = after
		out, errOut, code = kamratIn(ctx, keysAB, "keys", "rotate", "--batch", "2")
		if code != 0 || !strings.Contains(out, "nothing to re-encrypt: all 10 sealed values are sealed with key "+idB) {
			t.Fatalf("second run: code %d\n%s%s", code, out, errOut)
		}
		unchanged("a second run")

		// A value under unknown key C after one under A: refused before
		// anything changes (even with a batch a row, the A value before it
		// keeps its ciphertext), named, and no secret printed.
		_, refA := w.refer(t, tenants.NewReferralStore(db, mustSealer(t, rotKeyA)), tenants.ParticipantContact{Alias: "Gammal", Method: tenants.ContactSMS, Details: "070-555 55 55"})
		pC, _ := w.refer(t, tenants.NewReferralStore(db, mustSealer(t, rotKeyC)), tenants.ParticipantContact{Alias: "Okänd", Method: tenants.ContactSMS, Details: "070-777 77 77"})
		before = w.rawSealed(t)
		out, errOut, code = kamratIn(ctx, keysAB, "keys", "rotate", "--batch", "1")
		wantLine := fmt.Sprintf("participants.contact_enc id %d in region %s: sealed with key %s, which is not configured", pC.ID, w.r1.Slug, idC)
		if code != 1 || !strings.Contains(errOut, wantLine) || !strings.Contains(errOut, "refused: 1 sealed value(s)") || !strings.Contains(errOut, "nothing was changed") {
			t.Fatalf("rotate with a value under C: code %d, want 1 naming %q\n%s%s", code, wantLine, out, errOut)
		}
		for _, secret := range []string{"Okänd", "070-777", "Gammal", before[fmt.Sprintf("participants.contact_enc %d %s", pC.ID, w.r1.Slug)]} {
			if strings.Contains(out+errOut, secret) {
				t.Errorf("output shows %q", secret)
			}
		}
		unchanged("a rotation refused for a value under C")

		// Should a value under C appear after the check, its batch is
		// rolled back whole: the A value in the same batch stays as it was.
		kr, err := loadKeyring(keyFlags{current: b64(rotKeyB), previous: b64(rotKeyA)}, db.Location(), false)
		if err != nil {
			t.Fatal(err)
		}
		r := &rotator{db: db, keys: kr, opts: rotateOptions{batch: 10}, out: new(bytes.Buffer), errOut: new(bytes.Buffer)}
		n, err := r.rotateBatch(ctx, w.r1, sealedColumn{"participants", "contact_enc"}, []int64{refA.ParticipantID, pC.ID})
		var u errUnopenable
		if !errors.As(err, &u) || u.id != pC.ID || n != 0 {
			t.Fatalf("batch with a value under C: %d done, err %v", n, err)
		}
		unchanged("a batch with a value under C")
		if id, _ := tenants.SealedKeyID(before[fmt.Sprintf("participants.contact_enc %d %s", refA.ParticipantID, w.r1.Slug)]); id != idA {
			t.Fatalf("the participant sealed under A carries key %q", id)
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// cancelOn is an io.Writer that cancels a context when what is written to
// it contains a text: it stops a rotation after a given progress line, as
// a crash would.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	text   string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.text) {
		c.cancel()
	}
	return len(p), nil
}

// TestKeysRotateKeyFile: on SQLite with the key in the file beside the
// database, a rotation to a configured key takes the file's key as a
// previous key, writes the new key into the file before re-encrypting
// anything (a run stopped midway leaves both keys there, and resumes with
// no setting at all), and leaves the new key alone in the file at the end.
func TestKeysRotateKeyFile(t *testing.T) {
	t.Parallel()
	db := tenanttest.Open(t, tenants.SQLite)
	keyFile := db.Location().Path + ".key"
	// As serve leaves it on first start: the file with a key, here A.
	if err := os.WriteFile(keyFile, []byte(b64(rotKeyA)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	kr, err := loadKeyring(keyFlags{}, db.Location(), true)
	if err != nil || !bytes.Equal(kr.current, rotKeyA) {
		t.Fatalf("key from the file: %v", err)
	}
	w := newSealedWorld(t, db, kr.sealer, 4)
	idA, idB := tenants.KeyID(rotKeyA), tenants.KeyID(rotKeyB)
	url := map[string]string{"KAMRAT_DATABASE_URL": w.url}
	withB := map[string]string{"KAMRAT_DATABASE_URL": w.url, "KAMRAT_ENCRYPTION_KEY": b64(rotKeyB)}

	// serve with B configured reads A's data too: the file's key is a
	// previous key.
	kr, err = loadKeyring(keyFlags{current: b64(rotKeyB)}, db.Location(), true)
	if err != nil || !slices.Equal(kr.sealer.PreviousKeyIDs(), []string{idA}) {
		t.Fatalf("configured B beside a file with A: previous %v, %v", kr.sealer.PreviousKeyIDs(), err)
	}
	w.checkOpens(t, kr.sealer)

	// Stop after the first batch of one row.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := &cancelOn{text: "1/1 re-encrypted", cancel: cancel}
	var errOut bytes.Buffer
	code := run(ctx, []string{"keys", "rotate", "--batch", "1", "--progress-every", "0"}, stop, &errOut, func(k string) string { return withB[k] })
	if code != 1 || !strings.Contains(errOut.String(), "interrupted after re-encrypting 1 value(s)") {
		t.Fatalf("interrupted rotation: code %d\n%s%s", code, stop.buf.String(), errOut.String())
	}
	if got := keyIDs(w.rawSealed(t)); got[idA] != 8 || got[idB] != 1 {
		t.Fatalf("after the interruption: %v, want 8 under A and 1 under B", got)
	}
	fileKeys, err := readKeyFile(keyFile)
	if err != nil || len(fileKeys) != 2 || !bytes.Equal(fileKeys[0], rotKeyB) || !bytes.Equal(fileKeys[1], rotKeyA) {
		t.Fatalf("key file after the interruption: %d keys, %v; want B then A", len(fileKeys), err)
	}
	// serve with no setting reads both from the file.
	kr, err = loadKeyring(keyFlags{}, db.Location(), true)
	if err != nil || !bytes.Equal(kr.current, rotKeyB) {
		t.Fatalf("keys from the file: %v", err)
	}
	w.checkOpens(t, kr.sealer)

	// Resume with no setting: done, and the file holds B alone.
	out, errMsg, code := kamratIn(context.Background(), url, "keys", "rotate")
	if code != 0 || !strings.Contains(out, "re-encrypted 8 value(s)") || !strings.Contains(out, "key file "+keyFile+" now holds key "+idB+" alone") {
		t.Fatalf("resumed rotation: code %d\n%s%s", code, out, errMsg)
	}
	if got := keyIDs(w.rawSealed(t)); got[idB] != 9 || len(got) != 1 {
		t.Fatalf("after the rotation: %v", got)
	}
	if fileKeys, err = readKeyFile(keyFile); err != nil || len(fileKeys) != 1 || !bytes.Equal(fileKeys[0], rotKeyB) {
		t.Fatalf("key file after the rotation: %d keys, %v; want B alone", len(fileKeys), err)
	}
	if info, err := os.Stat(keyFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v, %v", info.Mode(), err)
	}
	w.checkOpens(t, mustSealer(t, rotKeyB))
	if out, _, code := kamratIn(context.Background(), url, "keys", "rotate"); code != 0 || !strings.Contains(out, "nothing to re-encrypt") {
		t.Fatalf("run after the rotation: code %d\n%s", code, out)
	}
}

// TestKeysGenerate: a new random key, base64, that the settings accept.
func TestKeysGenerate(t *testing.T) {
	t.Parallel()
	a, _, code := kamratIn(context.Background(), nil, "keys", "generate")
	b, _, _ := kamratIn(context.Background(), nil, "keys", "generate")
	if code != 0 || a == b || !strings.HasSuffix(a, "\n") || strings.Count(a, "\n") != 1 {
		t.Fatalf("generate: code %d, %q then %q", code, a, b)
	}
	if k, err := tenants.ParseKey(a); err != nil || len(k) != tenants.KeySize {
		t.Fatalf("generated key does not parse: %v", err)
	}
	if _, errOut, code := kamratIn(context.Background(), nil, "keys", "burn"); code != 2 || !strings.Contains(errOut, "kamrat keys generate") {
		t.Fatalf("unknown keys action: code %d, %q", code, errOut)
	}
}

// TestServePreviousKeySettings: serve refuses bad previous keys at start,
// in one line naming the setting.
func TestServePreviousKeySettings(t *testing.T) {
	t.Parallel()
	dbURL := "sqlite:" + t.TempDir() + "/k.db"
	for _, c := range []struct {
		previous, want string
	}{
		{"inte-base64!", "key 1 of 1: key is not base64"},
		{b64(rotKeyA) + "," + b64(rotKeyA[:20]), "key 2 of 2: key decodes to 20 bytes"},
		{b64(rotKeyA) + "," + b64(rotKeyB), "previous key 1 is the current encryption key"},
		{b64(rotKeyB) + "," + b64(rotKeyB), "previous keys 1 and 2 are the same key"},
	} {
		envs := map[string]string{"KAMRAT_DATABASE_URL": dbURL, "KAMRAT_ENCRYPTION_KEY": b64(rotKeyA), "KAMRAT_PREVIOUS_ENCRYPTION_KEYS": c.previous}
		out, errOut, code := kamratIn(context.Background(), envs, "serve", "--addr", "127.0.0.1:0")
		if code != 2 || out != "" || strings.Count(strings.TrimSpace(errOut), "\n") != 0 ||
			!strings.Contains(errOut, settingPreviousKeys) || !strings.Contains(errOut, c.want) {
			t.Errorf("previous %q: code %d, stderr %q; want 2 naming %s and %q", c.previous, code, errOut, settingPreviousKeys, c.want)
		}
	}
}

// TestSealedColumnsAreAllRotated: every column of the schema named *_enc
// is one that `keys rotate` re-encrypts, so a new sealed column cannot be
// forgotten.
func TestSealedColumnsAreAllRotated(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		q := `SELECT m.name || '.' || p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p
			WHERE m.type = 'table' AND p.name LIKE '%\_enc' ESCAPE '\' ORDER BY 1`
		if db.Dialect() == tenants.Postgres {
			q = `SELECT table_name || '.' || column_name FROM information_schema.columns
				WHERE table_schema = 'public' AND column_name LIKE '%\_enc' ESCAPE '\' ORDER BY 1`
		}
		var got []string
		if err := db.Bun().NewRaw(q).Scan(ctx, &got); err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, c := range sealedColumns {
			want = append(want, c.String())
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("sealed columns in the schema %v, rotated %v", got, want)
		}
	})
}

// TestKeysRotateMeasure times a rotation of many participants' contacts
// (KAMRAT_ROTATE_MEASURE_ROWS of them, in one region; skipped when unset),
// for the operations guide: the dry run, the rotation (survey, batches and
// final check, as an operator runs it) and a second run.
func TestKeysRotateMeasure(t *testing.T) {
	rows := 0
	fmt.Sscan(os.Getenv("KAMRAT_ROTATE_MEASURE_ROWS"), &rows)
	if rows <= 0 {
		t.Skip("set KAMRAT_ROTATE_MEASURE_ROWS to measure a rotation")
	}
	batch := os.Getenv("KAMRAT_ROTATE_MEASURE_BATCH")
	if batch == "" {
		batch = "500"
	}
	for _, d := range []tenants.Dialect{tenants.SQLite, tenants.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			db, owner := tenanttest.OpenWithOwner(t, d)
			w := newSealedWorld(t, db, mustSealer(t, rotKeyA), 1)
			sealer := mustSealer(t, rotKeyA)
			start := time.Now()
			now := time.Now().UTC()
			for done := 0; done < rows; {
				n := min(1000, rows-done)
				list := make([]tenants.Participant, n)
				for i := range list {
					sealed, err := sealer.Seal(fmt.Sprintf(`{"alias":"Deltagare %d","method":"sms","details":"070-%07d"}`, done+i, done+i))
					if err != nil {
						t.Fatal(err)
					}
					list[i] = tenants.Participant{TenantID: w.r1.ID, Code: fmt.Sprintf("M%09d", done+i), UnitID: w.unit.ID,
						TargetGroup: tenants.TargetHIV, ContactMethod: tenants.ContactSMS, ContactEnc: &sealed, Language: "sv",
						PrefLanguages: []string{}, PrefExperience: []tenants.ExperienceArea{}, ConsentShareContact: true,
						ConsentRecordedAt: now, ConsentExpiresOn: tenants.DateOf(now).AddMonths(12), CreatedAt: now}
				}
				if err := db.InTenant(ctx, w.r1.ID, func(tx *tenants.Tx) error {
					_, err := tx.NewInsert().Model(&list).Exec(ctx)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				done += n
			}
			t.Logf("seeded %d sealed participants in %s", rows, time.Since(start).Round(time.Millisecond))
			// Statistics as a table that grew in use has them (autovacuum
			// analyses it), unless KAMRAT_ROTATE_MEASURE_NO_ANALYZE is set.
			if os.Getenv("KAMRAT_ROTATE_MEASURE_NO_ANALYZE") == "" {
				if _, err := owner.Bun().ExecContext(ctx, "ANALYZE participants"); err != nil {
					t.Fatal(err)
				}
			}
			keysAB := map[string]string{"KAMRAT_DATABASE_URL": w.url, "KAMRAT_ENCRYPTION_KEY": b64(rotKeyB), "KAMRAT_PREVIOUS_ENCRYPTION_KEYS": b64(rotKeyA)}
			timed := func(what string, args ...string) string {
				start := time.Now()
				out, errOut, code := kamratIn(ctx, keysAB, append([]string{"keys", "rotate", "--batch", batch, "--progress-every", "10s"}, args...)...)
				if code != 0 {
					t.Fatalf("%s: code %d\n%s%s", what, code, out, errOut)
				}
				el := time.Since(start)
				t.Logf("%s (batch %s): %s in all, %.0f rows/s", what, batch, el.Round(time.Millisecond), float64(rows)/el.Seconds())
				return out
			}
			timed("dry run", "--dry-run")
			out := timed("rotation")
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "re-encrypted ") {
					t.Log(line)
				}
			}
			if !strings.Contains(out, fmt.Sprintf("re-encrypted %d value(s)", rows+6)) {
				t.Fatalf("rotation output:\n%s", out)
			}
			out = timed("second run")
			if !strings.Contains(out, "nothing to re-encrypt") {
				t.Fatalf("second run:\n%s", out)
			}
		})
	}
}
