package ui

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// cookieLanguage remembers the reader's choice of language.
const cookieLanguage = "lang"

// language returns the reader's chosen language, or Swedish.
func (s *server) language(c *fiber.Ctx) string {
	return s.languageOr(c, langSwedish)
}

// languageOr returns the reader's chosen language, or fallback (such as a
// region's default) when they have not chosen one.
//
// API clients choose with Accept-Language instead of the cookie.
func (s *server) languageOr(c *fiber.Ctx, fallback string) string {
	if isAPI(c) {
		if c.Get(fiber.HeaderAcceptLanguage) != "" {
			if lang := c.AcceptsLanguages(langSwedish, langEnglish); lang != "" {
				return lang
			}
		}
	} else if lang := c.Cookies(cookieLanguage); supportedLanguage(lang) {
		return lang
	}
	if supportedLanguage(fallback) {
		return fallback
	}
	return langSwedish
}

// switchLanguage serves the language links: a GET with ?lang=sv or ?lang=en
// stores the choice in a cookie and redirects to the same page without the
// parameter, so the address stays clean and works without JavaScript.
func (s *server) switchLanguage(c *fiber.Ctx) error {
	lang := c.Query("lang")
	if lang == "" || (c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead) || isAPI(c) {
		return c.Next()
	}
	if supportedLanguage(lang) {
		s.rememberLanguage(c, lang)
		c.Cookie(&fiber.Cookie{
			Name:     cookieLanguage,
			Value:    lang,
			Path:     "/",
			Expires:  time.Now().AddDate(1, 0, 0),
			HTTPOnly: true,
			Secure:   s.cfg.TLS,
			SameSite: fiber.CookieSameSiteLaxMode,
		})
	}
	target := localPath(c.Path())
	if q := queryWithLanguage(c, ""); q != "" {
		target += "?" + q
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// rememberLanguage stores a signed-in person's choice of language on
// their account, so that e-mail to them (notifications) is written in it
// too. Nobody signed in: the cookie alone remembers it. A failure is
// logged and the switch goes on: the page language does not depend on it.
func (s *server) rememberLanguage(c *fiber.Ctx, lang string) {
	pol := s.cfg.Policy
	cookie := c.Cookies(pol.SessionCookie())
	if cookie == "" {
		return
	}
	_, user, err := pol.Sessions.Lookup(c.UserContext(), cookie, pol.Session.Idle)
	if err == nil && user.Language != lang {
		err = pol.Identities.SetLanguage(c.UserContext(), user.ID, lang)
	}
	if err != nil && !errors.Is(err, tenants.ErrNotFound) {
		s.log.Error("remember language", "error", err, "request_id", requestID(c))
	}
}

// localPath returns p if it is a path on this site, else "/". A raw path
// such as "//evil.example" would otherwise make the redirect leave the site,
// and so would "/\t/evil.example": browsers drop tabs and line breaks from a
// URL, so no control character is let through.
func localPath(p string) string {
	if len(p) == 0 || p[0] != '/' || (len(p) > 1 && (p[1] == '/' || p[1] == '\\')) {
		return "/"
	}
	if strings.IndexFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "/"
	}
	return p
}

// queryWithLanguage returns the request's query string with lang set to
// lang, or removed when lang is "".
func queryWithLanguage(c *fiber.Ctx, lang string) string {
	q, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		q = url.Values{}
	}
	q.Del("lang")
	if lang != "" {
		q.Set("lang", lang)
	}
	return q.Encode()
}

// newBasePage fills the layout's fields for a page in lang.
func (s *server) newBasePage(c *fiber.Ctx, lang string) basePage {
	other := langEnglish
	if lang == langEnglish {
		other = langSwedish
	}
	user := s.pageUser(c)
	return basePage{
		CSRF:      s.cfg.Policy.CSRF.Token(s.csrfBinding(c, true)),
		User:      user,
		Lang:      lang,
		OtherLang: other,
		// A query-only link keeps the reader on the same page.
		SwitchURL:  "?" + queryWithLanguage(c, other),
		Version:    s.cfg.Version,
		RequestID:  requestID(c),
		translator: s.translator,
	}
}
