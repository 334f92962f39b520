package tenants

import (
	"github.com/kamrat/kamrat/tenants/suppress"
)

// Table ids of the dashboard's publication, stable across languages.
const (
	DashboardTableSystematisation = "systematisation"
	DashboardTableFunnel          = "funnel"
	DashboardTableFirstContact    = "first_contact"
	DashboardTablePeers           = "peers"
	DashboardTableTraining        = "training"
	DashboardTableOutcomes        = "outcomes"
	DashboardTableClosures        = "closures"
)

// DashboardPublication is the dashboard as it may leave the server,
// suppressed with threshold k:
//
//   - the systematisation rate per clinic and quarter is informed ÷ new
//     diagnoses, each a clinic × quarter table suppressed with its margins,
//     so a rate is shown only where both its counts could be;
//   - the funnel's steps are suppressed one by one, and a step's share of
//     the step before follows both;
//   - closures by reason are suppressed with their total; WHO-5 improved,
//     unchanged and worsened with the number compared;
//   - a median or mean is shown only when the number it describes is;
//   - counts of peer supporters and positions describe the organisations'
//     staff, not participants, and are shown as they are (the table says
//     so).
func DashboardPublication(d Dashboard, k int) Publication {
	k = suppress.Threshold(k)
	p := Publication{K: k}
	p.Tables = append(p.Tables, systematisationTable(d, k), funnelTable(d, k), firstContactTable(d, k),
		dashboardPeersTable(d), trainingTable(d), outcomesTable(d, k), closuresTable(d, k))
	return p
}

func quarterText(q Date) Text {
	return Msg("reports.quarter", map[string]any{"Year": q.Year(), "Quarter": QuarterNumber(q)})
}

func systematisationTable(d Dashboard, k int) FigureTable {
	informed := make([][]int, len(d.Clinics))
	diagnoses := make([][]int, len(d.Clinics))
	for i, c := range d.Clinics {
		informed[i], diagnoses[i] = c.Informed, c.NewDiagnoses
	}
	t := FigureTable{ID: DashboardTableSystematisation, Caption: Msg("dashboard.systematisation.caption", nil),
		LabelHeading: Msg("dashboard.clinic", nil), Note: ptr(Msg("dashboard.systematisation.note", nil))}
	for _, q := range d.Quarters {
		t.Columns = append(t.Columns, quarterText(q))
	}
	t.Columns = append(t.Columns, Msg("dashboard.whole_period", nil))
	if len(d.Clinics) == 0 {
		return t
	}
	inf, dia := suppress.NewTable(informed).Suppress(k), suppress.NewTable(diagnoses).Suppress(k)
	for i, c := range d.Clinics {
		row := FigureRow{Label: Literal(c.Name)}
		for j := range d.Quarters {
			row.Cells = append(row.Cells, RatioFigure(inf.Cells[i][j], dia.Cells[i][j]))
		}
		row.Cells = append(row.Cells, RatioFigure(inf.RowTotals[i], dia.RowTotals[i]))
		t.Rows = append(t.Rows, row)
	}
	total := FigureRow{Label: Msg("reports.total", nil)}
	for j := range d.Quarters {
		total.Cells = append(total.Cells, RatioFigure(inf.ColTotals[j], dia.ColTotals[j]))
	}
	total.Cells = append(total.Cells, RatioFigure(inf.Total, dia.Total))
	t.Total = &total
	t.Chart = &ChartSpec{Kind: ChartBars, Column: len(d.Quarters), Compare: -1,
		Title: Msg("dashboard.systematisation.chart", nil), Description: Msg("dashboard.systematisation.chart_desc", nil)}
	return t
}

