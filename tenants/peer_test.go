package tenants_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// peerFixture is a region with two partner organisations (A and B), another
// region with one, and a coordinator of A.
type peerFixture struct {
	db                 *tenants.DB
	peers              *tenants.PeerStore
	supervision        *tenants.SupervisionStore
	gatherings         *tenants.GatheringStore
	placements         *tenants.PlacementStore
	a, b               tenants.Tenant
	orgA, orgB, orgFar tenants.Organisation
	coordinator        tenants.User
}

func testSealer(t *testing.T) *tenants.Sealer {
	t.Helper()
	s, err := tenants.NewSealer(bytes.Repeat([]byte{7}, tenants.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newPeerFixture(t *testing.T, db *tenants.DB) peerFixture {
	t.Helper()
	ctx := context.Background()
	f := peerFixture{
		db: db, peers: tenants.NewPeerStore(db, testSealer(t)), supervision: tenants.NewSupervisionStore(db),
		gatherings: tenants.NewGatheringStore(db), placements: tenants.NewPlacementStore(db),
		a: tenanttest.Tenant(t, db), b: tenanttest.Tenant(t, db),
	}
	orgs := tenants.NewOrganisationStore(db)
	var err error
	for _, o := range []struct {
		dst      *tenants.Organisation
		tenantID int64
		name     string
	}{{&f.orgA, f.a.ID, "NSPH Skåne"}, {&f.orgB, f.a.ID, "RSMH Lund"}, {&f.orgFar, f.b.ID, "NSPH Västerbotten"}} {
		if *o.dst, err = orgs.Create(ctx, o.tenantID, tenants.Organisation{Name: o.name, Kind: tenants.OrgUser}); err != nil {
			t.Fatal(err)
		}
	}
	if f.coordinator, err = tenants.NewIdentityStore(db).CreateUser(ctx, tenants.User{Email: "kim@nsph.se", DisplayName: "Kim"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// sara is a complete, valid peer.
func sara() tenants.Peer {
	return tenants.Peer{
		DisplayName: "Sara", Phone: "070-123 45 67", Email: " Sara.Lind@Example.se ",
		Languages:  []string{"ar", "sv", "ar"},
		Experience: []tenants.ExperienceArea{tenants.ExperienceDepressionAnxiety, tenants.ExperiencePsychosis},
		Gender:     tenants.GenderWoman, AgeBand: tenants.Age30to44, Capacity: 3,
	}
}

func (f peerFixture) mustPeer(t *testing.T, tenantID, orgID int64, name string, status tenants.PeerStatus) tenants.Peer {
	t.Helper()
	p := sara()
	p.DisplayName, p.Status = name, status
	got, err := f.peers.Create(context.Background(), tenantID, orgID, f.coordinator.ID, p)
	if err != nil {
		t.Fatalf("create peer %q: %v", name, err)
	}
	return got
}

func (f peerFixture) peerCount(t *testing.T, tenantID, orgID int64) int {
	t.Helper()
	list, err := f.peers.Peers(context.Background(), tenantID, orgID)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, tenants.ErrNotFound) {
		t.Errorf("%s: err = %v, want ErrNotFound", what, err)
	}
}

// TestPeerCreateAndRead: a peer is stored normalised and read back whole by
// its organisation; lists leave the contact data sealed.
func TestPeerCreateAndRead(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		created, err := f.peers.Create(ctx, f.a.ID, f.orgA.ID, f.coordinator.ID, sara())
		if err != nil {
			t.Fatal(err)
		}
		if created.Status != tenants.PeerRecruited || created.OrganisationID != f.orgA.ID || created.UserID != nil {
			t.Fatalf("created %+v", created)
		}
		got, err := f.peers.Peer(ctx, f.a.ID, f.orgA.ID, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.DisplayName != "Sara" || got.Phone != "070-123 45 67" || got.Email != "sara.lind@example.se" ||
			!reflect.DeepEqual(got.Languages, []string{"sv", "ar"}) ||
			!reflect.DeepEqual(got.Experience, []tenants.ExperienceArea{tenants.ExperiencePsychosis, tenants.ExperienceDepressionAnxiety}) ||
			got.Gender != tenants.GenderWoman || got.AgeBand != tenants.Age30to44 || got.Capacity != 3 {
			t.Fatalf("read back %+v", got)
		}
		list, err := f.peers.Peers(ctx, f.a.ID, f.orgA.ID)
		if err != nil || len(list) != 1 || list[0].ID != created.ID || list[0].Phone != "" || list[0].Email != "" {
			t.Fatalf("list %+v (%v), want Sara without contact data", list, err)
		}

		// No gender means unspecified; the age band may stay empty.
		quiet := sara()
		quiet.DisplayName, quiet.Gender, quiet.AgeBand, quiet.Phone, quiet.Email = "Alex", "", "", "", ""
		alex, err := f.peers.Create(ctx, f.a.ID, f.orgA.ID, 0, quiet)
		if err != nil || alex.Gender != tenants.GenderUnspecified || alex.AgeBand != "" {
			t.Fatalf("peer without gender or age: %+v (%v)", alex, err)
		}

		updated := got
		updated.Capacity, updated.Phone, updated.Languages = 5, "+46 70 765 43 21", []string{"sv", "so"}
		updated.Status = tenants.PeerLeft // ignored: the status changes through SetStatus
		after, err := f.peers.Update(ctx, f.a.ID, f.orgA.ID, updated)
		if err != nil {
			t.Fatal(err)
		}
		if after.Capacity != 5 || after.Phone != "+46 70 765 43 21" || after.Email != "sara.lind@example.se" ||
			!reflect.DeepEqual(after.Languages, []string{"sv", "so"}) || after.Status != tenants.PeerRecruited {
			t.Fatalf("updated %+v", after)
		}
	})
}

// TestPeerContactIsSealedAtRest: the database holds neither the phone
// number nor the e-mail address in clear.
func TestPeerContactIsSealedAtRest(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		p := f.mustPeer(t, f.a.ID, f.orgA.ID, "Sara", "")
		var raw string
		err := db.InTenant(ctx, f.a.ID, func(tx *tenants.Tx) error {
			return tx.NewRaw("SELECT contact_enc FROM peers WHERE tenant_id = ? AND id = ?", f.a.ID, p.ID).Scan(ctx, &raw)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, clear := range []string{"070", "123 45 67", "sara.lind", "example.se"} {
			if strings.Contains(strings.ToLower(raw), clear) {
				t.Errorf("contact_enc %q contains %q in clear", raw, clear)
			}
		}
		if !strings.HasPrefix(raw, "v1:") {
			t.Errorf("contact_enc %q is not sealed", raw)
		}
		// Another key cannot open it.
		other, _ := tenants.NewSealer(bytes.Repeat([]byte{8}, tenants.KeySize))
		if _, err := tenants.NewPeerStore(db, other).Peer(ctx, f.a.ID, f.orgA.ID, p.ID); !errors.Is(err, tenants.ErrUndecryptable) {
			t.Errorf("read with another key: err = %v, want ErrUndecryptable", err)
		}
	})
}

// TestPeerValidation: bad input is refused with a specific key per field,
// and nothing is written.
func TestPeerValidation(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		tests := []struct {
			name   string
			change func(*tenants.Peer)
			want   []string
		}{
			{"capacity below zero", func(p *tenants.Peer) { p.Capacity = -1 }, []string{"capacity=validation.range"}},
			{"capacity above 20", func(p *tenants.Peer) { p.Capacity = 21 }, []string{"capacity=validation.range"}},
			{"unknown language", func(p *tenants.Peer) { p.Languages = []string{"sv", "xx"} }, []string{"languages=validation.peer_language"}},
			{"no language", func(p *tenants.Peer) { p.Languages = nil }, []string{"languages=validation.required"}},
			{"unknown experience", func(p *tenants.Peer) { p.Experience = []tenants.ExperienceArea{"cancer"} }, []string{"experience=validation.choice"}},
			{"unknown gender and age", func(p *tenants.Peer) { p.Gender, p.AgeBand = "other", "12-17" },
				[]string{"gender=validation.choice", "age_band=validation.choice"}},
			{"everything at once", func(p *tenants.Peer) {
				p.DisplayName, p.Phone, p.Email, p.Capacity = " ", "12", "sara@", -3
			}, []string{"display_name=validation.required", "phone=validation.phone", "email=validation.email", "capacity=validation.range"}},
			{"registered as paused", func(p *tenants.Peer) { p.Status = tenants.PeerPaused }, []string{"status=validation.choice"}},
		}
		for _, tc := range tests {
			p := sara()
			tc.change(&p)
			_, err := f.peers.Create(ctx, f.a.ID, f.orgA.ID, f.coordinator.ID, p)
			if got := fieldKeys(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: problems %q, want %q", tc.name, got, tc.want)
			}
		}
		if n := f.peerCount(t, f.a.ID, f.orgA.ID); n != 0 {
			t.Fatalf("refused peers left %d rows", n)
		}

		stored := f.mustPeer(t, f.a.ID, f.orgA.ID, "Sara", "")
		bad := stored
		bad.Capacity, bad.Languages, bad.DisplayName = -1, []string{"klingon"}, "Nytt namn"
		_, err := f.peers.Update(ctx, f.a.ID, f.orgA.ID, bad)
		wantFieldKeys(t, err, "languages=validation.peer_language", "capacity=validation.range")
		if after, _ := f.peers.Peer(ctx, f.a.ID, f.orgA.ID, stored.ID); after.DisplayName != "Sara" || after.Capacity != 3 {
			t.Fatalf("refused update changed the peer: %+v", after)
		}
	})
}

// TestPeerScope: organisation A cannot read or change organisation B's
// peers in the same region, and no one reaches another region's peers.
func TestPeerScope(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		theirs := f.mustPeer(t, f.a.ID, f.orgB.ID, "Bo", tenants.PeerActive)
		far := f.mustPeer(t, f.b.ID, f.orgFar.ID, "Fjärran", tenants.PeerActive)

		for _, c := range []struct {
			name            string
			tenantID, orgID int64
			peer            tenants.Peer
		}{
			{"org A → org B's peer", f.a.ID, f.orgA.ID, theirs},
			{"region a → region b's peer", f.a.ID, f.orgA.ID, far},
			{"region a with region b's organisation", f.a.ID, f.orgFar.ID, far},
			{"region b → region a's peer", f.b.ID, f.orgB.ID, theirs},
		} {
			_, err := f.peers.Peer(ctx, c.tenantID, c.orgID, c.peer.ID)
			wantNotFound(t, c.name+": read", err)
			changed := c.peer
			changed.DisplayName = "Kapad"
			_, err = f.peers.Update(ctx, c.tenantID, c.orgID, changed)
			wantNotFound(t, c.name+": update", err)
			_, err = f.peers.SetStatus(ctx, c.tenantID, c.orgID, f.coordinator.ID, c.peer.ID, tenants.PeerLeft, "")
			wantNotFound(t, c.name+": status", err)
			_, err = f.peers.StatusHistory(ctx, c.tenantID, c.orgID, c.peer.ID)
			wantNotFound(t, c.name+": history", err)
			_, err = f.peers.AddTraining(ctx, c.tenantID, c.orgID, c.peer.ID, tenants.Training{Kind: tenants.TrainingBaseCourse, StartedOn: day("2024-01-08")})
			wantNotFound(t, c.name+": add training", err)
			_, err = f.peers.Trainings(ctx, c.tenantID, c.orgID, c.peer.ID)
			wantNotFound(t, c.name+": trainings", err)
			_, err = f.peers.SetUser(ctx, c.tenantID, c.orgID, c.peer.ID, nil)
			wantNotFound(t, c.name+": account", err)
			_, err = f.supervision.PeerSessions(ctx, c.tenantID, c.orgID, c.peer.ID)
			wantNotFound(t, c.name+": supervision", err)
			_, err = f.gatherings.PeerGatherings(ctx, c.tenantID, c.orgID, c.peer.ID)
			wantNotFound(t, c.name+": gatherings", err)
			_, err = f.placements.PeerPlacements(ctx, c.tenantID, c.orgID, c.peer.ID)
			wantNotFound(t, c.name+": placements", err)
		}
		if n := f.peerCount(t, f.a.ID, f.orgA.ID); n != 0 {
			t.Errorf("org A lists %d peers, want none of B's", n)
		}
		for _, p := range []tenants.Peer{theirs, far} {
			got, err := f.peers.Peer(ctx, p.TenantID, p.OrganisationID, p.ID)
			if err != nil || got.DisplayName != p.DisplayName || got.Status != tenants.PeerActive {
				t.Errorf("peer %q after the attempts: %+v (%v)", p.DisplayName, got, err)
			}
		}
		if _, err := f.peers.Create(ctx, f.a.ID, f.orgFar.ID, f.coordinator.ID, sara()); !errors.Is(err, tenants.ErrNotFound) {
			t.Errorf("create under another region's organisation: err = %v, want ErrNotFound", err)
		}
	})
}

