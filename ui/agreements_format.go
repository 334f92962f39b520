package ui

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Numbers on the agreement pages are written as each language writes them.
// Swedish groups thousands with a narrow no-break space, as Språkrådet's
// writing rules recommend (CLDR's data has a wider no-break space), and
// uses a decimal comma.
const (
	narrowNoBreakSpace = "\u202f"
	noBreakSpace       = "\u00a0"
)

func numberPrinter(lang string) *message.Printer {
	if lang == langEnglish {
		return message.NewPrinter(language.English)
	}
	return message.NewPrinter(language.Swedish)
}

// formatInt writes n with thousands grouped: "1 250 000", "1,250,000".
func formatInt(lang string, n int64) string {
	s := numberPrinter(lang).Sprintf("%d", n)
	return strings.ReplaceAll(s, noBreakSpace, narrowNoBreakSpace)
}

// formatDecimal writes v with at most two decimals and none that are
// zero: "2,5" in Swedish, "2.5" in English, "3" for 3.0.
func formatDecimal(lang string, v float64) string {
	s := numberPrinter(lang).Sprintf("%.2f", v)
	sep := "."
	if lang != langEnglish {
		sep = ","
	}
	if strings.Contains(s, sep) {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), sep)
	}
	return strings.ReplaceAll(s, noBreakSpace, narrowNoBreakSpace)
}

// formatSEK writes an amount in kronor: "1 250 000 kr", "SEK 1,250,000".
func formatSEK(lang string, amount int64) string {
	if lang == langEnglish {
		return "SEK " + formatInt(lang, amount)
	}
	return formatInt(lang, amount) + noBreakSpace + "kr"
}

// formatPercent writes a percentage: "50 %" in Swedish, "50%" in English.
func formatPercent(lang string, n int) string {
	if lang == langEnglish {
		return formatInt(lang, int64(n)) + "%"
	}
	return formatInt(lang, int64(n)) + noBreakSpace + "%"
}

// formatBytes writes a file size in kB or MB (powers of 1024, one
// decimal), or bytes below 1 kB.
func formatBytes(lang string, n int64) string {
	switch {
	case n < 1<<10:
		return formatInt(lang, n) + noBreakSpace + "B"
	case n < 1<<20:
		return formatDecimalOne(lang, float64(n)/(1<<10)) + noBreakSpace + "kB"
	}
	return formatDecimalOne(lang, float64(n)/(1<<20)) + noBreakSpace + "MB"
}

func formatDecimalOne(lang string, v float64) string {
	s := numberPrinter(lang).Sprintf("%.1f", v)
	return strings.ReplaceAll(s, noBreakSpace, narrowNoBreakSpace)
}
