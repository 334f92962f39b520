package tenants

import (
	"github.com/kamrat/kamrat/tenants/suppress"
)

// Table ids of a report's publication, stable across languages.
const (
	ReportTableOffer        = "offer"
	ReportTableReferrals    = "referrals"
	ReportTableClosures     = "closures"
	ReportTableFirstContact = "first_contact"
	ReportTablePeers        = "peers"
	ReportTablePeerWork     = "peer_work"
	ReportTableSupervision  = "supervision"
	ReportTableFollowUps    = "follow_ups"
	ReportTableOutcomes     = "outcomes"
	ReportTableCommitments  = "commitments"
)

// Columns of the offer table, in order.
const (
	OfferColNewDiagnoses = iota
	OfferColMet
	OfferColInformed
	OfferColOffered
	OfferColAccepted
	OfferColDeclined
	OfferColUndecided
	OfferColReferred
	OfferColRate
	OfferColMissing
)

// ReportPublication is a report's figures as they may leave the server,
// suppressed with threshold k (suppress.Threshold(k) is applied).
//
// Counts of participants and referrals are suppressed; counts of peer
// supporters and positions describe the organisations' staff and are
// published as they are (the tables say so). Figures a reader could add up
// are suppressed together, so that a hidden one cannot be given back by the
// others:
//
//   - the offer table: each clinic column with its total; accepted,
//     declined and undecided add up to offered, per clinic and in total, so
//     those four columns are one two-dimensional table;
//   - closures by reason with their total (the referrals closed);
//   - contacted within the deadline and not (the latter unpublished) with
//     the referrals contacted; follow-ups completed and not with those due;
//     improved, unchanged and worsened with those compared.
//
// A figure that appears in two tables (the referrals created and the
// offer table's referred total, the referrals closed and the closures'
// total) is the same cell in both. Rates, medians and means follow the
// counts they are built on.
func ReportPublication(r Report, k int) Publication {
	k = suppress.Threshold(k)
	b := reportPublisher{f: r.Figures, k: k}
	b.build()
	return Publication{K: k, Tables: b.tables}
}

// reportPublisher builds a publication; the cells it keeps are shared by
// the tables that repeat a figure and by the commitments.
type reportPublisher struct {
	f      ReportFigures
	k      int
	tables []FigureTable

	// Published cells of the totals other tables refer to.
	newDiagnoses, informed, offered, referred suppress.Cell
	closed                                    suppress.Cell
	contacted, withinDeadline                 suppress.Cell
	due, completed                            suppress.Cell
	compared                                  suppress.Cell
}

func (b *reportPublisher) build() {
	if b.f.Offer != nil {
		b.offer(*b.f.Offer)
	}
	b.referrals()
	b.firstContact()
	b.peers()
	b.outcomes()
	if len(b.f.Commitments) > 0 {
		b.commitments()
	}
}

// valueColumn is the one column of a table of named figures.
var valueColumn = []Text{Msg("reports.col.value", nil)}

func namedRow(key string, args map[string]any, f Figure) FigureRow {
	return FigureRow{Label: Msg(key, args), Cells: []Figure{f}}
}

// peerNote says why a table of peer supporters is not suppressed.
func peerNote() *Text {
	n := Msg("reports.peers.note", nil)
	return &n
}