// TestPeerLifecycle: only the documented moves are allowed, each is in the
// history with who, when, from, to and why; a refused move changes
// nothing; the history cannot be edited.
func TestPeerLifecycle(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		p := f.mustPeer(t, f.a.ID, f.orgA.ID, "Sara", "")
		refuse := func(to tenants.PeerStatus) {
			t.Helper()
			_, err := f.peers.SetStatus(ctx, f.a.ID, f.orgA.ID, f.coordinator.ID, p.ID, to, "")
			wantFieldKeys(t, err, "status=validation.peer_transition")
		}
		refuse(tenants.PeerActive) // the course comes first
		refuse(tenants.PeerPaused)
		refuse(tenants.PeerRecruited)
		refuse("retired")

		steps := []struct {
			to     tenants.PeerStatus
			reason string
		}{
			{tenants.PeerInTraining, "Grundutbildningen vt 2025"},
			{tenants.PeerActive, ""},
			{tenants.PeerPaused, "Föräldraledig till mars"},
			{tenants.PeerActive, ""},
			{tenants.PeerLeft, "Nytt arbete"},
		}
		for _, s := range steps {
			got, err := f.peers.SetStatus(ctx, f.a.ID, f.orgA.ID, f.coordinator.ID, p.ID, s.to, s.reason)
			if err != nil {
				t.Fatalf("→ %s: %v", s.to, err)
			}
			if got.Status != s.to || got.Phone != "070-123 45 67" {
				t.Fatalf("→ %s: %+v", s.to, got)
			}
			if s.to == tenants.PeerActive {
				refuse(tenants.PeerInTraining)
				refuse(tenants.PeerRecruited)
			}
		}
		for _, to := range tenants.PeerStatuses {
			refuse(to) // leaving is final
		}
		_, err := f.peers.SetStatus(ctx, f.a.ID, f.orgA.ID, f.coordinator.ID, p.ID, tenants.PeerActive, strings.Repeat("x", 501))
		wantFieldKeys(t, err, "reason=validation.too_long")

		history, err := f.peers.StatusHistory(ctx, f.a.ID, f.orgA.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(history) != 1+len(steps) {
			t.Fatalf("history has %d entries, want %d: %+v", len(history), 1+len(steps), history)
		}
		if h := history[0]; h.From != "" || h.To != tenants.PeerRecruited || h.UserID == nil || *h.UserID != f.coordinator.ID {
			t.Errorf("registration entry %+v", h)
		}
		from := tenants.PeerRecruited
		for i, s := range steps {
			h := history[i+1]
			if h.From != from || h.To != s.to || h.Reason != s.reason || h.At.IsZero() || h.UserID == nil {
				t.Errorf("entry %d: %+v, want %s → %s (%q)", i+1, h, from, s.to, s.reason)
			}
			from = s.to
		}

		// Registered as active: one entry, from nothing to active.
		active := f.mustPeer(t, f.a.ID, f.orgA.ID, "Erfaren", tenants.PeerActive)
		if h, _ := f.peers.StatusHistory(ctx, f.a.ID, f.orgA.ID, active.ID); len(h) != 1 || h[0].From != "" || h[0].To != tenants.PeerActive {
			t.Errorf("history of a peer registered as active: %+v", h)
		}

		err = db.InTenant(ctx, f.a.ID, func(tx *tenants.Tx) error {
			_, err := tx.NewUpdate().Model((*tenants.PeerStatusEvent)(nil)).Set("reason = 'ändrat'").
				Where("tenant_id = ? AND peer_id = ?", f.a.ID, p.ID).Exec(ctx)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("changing history: err = %v, want the append-only refusal", err)
		}
	})
}

