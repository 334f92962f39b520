package ui

import (
	"strconv"
	"strings"

	"github.com/kamrat/kamrat/tenants"
)

// myMatchLabels writes the values of a peer's matches (meeting formats and
// topics, follow-up months, statuses and scores) in one language; the
// referral labels give the contact methods, languages and target groups.
type myMatchLabels struct{ referralLabels }

func (s *server) myMatchLabels(lang string) myMatchLabels {
	return myMatchLabels{s.referralLabels(lang)}
}

func (l myMatchLabels) format(f tenants.MeetingFormat) string {
	return l.tr("mymatches.format." + string(f))
}

func (l myMatchLabels) topic(t tenants.MeetingTopic) string {
	return l.tr("mymatches.topic." + string(t))
}

func (l myMatchLabels) topics(ts []tenants.MeetingTopic) string {
	names := make([]string, 0, len(ts))
	for _, t := range ts {
		names = append(names, l.topic(t))
	}
	return strings.Join(names, ", ")
}

// month names a follow-up by its month after the start: the baseline, or
// "3 months".
func (l myMatchLabels) month(m int) string {
	switch m {
	case 0:
		return l.tr("mymatches.month.baseline")
	case 1:
		return l.tr("mymatches.month.one")
	}
	return l.t.Translate(l.lang, "mymatches.month.other", map[string]any{"Months": m})
}

func (l myMatchLabels) followUpStatus(st tenants.FollowUpStatus) string {
	return l.tr("mymatches.follow_up_status." + string(st))
}

func (l myMatchLabels) instrument(i tenants.Instrument) string {
	return l.tr("instrument." + string(i) + ".name")
}

// number writes a score with the language's decimal mark and no trailing
// zeros: 60, 3,85.
func (l myMatchLabels) number(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if l.lang == langSwedish {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// myScoreView is one questionnaire's result of a completed follow-up.
type myScoreView struct {
	Instrument, Result string
	// Domains are PozQoL's domain scores in one line; empty otherwise.
	Domains string
	// Low: under the instrument's published cut-off (WHO-5 raw < 13);
	// the page says what that means in words.
	Low bool
}

// score writes a stored score: WHO-5 "60 av 100 (rå 15)", PozQoL the mean
// of 1–5 with its domains, QPR-15 the sum of 0–60.
func (l myMatchLabels) score(sc tenants.FollowUpScore) myScoreView {
	v := myScoreView{
		Instrument: l.instrument(sc.Instrument),
		Result: l.t.Translate(l.lang, "mymatches.score."+string(sc.Instrument),
			map[string]any{"Total": l.number(sc.Total), "Raw": strconv.Itoa(sc.Raw)}),
	}
	full, err := sc.Score()
	if err != nil {
		// Stored answers were scored when they were saved; an instrument
		// whose rules changed since shows the stored result only.
		return v
	}
	v.Low = full.Low()
	parts := make([]string, 0, len(full.Domains))
	for _, d := range full.Domains {
		parts = append(parts, l.tr("instrument."+string(sc.Instrument)+".domain."+d.Domain)+" "+l.number(d.Score))
	}
	v.Domains = strings.Join(parts, "; ")
	return v
}
