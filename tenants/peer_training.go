package tenants

import (
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// TrainingKind classifies a course a peer has taken.
type TrainingKind string

const (
	// TrainingBaseCourse is the peer supporter course (NSPH's runs five
	// weeks); completing it certifies the peer.
	TrainingBaseCourse TrainingKind = "base_course"
	// TrainingRefresher renews the certification.
	TrainingRefresher TrainingKind = "refresher"
	// TrainingStaffIntroduction is an introduction session held with the
	// staff of the unit where the peer will work.
	TrainingStaffIntroduction TrainingKind = "staff_introduction"
	TrainingOther             TrainingKind = "other"
)

// TrainingKinds lists every kind, in the order forms show them.
var TrainingKinds = []TrainingKind{TrainingBaseCourse, TrainingRefresher, TrainingStaffIntroduction, TrainingOther}

// Training is one course a peer has taken or is taking.
type Training struct {
	bun.BaseModel `bun:"table:peer_trainings"`

	ID       int64        `bun:"id,pk,autoincrement"`
	TenantID int64        `bun:"tenant_id,notnull"`
	PeerID   int64        `bun:"peer_id,notnull"`
	Kind     TrainingKind `bun:"kind,notnull"`
	// Title names the course; required only for TrainingOther, where the
	// kind does not say what it was.
	Title     string `bun:"title,notnull"`
	StartedOn Date   `bun:"started_on,notnull"`
	// CompletedOn is zero while the course is under way.
	CompletedOn Date      `bun:"completed_on,nullzero"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
}

// Completed reports whether the course has been completed.
func (t Training) Completed() bool { return !t.CompletedOn.IsZero() }

// validate checks the training against today (in Sweden): a known kind, a
// start day, a completion day neither before the start nor in the future.
func (t *Training) validate(today Date) error {
	var v ValidationError
	if !slices.Contains(TrainingKinds, t.Kind) {
		v.add("kind", "validation.choice", nil)
	}
	t.Title = strings.TrimSpace(t.Title)
	checkText(&v, "title", t.Title, t.Kind == TrainingOther, 200)
	if t.StartedOn.IsZero() {
		v.add("started_on", "validation.required", nil)
	}
	switch {
	case t.CompletedOn.IsZero():
	case !t.StartedOn.IsZero() && t.CompletedOn.Before(t.StartedOn):
		v.add("completed_on", "validation.end_before_start", nil)
	case t.CompletedOn.After(today):
		v.add("completed_on", "validation.not_future", nil)
	}
	return v.err()
}

// Certification rules. They are Kamrat's, chosen with the organisations in
// mind rather than taken from a regulation: the base course certifies a
// peer supporter for CertificationMonths; each completed refresher renews
// the certification from its own completion day. A refresher is due
// RefresherIntervalMonths after the latest of those days, so that a peer
// who misses one still has time before the certification lapses.
const (
	CertificationMonths     = 24
	RefresherIntervalMonths = 12
)

// Certification is a peer's certification as their trainings give it.
type Certification struct {
	// CertifiedOn is when the peer first completed the base course; zero
	// when they have not (yet).
	CertifiedOn Date
	// RenewedOn is the latest completion of the base course or a
	// refresher.
	RenewedOn Date
	// ExpiresOn is the last day the certification is valid.
	ExpiresOn Date
	// RefresherDueOn is when the next refresher is due.
	RefresherDueOn Date
}

// Certified reports whether the peer has completed the base course.
func (c Certification) Certified() bool { return !c.CertifiedOn.IsZero() }

// ValidOn reports whether the certification is valid on day d.
func (c Certification) ValidOn(d Date) bool {
	return c.Certified() && !d.Before(c.CertifiedOn) && !d.After(c.ExpiresOn)
}

// CertificationOf computes a peer's certification from their trainings.
// Refreshers completed before the first base course do not count.
func CertificationOf(trainings []Training) Certification {
	var c Certification
	for _, t := range trainings {
		if t.Kind == TrainingBaseCourse && t.Completed() && (c.CertifiedOn.IsZero() || t.CompletedOn.Before(c.CertifiedOn)) {
			c.CertifiedOn = t.CompletedOn
		}
	}
	if !c.Certified() {
		return c
	}
	for _, t := range trainings {
		if (t.Kind == TrainingBaseCourse || t.Kind == TrainingRefresher) && t.Completed() &&
			!t.CompletedOn.Before(c.CertifiedOn) && t.CompletedOn.After(c.RenewedOn) {
			c.RenewedOn = t.CompletedOn
		}
	}
	c.ExpiresOn = c.RenewedOn.AddMonths(CertificationMonths)
	c.RefresherDueOn = c.RenewedOn.AddMonths(RefresherIntervalMonths)
	return c
}