func TestPeerStatusNext(t *testing.T) {
	t.Parallel()
	want := map[tenants.PeerStatus][]tenants.PeerStatus{
		tenants.PeerRecruited:  {tenants.PeerInTraining, tenants.PeerLeft},
		tenants.PeerInTraining: {tenants.PeerActive, tenants.PeerLeft},
		tenants.PeerActive:     {tenants.PeerPaused, tenants.PeerLeft},
		tenants.PeerPaused:     {tenants.PeerActive, tenants.PeerLeft},
		tenants.PeerLeft:       nil,
	}
	for from, next := range want {
		if got := from.Next(); !slices.Equal(got, next) {
			t.Errorf("%s.Next() = %v, want %v", from, got, next)
		}
		for _, to := range tenants.PeerStatuses {
			if from.CanBecome(to) != slices.Contains(next, to) {
				t.Errorf("%s.CanBecome(%s) = %v", from, to, from.CanBecome(to))
			}
		}
	}
}

// TestPeerAccount: a peer is linked only to a peer supporter's account of
// their own organisation, and sees their own record through it.
func TestPeerAccount(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		ids := tenants.NewIdentityStore(db)
		member := func(email string, role tenants.Role, orgID int64) tenants.User {
			t.Helper()
			u, err := ids.CreateUser(ctx, tenants.User{Email: email, DisplayName: email})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ids.SetMembership(ctx, f.a.ID, tenants.Membership{UserID: u.ID, Role: role, OrganisationID: &orgID}); err != nil {
				t.Fatal(err)
			}
			return u
		}
		own := member("sara@nsph.se", tenants.RolePeerSupporter, f.orgA.ID)
		otherOrg := member("bo@rsmh.se", tenants.RolePeerSupporter, f.orgB.ID)
		coordinator := member("kim2@nsph.se", tenants.RoleOrgCoordinator, f.orgA.ID)
		p := f.mustPeer(t, f.a.ID, f.orgA.ID, "Sara", tenants.PeerActive)
		q := f.mustPeer(t, f.a.ID, f.orgA.ID, "Sam", tenants.PeerActive)

		for _, u := range []tenants.User{otherOrg, coordinator, f.coordinator} {
			_, err := f.peers.SetUser(ctx, f.a.ID, f.orgA.ID, p.ID, &u.ID)
			wantFieldKeys(t, err, "user_id=validation.peer_account")
		}
		if _, err := f.peers.PeerByUser(ctx, f.a.ID, own.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("before linking: err = %v, want ErrNotFound", err)
		}
		linked, err := f.peers.SetUser(ctx, f.a.ID, f.orgA.ID, p.ID, &own.ID)
		if err != nil || linked.UserID == nil || *linked.UserID != own.ID {
			t.Fatalf("link: %+v (%v)", linked, err)
		}
		mine, err := f.peers.PeerByUser(ctx, f.a.ID, own.ID)
		if err != nil || mine.ID != p.ID || mine.Email != "sara.lind@example.se" {
			t.Fatalf("own record: %+v (%v)", mine, err)
		}
		wantNotFound(t, "own record from another region", func() error { _, err := f.peers.PeerByUser(ctx, f.b.ID, own.ID); return err }())
		_, err = f.peers.SetUser(ctx, f.a.ID, f.orgA.ID, q.ID, &own.ID)
		wantFieldKeys(t, err, "user_id=validation.peer_account_taken")

		if _, err := f.peers.SetUser(ctx, f.a.ID, f.orgA.ID, p.ID, nil); err != nil {
			t.Fatal(err)
		}
		wantNotFound(t, "after unlinking", func() error { _, err := f.peers.PeerByUser(ctx, f.a.ID, own.ID); return err }())
	})
}