func (b *reportPublisher) offer(o OfferFigures) {
	n := len(o.Clinics)
	column := func(get func(OfferFunnel) int) ([]suppress.Cell, suppress.Cell) {
		counts := make([]int, n)
		for i, c := range o.Clinics {
			counts[i] = get(c.Funnel)
		}
		return suppress.Suppress1D(counts, true, b.k)
	}
	newDiag, newDiagTotal := column(func(f OfferFunnel) int { return f.NewDiagnoses })
	met, metTotal := column(func(f OfferFunnel) int { return f.Met })
	informed, informedTotal := column(func(f OfferFunnel) int { return f.Informed })
	referred, referredTotal := column(func(f OfferFunnel) int { return f.Referred })

	// Accepted + declined + undecided = offered, in each row and in total.
	responses := make([][]int, n)
	for i, c := range o.Clinics {
		responses[i] = []int{c.Funnel.Accepted, c.Funnel.Declined, c.Funnel.Undecided}
	}
	var resp suppress.Published
	if n > 0 {
		resp = suppress.NewTable(responses).Suppress(b.k)
	} else {
		resp = suppress.Published{ColTotals: make([]suppress.Cell, 3)}
	}

	row := func(label Text, newDiag, met, informed, offered, accepted, declined, undecided, referred suppress.Cell, missing int) FigureRow {
		return FigureRow{Label: label, Cells: []Figure{
			CountFigure(newDiag), CountFigure(met), CountFigure(informed), CountFigure(offered),
			CountFigure(accepted), CountFigure(declined), CountFigure(undecided), CountFigure(referred),
			RatioFigure(informed, newDiag), PlainCount(missing),
		}}
	}
	t := FigureTable{
		ID: ReportTableOffer, Caption: Msg("reports.offer.caption", nil), LabelHeading: Msg("reports.offer.clinic", nil),
		Columns: []Text{
			Msg("reports.offer.new_diagnoses", nil), Msg("reports.offer.met", nil), Msg("reports.offer.informed", nil),
			Msg("reports.offer.offered", nil), Msg("reports.offer.accepted", nil), Msg("reports.offer.declined", nil),
			Msg("reports.offer.undecided", nil), Msg("reports.offer.referred", nil), Msg("reports.offer.rate", nil),
			Msg("reports.offer.missing", nil),
		},
		Chart: &ChartSpec{Kind: ChartBars, Column: OfferColRate, Compare: -1,
			Title: Msg("reports.offer.chart.title", nil), Description: Msg("reports.offer.chart.description", nil)},
	}
	for i, c := range o.Clinics {
		t.Rows = append(t.Rows, row(Literal(c.UnitName), newDiag[i], met[i], informed[i], resp.RowTotals[i],
			resp.Cells[i][0], resp.Cells[i][1], resp.Cells[i][2], referred[i], c.Funnel.MissingDiagnosisMonths))
	}
	total := row(Msg("reports.total", nil), newDiagTotal, metTotal, informedTotal, resp.Total,
		resp.ColTotals[0], resp.ColTotals[1], resp.ColTotals[2], referredTotal, o.Total.MissingDiagnosisMonths)
	t.Total = &total
	note := Msg("reports.offer.note", nil)
	if n == 0 {
		note = Msg("reports.offer.empty", nil)
	}
	t.Note = &note
	b.tables = append(b.tables, t)
	b.newDiagnoses, b.informed, b.offered, b.referred = newDiagTotal, informedTotal, resp.Total, referredTotal
}

func (b *reportPublisher) referrals() {
	rf := b.f.Referrals
	// The closures by reason add up to the referrals closed.
	counts := make([]int, len(rf.ClosedByReason))
	for i, c := range rf.ClosedByReason {
		counts[i] = c.Count
	}
	reasons, closed := suppress.Suppress1D(counts, true, b.k)
	if len(counts) == 0 {
		closed = suppress.Count(rf.Closed, b.k)
	}
	b.closed = closed
	// The referrals created are the offer table's referred total where
	// there is one: the same referrals, so the same cell.
	created := suppress.Count(rf.Created, b.k)
	if b.f.Offer != nil && b.f.Offer.Total.Referred == rf.Created {
		created = b.referred
	}
	b.tables = append(b.tables, FigureTable{
		ID: ReportTableReferrals, Caption: Msg("reports.referrals.caption", nil), LabelHeading: Msg("reports.col.figure", nil),
		Columns: []Text{Msg("reports.col.count", nil)},
		Rows: []FigureRow{
			namedRow("reports.referrals.created", nil, CountFigure(created)),
			namedRow("reports.referrals.accepted", nil, CountFigure(suppress.Count(rf.Accepted, b.k))),
			namedRow("reports.referrals.declined", nil, CountFigure(suppress.Count(rf.Declined, b.k))),
			namedRow("reports.referrals.contacted", nil, CountFigure(suppress.Count(rf.Contacted, b.k))),
			namedRow("reports.referrals.matched", nil, CountFigure(suppress.Count(rf.Matched, b.k))),
			namedRow("reports.referrals.closed", nil, CountFigure(closed)),
		},
	})
	if len(counts) == 0 {
		return
	}
	t := FigureTable{
		ID: ReportTableClosures, Caption: Msg("reports.closures.caption", nil), LabelHeading: Msg("reports.closures.reason", nil),
		Columns: []Text{Msg("reports.col.count", nil)},
	}
	for i, c := range rf.ClosedByReason {
		t.Rows = append(t.Rows, FigureRow{Label: Msg("referrals.closure."+c.Reason, nil), Cells: []Figure{CountFigure(reasons[i])}})
	}
	t.Total = &FigureRow{Label: Msg("reports.referrals.closed", nil), Cells: []Figure{CountFigure(closed)}}
	b.tables = append(b.tables, t)
}

