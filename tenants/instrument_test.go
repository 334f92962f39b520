package tenants

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestInstrumentItemsAndScale(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		i             Instrument
		items, lo, hi int
	}{
		{InstrumentWHO5, 5, 0, 5},
		{InstrumentPozQoL, 13, 1, 5},
		{InstrumentQPR15, 15, 0, 4},
		{Instrument("phq9"), 0, 0, 0},
	} {
		if got := tc.i.Items(); got != tc.items {
			t.Errorf("%s.Items() = %d, want %d", tc.i, got, tc.items)
		}
		if lo, hi := tc.i.Scale(); lo != tc.lo || hi != tc.hi {
			t.Errorf("%s.Scale() = %d, %d, want %d, %d", tc.i, lo, hi, tc.lo, tc.hi)
		}
	}
	if len(Instruments) != 3 {
		t.Errorf("Instruments has %d entries, want 3", len(Instruments))
	}
}

// sameAnswers is n answers of a.
func sameAnswers(a, n int) []int {
	xs := make([]int, n)
	for k := range xs {
		xs[k] = a
	}
	return xs
}

func mustScoreInstrument(t *testing.T, i Instrument, answers []int) InstrumentScore {
	t.Helper()
	s, err := i.Score(answers)
	if err != nil {
		t.Fatalf("%s.Score(%v): %v", i, answers, err)
	}
	if s.Instrument != i {
		t.Errorf("%s.Score(%v).Instrument = %q", i, answers, s.Instrument)
	}
	return s
}

func TestInstrumentWHO5(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		answers []int
		raw     int
		total   float64
		low     bool
	}{
		{"all minimum", sameAnswers(0, 5), 0, 0, true},
		{"all maximum", sameAnswers(5, 5), 25, 100, false},
		// 3+4+2+1+2 = 12 raw, × 4 = 48 %; 12 < 13, so poor well-being.
		{"mixed under the cut-off", []int{3, 4, 2, 1, 2}, 12, 48, true},
		// 3+3+3+2+2 = 13 raw, × 4 = 52 %; exactly 13 is not under the cut-off.
		{"mixed at the cut-off", []int{3, 3, 3, 2, 2}, 13, 52, false},
		// 5+4+4+3+2 = 18 raw, × 4 = 72 %.
		{"mixed good", []int{5, 4, 4, 3, 2}, 18, 72, false},
	} {
		s := mustScoreInstrument(t, InstrumentWHO5, tc.answers)
		if s.Raw != tc.raw || s.Total != tc.total {
			t.Errorf("%s: raw %d total %v, want raw %d total %v", tc.name, s.Raw, s.Total, tc.raw, tc.total)
		}
		if s.Low() != tc.low {
			t.Errorf("%s: Low() = %v, want %v", tc.name, s.Low(), tc.low)
		}
		if s.Domains != nil {
			t.Errorf("%s: WHO-5 has no domains, got %v", tc.name, s.Domains)
		}
	}
}

func TestInstrumentWHO5Change(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		before, after, points int
		significant           bool
	}{
		{12, 15, 12, true},  // 48 % → 60 %: 3 raw points are 12 percentage points
		{12, 14, 8, false},  // 48 % → 56 %: 2 raw points are only 8
		{15, 12, -12, true}, // a decline counts too
		{20, 18, -8, false}, // 80 % → 72 %
		{12, 13, 4, false},  // crossing the cut-off is not by itself significant
		{13, 13, 0, false},  // no change
		{0, 25, 100, true},  // the whole range
		{25, 0, -100, true}, // and back
	} {
		points, significant := WHO5Change(tc.before, tc.after)
		if points != tc.points || significant != tc.significant {
			t.Errorf("WHO5Change(%d, %d) = %d, %v, want %d, %v", tc.before, tc.after, points, significant, tc.points, tc.significant)
		}
	}
}