func funnelTable(d Dashboard, k int) FigureTable {
	f := d.Funnel
	steps := []struct {
		key string
		n   int
	}{
		{"informed", f.Informed}, {"offered", f.Offered}, {"accepted", f.Accepted}, {"referred", f.Referred},
		{"contacted", f.Contacted}, {"matched", f.Matched}, {"three_meetings", f.ThreeMeetings}, {"followup6", f.FollowUpSixMo},
	}
	t := FigureTable{ID: DashboardTableFunnel, Caption: Msg("dashboard.funnel.caption", nil), LabelHeading: Msg("dashboard.funnel.step", nil),
		Columns: []Text{Msg("dashboard.count", nil), Msg("dashboard.funnel.share", nil)}, Note: ptr(Msg("dashboard.funnel.note", nil)),
		Chart: &ChartSpec{Kind: ChartBars, Column: 0, Compare: -1, Title: Msg("dashboard.funnel.chart", nil), Description: Msg("dashboard.funnel.chart_desc", nil)}}
	var prev suppress.Cell
	for i, s := range steps {
		cell := suppress.Count(s.n, k)
		share := AbsentFigure(FigurePercent)
		if i > 0 {
			share = RatioFigure(cell, prev)
		}
		t.Rows = append(t.Rows, FigureRow{Label: Msg("dashboard.funnel."+s.key, nil), Cells: []Figure{CountFigure(cell), share}})
		prev = cell
	}
	return t
}

func firstContactTable(d Dashboard, k int) FigureTable {
	fc := d.FirstContact
	// Within the deadline and later (not published) add up to those
	// contacted; the total is hidden only when it is small itself, as the
	// funnel's contacted step is.
	parts, contacted := suppress.Suppress1D([]int{fc.WithinDeadline, fc.Contacted - fc.WithinDeadline}, true, k)
	t := FigureTable{ID: DashboardTableFirstContact, Caption: Msg("dashboard.first_contact.caption", nil),
		LabelHeading: Msg("dashboard.figure", nil), Columns: []Text{Msg("dashboard.value", nil)},
		Note: ptr(Msg("dashboard.first_contact.note", nil))}
	median := DecimalFigure(fc.MedianWorkingDays, contacted)
	t.Rows = []FigureRow{
		{Label: Msg("dashboard.first_contact.contacted", nil), Cells: []Figure{CountFigure(contacted)}},
		{Label: Msg("dashboard.first_contact.median", nil), Cells: []Figure{median}},
		{Label: Msg("dashboard.first_contact.within", map[string]any{"Days": fc.DeadlineDays}), Cells: []Figure{CountFigure(parts[0])}},
		{Label: Msg("dashboard.first_contact.within_share", map[string]any{"Days": fc.DeadlineDays}), Cells: []Figure{RatioFigure(parts[0], contacted)}},
	}
	for _, c := range fc.Commitments {
		verdict := TextFigure(Msg("dashboard.commitment.unknown", nil))
		switch {
		case median.Hidden:
			verdict = Figure{Kind: FigureText, Hidden: true}
		case fc.MedianWorkingDays != nil:
			met := Commitment{Comparison: c.Comparison, Target: c.Target}.Met(*fc.MedianWorkingDays)
			verdict = TextFigure(Msg("reports.commitment.met."+map[bool]string{true: "yes", false: "no"}[met], nil))
		}
		t.Rows = append(t.Rows, FigureRow{
			Label: Msg("dashboard.first_contact.commitment", map[string]any{"Title": c.Title, "Comparison": string(c.Comparison), "Target": c.Target}),
			Cells: []Figure{verdict}})
	}
	return t
}

func dashboardPeersTable(d Dashboard) FigureTable {
	t := FigureTable{ID: DashboardTablePeers, Caption: Msg("dashboard.peers.caption", map[string]any{"AsOf": d.AsOf.String()}),
		LabelHeading: Msg("reports.peers.organisation", nil),
		Columns: []Text{Msg("dashboard.peers.active", nil), Msg("dashboard.peers.budgeted", nil), Msg("dashboard.peers.committed", nil),
			Msg("dashboard.peers.supervised", map[string]any{"Weeks": d.SupervisionIntervalWeeks}), Msg("dashboard.peers.supervised_share", nil)},
		Note: ptr(Msg("dashboard.peers.note", nil)),
		Chart: &ChartSpec{Kind: ChartBars, Column: 0, Compare: 1, Title: Msg("dashboard.peers.chart", nil),
			Description: Msg("dashboard.peers.chart_desc", nil)}}
	var active, budgeted, supervised, committed int
	anyCommitment := false
	row := func(label Text, a, b, s int, c *int) FigureRow {
		commit := AbsentFigure(FigureCount)
		if c != nil {
			commit = PlainCount(*c)
		}
		return FigureRow{Label: label, Cells: []Figure{PlainCount(a), PlainCount(b), commit, PlainCount(s),
			RatioFigure(suppress.Cell{Value: s}, suppress.Cell{Value: a})}}
	}
	for _, p := range d.Peers {
		t.Rows = append(t.Rows, row(Literal(p.Name), p.Active, p.Budgeted, p.Supervised, p.Committed))
		active, budgeted, supervised = active+p.Active, budgeted+p.Budgeted, supervised+p.Supervised
		if p.Committed != nil {
			committed += *p.Committed
			anyCommitment = true
		}
	}
	var c *int
	if anyCommitment {
		c = &committed
	}
	total := row(Msg("reports.total", nil), active, budgeted, supervised, c)
	t.Total = &total
	return t
}

