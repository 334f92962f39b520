package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// tokensPage lets an administrator issue API tokens to members for
// integrations, and revoke them.
type tokensPage struct {
	basePage
	RegionName string
	Action     string
	Form       form
	Members    []option
	Tokens     []tokenRow
	// Secret is a new token's secret, shown this once.
	Secret string
}

type tokenRow struct {
	ID       int64
	Name     string
	Member   string
	Created  string
	LastUsed string
	Revoked  bool
}

func (tokensPage) templateName() string { return "admin_tokens" }

// tokensIndex lists the region's API tokens.
func (s *server) tokensIndex(c *fiber.Ctx) error {
	p, err := s.newTokensPage(c, form{Values: map[string]string{}})
	if err != nil {
		return err
	}
	return s.renderPage(c, p)
}

func (s *server) newTokensPage(c *fiber.Ctx, f form) (tokensPage, error) {
	region := currentRegion(c)
	p := tokensPage{basePage: s.regionBase(c), RegionName: region.Name, Action: "/r/" + region.Slug + "/admin/tokens", Form: f}
	members, err := s.cfg.Policy.Identities.Members(c.UserContext(), region.ID)
	if err != nil {
		return p, err
	}
	names := map[int64]string{}
	for _, m := range members {
		names[m.UserID] = m.DisplayName + " (" + m.Email + ")"
		if m.DisabledAt == nil && m.UserDisabledAt == nil {
			p.Members = append(p.Members, option{Value: itoa(m.UserID), Label: names[m.UserID]})
		}
	}
	tokens, err := s.cfg.Policy.Tokens.Tokens(c.UserContext(), region.ID)
	if err != nil {
		return p, err
	}
	for _, t := range tokens {
		row := tokenRow{ID: t.ID, Name: t.Name, Member: names[t.UserID], Created: t.CreatedAt.In(stockholm).Format("2006-01-02 15:04"), Revoked: t.RevokedAt != nil}
		if t.LastUsedAt != nil {
			row.LastUsed = t.LastUsedAt.In(stockholm).Format("2006-01-02 15:04")
		}
		p.Tokens = append(p.Tokens, row)
	}
	return p, nil
}

// tokenCreate issues a token to a member and shows its secret once.
func (s *server) tokenCreate(c *fiber.Ctx) error {
	region, me := currentRegion(c), principal(c)
	f := formFrom(c, "user_id", "name")
	lang := s.regionBase(c).Lang
	userID, err := formID(f.Value("user_id"), "user_id")
	if err == nil && userID == 0 {
		err = &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "user_id", Key: "validation.required"}}}
	}
	var secret string
	var tok tenants.APIToken
	if err == nil {
		tok, secret, err = s.cfg.Policy.Tokens.Create(c.UserContext(), region.ID, userID, f.Value("name"), &me.User.ID)
		if isNotFound(err) {
			// The member was picked from the list but has since left or
			// was shut out.
			err = &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "user_id", Key: "validation.choice"}}}
		}
	}
	if s.refuse(&f, lang, err) {
		p, perr := s.newTokensPage(c, f)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "api_token.create", "api_token", itoa(tok.ID))
	p, err := s.newTokensPage(c, form{Values: map[string]string{}})
	if err != nil {
		return err
	}
	p.Secret = secret
	noStore(c)
	return s.renderPage(c, p)
}

// tokenRevoke ends a token at once.
func (s *server) tokenRevoke(c *fiber.Ctx) error {
	region := currentRegion(c)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Policy.Tokens.Revoke(c.UserContext(), region.ID, id); err != nil {
		return err
	}
	s.auditAdmin(c, "api_token.revoke", "api_token", itoa(id))
	return c.Redirect("/r/"+region.Slug+"/admin/tokens", fiber.StatusSeeOther)
}