func TestInstrumentPozQoL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		answers []int
		raw     int
		total   float64
		domains []DomainScore
	}{
		// Every answer 1 ("not at all"): the 4 positive items (1, 5, 8, 13)
		// stay 1, the 9 negative items are reversed to 6 − 1 = 5. Raw
		// 4×1 + 9×5 = 49; total 49/13 = 3.769… → 3.77. Without reversal the
		// total would be 1 and every domain 1.
		{"all minimum answers", sameAnswers(1, 13), 49, 3.77, []DomainScore{
			{PozQoLPsychological, 1}, {PozQoLSocial, 5}, {PozQoLHealthConcerns, 5}, {PozQoLFunctional, 5},
		}},
		// Every answer 5 ("extremely"): positives 5, negatives 6 − 5 = 1.
		// Raw 4×5 + 9×1 = 29; total 29/13 = 2.230… → 2.23.
		{"all maximum answers", sameAnswers(5, 13), 29, 2.23, []DomainScore{
			{PozQoLPsychological, 5}, {PozQoLSocial, 1}, {PozQoLHealthConcerns, 1}, {PozQoLFunctional, 1},
		}},
		// The worst quality of life: the positives at 1, the negatives at 5;
		// everything codes to 1.
		{"lowest score", []int{1, 5, 5, 5, 1, 5, 5, 1, 5, 5, 5, 5, 1}, 13, 1, []DomainScore{
			{PozQoLPsychological, 1}, {PozQoLSocial, 1}, {PozQoLHealthConcerns, 1}, {PozQoLFunctional, 1},
		}},
		// The best: the positives at 5, the negatives at 1; everything
		// codes to 5.
		{"highest score", []int{5, 1, 1, 1, 5, 1, 1, 5, 1, 1, 1, 1, 5}, 65, 5, []DomainScore{
			{PozQoLPsychological, 5}, {PozQoLSocial, 5}, {PozQoLHealthConcerns, 5}, {PozQoLFunctional, 5},
		}},
		// Mixed, by hand. Answers and coded scores (R = reversed, 6 − a):
		//   item:   1  2  3  4  5  6  7  8  9 10 11 12 13
		//   answer: 4  2  3  2  4  1  3  3  2  2  3  4  5
		//   coded:  4  4R 3R 4R 4  5R 3R 3  4R 4R 3R 2R 5
		// raw = 48, total 48/13 = 3.692… → 3.69
		// psychological   (1, 5, 8, 13): 4+4+3+5 = 16 / 4 = 4
		// social          (3, 9, 11):    3+4+3   = 10 / 3 = 3.333… → 3.33
		// health_concerns (2, 7, 12):    4+3+2   =  9 / 3 = 3
		// functional      (4, 6, 10):    4+5+4   = 13 / 3 = 4.333… → 4.33
		{"mixed", []int{4, 2, 3, 2, 4, 1, 3, 3, 2, 2, 3, 4, 5}, 48, 3.69, []DomainScore{
			{PozQoLPsychological, 4}, {PozQoLSocial, 3.33}, {PozQoLHealthConcerns, 3}, {PozQoLFunctional, 4.33},
		}},
		// Only item 2 ("I worry about my health") moves, from 1 to 5, from
		// the highest score: its coded score falls from 5 to 1, so the
		// health concerns domain falls to (1+5+5)/3 = 3.666… → 3.67 and the
		// total to 61/13 = 4.692… → 4.69; the other domains stay at 5.
		{"one reversed item", []int{5, 5, 1, 1, 5, 1, 1, 5, 1, 1, 1, 1, 5}, 61, 4.69, []DomainScore{
			{PozQoLPsychological, 5}, {PozQoLSocial, 5}, {PozQoLHealthConcerns, 3.67}, {PozQoLFunctional, 5},
		}},
		// Only item 13 ("I am optimistic about my future"), a kept item,
		// moves from 5 to 1: psychological (5+5+5+1)/4 = 4, total 61/13.
		{"one kept item", []int{5, 1, 1, 1, 5, 1, 1, 5, 1, 1, 1, 1, 1}, 61, 4.69, []DomainScore{
			{PozQoLPsychological, 4}, {PozQoLSocial, 5}, {PozQoLHealthConcerns, 5}, {PozQoLFunctional, 5},
		}},
	} {
		s := mustScoreInstrument(t, InstrumentPozQoL, tc.answers)
		if s.Raw != tc.raw || s.Total != tc.total {
			t.Errorf("%s: raw %d total %v, want raw %d total %v", tc.name, s.Raw, s.Total, tc.raw, tc.total)
		}
		if !reflect.DeepEqual(s.Domains, tc.domains) {
			t.Errorf("%s: domains %v, want %v", tc.name, s.Domains, tc.domains)
		}
		if s.Low() {
			t.Errorf("%s: PozQoL publishes no cut-off, Low() should be false", tc.name)
		}
	}
}

// TestInstrumentPozQoLItemKeys: each domain has the number of items the
// paper gives it (4, 3, 3, 3), and exactly items 1, 5, 8 and 13 are kept.
func TestInstrumentPozQoLItemKeys(t *testing.T) {
	t.Parallel()
	count := map[string]int{}
	var kept []int
	for n, item := range pozqolItems {
		count[item.domain]++
		if item.positive {
			kept = append(kept, n+1)
			if item.domain != PozQoLPsychological {
				t.Errorf("item %d is kept but in %s", n+1, item.domain)
			}
		}
	}
	want := map[string]int{PozQoLPsychological: 4, PozQoLSocial: 3, PozQoLHealthConcerns: 3, PozQoLFunctional: 3}
	if !reflect.DeepEqual(count, want) {
		t.Errorf("items per domain %v, want %v", count, want)
	}
	if !reflect.DeepEqual(kept, []int{1, 5, 8, 13}) {
		t.Errorf("kept items %v, want [1 5 8 13]", kept)
	}
}

