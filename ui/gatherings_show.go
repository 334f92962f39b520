package ui

import (
	"github.com/gofiber/fiber/v2"
)

// gatheringPage shows a gathering with the form that records who attended
// (once the day has come) and the button that removes it.
type gatheringPage struct {
	basePage
	Nav       []workNavLink
	URL       string
	ListURL   string
	Gathering gatheringRow
	// Attendance is the attendance form; Peers its checkboxes.
	Form  form
	Peers []attendeeBox
	Saved bool
}

func (gatheringPage) templateName() string { return "gatherings_show" }

// gatheringShow renders one gathering of the organisation.
func (s *server) gatheringShow(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	p, err := s.newGatheringPage(c, orgID, id, form{}, nil)
	if err != nil {
		return err
	}
	p.Saved = c.Query("saved") != ""
	return s.renderPage(c, p)
}

// newGatheringPage builds the page; ticked are the refused form's
// checkboxes, or nil for the stored attendance.
func (s *server) newGatheringPage(c *fiber.Ctx, orgID, id int64, f form, ticked []string) (gatheringPage, error) {
	region := currentRegion(c)
	g, err := s.cfg.Gatherings.Gathering(c.UserContext(), region.ID, orgID, id)
	if err != nil {
		return gatheringPage{}, err
	}
	peers, err := s.loadPeerWorkPeers(c, orgID)
	if err != nil {
		return gatheringPage{}, err
	}
	if ticked == nil {
		for _, pid := range g.PeerIDs {
			ticked = append(ticked, itoa(pid))
		}
	}
	base := s.regionBase(c)
	list := peerWorkURL(region) + "/gatherings"
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	return gatheringPage{
		basePage: base, Nav: s.peerWorkNav(base.Lang, region, "gatherings.title"), URL: list + "/" + itoa(id), ListURL: list,
		Gathering: s.gatheringRowOf(base.Lang, g, todayInSweden()), Form: f, Peers: peers.checkboxes(ticked),
	}, nil
}

// gatheringAttendance replaces who attended; nothing changes when the
// gathering lies ahead or a ticked peer is not the organisation's.
func (s *server) gatheringAttendance(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	ticked := formValues(c, "peers")
	ids, err := peerIDsFrom(ticked)
	if err == nil {
		_, err = s.cfg.Gatherings.SetAttendance(c.UserContext(), region.ID, orgID, id, ids)
	}
	f := form{Values: map[string]string{}}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		p, perr := s.newGatheringPage(c, orgID, id, f, ticked)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "gathering.attendance", "gathering", itoa(id))
	return c.Redirect(peerWorkURL(region)+"/gatherings/"+itoa(id)+"?saved=1#attendance", fiber.StatusSeeOther)
}

// gatheringRemove deletes a gathering with its attendance.
func (s *server) gatheringRemove(c *fiber.Ctx) error {
	return s.peerWorkRemove(c, s.cfg.Gatherings.Remove, "gathering.remove", "gathering", "/gatherings")
}
