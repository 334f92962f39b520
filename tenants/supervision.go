package tenants

import (
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// SupervisionKind says whether a supervision session was held with one peer
// or a group.
type SupervisionKind string

const (
	SupervisionIndividual SupervisionKind = "individual"
	SupervisionGroup      SupervisionKind = "group"
)

// SupervisionKinds lists every kind, in the order forms show them.
var SupervisionKinds = []SupervisionKind{SupervisionIndividual, SupervisionGroup}

// Limits of a supervision session's length, in minutes.
const (
	MinSupervisionMinutes = 15
	MaxSupervisionMinutes = 480
)

// SupervisionSession is one supervision (handledning) session of an
// organisation's peers. In NSPH's model the supervisor has lived
// experience too (experience-based supervision); SupervisorLivedExperience
// records whether this one had.
type SupervisionSession struct {
	bun.BaseModel `bun:"table:supervision_sessions"`

	ID                        int64           `bun:"id,pk,autoincrement"`
	TenantID                  int64           `bun:"tenant_id,notnull"`
	OrganisationID            int64           `bun:"organisation_id,notnull"`
	Kind                      SupervisionKind `bun:"kind,notnull"`
	SupervisorName            string          `bun:"supervisor_name,notnull"`
	SupervisorLivedExperience bool            `bun:"supervisor_lived_experience,notnull"`
	HeldOn                    Date            `bun:"held_on,notnull"`
	DurationMinutes           int             `bun:"duration_minutes,notnull"`
	CreatedAt                 time.Time       `bun:"created_at,notnull"`

	// PeerIDs are the peers who attended, in id order.
	PeerIDs []int64 `bun:"-"`
}

// validate checks the session against today (in Sweden): it has been held,
// has a supervisor, a sensible length and attendees — exactly one for an
// individual session. Whether the attendees are the organisation's peers
// is the store's check.
func (s *SupervisionSession) validate(today Date) error {
	var v ValidationError
	if !slices.Contains(SupervisionKinds, s.Kind) {
		v.add("kind", "validation.choice", nil)
	}
	s.SupervisorName = strings.TrimSpace(s.SupervisorName)
	checkText(&v, "supervisor_name", s.SupervisorName, true, 200)
	switch {
	case s.HeldOn.IsZero():
		v.add("held_on", "validation.required", nil)
	case s.HeldOn.After(today):
		v.add("held_on", "validation.not_future", nil)
	}
	if s.DurationMinutes < MinSupervisionMinutes || s.DurationMinutes > MaxSupervisionMinutes {
		v.add("duration_minutes", "validation.range", map[string]any{"Min": MinSupervisionMinutes, "Max": MaxSupervisionMinutes})
	}
	s.PeerIDs = uniqueIDs(s.PeerIDs)
	switch {
	case len(s.PeerIDs) == 0:
		v.add("peers", "validation.attendees_required", nil)
	case s.Kind == SupervisionIndividual && len(s.PeerIDs) != 1:
		v.add("peers", "validation.individual_one_peer", nil)
	}
	return v.err()
}

// OverduePeer is an active peer whose supervision is overdue.
type OverduePeer struct {
	PeerID      int64
	DisplayName string
	// LastSession is the peer's latest supervision session; zero for a
	// peer never supervised.
	LastSession Date
	// ActiveSince is the day the peer last became active.
	ActiveSince Date
	// DueOn is the last day the next session was due.
	DueOn       Date
	DaysOverdue int
}
