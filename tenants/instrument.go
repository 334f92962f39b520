package tenants

import (
	"fmt"
	"math"
)

// Instrument is one of the follow-up questionnaires of the referral
// pathway. Score applies its published scoring rules; the item texts and
// answer labels live in the user interface's catalogues
// (ui/locales/instruments.*.json), under "instrument.<instrument>.…".
type Instrument string

const (
	// InstrumentWHO5 is the WHO-5 Well-Being Index: 5 items answered 0
	// ("at no time") to 5 ("all of the time") about the last two weeks.
	//
	// Scoring, from the WHO-5 scoring sheet of the Psychiatric Research
	// Unit, Frederiksborg (Bech, 1998) and the review by Topp, Østergaard,
	// Søndergaard & Bech (2015, Psychother Psychosom 84:167–176): the raw
	// score is the sum, 0–25; the percentage score is raw × 4, 0–100; a
	// raw score below 13 indicates poor well-being and is an indication to
	// test for depression; a difference of 10 percentage points is a
	// significant change (WHO5Change).
	InstrumentWHO5 Instrument = "who5"
	// InstrumentPozQoL is PozQoL, the quality of life scale for people
	// living with HIV: 13 statements answered 1 ("not at all") to 5
	// ("extremely").
	//
	// Scoring, from Brown, Mikołajczak, Lyons, Power, Drummond, Cogle,
	// Allan, Cooper & O'Connor (2018), "Development and validation of
	// PozQoL: a scale to assess quality of life of PLHIV", BMC Public
	// Health 18:527 (domains and items, Table 3), and the PozQoL
	// implementation guide at pozqol.org, "Calculating PozQoL scores"
	// (item order as administered, coding): the 4 positively worded items
	// (1, 5, 8, 13) keep their answer; the 9 negatively worded ones are
	// reversed (6 − answer), so that a higher coded score always means a
	// better quality of life. The overall score is the mean of the 13 coded
	// items and each domain score the mean of its coded items, all 1–5:
	//
	//	psychological   1, 5, 8, 13  (enjoying life; good about myself;
	//	                              in control of my life; optimistic)
	//	social          3, 9, 11     (lack of belonging; fear of rejection;
	//	                              HIV limits relationships)
	//	health_concerns 2, 7, 12     (worry about health; impact of HIV on
	//	                              health; health effects when older)
	//	functional      4, 6, 10     (HIV prevents doing things; limits
	//	                              opportunities; managing HIV wears out)
	//
	// The paper's Table 3 lists the items grouped by domain; the numbers
	// above are the order of the scale as administered, which the guide's
	// "items 1, 5, 8 and 13 are positively worded" refers to and which the
	// Swedish and Spanish versions published at pozqol.org share. PozQoL
	// publishes no cut-off, so Low is always false. Only the English
	// version is validated; pozqol.org's Swedish one is a professional
	// translation not validated with Swedish speakers, so the Swedish
	// catalogue has the English items, marked "[EN]".
	InstrumentPozQoL Instrument = "pozqol"
	// InstrumentQPR15 is the 15-item Questionnaire about the Process of
	// Recovery: 15 statements answered 0 ("disagree strongly") to 4 ("agree
	// strongly") about the last 7 days.
	//
	// Scoring, from Law, Neil, Dunn & Morrison (2014), "Psychometric
	// properties of the questionnaire about the process of recovery
	// (QPR)", Schizophrenia Research 156:184–189, and Williams, Leamy,
	// Pesola, Bird, Le Boutillier & Slade (2015), Br J Psychiatry
	// 207:551–555: one factor, no reversed items; the total is the sum,
	// 0–60, higher meaning more recovery. No cut-off is published, so Low
	// is always false. The answer scale and the first items' wording were
	// checked against the PhenX Toolkit's QPR-15 protocol; the rest of the
	// item list (the 22-item QPR's items 1–12, 19, 21 and 22) is recalled
	// from the published form and not checked against it (scoring does not
	// depend on it). A validated Swedish version, QPR-Swe (Argentzell,
	// Hultqvist, Neil & Eklund, 2017, Nord J Psychiatry 71:529–535), exists
	// but its wording was not available, so the Swedish catalogue has the
	// English items, marked "[EN]".
	InstrumentQPR15 Instrument = "qpr15"
)

// Instruments lists every instrument, in the order forms show them.
var Instruments = []Instrument{InstrumentWHO5, InstrumentPozQoL, InstrumentQPR15}

func (i Instrument) valid() bool {
	for _, v := range Instruments {
		if i == v {
			return true
		}
	}
	return false
}

// Items is the number of items of the instrument; 0 for an unknown one.
func (i Instrument) Items() int {
	switch i {
	case InstrumentWHO5:
		return 5
	case InstrumentPozQoL:
		return len(pozqolItems)
	case InstrumentQPR15:
		return 15
	}
	return 0
}

// Scale is the range of one answer, both ends included; 0, 0 for an
// unknown instrument.
func (i Instrument) Scale() (lo, hi int) {
	switch i {
	case InstrumentWHO5:
		return 0, 5
	case InstrumentPozQoL:
		return 1, 5
	case InstrumentQPR15:
		return 0, 4
	}
	return 0, 0
}

// The PozQoL domains, in the order the implementation guide shows them.
const (
	PozQoLPsychological  = "psychological"
	PozQoLSocial         = "social"
	PozQoLHealthConcerns = "health_concerns"
	PozQoLFunctional     = "functional"
)

// pozqolDomains lists the domains in the order Score reports them.
var pozqolDomains = []string{PozQoLPsychological, PozQoLSocial, PozQoLHealthConcerns, PozQoLFunctional}

