package ui

import (
	"strconv"
	"strings"

	"github.com/kamrat/kamrat/tenants"
)

// supportLabels writes what follows a referral — meeting formats and
// topics, follow-up months and statuses, questionnaire results — in one
// language, the same on the coordinator's pages and the peer's; the
// referral labels give contact methods, languages and target groups.
type supportLabels struct{ referralLabels }

func (s *server) supportLabels(lang string) supportLabels {
	return supportLabels{s.referralLabels(lang)}
}

func (l supportLabels) format(f tenants.MeetingFormat) string {
	return l.tr("support.format." + string(f))
}

func (l supportLabels) topic(t tenants.MeetingTopic) string {
	return l.tr("support.topic." + string(t))
}

func (l supportLabels) topics(ts []tenants.MeetingTopic) string {
	names := make([]string, 0, len(ts))
	for _, t := range ts {
		names = append(names, l.topic(t))
	}
	return strings.Join(names, ", ")
}

// month names a follow-up by its month after the start: the baseline, or
// "3 months".
func (l supportLabels) month(m int) string {
	switch m {
	case 0:
		return l.tr("support.month.baseline")
	case 1:
		return l.tr("support.month.one")
	}
	return l.t.Translate(l.lang, "support.month.other", map[string]any{"Months": m})
}

func (l supportLabels) followUpStatus(st tenants.FollowUpStatus) string {
	return l.tr("support.follow_up_status." + string(st))
}

func (l supportLabels) instrument(i tenants.Instrument) string {
	return l.tr("instrument." + string(i) + ".name")
}

// number writes a score with the language's decimal mark and no trailing
// zeros: 60, 3,85.
func (l supportLabels) number(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if l.lang == langSwedish {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// scoreView is one questionnaire's result of a completed follow-up,
// written out: WHO-5 "60 av 100 (rå 15)", PozQoL the mean of 1–5 with its
// domains, QPR-15 the sum of 0–60.
type scoreView struct {
	Instrument, Value string
	// Low: under the instrument's published cut-off (WHO-5 raw < 13);
	// pages say so in words, not by colour.
	Low     bool
	Domains []domainView
}

type domainView struct {
	Label, Score string
}

// score writes a stored score; PozQoL's domain scores are worked out
// again from the stored answers.
func (l supportLabels) score(sc tenants.FollowUpScore) scoreView {
	v := scoreView{
		Instrument: l.instrument(sc.Instrument),
		Value: l.t.Translate(l.lang, "support.score."+string(sc.Instrument),
			map[string]any{"Total": l.number(sc.Total), "Raw": strconv.Itoa(sc.Raw)}),
	}
	full, err := sc.Score()
	if err != nil {
		// Stored answers were scored when they were saved; an instrument
		// whose rules changed since shows the stored result only.
		return v
	}
	v.Low = full.Low()
	for _, d := range full.Domains {
		v.Domains = append(v.Domains, domainView{Label: l.tr("instrument." + string(sc.Instrument) + ".domain." + d.Domain), Score: l.number(d.Score)})
	}
	return v
}
