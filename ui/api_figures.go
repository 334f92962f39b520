package ui

// apiFigures is a set of suppressed figure tables in API answers (reports,
// dashboards): a figureDoc as JSON, so that the API carries exactly what
// the page shows, in the language asked for (Accept-Language).
type apiFigures struct {
	Language string `json:"language"`
	// Legend says what "<k" means.
	Legend string `json:"legend"`
	// K is the small-count threshold: a count 1…k−1 is never published.
	K      int              `json:"k"`
	Tables []apiFigureTable `json:"tables"`
}

type apiFigureTable struct {
	// ID names the table; it is the same in every language.
	ID           string         `json:"id"`
	Caption      string         `json:"caption"`
	LabelHeading string         `json:"label_heading"`
	Columns      []string       `json:"columns"`
	Rows         []apiFigureRow `json:"rows"`
	// Total is the table's summing row, when it has one.
	Total *apiFigureRow `json:"total,omitempty"`
	Note  string        `json:"note,omitempty"`
}

type apiFigureRow struct {
	Label string          `json:"label"`
	Cells []apiFigureCell `json:"cells"`
}

// apiFigureCell is one figure: Text as the page writes it ("<5", "–",
// "77,3 %"), and Value the number, absent when the figure is hidden, has no
// value or is a word. A percentage's Value is in percent (77.3).
type apiFigureCell struct {
	Text  string   `json:"text"`
	Value *float64 `json:"value,omitempty"`
	// Hidden: withheld by small-count suppression.
	Hidden bool `json:"hidden"`
	// Kind is count, percent, decimal or text.
	Kind string `json:"kind"`
}

// apiFiguresOf writes doc, written out in lang with threshold k, for the
// API.
func apiFiguresOf(lang string, k int, doc figureDoc) apiFigures {
	out := apiFigures{Language: lang, Legend: doc.Legend, K: k, Tables: []apiFigureTable{}}
	row := func(r figureRowView) apiFigureRow {
		ar := apiFigureRow{Label: r.Label, Cells: make([]apiFigureCell, len(r.Cells))}
		for i, c := range r.Cells {
			ar.Cells[i] = apiFigureCell{Text: c.Text, Value: c.Number, Hidden: c.Hidden, Kind: string(c.Kind)}
		}
		return ar
	}
	for _, t := range doc.Tables {
		at := apiFigureTable{ID: t.ID, Caption: t.Caption, LabelHeading: t.LabelHeading, Columns: t.Columns, Rows: []apiFigureRow{}, Note: t.Note}
		if at.Columns == nil {
			at.Columns = []string{}
		}
		for _, r := range t.Rows {
			at.Rows = append(at.Rows, row(r))
		}
		if t.Total != nil {
			total := row(*t.Total)
			at.Total = &total
		}
		out.Tables = append(out.Tables, at)
	}
	return out
}