// pozqolItems are PozQoL's items in the order administered: each one's
// domain and whether it is positively worded (kept) or negatively worded
// (reversed). See InstrumentPozQoL for the sources.
var pozqolItems = [13]struct {
	domain   string
	positive bool
}{
	{PozQoLPsychological, true},   // 1 I am enjoying life.
	{PozQoLHealthConcerns, false}, // 2 I worry about my health.
	{PozQoLSocial, false},         // 3 I lack a sense of belonging with people around me.
	{PozQoLFunctional, false},     // 4 I feel that HIV prevents me from doing as much as I would like.
	{PozQoLPsychological, true},   // 5 I feel good about myself as a person.
	{PozQoLFunctional, false},     // 6 Having HIV limits my opportunities in life.
	{PozQoLHealthConcerns, false}, // 7 I worry about the impact of HIV on my health.
	{PozQoLPsychological, true},   // 8 I feel in control of my life.
	{PozQoLSocial, false},         // 9 I am afraid that people may reject me when they learn I have HIV.
	{PozQoLFunctional, false},     // 10 Managing HIV wears me out.
	{PozQoLSocial, false},         // 11 I feel that HIV limits my personal relationships.
	{PozQoLHealthConcerns, false}, // 12 I fear the health effects of HIV as I get older.
	{PozQoLPsychological, true},   // 13 I am optimistic about my future.
}

// InstrumentScore is a scored questionnaire.
type InstrumentScore struct {
	Instrument Instrument `json:"instrument"`
	// Total is the instrument's headline score: WHO-5 percentage 0–100,
	// PozQoL mean 1–5 (rounded to 2 decimals), QPR-15 sum 0–60.
	Total float64 `json:"total"`
	// Raw is WHO-5's raw sum (0–25); for the others the sum of the
	// (reversed where due) item scores: PozQoL 13–65, QPR-15 0–60.
	Raw int `json:"raw"`
	// Domains are PozQoL's four domain means, 1–5 (rounded to 2
	// decimals), in the order psychological, social, health_concerns,
	// functional; empty for the other instruments.
	Domains []DomainScore `json:"domains,omitempty"`
}

// DomainScore is one domain's score of an instrument with domains.
type DomainScore struct {
	Domain string  `json:"domain"`
	Score  float64 `json:"score"`
}

// WHO5LowRaw is the WHO-5 cut-off: a raw score below it (below 13, a
// percentage of 48 or less) indicates poor well-being.
const WHO5LowRaw = 13

// WHO5SignificantChange is the change in WHO-5 percentage points that
// counts as clinically significant.
const WHO5SignificantChange = 10

// Low reports whether the score falls under the instrument's published
// cut-off (WHO-5: raw < 13); false where no cut-off is published.
func (s InstrumentScore) Low() bool {
	switch s.Instrument {
	case InstrumentWHO5:
		return s.Raw < WHO5LowRaw
	}
	return false
}

// WHO5Change compares two WHO-5 raw scores (InstrumentScore.Raw, 0–25):
// points is the change in percentage points, after minus before (so
// negative for a decline), and significant whether it is at least 10
// points either way. Since percentages move in steps of 4, a change of 3
// raw points or more is significant.
func WHO5Change(beforeRaw, afterRaw int) (points int, significant bool) {
	points = (afterRaw - beforeRaw) * 4
	return points, points >= WHO5SignificantChange || points <= -WHO5SignificantChange
}

// Score checks the answers (exactly Items() values, each in Scale()) and
// scores them by the published rules. Bad input returns a
// *ValidationError: a wrong count gives one FieldError with Field
// string(i) and Key "validation.instrument_count" (Args Count); otherwise
// every answer out of range gives one with Field "<instrument>_<n>",
// counted from 1 (e.g. "who5_3"), and Key "validation.instrument_answer"
// (Args Min, Max). An unknown instrument gives Field "instrument", Key
// "validation.choice".
//
// Means (PozQoL's total and domains) are rounded to 2 decimals, halves
// away from zero.
func (i Instrument) Score(answers []int) (InstrumentScore, error) {
	var v ValidationError
	if !i.valid() {
		v.add("instrument", "validation.choice", nil)
		return InstrumentScore{}, v.err()
	}
	if len(answers) != i.Items() {
		v.add(string(i), "validation.instrument_count", map[string]any{"Count": i.Items()})
		return InstrumentScore{}, v.err()
	}
	lo, hi := i.Scale()
	for n, a := range answers {
		if a < lo || a > hi {
			v.add(fmt.Sprintf("%s_%d", i, n+1), "validation.instrument_answer", map[string]any{"Min": lo, "Max": hi})
		}
	}
	if err := v.err(); err != nil {
		return InstrumentScore{}, err
	}

	s := InstrumentScore{Instrument: i}
	switch i {
	case InstrumentWHO5:
		s.Raw = sumAnswers(answers)
		s.Total = float64(s.Raw * 4)
	case InstrumentQPR15:
		s.Raw = sumAnswers(answers)
		s.Total = float64(s.Raw)
	case InstrumentPozQoL:
		domainSum := map[string]int{}
		domainCount := map[string]int{}
		for n, a := range answers {
			item := pozqolItems[n]
			coded := a
			if !item.positive {
				coded = lo + hi - a
			}
			s.Raw += coded
			domainSum[item.domain] += coded
			domainCount[item.domain]++
		}
		s.Total = roundHundredths(float64(s.Raw) / float64(len(answers)))
		for _, d := range pozqolDomains {
			s.Domains = append(s.Domains, DomainScore{Domain: d, Score: roundHundredths(float64(domainSum[d]) / float64(domainCount[d]))})
		}
	}
	return s, nil
}

func sumAnswers(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// roundHundredths rounds to 2 decimals, halves away from zero.
func roundHundredths(x float64) float64 {
	return math.Round(x*100) / 100
}
