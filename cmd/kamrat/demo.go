package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/kamrat/kamrat/policy/oidcprovider"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/ui"
)

// demoDatabaseURL keeps demo data apart from a real local database.
const demoDatabaseURL = "sqlite:kamrat-demo.db"

// demoIssuerPath is where the built-in OpenID provider is mounted.
const demoIssuerPath = "/demo-idp"

// runDemo is `serve --demo` on its own database unless one is named.
func runDemo(ctx context.Context, args []string, out, errOut io.Writer, getenv env) error {
	return runServe(ctx, append([]string{"--demo", "--database-url", demoDatabaseURL}, args...), out, errOut, getenv)
}

// demoRegion is a region the demo seeds, with its clinics and
// organisations; serves[i] lists the indexes of the units orgs[i] serves.
type demoRegion struct {
	slug, name, county, preset string
	units                      []tenants.Unit
	orgs                       []tenants.Organisation
	serves                     [][]int
	// share: the region shares its approved figures in the national view
	// (set when the demo creates the region).
	share bool
}

var demoRegions = []demoRegion{
	{slug: "skane", name: "Region Skåne", county: "12", preset: tenants.PresetSITHS, share: true,
		units: []tenants.Unit{
			{Name: "Infektionsmottagningen, Skånes universitetssjukhus Malmö", HSAID: "SE2321000255-INF1", Kind: tenants.UnitInfectionClinic, Municipality: "Malmö", Active: true},
			{Name: "Psykiatrisk öppenvård Lund", HSAID: "SE2321000255-PSY2", Kind: tenants.UnitPsychiatricOutpatient, Municipality: "Lund", Active: true},
		},
		orgs: []tenants.Organisation{
			{Name: "Positiva gruppen Syd", OrgNumber: "802400-1235", Kind: tenants.OrgPatient, Focus: []tenants.TargetGroup{tenants.TargetHIV}, Active: true},
			{Name: "NSPH Skåne", OrgNumber: "802411-4566", Kind: tenants.OrgUser, Focus: []tenants.TargetGroup{tenants.TargetPsychiatry}, Active: true},
		},
		serves: [][]int{{0}, {1}}},
	{slug: "stockholm", name: "Region Stockholm", county: "01", preset: tenants.PresetGeneric, share: true,
		units: []tenants.Unit{
			{Name: "Infektionskliniken, Karolinska Huddinge", HSAID: "SE2321000016-INF9", Kind: tenants.UnitInfectionClinic, Municipality: "Huddinge", Active: true},
		},
		orgs: []tenants.Organisation{
			{Name: "NSPH Stockholm", OrgNumber: "802422-7897", Kind: tenants.OrgUser, Focus: []tenants.TargetGroup{tenants.TargetPsychiatry}, Active: true},
		},
		serves: [][]int{{0}}},
	// A region that has just joined: no clinics or organisations yet, so
	// only its administrator and a viewer can sign in. The administrator
	// sets it up from nothing.
	{slug: "gotland", name: "Region Gotland", county: "09", preset: tenants.PresetGeneric},
}

// demoPeople: one demo user per role in each region.
var demoPeople = []struct {
	role          tenants.Role
	given, family string
	labelSV       string
}{
	{tenants.RoleRegionAdmin, "Alva", "Administratör", "regional administratör"},
	{tenants.RoleClinicStaff, "Kim", "Sjuksköterska", "vårdpersonal"},
	{tenants.RoleOrgCoordinator, "Omar", "Samordnare", "samordnare i organisation"},
	{tenants.RolePeerSupporter, "Pia", "Kamratstödjare", "kamratstödjare"},
	{tenants.RoleViewer, "Vera", "Politiker", "läsare (politiker)"},
}