func trainingTable(d Dashboard) FigureTable {
	tr := d.Training
	t := FigureTable{ID: DashboardTableTraining, Caption: Msg("dashboard.training.caption", map[string]any{"AsOf": d.AsOf.String()}),
		LabelHeading: Msg("dashboard.training.stage", nil), Columns: []Text{Msg("dashboard.training.peers", nil)},
		Note: ptr(Msg("dashboard.peers.note", nil))}
	for _, s := range []struct {
		key string
		n   int
	}{{"recruited", tr.Recruited}, {"in_training", tr.InTraining}, {"active", tr.Active}, {"paused", tr.Paused},
		{"base_courses", tr.BaseCoursesCompleted}} {
		t.Rows = append(t.Rows, FigureRow{Label: Msg("dashboard.training."+s.key, nil), Cells: []Figure{PlainCount(s.n)}})
	}
	return t
}

func outcomesTable(d Dashboard, k int) FigureTable {
	o := d.Outcomes
	items, total := suppress.Suppress1D([]int{o.Improved, o.Pairs - o.Improved - o.Worsened, o.Worsened}, true, k)
	t := FigureTable{ID: DashboardTableOutcomes, Caption: Msg("dashboard.outcomes.caption", nil),
		LabelHeading: Msg("dashboard.figure", nil), Columns: []Text{Msg("dashboard.value", nil)},
		Note: ptr(Msg("dashboard.outcomes.note", nil))}
	t.Rows = []FigureRow{
		{Label: Msg("dashboard.outcomes.pairs", nil), Cells: []Figure{CountFigure(total)}},
		{Label: Msg("dashboard.outcomes.mean", nil), Cells: []Figure{DecimalFigure(o.MeanChange(), total)}},
		{Label: Msg("dashboard.outcomes.improved", nil), Cells: []Figure{CountFigure(items[0])}},
		{Label: Msg("dashboard.outcomes.unchanged", nil), Cells: []Figure{CountFigure(items[1])}},
		{Label: Msg("dashboard.outcomes.worsened", nil), Cells: []Figure{CountFigure(items[2])}},
	}
	return t
}

func closuresTable(d Dashboard, k int) FigureTable {
	t := FigureTable{ID: DashboardTableClosures, Caption: Msg("dashboard.closures.caption", nil),
		LabelHeading: Msg("dashboard.closures.reason", nil), Columns: []Text{Msg("dashboard.count", nil)}}
	counts := make([]int, len(d.Closures))
	for i, c := range d.Closures {
		counts[i] = c.Count
	}
	items, total := suppress.Suppress1D(counts, true, k)
	for i, c := range d.Closures {
		t.Rows = append(t.Rows, FigureRow{Label: Msg("referrals.closure."+c.Reason, nil), Cells: []Figure{CountFigure(items[i])}})
	}
	tr := FigureRow{Label: Msg("reports.total", nil), Cells: []Figure{CountFigure(total)}}
	t.Total = &tr
	if len(d.Closures) > 0 {
		t.Chart = &ChartSpec{Kind: ChartBars, Column: 0, Compare: -1, Title: Msg("dashboard.closures.chart", nil),
			Description: Msg("dashboard.closures.chart_desc", nil)}
	}
	return t
}

func ptr[T any](v T) *T { return &v }
