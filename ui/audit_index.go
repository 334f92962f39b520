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
	for _, e := range entries {
		p.Entries = append(p.Entries, auditRow{
			At: e.At.In(stockholm).Format("2006-01-02 15:04:05"), User: e.UserLabel, Role: e.Role, Action: e.Action,
			Object: e.ObjectType + " " + e.ObjectID, Subject: e.Subject, Outcome: e.Outcome, Reason: e.Reason,
		})
	}
	return s.renderPage(c, p)
}

// stockholm is the time zone every page shows times in.
var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}()
