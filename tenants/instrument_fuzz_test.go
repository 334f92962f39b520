package tenants

import (
	"errors"
	"math"
	"testing"
)

// FuzzInstrumentScore scores arbitrary answers (each byte a signed answer)
// for a known or unknown instrument: either a *ValidationError, exactly
// when the answers break the instrument's count or scale, or a score in the
// documented ranges.
func FuzzInstrumentScore(f *testing.F) {
	f.Add("who5", []byte{0, 0, 0, 0, 0})
	f.Add("who5", []byte{5, 5, 5, 5, 5})
	f.Add("who5", []byte{2, 3, 2, 3, 2})
	f.Add("who5", []byte{6, 0, 0, 0, 0})
	f.Add("who5", []byte{0xff, 0, 0, 0, 0})
	f.Add("who5", []byte{1, 2, 3, 4})
	f.Add("pozqol", []byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	f.Add("pozqol", []byte{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5})
	f.Add("pozqol", []byte{1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3})
	f.Add("pozqol", []byte{0, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3})
	f.Add("qpr15", []byte{4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4})
	f.Add("qpr15", []byte{0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4})
	f.Add("qpr15", []byte{0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 5})
	f.Add("", []byte{})
	f.Add("WHO5", []byte{1, 1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, name string, raw []byte) {
		i := Instrument(name)
		answers := make([]int, len(raw))
		for n, b := range raw {
			answers[n] = int(int8(b))
		}
		s, err := i.Score(answers)

		lo, hi := i.Scale()
		fits := i.valid() && len(answers) == i.Items()
		for _, a := range answers {
			fits = fits && lo <= a && a <= hi
		}
		if !fits {
			var v *ValidationError
			if !errors.As(err, &v) || len(v.Fields) == 0 {
				t.Fatalf("Score(%q, %v) = %+v, %v; want a *ValidationError", name, answers, s, err)
			}
			for _, fe := range v.Fields {
				if fe.Field == "" || fe.Key == "" {
					t.Fatalf("Score(%q, %v): problem without field or key: %+v", name, answers, fe)
				}
			}
			return
		}
		if err != nil {
			t.Fatalf("Score(%q, %v): %v", name, answers, err)
		}
		if s.Instrument != i {
			t.Fatalf("scored as %q, want %q", s.Instrument, i)
		}
		switch i {
		case InstrumentWHO5:
			if s.Raw < 0 || s.Raw > 25 || s.Total != float64(4*s.Raw) || s.Total < 0 || s.Total > 100 {
				t.Fatalf("WHO-5 %v: raw %d, total %v; want raw 0–25 and total 4×raw", answers, s.Raw, s.Total)
			}
			if s.Low() != (s.Raw < WHO5LowRaw) || len(s.Domains) != 0 {
				t.Fatalf("WHO-5 %v: Low %v, domains %v", answers, s.Low(), s.Domains)
			}
		case InstrumentQPR15:
			if s.Raw < 0 || s.Raw > 60 || s.Total != float64(s.Raw) || s.Low() || len(s.Domains) != 0 {
				t.Fatalf("QPR-15 %v: %+v; want raw 0–60 = total, not low, no domains", answers, s)
			}
		case InstrumentPozQoL:
			if s.Raw < 13 || s.Raw > 65 || s.Total < 1 || s.Total > 5 || math.Abs(s.Total-float64(s.Raw)/13) > 0.005+1e-9 || s.Low() {
				t.Fatalf("PozQoL %v: %+v; want raw 13–65 and total raw/13 in 1–5", answers, s)
			}
			if len(s.Domains) != len(pozqolDomains) {
				t.Fatalf("PozQoL %v: domains %v", answers, s.Domains)
			}
			for n, d := range s.Domains {
				if d.Domain != pozqolDomains[n] || d.Score < 1 || d.Score > 5 || math.Round(d.Score*100) != d.Score*100 {
					t.Fatalf("PozQoL %v: domain %+v; want %s scored 1–5 in hundredths", answers, d, pozqolDomains[n])
				}
			}
		}
	})
}
