package ui

import (
	"strconv"
	"strings"

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
	Month                      int
	DueOn, Status, StatusLabel string
	DoneOn                     string
	Scores                     []supportScoreView
}

// supportScoreView is one questionnaire's result, written out: WHO-5 as
// "60 (rå 15)", PozQoL's mean with its domains, QPR-15's sum.
type supportScoreView struct {
	Instrument, Value string
	Low               bool
	Domains           []supportDomainView
}

type supportDomainView struct {
	Label, Score string
}

// matchingLabels writes matching and support values in one language.
type matchingLabels struct{ referralLabels }

func (s *server) matchingLabels(lang string) matchingLabels {
	return matchingLabels{s.referralLabels(lang)}
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

func (l matchingLabels) format(f tenants.MeetingFormat) string {
	return l.tr("matching.format." + string(f))
}

func (l matchingLabels) topics(ts []tenants.MeetingTopic) string {
	names := make([]string, 0, len(ts))
	for _, t := range ts {
		names = append(names, l.tr("matching.topic."+string(t)))
	}
	return strings.Join(names, ", ")
}

func (l matchingLabels) followUpStatus(st tenants.FollowUpStatus) string {
	return l.tr("matching.follow_up." + string(st))
}

// number writes a score with a decimal comma in Swedish.
func (l matchingLabels) number(x float64) string {
	out := strconv.FormatFloat(x, 'f', -1, 64)
	if l.lang != langEnglish {
		out = strings.Replace(out, ".", ",", 1)
	}
	return out
}

// score writes one questionnaire's result; domain scores are worked out
// again from the stored answers.
func (l matchingLabels) score(sc tenants.FollowUpScore) supportScoreView {
	out := supportScoreView{Instrument: l.tr("instrument." + string(sc.Instrument) + ".name")}
	args := map[string]any{"Total": l.number(sc.Total), "Raw": sc.Raw}
	out.Value = l.t.Translate(l.lang, "matching.score."+string(sc.Instrument), args)
	scored, err := sc.Score()
	if err != nil {
		// Stored answers were scored once; a failure now leaves the
		// stored total without the domains.
		return out
	}
	out.Low = scored.Low()
	for _, d := range scored.Domains {
		out.Domains = append(out.Domains, supportDomainView{
			Label: l.tr("instrument." + string(sc.Instrument) + ".domain." + d.Domain), Score: l.number(d.Score),
		})
	}
	return out
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
		row := supportFollowUpRow{Month: f.Month, DueOn: f.DueOn.String(), Status: string(f.Status), StatusLabel: l.followUpStatus(f.Status)}
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
