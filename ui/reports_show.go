package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// reportPage shows one report's figures as tables, with its quarter's
// state and, for those who may, the button that approves the quarter.
type reportPage struct {
	basePage
	RegionName, ListURL, ApproveURL string
	Title, Quarter, Period          string
	State, StateLabel               string
	BuiltAt, ApprovedAt             string
	// CanApprove: a draft, and the reader may approve.
	CanApprove bool
	// Siblings are the quarter's other reports.
	Siblings []link
	Figures  reportView
}

func (reportPage) templateName() string { return "reports_show" }

// reportView is a report's figures written out for reading; absent
// figures are written as a dash.
type reportView struct {
	Offer *offerView
	// Flow: referrals, closures by reason, days to first contact.
	Flow       []figureSection
	Peers      []peerFigureRow
	PeersTotal peerFigureRow
	// Work: positions and meetings, supervision, outcomes.
	Work        []figureSection
	Commitments []reportCommitmentRow
}

// figureSection is a table of named figures.
type figureSection struct {
	Caption string
	Rows    []labelValue
}

type labelValue struct{ Label, Value string }

type offerView struct {
	Clinics []funnelRow
	Total   funnelRow
}

type funnelRow struct {
	Name                                                  string
	NewDiagnoses, Missing, Met, Informed, Offered         string
	Accepted, Declined, Undecided, Referred, Systematised string
}

type peerFigureRow struct{ Name, Active, Budgeted string }

type reportCommitmentRow struct{ Indicator, Target, Value, Met string }

// reportShow renders a report.
func (s *server) reportShow(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	r, err := s.cfg.Reports.Report(c.UserContext(), region.ID, id)
	if err != nil {
		return err
	}
	siblings, err := s.cfg.Reports.PeriodReports(c.UserContext(), region.ID, r.PeriodStart)
	if err != nil {
		return err
	}
	p := reportPage{basePage: s.regionBase(c), RegionName: region.Name, ListURL: reportsURL(c)}
	lang := p.Lang
	p.ApproveURL = p.ListURL + "/" + itoa(r.ID) + "/approve"
	p.Title, p.Quarter = s.reportScopeLabel(lang, r), s.quarterLabel(lang, r.PeriodStart)
	p.Period = r.PeriodStart.String() + " – " + tenants.QuarterEnd(r.PeriodStart).String()
	p.State, p.StateLabel = string(r.State), s.translator.Translate(lang, "reports.state."+string(r.State), nil)
	p.BuiltAt, p.ApprovedAt = moment(&r.BuiltAt), moment(r.ApprovedAt)
	p.CanApprove = r.State == tenants.ReportDraft && s.cfg.Policy.Authorizer.Allowed(principal(c).Role, region.Slug, "report", "approve")
	for _, o := range siblings {
		if o.ID != r.ID {
			p.Siblings = append(p.Siblings, link{Label: s.reportScopeLabel(lang, o), URL: p.ListURL + "/" + itoa(o.ID)})
		}
	}
	p.Figures = s.reportViewOf(lang, r.Figures)
	return s.renderPage(c, p)
}

