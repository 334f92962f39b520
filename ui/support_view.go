package ui

import (
	"github.com/kamrat/kamrat/tenants"
)

// matchingSection is the referral page's ranked peers for a contacted or
// matched referral: best fit first, each with what fits and what does
// not, and a button to choose any but the current peer.
type matchingSection struct {
	Action string
	Rows   []suggestionRow
}

type suggestionRow struct {
	PeerID          int64
	Name, Languages string
	Free, Capacity  int
	Fits, Misses    []string
	Current, Full   bool
}

// supportSection is the support a referral has had: the running match,
// the earlier ones, the meetings (never their notes) and the follow-ups
// with their scores.
type supportSection struct {
	// Current is nil when no match runs (after closure, for one).
	Current   *supportMatchRow
	Earlier   []supportMatchRow
	Meetings  []supportMeetingRow
	Minutes   int
	FollowUps []supportFollowUpRow
}

type supportMatchRow struct {
	Peer, From, To, EndReason string
}

type supportMeetingRow struct {
	On, Format, Topics string
	Minutes            int
}

type supportFollowUpRow struct {
	Month, DueOn, Status string
	StatusLabel          string
	DoneOn               string
	Scores               []scoreView
}

// matchingLabels writes matching and support values in one language.
type matchingLabels struct{ supportLabels }

func (s *server) matchingLabels(lang string) matchingLabels {
	return matchingLabels{s.supportLabels(lang)}
}

// criterion is a short phrase for a criterion that fits (or misses) the
// participant; the language and target group are named where they help.
func (l matchingLabels) criterion(c tenants.MatchCriterion, fits bool, r tenants.OrganisationReferral) string {
	key := "matching.miss."
	if fits {
		key = "matching.fit."
	}
	return l.t.Translate(l.lang, key+string(c), map[string]any{
		"Language": l.language(r.Language), "TargetGroup": l.targetGroup(r.TargetGroup),
	})
}

func (l matchingLabels) endReason(r tenants.MatchEndReason) string {
	if r == "" {
		return ""
	}
	return l.tr("matching.end." + string(r))
}

// matchingOf builds the matching section from the ranked suggestions.
func (l matchingLabels) matchingOf(action string, r tenants.OrganisationReferral, list []tenants.MatchSuggestion) *matchingSection {
	out := &matchingSection{Action: action}
	for _, sg := range list {
		row := suggestionRow{
			PeerID: sg.PeerID, Name: sg.DisplayName, Languages: l.languages(sg.Languages),
			Free: max(sg.FreeCapacity, 0), Capacity: sg.Capacity, Current: sg.Current, Full: sg.Full(),
		}
		for _, c := range sg.Fits {
			row.Fits = append(row.Fits, l.criterion(c, true, r))
		}
		for _, c := range sg.Misses {
			row.Misses = append(row.Misses, l.criterion(c, false, r))
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// supportOf builds the support section, or nil before the first match.
func (l matchingLabels) supportOf(sup tenants.ReferralSupport) *supportSection {
	if len(sup.Matches) == 0 {
		return nil
	}
	out := &supportSection{Minutes: sup.MeetingMinutes()}
	for _, m := range sup.Matches {
		row := supportMatchRow{Peer: m.PeerName, From: m.StartedOn.String(), EndReason: l.endReason(m.EndReason)}
		if m.EndedAt != nil {
			row.To = tenants.DateOf(m.EndedAt.In(stockholm)).String()
		}
		if m.Running() {
			out.Current = &row
			continue
		}
		out.Earlier = append(out.Earlier, row)
	}
	for _, m := range sup.Meetings {
		out.Meetings = append(out.Meetings, supportMeetingRow{
			On: m.HeldOn.String(), Format: l.format(m.Format), Topics: l.topics(m.Topics), Minutes: m.DurationMinutes,
		})
	}
	for _, f := range sup.FollowUps {
		row := supportFollowUpRow{Month: l.month(f.Month), DueOn: f.DueOn.String(), Status: string(f.Status), StatusLabel: l.followUpStatus(f.Status)}
		if !f.DoneOn.IsZero() {
			row.DoneOn = f.DoneOn.String()
		}
		for _, sc := range f.Scores {
			row.Scores = append(row.Scores, l.score(sc))
		}
		out.FollowUps = append(out.FollowUps, row)
	}
	return out
}