// setUpDemo seeds (or refreshes) the demo regions, clinics, organisations
// and users, starts the built-in OpenID provider on its own port of the same
// host, and points each demo region's sign-in at it. The returned function
// stops the provider.
func setUpDemo(ctx context.Context, db *tenants.DB, sealer *tenants.Sealer, cfg *ui.Config, addr string, logger *slog.Logger) (stop func(), err error) {
	base := cfg.PublicURL
	if base == "" {
		base = "http://" + addr
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	idpLn, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("demo provider: %w", err)
	}
	defer func() {
		if err != nil {
			idpLn.Close()
		}
	}()
	issuer := "http://" + idpLn.Addr().String() + demoIssuerPath
	secret := rand.Text()
	client := oidcprovider.Client{ID: "kamrat-demo", Secret: secret}
	regionStore, units, orgs := tenants.NewTenantStore(db), tenants.NewUnitStore(db), tenants.NewOrganisationStore(db)
	identities, signIns := tenants.NewIdentityStore(db), tenants.NewSignInStore(db, sealer)
	var opUsers []oidcprovider.User
	var peerSupporters []demoPeerSupporter
	var pathways []demoPathway

	for _, dr := range demoRegions {
		region, err := regionStore.BySlug(ctx, dr.slug)
		if errors.Is(err, tenants.ErrNotFound) {
			region, err = regionStore.Create(ctx, tenants.Tenant{Slug: dr.slug, Name: dr.name, CountyCode: dr.county,
				Settings: tenants.TenantSettings{NationalSharing: dr.share}})
		}
		if err != nil {
			return nil, err
		}
		unitList, err := ensureSeeded(ctx, region.ID, dr.units, units.Units, units.Create, func(u tenants.Unit) string { return u.HSAID })
		if err != nil {
			return nil, err
		}
		orgList, err := ensureSeeded(ctx, region.ID, dr.orgs, orgs.Organisations, orgs.Create, func(o tenants.Organisation) string { return o.OrgNumber })
		if err != nil {
			return nil, err
		}
		if err := seedDemoServedUnits(ctx, orgs, region.ID, orgList, unitList, dr.serves); err != nil {
			return nil, err
		}
		pathway := demoPathway{tenantID: region.ID}
		if len(unitList) > 0 && len(orgList) > 0 {
			pathway.unitID, pathway.orgID = unitList[0].ID, orgList[0].ID
			if len(orgList[0].Focus) > 0 {
				pathway.group = orgList[0].Focus[0]
			}
		}
		if _, err := signIns.SaveProvider(ctx, region.ID, tenants.OIDCProvider{
			Slug: "demo", DisplayName: "Demo-inloggning (" + dr.name + ")", Preset: dr.preset,
			Issuer: issuer, ClientID: client.ID, Scopes: "openid profile email",
		}, secret); err != nil {
			return nil, err
		}
		client.RedirectURIs = append(client.RedirectURIs, base+"/r/"+dr.slug+"/login/callback")

		for _, person := range demoPeople {
			if (person.role.Scope() == tenants.ScopeUnit && len(unitList) == 0) ||
				(person.role.Scope() == tenants.ScopeOrganisation && len(orgList) == 0) {
				continue // the region has nothing yet to scope this role to
			}
			email := fmt.Sprintf("%s.%s@demo.kamrat.example", strings.ReplaceAll(string(person.role), "_", "-"), dr.slug)
			user, err := identities.UserByEmail(ctx, email)
			if errors.Is(err, tenants.ErrNotFound) {
				user, err = identities.CreateUser(ctx, tenants.User{Email: email, DisplayName: person.given + " " + person.family})
			}
			if err != nil {
				return nil, err
			}
			m := tenants.Membership{UserID: user.ID, Role: person.role}
			claims := map[string]any{
				"given_name": person.given, "family_name": person.family, "email": email, "email_verified": true,
				"acr": tenants.SITHSAssurance,
			}
			switch person.role.Scope() {
			case tenants.ScopeUnit:
				m.UnitID = &unitList[0].ID
				claims["healthCareUnitHsaId"] = unitList[0].HSAID
				claims["employeeHsaId"] = strings.Split(unitList[0].HSAID, "-")[0] + "-E" + fmt.Sprint(user.ID)
			case tenants.ScopeOrganisation:
				m.OrganisationID = &orgList[0].ID
			}
			if _, err := identities.SetMembership(ctx, region.ID, m); err != nil {
				return nil, err
			}
			switch person.role {
			case tenants.RolePeerSupporter:
				peerSupporters = append(peerSupporters, demoPeerSupporter{tenantID: region.ID, orgID: orgList[0].ID, userID: user.ID})
				pathway.peerUserID = user.ID
			case tenants.RoleClinicStaff:
				pathway.staffID = user.ID
			case tenants.RoleOrgCoordinator:
				pathway.coordinatorID = user.ID
			}
			subject := "demo-" + dr.slug + "-" + string(person.role)
			if err := identities.LinkIdentity(ctx, user.ID, tenants.IdentityKey{Issuer: issuer, Subject: subject}); err != nil {
				return nil, err
			}
			label := fmt.Sprintf("%s %s — %s", person.given, person.family, person.labelSV)
			opUsers = append(opUsers, oidcprovider.User{Subject: subject, Label: label + ", " + dr.name, Claims: claims})
			cfg.DemoUsers = append(cfg.DemoUsers, ui.DemoUser{Region: dr.slug, Provider: "demo", Subject: subject, Label: label})
		}
		pathways = append(pathways, pathway)
	}

	national, err := seedDemoNationalViewer(ctx, identities, issuer)
	if err != nil {
		return nil, err
	}
	opUsers = append(opUsers, national)
	for _, dr := range demoRegions {
		// A national viewer may sign in through any region's sign-in.
		cfg.DemoUsers = append(cfg.DemoUsers, ui.DemoUser{Region: dr.slug, Provider: "demo", Subject: national.Subject, Label: demoNationalLabel})
	}

	peers := tenants.NewPeerStore(db, sealer)
	if err := seedDemoPeers(ctx, peers, peerSupporters); err != nil {
		return nil, err
	}
	for _, p := range pathways {
		if err := seedDemoPathway(ctx, p, peers, tenants.NewReferralStore(db, sealer), tenants.NewSupportStore(db, sealer)); err != nil {
			return nil, err
		}
		if err := seedDemoHistory(ctx, db, sealer, p, time.Now()); err != nil {
			return nil, err
		}
	}

	op, err := oidcprovider.New(issuer, []oidcprovider.Client{client}, opUsers)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: op.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(idpLn)
	logger.Warn("DEMO MODE: demo regions and users are seeded and anyone can sign in as them; never use this in production",
		"issuer", issuer, "sign_in", base+"/r/skane/login")
	return func() { srv.Close() }, nil
}

