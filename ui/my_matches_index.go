package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// myMatchesPage lists the peer supporter's running matches: code, start,
// language, meetings and the next follow-up — no contact data. Linked is
// false while no coordinator has linked the account to a peer record; the
// page then says so.
type myMatchesPage struct {
	basePage
	Linked  bool
	Matches []myMatchRow
}

func (myMatchesPage) templateName() string { return "my_matches_index" }

type myMatchRow struct {
	URL, Code, Since, Language string
	Meetings                   string
	LastMeeting                string
	// NextFollowUp is the earliest follow-up still due ("3 månader,
	// 2027-01-10"), or the placeholder; Overdue when its day has passed.
	NextFollowUp string
	Overdue      bool
}

// myMatchesIndex lists the caller's own running matches.
func (s *server) myMatchesIndex(c *fiber.Ctx) error {
	peer, err := s.ownPeer(c)
	if isNoPeerProfile(err) {
		return s.notLinked(c, fiber.StatusOK)
	} else if err != nil {
		return err
	}
	list, err := s.cfg.Support.PeerMatches(c.UserContext(), currentRegion(c).ID, peer.ID)
	if err != nil {
		return err
	}
	s.auditParticipantList(c, "peer_matches", codesOf(list, func(m tenants.PeerMatch) string { return m.Code }))
	base := s.regionBase(c)
	l := s.supportLabels(base.Lang)
	today := todayInSweden()
	p := myMatchesPage{basePage: base, Linked: true}
	for _, m := range list {
		row := myMatchRow{
			URL: myMatchesURL(c) + "/" + itoa(m.ID), Code: m.Code, Since: m.StartedOn.String(), Language: l.language(m.Language),
			Meetings: strconv.Itoa(len(m.Meetings)), LastMeeting: l.date(m.LastMeetingOn()), NextFollowUp: l.tr("peers.none"),
		}
		if f, ok := m.NextFollowUp(); ok {
			row.NextFollowUp = l.month(f.Month) + ", " + f.DueOn.String()
			row.Overdue = f.DueOn.Before(today)
		}
		p.Matches = append(p.Matches, row)
	}
	return s.renderPage(c, p)
}

// followUpOpen reports whether a follow-up can be done today: still due
// and at most tenants.FollowUpWindowDays before its day.
func followUpOpen(f tenants.FollowUp, today tenants.Date) bool {
	return f.Status == tenants.FollowUpDue && !today.Before(f.DueOn.AddDays(-tenants.FollowUpWindowDays))
}
