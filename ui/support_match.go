package ui

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// errNotCoordinator answers a member of an organisation who is not its
// coordinator (a peer supporter holds match read for their own matches).
var errNotCoordinator = fiber.NewError(fiber.StatusConflict, "matching is the coordinator's side of the pathway; the caller is not an organisation's coordinator")

// matchingOrganisation returns the organisation whose referrals the
// caller matches: the caller's own, and only for its coordinator. A
// caller from the clinic side gets errNotAtOrganisation.
func matchingOrganisation(c *fiber.Ctx) (int64, error) {
	orgID, err := referralOrganisation(c)
	if err != nil {
		return 0, err
	}
	if principal(c).Role != tenants.RoleOrgCoordinator {
		return 0, errNotCoordinator
	}
	return orgID, nil
}

// matchPeer matches the referral's participant with the peer (an id as
// typed; empty is a missing choice), logs match.create with the
// participant's code, and returns the new match with its peer's name.
func (s *server) matchPeer(c *fiber.Ctx, orgID, referralID int64, peerID int64) (tenants.MatchedPeer, error) {
	if peerID == 0 {
		return tenants.MatchedPeer{}, &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "peer_id", Key: "validation.required"}}}
	}
	ctx, region := c.UserContext(), currentRegion(c)
	m, err := s.cfg.Support.Match(ctx, region.ID, orgID, principal(c).User.ID, referralID, peerID)
	if err != nil {
		return tenants.MatchedPeer{}, err
	}
	rec, err := s.cfg.Referrals.Record(ctx, region.ID, orgID, referralID)
	if err != nil {
		return tenants.MatchedPeer{}, err
	}
	s.auditParticipant(c, "match.create", "referral", referralID, rec.Code)
	out := tenants.MatchedPeer{Match: m}
	if cur, ok := rec.Support.Current(); ok && cur.ID == m.ID {
		out = cur
	}
	return out, nil
}

// referralMatch chooses the peer who supports a referral's participant,
// from the referral page's matching section: back to the page with the
// support shown, or the page again with the refusal.
func (s *server) referralMatch(c *fiber.Ctx) error {
	orgID, err := matchingOrganisation(c)
	if errors.Is(err, errNotAtOrganisation) {
		return s.ownReferralSide(c)
	} else if err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := formFrom(c, "peer_id")
	peerID, err := formID(f.Value("peer_id"), "peer_id")
	if err == nil {
		_, err = s.matchPeer(c, orgID, id, peerID)
	}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		return s.showReferral(c, referralForms{match: &f}, true)
	}
	if err != nil {
		return err
	}
	return c.Redirect(inboxURL(c)+"/"+itoa(id)+"#support", fiber.StatusSeeOther)
}