func (b *reportPublisher) firstContact() {
	fc := b.f.FirstContact
	// Contacted within the deadline and after it add up to those
	// contacted; the latter is not published, but were it left out of the
	// suppression, within = contacted − late would give it back.
	late := max(fc.Count-fc.WithinDeadline, 0)
	cells, total := suppress.Suppress1D([]int{fc.WithinDeadline, late}, true, b.k)
	b.contacted, b.withinDeadline = total, cells[0]
	days := map[string]any{"Days": fc.DeadlineWorkingDays}
	b.tables = append(b.tables, FigureTable{
		ID: ReportTableFirstContact, Caption: Msg("reports.first_contact.caption", nil), LabelHeading: Msg("reports.col.figure", nil),
		Columns: valueColumn,
		Rows: []FigureRow{
			namedRow("reports.first_contact.count", nil, CountFigure(total)),
			namedRow("reports.first_contact.median_days", nil, DecimalFigure(fc.MedianDays, total)),
			namedRow("reports.first_contact.median_working_days", nil, DecimalFigure(fc.MedianWorkingDays, total)),
			namedRow("reports.first_contact.within_deadline", days, CountFigure(cells[0])),
			namedRow("reports.first_contact.within_deadline_share", days, RatioFigure(cells[0], total)),
		},
	})
}

func (b *reportPublisher) peers() {
	p := b.f.Peers
	t := FigureTable{
		ID: ReportTablePeers, Caption: Msg("reports.peers.caption", nil), LabelHeading: Msg("reports.peers.organisation", nil),
		Columns: []Text{Msg("reports.peers.active", nil), Msg("reports.peers.budgeted", nil)},
		Note:    peerNote(),
	}
	for _, o := range p.Organisations {
		t.Rows = append(t.Rows, FigureRow{Label: Literal(o.Name), Cells: []Figure{PlainCount(o.Active), PlainCount(o.BudgetedPositions)}})
	}
	t.Total = &FigureRow{Label: Msg("reports.total", nil), Cells: []Figure{PlainCount(p.Active), PlainCount(p.BudgetedPositions)}}
	b.tables = append(b.tables, t)

	b.tables = append(b.tables, FigureTable{
		ID: ReportTablePeerWork, Caption: Msg("reports.peers.more", nil), LabelHeading: Msg("reports.col.figure", nil),
		Columns: valueColumn, Note: peerNote(),
		Rows: []FigureRow{
			namedRow("reports.peers.budgeted_fte", nil, Figure{Kind: FigureDecimal, Value: p.BudgetedFTE}),
			namedRow("reports.peers.with_meetings", nil, PlainCount(p.WithMeetings)),
		},
	})

	sv := b.f.Supervision
	b.tables = append(b.tables, FigureTable{
		ID: ReportTableSupervision, Caption: Msg("reports.supervision.caption", nil), LabelHeading: Msg("reports.col.figure", nil),
		Columns: valueColumn, Note: peerNote(),
		Rows: []FigureRow{
			namedRow("reports.supervision.interval", nil, PlainCount(sv.IntervalWeeks)),
			namedRow("reports.supervision.active", nil, PlainCount(sv.ActivePeers)),
			namedRow("reports.supervision.supervised", nil, PlainCount(sv.Supervised)),
			namedRow("reports.supervision.share", nil, RatioFigure(suppress.Cell{Value: sv.Supervised}, suppress.Cell{Value: sv.ActivePeers})),
		},
	})
}

