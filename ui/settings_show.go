package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// settingsPage lets a regional administrator change the region's name and
// its settings.
type settingsPage struct {
	basePage
	RegionName   string
	Action       string
	ProvidersURL string
	Form         form
	Languages    []option
	Enabled      map[string]bool // languages checked
	Saved        bool
	// Defaults name the value an empty field means.
	Defaults tenants.TenantSettings
}

func (settingsPage) templateName() string { return "settings" }

var settingsFields = []string{"name", "default_language", "small_count_threshold", "contact_deadline_days", "follow_up_months", "retention_months", "supervision_interval_weeks", "meeting_notes", "follow_up_pozqol", "follow_up_qpr15", "national_sharing"}

// settingsShow renders the form with the region's current settings.
func (s *server) settingsShow(c *fiber.Ctx) error {
	region := currentRegion(c)
	eff := region.Settings.Effective()
	f := form{Values: map[string]string{
		"name": region.Name, "default_language": eff.DefaultLanguage,
		"small_count_threshold": strconv.Itoa(eff.SmallCountThreshold), "contact_deadline_days": strconv.Itoa(eff.ContactDeadlineDays),
		"follow_up_months": joinInts(eff.FollowUpMonths), "retention_months": strconv.Itoa(eff.RetentionMonths),
		"supervision_interval_weeks": strconv.Itoa(eff.SupervisionIntervalWeeks),
		"meeting_notes":              checked(eff.MeetingNotes), "follow_up_pozqol": checked(!eff.SkipPozQoL), "follow_up_qpr15": checked(!eff.SkipQPR15),
		"national_sharing": checked(eff.NationalSharing),
	}}
	p := s.newSettingsPage(c, f, eff.Languages)
	p.Saved = c.Query("saved") == "1"
	return s.renderPage(c, p)
}

func (s *server) newSettingsPage(c *fiber.Ctx, f form, enabled []string) settingsPage {
	region := currentRegion(c)
	base := s.regionBase(c)
	p := settingsPage{
		basePage: base, RegionName: region.Name, Action: "/r/" + region.Slug + "/admin/settings", Form: f,
		ProvidersURL: "/r/" + region.Slug + "/admin/providers", Enabled: map[string]bool{},
		Defaults: tenants.TenantSettings{}.Effective(),
	}
	for _, l := range []string{langSwedish, langEnglish} {
		p.Languages = append(p.Languages, option{Value: l, Label: s.translator.Translate(base.Lang, "settings.language."+l, nil)})
	}
	for _, l := range enabled {
		p.Enabled[l] = true
	}
	return p
}

// settingsUpdate saves the form; nothing changes when any field is wrong.
func (s *server) settingsUpdate(c *fiber.Ctx) error {
	region := currentRegion(c)
	f := formFrom(c, settingsFields...)
	languages := append([]string{langSwedish}, slices.DeleteFunc(formValues(c, "languages"), func(l string) bool { return l == langSwedish })...)
	settings, err := settingsFromForm(f, languages)
	if err == nil {
		_, err = s.cfg.Tenants.UpdateSettings(c.UserContext(), region.ID, f.Value("name"), settings)
	}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		return s.renderRefused(c, s.newSettingsPage(c, f, languages))
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "region.settings", "region", region.Slug)
	s.auditNationalSharing(c, region.Settings.NationalSharing, settings.NationalSharing)
	return c.Redirect("/r/"+region.Slug+"/admin/settings?saved=1", fiber.StatusSeeOther)
}

// auditNationalSharing records, besides the settings change, turning the
// national sharing on or off: it decides what leaves the region.
func (s *server) auditNationalSharing(c *fiber.Ctx, before, after bool) {
	switch {
	case after && !before:
		s.auditAdmin(c, "region.national_sharing.on", "region", currentRegion(c).Slug)
	case before && !after:
		s.auditAdmin(c, "region.national_sharing.off", "region", currentRegion(c).Slug)
	}
}

// formValues returns every value of a repeated form field (checkboxes).
func formValues(c *fiber.Ctx, name string) []string {
	args := c.Request().PostArgs().PeekMulti(name)
	out := make([]string, 0, len(args))
	for _, a := range args {
		out = append(out, string(a))
	}
	return out
}

