package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// agreementPage shows one agreement: its contents, its status with the
// one step it may take next, its documents and its change history. Forms
// on it (status, delete, documents) come back here when refused, with
// their problems in Form.
type agreementPage struct {
	basePage
	RegionName string
	ListURL    string
	URL        string
	Agreement  agreementView
	Form       form
	// Next is the status the agreement may move to, if any.
	Next *transition
	// Open is false for an ended agreement, which can no longer change.
	Open      bool
	Deletable bool
	Documents []documentRow
	// MaxUploadMiB is the largest document this server takes.
	MaxUploadMiB int
	History      []historyRow
}

func (agreementPage) templateName() string { return "agreements_show" }

type transition struct {
	Status, Label string
}

// agreementView is an agreement written out for reading.
type agreementView struct {
	Title, Reference, Committee, Purpose, Goals string
	Status, StatusLabel                         string
	Term, Notice, Cadence                       string
	TargetGroups, Parties, Units                []string
	Funding                                     []fundingView
	TotalFunding                                string
	Commitments                                 []commitmentView
	Positions                                   []positionView
	PositionCount                               string
	FullTime                                    string
}

type fundingView struct{ Party, Year, Amount string }

type commitmentView struct{ Indicator, Target, Description string }

type positionView struct{ Count, Share, Unit string }

type documentRow struct {
	URL, RemoveURL, Name, Type, Size, Uploaded, By string
}

// agreementShow shows an agreement.
func (s *server) agreementShow(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.newAgreementPage(c, id, form{Values: map[string]string{}})
	if err != nil {
		return err
	}
	return s.renderPage(c, p)
}

// refuseOnAgreementPage answers a refused action on the agreement page:
// the page again, with the problems, and nothing changed. It returns false
// when err is not a validation error.
func (s *server) refuseOnAgreementPage(c *fiber.Ctx, id int64, err error) (bool, error) {
	f := form{Values: map[string]string{}}
	if !s.refuse(&f, s.regionBase(c).Lang, err) {
		return false, nil
	}
	p, perr := s.newAgreementPage(c, id, f)
	if perr != nil {
		return true, perr
	}
	return true, s.renderRefused(c, p)
}

func (s *server) newAgreementPage(c *fiber.Ctx, id int64, f form) (agreementPage, error) {
	ctx, region := c.UserContext(), currentRegion(c)
	base := s.regionBase(c)
	a, err := s.cfg.Agreements.Agreement(ctx, region.ID, id)
	if err != nil {
		return agreementPage{}, err
	}
	names, err := s.loadScopeNames(c, region.ID)
	if err != nil {
		return agreementPage{}, err
	}
	people, err := s.memberNames(c, region.ID)
	if err != nil {
		return agreementPage{}, err
	}
	docs, err := s.cfg.Agreements.Documents(ctx, region.ID, id)
	if err != nil {
		return agreementPage{}, err
	}
	events, err := s.cfg.Agreements.History(ctx, region.ID, id)
	if err != nil {
		return agreementPage{}, err
	}
	list := agreementsURL(c)
	url := list + "/" + itoa(id)
	p := agreementPage{
		basePage: base, RegionName: region.Name, ListURL: list, URL: url, Form: f,
		Agreement: s.agreementViewOf(base.Lang, a, names),
		Open:      a.Status != tenants.AgreementEnded, Deletable: a.Status == tenants.AgreementDraft,
		MaxUploadMiB: int(maxDocumentBytes(c) >> 20),
	}
	if next, ok := a.Status.Next(); ok {
		p.Next = &transition{Status: string(next), Label: s.translator.Translate(base.Lang, "agreements.transition."+string(next), nil)}
	}
	for _, d := range docs {
		p.Documents = append(p.Documents, documentRow{
			URL: url + "/documents/" + itoa(d.ID), RemoveURL: url + "/documents/" + itoa(d.ID) + "/remove",
			Name: d.FileName, Type: s.translator.Translate(base.Lang, "agreements.document_type."+documentKind(d.ContentType), nil),
			Size: formatBytes(base.Lang, d.SizeBytes), Uploaded: d.UploadedAt.In(stockholm).Format("2006-01-02 15:04"),
			By: people.of(d.UploadedBy, s.translator, base.Lang),
		})
	}
	h := historyWriter{t: s.translator, lang: base.Lang, names: names}
	for i := len(events) - 1; i >= 0; i-- { // newest first
		p.History = append(p.History, h.row(events[i], people))
	}
	return p, nil
}