func (b *reportPublisher) outcomes() {
	oc := b.f.Outcomes
	// Completed and not completed add up to those due.
	done, due := suppress.Suppress1D([]int{oc.Completed, max(oc.Due-oc.Completed, 0)}, true, b.k)
	b.due, b.completed = due, done[0]
	// Improved, unchanged and worsened add up to those compared.
	unchanged := max(oc.Compared-oc.Improved-oc.Worsened, 0)
	change, compared := suppress.Suppress1D([]int{oc.Improved, unchanged, oc.Worsened}, true, b.k)
	b.compared = compared

	b.tables = append(b.tables, FigureTable{
		ID: ReportTableFollowUps, Caption: Msg("reports.outcomes.caption", nil), LabelHeading: Msg("reports.col.figure", nil),
		Columns: valueColumn,
		Rows: []FigureRow{
			namedRow("reports.outcomes.due", nil, CountFigure(due)),
			namedRow("reports.outcomes.completed", nil, CountFigure(done[0])),
			namedRow("reports.outcomes.completion_rate", nil, RatioFigure(done[0], due)),
			namedRow("reports.outcomes.compared", nil, CountFigure(compared)),
			namedRow("reports.outcomes.mean_change", nil, DecimalFigure(oc.MeanChange, compared)),
		},
	})
	b.tables = append(b.tables, FigureTable{
		ID: ReportTableOutcomes, Caption: Msg("reports.outcomes.change_caption", nil), LabelHeading: Msg("reports.outcomes.change", nil),
		Columns: []Text{Msg("reports.col.count", nil)},
		Rows: []FigureRow{
			namedRow("reports.outcomes.improved", nil, CountFigure(change[0])),
			namedRow("reports.outcomes.unchanged", nil, CountFigure(change[1])),
			namedRow("reports.outcomes.worsened", nil, CountFigure(change[2])),
		},
		Total: &FigureRow{Label: Msg("reports.outcomes.compared", nil), Cells: []Figure{CountFigure(compared)}},
	})
}

// commitmentValue is a commitment's published value, built on the same
// cells commitmentFigures computes it from: hidden when they are. It
// reports false for an indicator Kamrat does not measure.
func (b *reportPublisher) commitmentValue(c CommitmentFigure) (Figure, bool) {
	var v Figure
	switch Indicator(c.Indicator) {
	case IndicatorActivePeers:
		v = PlainCount(b.f.Peers.WithMeetings)
	case IndicatorMedianDaysToFirstContact:
		v = DecimalFigure(c.Value, b.contacted)
	case IndicatorContactWithinDeadlinePercent:
		v = RatioFigure(b.withinDeadline, b.contacted)
	case IndicatorInformedRatePercent:
		v = RatioFigure(b.informed, b.newDiagnoses)
	case IndicatorOfferRatePercent:
		v = RatioFigure(b.offered, b.newDiagnoses)
	case IndicatorFollowUpRatePercent:
		v = RatioFigure(b.completed, b.due)
	default:
		return AbsentFigure(FigureDecimal), false
	}
	if c.Value == nil && !v.Hidden {
		// Nothing to measure this quarter (no referrals contacted, say).
		return AbsentFigure(v.Kind), true
	}
	return v, true
}

func (b *reportPublisher) commitments() {
	t := FigureTable{
		ID: ReportTableCommitments, Caption: Msg("reports.commitments.caption", nil), LabelHeading: Msg("reports.commitments.indicator", nil),
		Columns: []Text{Msg("reports.commitments.comparison", nil), Msg("reports.commitments.target", nil),
			Msg("reports.commitments.value", nil), Msg("reports.commitments.met", nil)},
	}
	for _, c := range b.f.Commitments {
		target := Figure{Kind: FigureCount, Value: float64(c.Target)}
		if spec, ok := Indicator(c.Indicator).Spec(); ok && spec.Unit == UnitPercent {
			target = Figure{Kind: FigurePercent, Value: float64(c.Target) / 100}
		}
		value, measured := b.commitmentValue(c)
		var met Figure
		switch {
		case value.Hidden:
			met = Figure{Kind: FigureText, Hidden: true}
		case !measured:
			met = TextFigure(Msg("reports.commitment.not_measured", nil))
		case c.Met == nil || value.Absent:
			met = TextFigure(Msg("reports.no_value", nil))
		case *c.Met:
			met = TextFigure(Msg("reports.commitment.met.yes", nil))
		default:
			met = TextFigure(Msg("reports.commitment.met.no", nil))
		}
		t.Rows = append(t.Rows, FigureRow{Label: Msg("agreements.indicator."+c.Indicator, nil), Cells: []Figure{
			TextFigure(Msg("agreements.comparison."+c.Comparison, nil)), target, value, met,
		}})
	}
	b.tables = append(b.tables, t)
}
