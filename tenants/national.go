package tenants

import (
	"cmp"
	"context"
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/kamrat/kamrat/tenants/suppress"
)

// The national view: regions that opt in (TenantSettings.NationalSharing)
// show national viewers their approved quarterly region reports side by
// side. Only what a region has approved leaves it, each region's counts are
// suppressed with its own threshold k, and a region that does not share is
// not named at all.

// RoleNationalViewer is the role a national viewer signs in with where they
// are no member (the audit log's role). Like RolePlatformOperator it is not a
// membership role but a flag on the user (User.NationalViewer), and it opens
// nothing in a region.
const RoleNationalViewer Role = "national_viewer"

// SetNationalViewer grants or revokes the national view. It returns
// ErrNotFound for no such user.
func (s *IdentityStore) SetNationalViewer(ctx context.Context, userID int64, on bool) error {
	return s.db.InPlatform(ctx, func(tx *Tx) error {
		res, err := tx.NewUpdate().Model((*User)(nil)).Set("national_viewer = ?", on).Where("id = ?", userID).Exec(ctx)
		if err != nil {
			return translate(err, "set national viewer")
		}
		return requireRows(res, "user")
	})
}

// NationalRegion is one sharing region's line of a quarter in the national
// view: its name, its effective threshold and its approved region report's
// figures, nil when it has none for the quarter.
type NationalRegion struct {
	Name    string
	K       int
	Figures *ReportFigures
}

// sharingRegions returns the regions that share their figures nationally,
// in Swedish alphabetical order of their names.
func (s *ReportStore) sharingRegions(ctx context.Context) ([]Tenant, error) {
	var all []Tenant
	if err := s.db.InPlatformReadOnly(ctx, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&all).Scan(ctx), "list regions")
	}); err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(all, func(t Tenant) bool { return !t.Settings.NationalSharing })
	order := collate.New(language.Swedish)
	slices.SortFunc(out, func(a, b Tenant) int { return cmp.Or(order.CompareString(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

// NationalQuarters returns the quarters for which at least one region that
// shares its figures nationally has an approved region report, latest
// first.
func (s *ReportStore) NationalQuarters(ctx context.Context) ([]Date, error) {
	regions, err := s.sharingRegions(ctx)
	if err != nil {
		return nil, err
	}
	var out []Date
	for _, r := range regions {
		var reports []Report
		if err := s.db.InTenantReadOnly(ctx, r.ID, func(tx *Tx) error {
			return translate(tx.NewSelect().Model(&reports).Column("period_start").
				Where("tenant_id = ? AND scope = ? AND state = ?", r.ID, ReportRegion, ReportApproved).Scan(ctx), "approved quarters")
		}); err != nil {
			return nil, err
		}
		for _, rep := range reports {
			out = append(out, rep.PeriodStart)
		}
	}
	slices.SortFunc(out, func(a, b Date) int { return b.Time().Compare(a.Time()) })
	return slices.Compact(out), nil
}

// NationalFigures returns, for every region that shares its figures
// nationally, its approved region report of the quarter (Figures nil when it
// has none), in Swedish alphabetical order of the regions' names. Drafts
// never leave their region.
func (s *ReportStore) NationalFigures(ctx context.Context, quarter Date) ([]NationalRegion, error) {
	regions, err := s.sharingRegions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]NationalRegion, 0, len(regions))
	for _, r := range regions {
		line := NationalRegion{Name: r.Name, K: r.Settings.Effective().SmallCountThreshold}
		var reports []Report
		if err := s.db.InTenantReadOnly(ctx, r.ID, func(tx *Tx) error {
			return translate(tx.NewSelect().Model(&reports).
				Where("tenant_id = ? AND period_start = ? AND scope = ? AND state = ?", r.ID, quarter, ReportRegion, ReportApproved).
				Limit(1).Scan(ctx), "approved region report")
		}); err != nil {
			return nil, err
		}
		if len(reports) > 0 {
			line.Figures = &reports[0].Figures
		}
		out = append(out, line)
	}
	return out, nil
}

// NationalPublication lays the regions' figures of a quarter out as one
// table, a row per region. Every count about people is suppressed with the
// region's own k (and marked with it, so a hidden figure reads "<k" with
// that k); rates and statistics are hidden with the counts they rest on.
// There is no national total: a total next to the regions' rows would let
// a reader work a hidden figure out of it, and summing figures suppressed
// with different thresholds would not be meaningful anyway.
func NationalPublication(regions []NationalRegion) Publication {
	columns := []string{
		"national.col.new_diagnoses", "national.col.informed", "national.col.systematisation",
		"national.col.referrals", "national.col.first_contacts", "national.col.median_working_days",
		"national.col.deadline_days", "national.col.within_deadline",
		"national.col.active_peers", "national.col.budgeted_positions",
		"national.col.who5_compared", "national.col.who5_mean_change",
	}
	kinds := []FigureKind{
		FigureCount, FigureCount, FigurePercent,
		FigureCount, FigureCount, FigureDecimal,
		FigureCount, FigurePercent,
		FigureCount, FigureCount,
		FigureCount, FigureDecimal,
	}
	table := FigureTable{
		ID: "regions", Caption: Msg("national.table.caption", nil), LabelHeading: Msg("national.col.region", nil),
		Rows: []FigureRow{}, Note: &Text{Key: "national.table.note"},
	}
	for _, c := range columns {
		table.Columns = append(table.Columns, Msg(c, nil))
	}
	k := 0
	for _, r := range regions {
		row := FigureRow{Label: Literal(r.Name)}
		if r.Figures == nil {
			row.Cells = append(row.Cells, TextFigure(Msg("national.no_report", nil)))
			for _, kind := range kinds[1:] {
				row.Cells = append(row.Cells, AbsentFigure(kind))
			}
			table.Rows = append(table.Rows, row)
			continue
		}
		rk := suppress.Threshold(r.K)
		k = max(k, rk)
		f := r.Figures
		count := func(n int) suppress.Cell { return suppress.Count(n, rk) }
		newDiagnoses, informed := AbsentFigure(FigureCount), AbsentFigure(FigureCount)
		systematisation := AbsentFigure(FigurePercent)
		if f.Offer != nil {
			nd, inf := count(f.Offer.Total.NewDiagnoses), count(f.Offer.Total.Informed)
			newDiagnoses, informed, systematisation = CountFigure(nd), CountFigure(inf), RatioFigure(inf, nd)
		}
		contacts := count(f.FirstContact.Count)
		compared := count(f.Outcomes.Compared)
		row.Cells = []Figure{
			newDiagnoses, informed, systematisation,
			CountFigure(count(f.Referrals.Created)),
			CountFigure(contacts),
			DecimalFigure(f.FirstContact.MedianWorkingDays, contacts),
			PlainCount(f.FirstContact.DeadlineWorkingDays),
			RatioFigure(count(f.FirstContact.WithinDeadline), contacts),
			PlainCount(f.Peers.Active),
			PlainCount(f.Peers.BudgetedPositions),
			CountFigure(compared),
			DecimalFigure(f.Outcomes.MeanChange, compared),
		}
		for i := range row.Cells {
			row.Cells[i] = row.Cells[i].WithThreshold(rk)
		}
		table.Rows = append(table.Rows, row)
	}
	return Publication{K: k, Tables: []FigureTable{table}}
}