// agreementViewOf writes an agreement out in lang.
func (s *server) agreementViewOf(lang string, a tenants.Agreement, names scopeNames) agreementView {
	tr := func(key string) string { return s.translator.Translate(lang, key, nil) }
	v := agreementView{
		Title: a.Title, Reference: a.Reference, Committee: a.Committee, Purpose: a.Purpose, Goals: a.Goals,
		Status: string(a.Status), StatusLabel: tr("agreements.status." + string(a.Status)),
		Term:         a.StartsOn.String() + " – " + a.EndsOn.String(),
		Notice:       strconv.Itoa(a.NoticeMonths),
		Cadence:      tr("agreements.cadence." + string(a.ReportingCadence)),
		TotalFunding: formatSEK(lang, a.TotalFunding()),
		FullTime:     formatDecimal(lang, a.BudgetedFullTimeEquivalents()),
	}
	for _, g := range a.TargetGroups {
		v.TargetGroups = append(v.TargetGroups, tr("target_group."+string(g)))
	}
	for _, id := range a.Parties {
		v.Parties = append(v.Parties, names.orgs[id])
	}
	for _, id := range a.UnitIDs {
		v.Units = append(v.Units, names.units[id])
	}
	for _, f := range a.Funding {
		party := tr("agreements.region_party")
		if f.OrganisationID != nil {
			party = names.orgs[*f.OrganisationID]
		}
		v.Funding = append(v.Funding, fundingView{Party: party, Year: strconv.Itoa(f.Year), Amount: formatSEK(lang, f.AmountSEK)})
	}
	for _, c := range a.Commitments {
		v.Commitments = append(v.Commitments, commitmentView{
			Indicator: tr("agreements.indicator." + string(c.Indicator)), Target: commitmentTarget(s.translator, lang, c), Description: c.Description,
		})
	}
	count := 0
	for _, p := range a.Positions {
		unit := ""
		if p.UnitID != nil {
			unit = names.units[*p.UnitID]
		}
		v.Positions = append(v.Positions, positionView{Count: strconv.Itoa(p.Count), Share: formatPercent(lang, p.FTEPercent), Unit: unit})
		count += p.Count
	}
	v.PositionCount = strconv.Itoa(count)
	return v
}

// commitmentTarget writes a commitment's promise: "minst 8", "högst
// 5 dagar", "minst 90 %".
func commitmentTarget(t *Translator, lang string, c tenants.Commitment) string {
	target := formatInt(lang, int64(c.Target))
	if spec, ok := c.Indicator.Spec(); ok {
		switch spec.Unit {
		case tenants.UnitPercent:
			target = formatPercent(lang, c.Target)
		case tenants.UnitDays:
			key := "agreements.days_other"
			if c.Target == 1 {
				key = "agreements.days_one"
			}
			target = t.Translate(lang, key, map[string]any{"Days": target})
		}
	}
	return t.Translate(lang, "agreements.comparison."+string(c.Comparison), nil) + " " + target
}

// documentKind names a stored content type for people.
func documentKind(contentType string) string {
	switch contentType {
	case tenants.ContentTypePDF:
		return "pdf"
	case tenants.ContentTypeDOCX:
		return "docx"
	case tenants.ContentTypeODT:
		return "odt"
	}
	if strings.HasPrefix(contentType, "text/plain") {
		return "txt"
	}
	return "other"
}

// memberNames maps the region's members' ids to their names, for who
// changed or uploaded what.
type memberNames map[int64]string

func (s *server) memberNames(c *fiber.Ctx, regionID int64) (memberNames, error) {
	members, err := s.cfg.Policy.Identities.Members(c.UserContext(), regionID)
	if err != nil {
		return nil, err
	}
	out := make(memberNames, len(members))
	for _, m := range members {
		out[m.UserID] = m.DisplayName
	}
	return out, nil
}

// of names a user: a member by name, the system for nil, anyone else (a
// former member) by a placeholder.
func (n memberNames) of(id *int64, t *Translator, lang string) string {
	switch {
	case id == nil:
		return t.Translate(lang, "agreements.by_system", nil)
	case n[*id] != "":
		return n[*id]
	}
	return t.Translate(lang, "agreements.by_former_member", nil)
}