// demoNationalLabel names the demo national viewer on the sign-in pages.
const demoNationalLabel = "Nina Analytiker — nationell analytiker (ser den nationella jämförelsen, medlem i ingen region)"

// seedDemoNationalViewer makes (or keeps) the demo's national viewer: a
// member of no region who signs in through any region's demo sign-in and
// lands on the national view.
func seedDemoNationalViewer(ctx context.Context, identities *tenants.IdentityStore, issuer string) (oidcprovider.User, error) {
	const email, subject = "national-viewer@demo.kamrat.example", "demo-national-viewer"
	user, err := identities.UserByEmail(ctx, email)
	if errors.Is(err, tenants.ErrNotFound) {
		user, err = identities.CreateUser(ctx, tenants.User{Email: email, DisplayName: "Nina Analytiker"})
	}
	if err != nil {
		return oidcprovider.User{}, err
	}
	if err := identities.SetNationalViewer(ctx, user.ID, true); err != nil {
		return oidcprovider.User{}, err
	}
	if err := identities.LinkIdentity(ctx, user.ID, tenants.IdentityKey{Issuer: issuer, Subject: subject}); err != nil {
		return oidcprovider.User{}, err
	}
	return oidcprovider.User{Subject: subject, Label: demoNationalLabel, Claims: map[string]any{
		"given_name": "Nina", "family_name": "Analytiker", "email": email, "email_verified": true, "acr": tenants.SITHSAssurance,
	}}, nil
}