// TestTrainingAndCertification: trainings are checked and stored per peer;
// the certification follows the base course and refreshers; expiring ones
// are listed per organisation.
func TestTrainingAndCertification(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		p := f.mustPeer(t, f.a.ID, f.orgA.ID, "Sara", tenants.PeerActive)
		tomorrow := tenants.DateOf(time.Now().Add(48 * time.Hour))

		bad := []struct {
			name string
			in   tenants.Training
			want []string
		}{
			{"completed before it started", tenants.Training{Kind: tenants.TrainingBaseCourse, StartedOn: day("2024-03-01"), CompletedOn: day("2024-02-28")},
				[]string{"completed_on=validation.end_before_start"}},
			{"completed in the future", tenants.Training{Kind: tenants.TrainingBaseCourse, StartedOn: day("2024-03-01"), CompletedOn: tomorrow},
				[]string{"completed_on=validation.not_future"}},
			{"no start, unknown kind", tenants.Training{Kind: "yoga"}, []string{"kind=validation.choice", "started_on=validation.required"}},
			{"other without a title", tenants.Training{Kind: tenants.TrainingOther, StartedOn: day("2024-03-01")}, []string{"title=validation.required"}},
		}
		for _, tc := range bad {
			_, err := f.peers.AddTraining(ctx, f.a.ID, f.orgA.ID, p.ID, tc.in)
			if got := fieldKeys(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: problems %q, want %q", tc.name, got, tc.want)
			}
		}
		if list, err := f.peers.Trainings(ctx, f.a.ID, f.orgA.ID, p.ID); err != nil || len(list) != 0 {
			t.Fatalf("refused trainings were stored: %+v (%v)", list, err)
		}

		base, err := f.peers.AddTraining(ctx, f.a.ID, f.orgA.ID, p.ID, tenants.Training{
			Kind: tenants.TrainingBaseCourse, Title: "Peer support, NSPH", StartedOn: day("2023-01-09"), CompletedOn: day("2023-02-10"),
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range []tenants.Training{
			{Kind: tenants.TrainingStaffIntroduction, StartedOn: day("2023-03-01"), CompletedOn: day("2023-03-01")},
			{Kind: tenants.TrainingRefresher, StartedOn: day("2024-03-01"), CompletedOn: day("2024-03-01")},
			{Kind: tenants.TrainingRefresher, StartedOn: tomorrow}, // planned, not yet completed
		} {
			if _, err := f.peers.AddTraining(ctx, f.a.ID, f.orgA.ID, p.ID, tr); err != nil {
				t.Fatal(err)
			}
		}
		list, err := f.peers.Trainings(ctx, f.a.ID, f.orgA.ID, p.ID)
		if err != nil || len(list) != 4 || list[0].ID != base.ID || list[0].CompletedOn != day("2023-02-10") || !list[3].CompletedOn.IsZero() {
			t.Fatalf("trainings %+v (%v)", list, err)
		}
		want := tenants.Certification{CertifiedOn: day("2023-02-10"), RenewedOn: day("2024-03-01"), ExpiresOn: day("2026-03-01"), RefresherDueOn: day("2025-03-01")}
		if got := tenants.CertificationOf(list); got != want {
			t.Fatalf("certification %+v, want %+v", got, want)
		}

		// Another peer, certified earlier and never refreshed; one who has
		// left; one of organisation B.
		old := f.mustPeer(t, f.a.ID, f.orgA.ID, "Olle", tenants.PeerActive)
		if _, err := f.peers.SetStatus(ctx, f.a.ID, f.orgA.ID, 0, old.ID, tenants.PeerPaused, ""); err != nil {
			t.Fatal(err)
		}
		gone := f.mustPeer(t, f.a.ID, f.orgA.ID, "Gunn", tenants.PeerActive)
		theirs := f.mustPeer(t, f.a.ID, f.orgB.ID, "Bo", tenants.PeerActive)
		for _, q := range []tenants.Peer{old, gone, theirs} {
			if _, err := f.peers.AddTraining(ctx, f.a.ID, q.OrganisationID, q.ID, tenants.Training{
				Kind: tenants.TrainingBaseCourse, StartedOn: day("2022-09-05"), CompletedOn: day("2022-10-07"),
			}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.peers.SetStatus(ctx, f.a.ID, f.orgA.ID, 0, gone.ID, tenants.PeerLeft, ""); err != nil {
			t.Fatal(err)
		}
		names := func(before string) []string {
			t.Helper()
			list, err := f.peers.CertificationsExpiring(ctx, f.a.ID, f.orgA.ID, day(before))
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range list {
				out = append(out, c.DisplayName+" "+c.ExpiresOn.String())
			}
			return out
		}
		if got := names("2024-10-07"); got != nil {
			t.Errorf("expiring before 2024-10-07: %q, want none", got)
		}
		if got, want := names("2024-10-08"), []string{"Olle 2024-10-07"}; !slices.Equal(got, want) {
			t.Errorf("expiring before 2024-10-08: %q, want %q", got, want)
		}
		if got, want := names("2026-03-02"), []string{"Olle 2024-10-07", "Sara 2026-03-01"}; !slices.Equal(got, want) {
			t.Errorf("expiring before 2026-03-02: %q, want %q", got, want)
		}

		if err := f.peers.RemoveTraining(ctx, f.a.ID, f.orgB.ID, p.ID, base.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Errorf("remove through organisation B: err = %v, want ErrNotFound", err)
		}
		if err := f.peers.RemoveTraining(ctx, f.a.ID, f.orgA.ID, old.ID, base.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Errorf("remove through another peer: err = %v, want ErrNotFound", err)
		}
		if err := f.peers.RemoveTraining(ctx, f.a.ID, f.orgA.ID, p.ID, base.ID); err != nil {
			t.Fatal(err)
		}
		if list, err := f.peers.Trainings(ctx, f.a.ID, f.orgA.ID, p.ID); err != nil || len(list) == 0 || tenants.CertificationOf(list).Certified() {
			t.Errorf("certified without a base course: %+v (%v)", list, err)
		}
	})
}

func TestCertificationOf(t *testing.T) {
	t.Parallel()
	done := func(kind tenants.TrainingKind, on string) tenants.Training {
		return tenants.Training{Kind: kind, StartedOn: day(on), CompletedOn: day(on)}
	}
	tests := []struct {
		name string
		in   []tenants.Training
		want tenants.Certification
	}{
		{"nothing", nil, tenants.Certification{}},
		{"base course under way", []tenants.Training{{Kind: tenants.TrainingBaseCourse, StartedOn: day("2025-01-13")}}, tenants.Certification{}},
		{"refresher without a base course", []tenants.Training{done(tenants.TrainingRefresher, "2025-01-13")}, tenants.Certification{}},
		{"base course", []tenants.Training{done(tenants.TrainingBaseCourse, "2025-02-14")},
			tenants.Certification{CertifiedOn: day("2025-02-14"), RenewedOn: day("2025-02-14"), ExpiresOn: day("2027-02-14"), RefresherDueOn: day("2026-02-14")}},
		{"refresher before the base course does not count", []tenants.Training{
			done(tenants.TrainingRefresher, "2024-06-01"), done(tenants.TrainingBaseCourse, "2025-02-14"), done(tenants.TrainingOther, "2025-06-01"),
		}, tenants.Certification{CertifiedOn: day("2025-02-14"), RenewedOn: day("2025-02-14"), ExpiresOn: day("2027-02-14"), RefresherDueOn: day("2026-02-14")}},
		{"base course taken twice", []tenants.Training{done(tenants.TrainingBaseCourse, "2025-02-14"), done(tenants.TrainingBaseCourse, "2021-02-12")},
			tenants.Certification{CertifiedOn: day("2021-02-12"), RenewedOn: day("2025-02-14"), ExpiresOn: day("2027-02-14"), RefresherDueOn: day("2026-02-14")}},
	}
	for _, tc := range tests {
		if got := tenants.CertificationOf(tc.in); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	c := tenants.CertificationOf([]tenants.Training{done(tenants.TrainingBaseCourse, "2025-02-14")})
	if !c.ValidOn(day("2027-02-14")) || c.ValidOn(day("2027-02-15")) || c.ValidOn(day("2025-02-13")) {
		t.Errorf("validity of %+v is off at its edges", c)
	}
}