func TestInstrumentQPR15(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		answers []int
		raw     int
	}{
		{"all minimum", sameAnswers(0, 15), 0},
		{"all maximum", sameAnswers(4, 15), 60},
		// (3+2+4+1+0) + (2+3+3+4+2) + (1+2+3+2+3) = 10 + 14 + 11 = 35
		{"mixed", []int{3, 2, 4, 1, 0, 2, 3, 3, 4, 2, 1, 2, 3, 2, 3}, 35},
	} {
		s := mustScoreInstrument(t, InstrumentQPR15, tc.answers)
		if s.Raw != tc.raw || s.Total != float64(tc.raw) {
			t.Errorf("%s: raw %d total %v, want %d", tc.name, s.Raw, s.Total, tc.raw)
		}
		if s.Low() {
			t.Errorf("%s: QPR-15 publishes no cut-off, Low() should be false", tc.name)
		}
		if s.Domains != nil {
			t.Errorf("%s: QPR-15 has no domains, got %v", tc.name, s.Domains)
		}
	}
}

func TestInstrumentRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		i       Instrument
		answers []int
		want    []FieldError
	}{
		{"too few", InstrumentWHO5, []int{1, 2, 3, 4}, []FieldError{
			{Field: "who5", Key: "validation.instrument_count", Args: map[string]any{"Count": 5}},
		}},
		{"none", InstrumentQPR15, nil, []FieldError{
			{Field: "qpr15", Key: "validation.instrument_count", Args: map[string]any{"Count": 15}},
		}},
		{"too many", InstrumentPozQoL, sameAnswers(3, 14), []FieldError{
			{Field: "pozqol", Key: "validation.instrument_count", Args: map[string]any{"Count": 13}},
		}},
		// A wrong count is reported alone, even with answers out of range.
		{"too few and out of range", InstrumentWHO5, []int{9}, []FieldError{
			{Field: "who5", Key: "validation.instrument_count", Args: map[string]any{"Count": 5}},
		}},
		{"two out of range", InstrumentWHO5, []int{0, 6, -1, 5, 5}, []FieldError{
			{Field: "who5_2", Key: "validation.instrument_answer", Args: map[string]any{"Min": 0, "Max": 5}},
			{Field: "who5_3", Key: "validation.instrument_answer", Args: map[string]any{"Min": 0, "Max": 5}},
		}},
		// PozQoL starts at 1: a 0 is out of range.
		{"pozqol zero", InstrumentPozQoL, append(sameAnswers(3, 12), 0), []FieldError{
			{Field: "pozqol_13", Key: "validation.instrument_answer", Args: map[string]any{"Min": 1, "Max": 5}},
		}},
		// QPR-15 stops at 4: a 5 is out of range.
		{"qpr15 five", InstrumentQPR15, append([]int{5}, sameAnswers(4, 14)...), []FieldError{
			{Field: "qpr15_1", Key: "validation.instrument_answer", Args: map[string]any{"Min": 0, "Max": 4}},
		}},
		{"unknown instrument", Instrument("phq9"), sameAnswers(0, 9), []FieldError{
			{Field: "instrument", Key: "validation.choice"},
		}},
	} {
		s, err := tc.i.Score(tc.answers)
		var v *ValidationError
		if !errors.As(err, &v) {
			t.Errorf("%s: error %v, want a *ValidationError", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(v.Fields, tc.want) {
			t.Errorf("%s: fields %+v, want %+v", tc.name, v.Fields, tc.want)
		}
		if !reflect.DeepEqual(s, InstrumentScore{}) {
			t.Errorf("%s: a refused score should be empty, got %+v", tc.name, s)
		}
	}
}

func TestInstrumentScoreJSON(t *testing.T) {
	t.Parallel()
	raw, err := json.Marshal(mustScoreInstrument(t, InstrumentWHO5, []int{3, 4, 2, 1, 2}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(raw), `{"instrument":"who5","total":48,"raw":12}`; got != want {
		t.Errorf("WHO-5 JSON %s, want %s", got, want)
	}
	raw, err = json.Marshal(mustScoreInstrument(t, InstrumentPozQoL, []int{4, 2, 3, 2, 4, 1, 3, 3, 2, 2, 3, 4, 5}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"domains":[{"domain":"psychological","score":4},{"domain":"social","score":3.33}`) {
		t.Errorf("PozQoL JSON %s lacks its domains in order", raw)
	}
}