// ensureSeeded returns, for each record in want, the region's record with
// the same key, creating those the region lacks. list and create are a
// store's methods (UnitStore.Units and UnitStore.Create, say).
func ensureSeeded[T any](ctx context.Context, tenantID int64, want []T,
	list func(context.Context, int64) ([]T, error), create func(context.Context, int64, T) (T, error), key func(T) string,
) ([]T, error) {
	have, err := list(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string]T, len(have))
	for _, h := range have {
		byKey[key(h)] = h
	}
	out := make([]T, 0, len(want))
	for _, w := range want {
		h, ok := byKey[key(w)]
		if !ok {
			if h, err = create(ctx, tenantID, w); err != nil {
				return nil, err
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// demoMailer writes e-mail to the log instead of sending it: demo mode
// without an SMTP server still lets a newcomer follow a sign-in link.
type demoMailer struct{ logger *slog.Logger }

func (m demoMailer) Send(ctx context.Context, to, subject, text, _ string) error {
	m.logger.InfoContext(ctx, "demo e-mail (not sent: demo mode has no SMTP server)", "to", to, "subject", subject, "text", text)
	return nil
}

// demoPeerSupporter is a demo region's peer supporter account and its
// organisation.
type demoPeerSupporter struct{ tenantID, orgID, userID int64 }

// seedDemoPeers gives each demo peer supporter's organisation a few peer
// supporters (once: an organisation with peers is left alone), the demo
// peer supporter's own record among them, so that the coordinator's and the
// peer's pages have something to show.
func seedDemoPeers(ctx context.Context, peers *tenants.PeerStore, supporters []demoPeerSupporter) error {
	for _, ps := range supporters {
		have, err := peers.Peers(ctx, ps.tenantID, ps.orgID)
		if err != nil {
			return err
		}
		if len(have) > 0 {
			continue
		}
		for i, p := range []tenants.Peer{
			{DisplayName: "Pia Kamratstödjare", Email: "pia@demo.kamrat.example", Languages: []string{"sv", "en"}, Experience: []tenants.ExperienceArea{"hiv", "depression_anxiety"}, Capacity: 3, Status: tenants.PeerActive},
			{DisplayName: "Ali Hassan", Phone: "070-000 00 01", Languages: []string{"sv", "ar"}, Experience: []tenants.ExperienceArea{"hiv"}, Capacity: 2, Status: tenants.PeerActive},
			{DisplayName: "Lena Berg", Languages: []string{"sv"}, Experience: []tenants.ExperienceArea{"addiction"}, Capacity: 2, Status: tenants.PeerInTraining},
		} {
			created, err := peers.Create(ctx, ps.tenantID, ps.orgID, 0, p)
			if err != nil {
				return fmt.Errorf("demo peer %s: %w", p.DisplayName, err)
			}
			if i == 0 {
				if _, err := peers.SetUser(ctx, ps.tenantID, ps.orgID, created.ID, &ps.userID); err != nil {
					return fmt.Errorf("link demo peer: %w", err)
				}
			}
		}
	}
	return nil
}

// seedDemoServedUnits lets each organisation serve its units, once: an
// organisation that serves some units already is left as it is.
func seedDemoServedUnits(ctx context.Context, orgs *tenants.OrganisationStore, tenantID int64, orgList []tenants.Organisation, units []tenants.Unit, serves [][]int) error {
	for i, idx := range serves {
		if i >= len(orgList) {
			break
		}
		have, err := orgs.ServedUnits(ctx, tenantID, orgList[i].ID)
		if err != nil || len(have) > 0 {
			return err
		}
		ids := make([]int64, 0, len(idx))
		for _, u := range idx {
			ids = append(ids, units[u].ID)
		}
		if err := orgs.SetServedUnits(ctx, tenantID, orgList[i].ID, ids); err != nil {
			return fmt.Errorf("demo served units: %w", err)
		}
	}
	return nil
}

// demoPathway is who a demo region's example referrals involve: the
// first unit's clinic staff, the first organisation's coordinator and its
// peer supporter.
type demoPathway struct {
	tenantID, unitID, orgID            int64
	staffID, coordinatorID, peerUserID int64
	group                              tenants.TargetGroup
}

// seedDemoPathway gives a region whose first organisation serves its first
// unit two example referrals, once (an organisation with referrals is left
// alone): one waiting in the inbox, and one the demo peer supporter
// supports, with a meeting, so that every role's pages show the pathway.
func seedDemoPathway(ctx context.Context, p demoPathway, peers *tenants.PeerStore, refs *tenants.ReferralStore, support *tenants.SupportStore) error {
	if p.unitID == 0 || p.group == "" || p.staffID == 0 || p.coordinatorID == 0 || p.peerUserID == 0 {
		return nil
	}
	inbox, err := refs.Inbox(ctx, p.tenantID, p.orgID, 0, 1)
	if err != nil || inbox.Total > 0 {
		return err
	}
	peer, err := peers.PeerByUser(ctx, p.tenantID, p.peerUserID)
	if errors.Is(err, tenants.ErrNotFound) {
		return nil // the organisation had peers of its own before the demo
	} else if err != nil {
		return err
	}
	today := tenants.Today(time.Now())
	person := func(alias, phone, language string) tenants.NewParticipant {
		return tenants.NewParticipant{
			TargetGroup: p.group, Language: language,
			Contact: tenants.ParticipantContact{Alias: alias, Method: tenants.ContactPhone, Details: phone},
			Consent: tenants.ConsentScopes{ShareContact: true, FollowUp: true, ExpiresOn: today.AddMonths(12)},
		}
	}
	_, _, err = refs.RegisterAndRefer(ctx, p.tenantID, p.unitID, p.staffID, person("Sam", "070-000 10 01", "sv"), p.orgID)
	if err != nil {
		// Served units or focus were changed by hand: no examples then.
		if errors.As(err, new(*tenants.ValidationError)) {
			return nil
		}
		return fmt.Errorf("demo referral: %w", err)
	}
	_, ref, err := refs.RegisterAndRefer(ctx, p.tenantID, p.unitID, p.staffID, person("Robin", "070-000 10 02", "en"), p.orgID)
	if err != nil {
		return fmt.Errorf("demo referral: %w", err)
	}
	if _, err := refs.Accept(ctx, p.tenantID, p.orgID, p.coordinatorID, ref.ID); err != nil {
		return fmt.Errorf("demo referral: %w", err)
	}
	if _, err := refs.RecordContactAttempt(ctx, p.tenantID, p.orgID, p.coordinatorID, ref.ID,
		tenants.ContactAttempt{AttemptedOn: today, Method: tenants.ContactPhone, Reached: true}); err != nil {
		return fmt.Errorf("demo contact: %w", err)
	}
	m, err := support.Match(ctx, p.tenantID, p.orgID, p.coordinatorID, ref.ID, peer.ID)
	if err != nil {
		return fmt.Errorf("demo match: %w", err)
	}
	_, err = support.LogMeeting(ctx, p.tenantID, peer.ID, p.peerUserID, m.ID, tenants.Meeting{
		HeldOn: today, Format: tenants.MeetingInPerson, DurationMinutes: 60,
		Topics: []tenants.MeetingTopic{tenants.TopicOpenness, tenants.TopicEverydayLife},
	})
	if err != nil {
		return fmt.Errorf("demo meeting: %w", err)
	}
	return nil
}