func (s *server) reportViewOf(lang string, f tenants.ReportFigures) reportView {
	t := func(key string) string { return s.translator.Translate(lang, key, nil) }
	n := func(v int) string { return formatInt(lang, int64(v)) }
	dash := t("reports.no_value")
	dec := func(v *float64) string {
		if v == nil {
			return dash
		}
		return formatDecimal(lang, *v)
	}
	pct := func(v *float64) string {
		if v == nil {
			return dash
		}
		x := *v * 100
		return formatDecimal(lang, x) + percentSign(lang)
	}
	var v reportView
	if f.Offer != nil {
		row := func(name string, o tenants.OfferFunnel) funnelRow {
			return funnelRow{Name: name, NewDiagnoses: n(o.NewDiagnoses), Missing: n(o.MissingDiagnosisMonths), Met: n(o.Met), Informed: n(o.Informed),
				Offered: n(o.Offered), Accepted: n(o.Accepted), Declined: n(o.Declined), Undecided: n(o.Undecided), Referred: n(o.Referred),
				Systematised: pct(o.SystematisationRate)}
		}
		v.Offer = &offerView{Total: row(t("reports.total"), f.Offer.Total)}
		for _, c := range f.Offer.Clinics {
			v.Offer.Clinics = append(v.Offer.Clinics, row(c.UnitName, c.Funnel))
		}
	}
	section := func(key string, rows []labelValue) figureSection { return figureSection{Caption: t(key), Rows: rows} }
	rf := f.Referrals
	referrals := []labelValue{
		{t("reports.referrals.created"), n(rf.Created)}, {t("reports.referrals.accepted"), n(rf.Accepted)},
		{t("reports.referrals.declined"), n(rf.Declined)}, {t("reports.referrals.contacted"), n(rf.Contacted)},
		{t("reports.referrals.matched"), n(rf.Matched)}, {t("reports.referrals.closed"), n(rf.Closed)},
	}
	var closures []labelValue
	for _, c := range rf.ClosedByReason {
		closures = append(closures, labelValue{t("referrals.closure." + c.Reason), n(c.Count)})
	}
	fc := f.FirstContact
	firstContact := []labelValue{
		{t("reports.first_contact.count"), n(fc.Count)},
		{t("reports.first_contact.median_days"), dec(fc.MedianDays)},
		{t("reports.first_contact.median_working_days"), dec(fc.MedianWorkingDays)},
		{s.translator.Translate(lang, "reports.first_contact.within_deadline", map[string]any{"Days": fc.DeadlineWorkingDays}), n(fc.WithinDeadline)},
	}
	v.Flow = []figureSection{section("reports.referrals.caption", referrals)}
	if len(closures) > 0 {
		v.Flow = append(v.Flow, section("reports.closures.caption", closures))
	}
	v.Flow = append(v.Flow, section("reports.first_contact.caption", firstContact))
	for _, o := range f.Peers.Organisations {
		v.Peers = append(v.Peers, peerFigureRow{Name: o.Name, Active: n(o.Active), Budgeted: n(o.BudgetedPositions)})
	}
	v.PeersTotal = peerFigureRow{Name: t("reports.total"), Active: n(f.Peers.Active), Budgeted: n(f.Peers.BudgetedPositions)}
	peerNotes := []labelValue{
		{t("reports.peers.budgeted_fte"), formatDecimal(lang, f.Peers.BudgetedFTE)},
		{t("reports.peers.with_meetings"), n(f.Peers.WithMeetings)},
	}
	sv := f.Supervision
	supervision := []labelValue{
		{t("reports.supervision.interval"), n(sv.IntervalWeeks)},
		{t("reports.supervision.active"), n(sv.ActivePeers)},
		{t("reports.supervision.supervised"), n(sv.Supervised)},
		{t("reports.supervision.share"), pct(sv.Share)},
	}
	oc := f.Outcomes
	outcomes := []labelValue{
		{t("reports.outcomes.compared"), n(oc.Compared)},
		{t("reports.outcomes.mean_change"), dec(oc.MeanChange)},
		{t("reports.outcomes.improved"), n(oc.Improved)},
		{t("reports.outcomes.worsened"), n(oc.Worsened)},
		{t("reports.outcomes.due"), n(oc.Due)},
		{t("reports.outcomes.completed"), n(oc.Completed)},
	}
	v.Work = []figureSection{section("reports.peers.more", peerNotes), section("reports.supervision.caption", supervision),
		section("reports.outcomes.caption", outcomes)}
	for _, c := range f.Commitments {
		row := reportCommitmentRow{
			Indicator: t("agreements.indicator." + c.Indicator),
			Target:    t("agreements.comparison."+c.Comparison) + " " + n(c.Target),
			Value:     dec(c.Value), Met: t("reports.commitment.not_measured"),
		}
		if c.Met != nil {
			row.Met = t("reports.commitment.met." + map[bool]string{true: "yes", false: "no"}[*c.Met])
		}
		v.Commitments = append(v.Commitments, row)
	}
	return v
}

// percentSign follows the number: " %" in Swedish, "%" in English.
func percentSign(lang string) string {
	if lang == langEnglish {
		return "%"
	}
	return noBreakSpace + "%"
}