// settingsFromForm reads the numbers of the form; an empty field means the
// default. Fields that are not numbers at all are refused here, before the
// store judges the values.
func settingsFromForm(f form, languages []string) (tenants.TenantSettings, error) {
	var v tenants.ValidationError
	number := func(field string) int {
		raw := strings.TrimSpace(f.Value(field))
		if raw == "" {
			return 0
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			v.Fields = append(v.Fields, tenants.FieldError{Field: field, Key: "validation.whole_number"})
		}
		return n
	}
	st := tenants.TenantSettings{
		DefaultLanguage:     f.Value("default_language"),
		Languages:           languages,
		SmallCountThreshold: number("small_count_threshold"),
		ContactDeadlineDays: number("contact_deadline_days"),
		RetentionMonths:     number("retention_months"),

		SupervisionIntervalWeeks: number("supervision_interval_weeks"),
		MeetingNotes:             f.Value("meeting_notes") != "",
		SkipPozQoL:               f.Value("follow_up_pozqol") == "",
		SkipQPR15:                f.Value("follow_up_qpr15") == "",
		NationalSharing:          f.Value("national_sharing") != "",
	}
	if raw := strings.TrimSpace(f.Value("follow_up_months")); raw != "" {
		for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			n, err := strconv.Atoi(part)
			if err != nil {
				v.Fields = append(v.Fields, tenants.FieldError{Field: "follow_up_months", Key: "validation.whole_numbers"})
				break
			}
			st.FollowUpMonths = append(st.FollowUpMonths, n)
		}
	}
	if len(v.Fields) > 0 {
		return st, &v
	}
	return st, nil
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

// apiSettings is the region's name and settings in the JSON API.
type apiSettings struct {
	Name                string   `json:"name"`
	DefaultLanguage     string   `json:"default_language"`
	Languages           []string `json:"languages"`
	SmallCountThreshold int      `json:"small_count_threshold"`
	ContactDeadlineDays int      `json:"contact_deadline_days"`
	FollowUpMonths      []int    `json:"follow_up_months"`
	RetentionMonths     int      `json:"retention_months"`
	// SupervisionIntervalWeeks: every active peer is supervised at least
	// this often.
	SupervisionIntervalWeeks int `json:"supervision_interval_weeks"`
	// MeetingNotes lets peers add a free-text note to a meeting.
	MeetingNotes bool `json:"meeting_notes"`
	// SkipPozQoL and SkipQPR15 turn off the second questionnaire of
	// follow-ups: PozQoL for HIV participants, QPR-15 for psychiatry
	// participants (WHO-5 is always asked). Absent, like every field here,
	// means the default: both are asked.
	SkipPozQoL bool `json:"skip_pozqol"`
	SkipQPR15  bool `json:"skip_qpr15"`
	// NationalSharing shows the region's approved quarterly figures for
	// the whole region, suppressed with its small-count threshold, to
	// national viewers next to other regions'. Off by default.
	NationalSharing bool `json:"national_sharing"`
}

func apiSettingsOf(t tenants.Tenant) apiSettings {
	e := t.Settings.Effective()
	return apiSettings{
		Name: t.Name, DefaultLanguage: e.DefaultLanguage, Languages: e.Languages, SmallCountThreshold: e.SmallCountThreshold,
		ContactDeadlineDays: e.ContactDeadlineDays, FollowUpMonths: e.FollowUpMonths, RetentionMonths: e.RetentionMonths,
		SupervisionIntervalWeeks: e.SupervisionIntervalWeeks,
		MeetingNotes:             e.MeetingNotes, SkipPozQoL: e.SkipPozQoL, SkipQPR15: e.SkipQPR15,
		NationalSharing: e.NationalSharing,
	}
}

// apiSettingsShow answers GET /api/v1/regions/{region}/settings.
func (s *server) apiSettingsShow(c *fiber.Ctx) error {
	return c.JSON(apiSettingsOf(*currentRegion(c)))
}

// apiSettingsUpdate answers PUT /api/v1/regions/{region}/settings.
func (s *server) apiSettingsUpdate(c *fiber.Ctx) error {
	region := currentRegion(c)
	var in apiSettings
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	updated, err := s.cfg.Tenants.UpdateSettings(c.UserContext(), region.ID, in.Name, tenants.TenantSettings{
		DefaultLanguage: in.DefaultLanguage, Languages: in.Languages, SmallCountThreshold: in.SmallCountThreshold,
		ContactDeadlineDays: in.ContactDeadlineDays, FollowUpMonths: in.FollowUpMonths, RetentionMonths: in.RetentionMonths,
		SupervisionIntervalWeeks: in.SupervisionIntervalWeeks,
		MeetingNotes:             in.MeetingNotes, SkipPozQoL: in.SkipPozQoL, SkipQPR15: in.SkipQPR15,
		NationalSharing: in.NationalSharing,
	})
	if err != nil {
		return err
	}
	s.auditAdmin(c, "region.settings", "region", region.Slug)
	s.auditNationalSharing(c, region.Settings.NationalSharing, in.NationalSharing)
	return c.JSON(apiSettingsOf(updated))
}
