package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// auditPage lets a regional administrator search the audit log.
type auditPage struct {
	basePage
	RegionName string
	From, To   string // yyyy-mm-dd, as entered
	Action     string
	Outcome    string
	Entries    []auditRow
	// The sample checks recorded, and the form for a new one.
	Checks      []checkRow
	CheckAction string
	Form        form
}

type checkRow struct {
	At, By, Period, Scope, Conclusion string
}

type auditRow struct {
	At, User, Role, Action, Object, Subject, Outcome, Reason string
}

// auditIndex searches the region's audit log (newest first).
func (s *server) auditIndex(c *fiber.Ctx) error {
	region := currentRegion(c)
	f := tenants.AuditFilter{Action: c.Query("action"), Outcome: c.Query("outcome")}
	p := auditPage{
		basePage:   s.newBasePage(c, s.languageOr(c, region.Settings.Effective().DefaultLanguage)),
		RegionName: region.Name, From: c.Query("from"), To: c.Query("to"), Action: f.Action, Outcome: f.Outcome,
		Form: form{Values: map[string]string{}},
	}
	var v tenants.ValidationError
	if p.From != "" {
		t, err := time.Parse(time.DateOnly, p.From)
		if err != nil {
			v.Fields = append(v.Fields, tenants.FieldError{Field: "from", Key: "validation.date"})
		}
		f.From = t
	}
	if p.To != "" {
		t, err := time.Parse(time.DateOnly, p.To)
		if err != nil {
			v.Fields = append(v.Fields, tenants.FieldError{Field: "to", Key: "validation.date"})
		}
		f.To = t.Add(24 * time.Hour)
	}
	if len(v.Fields) > 0 {
		return &v
	}
	entries, err := s.cfg.Policy.Audit.Search(c.UserContext(), region.ID, f)
	if err != nil {
		return err
	}
	if err := s.loadChecks(c, &p); err != nil {
		return err
	}
	for _, e := range entries {
		p.Entries = append(p.Entries, auditRow{
			At: e.At.In(stockholm).Format("2006-01-02 15:04:05"), User: e.UserLabel, Role: e.Role, Action: e.Action,
			Object: e.ObjectType + " " + e.ObjectID, Subject: e.Subject, Outcome: e.Outcome, Reason: e.Reason,
		})
	}
	return s.renderPage(c, p)
}

// loadChecks fills the page's list of sample checks.
func (s *server) loadChecks(c *fiber.Ctx, p *auditPage) error {
	region := currentRegion(c)
	p.CheckAction = "/r/" + region.Slug + "/admin/audit/checks"
	checks, err := s.cfg.Policy.Audit.Checks(c.UserContext(), region.ID)
	if err != nil {
		return err
	}
	members, err := s.cfg.Policy.Identities.Members(c.UserContext(), region.ID)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, m := range members {
		names[m.UserID] = m.DisplayName
	}
	for _, ch := range checks {
		p.Checks = append(p.Checks, checkRow{
			At: ch.CheckedAt.In(stockholm).Format("2006-01-02 15:04"), By: names[ch.CheckedBy],
			Period: ch.PeriodFrom.In(stockholm).Format(time.DateOnly) + " – " + ch.PeriodTo.In(stockholm).AddDate(0, 0, -1).Format(time.DateOnly),
			Scope:  ch.Scope, Conclusion: ch.Conclusion,
		})
	}
	return nil
}

// auditCheckCreate records a sample check of the audit log: who checked
// which period and what, and the conclusion.
func (s *server) auditCheckCreate(c *fiber.Ctx) error {
	region, me := currentRegion(c), principal(c)
	f := formFrom(c, "period_from", "period_to", "scope", "conclusion")
	base := s.regionBase(c)
	check := tenants.AuditCheck{CheckedBy: me.User.ID, Scope: f.Value("scope"), Conclusion: f.Value("conclusion")}
	var v tenants.ValidationError
	for _, d := range []struct {
		field string
		into  *time.Time
	}{{"period_from", &check.PeriodFrom}, {"period_to", &check.PeriodTo}} {
		t, err := time.ParseInLocation(time.DateOnly, f.Value(d.field), stockholm)
		if err != nil {
			v.Fields = append(v.Fields, tenants.FieldError{Field: d.field, Key: "validation.date"})
			continue
		}
		*d.into = t
	}
	var err error = &v
	if len(v.Fields) == 0 {
		// The period's last day counts in full.
		check.PeriodTo = check.PeriodTo.AddDate(0, 0, 1)
		var saved tenants.AuditCheck
		saved, err = s.cfg.Policy.Audit.RecordCheck(c.UserContext(), region.ID, check)
		if err == nil {
			s.auditAdmin(c, "audit_check.create", "audit_check", itoa(saved.ID))
			return c.Redirect("/r/"+region.Slug+"/admin/audit", fiber.StatusSeeOther)
		}
	}
	if !s.refuse(&f, base.Lang, err) {
		return err
	}
	p := auditPage{basePage: base, RegionName: region.Name, Form: f}
	if err := s.loadChecks(c, &p); err != nil {
		return err
	}
	return s.renderRefused(c, p)
}

// stockholm is the time zone every page shows times in.
var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}()
