package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// notificationRoutes are every member's inbox: the page and the JSON API.
// Every membership role holds notification read and update; the store
// scopes each call to the caller's own notifications, which are numbered
// per user, so /notifications/3 is always the caller's own third one and
// no path names another user's.
func (s *server) notificationRoutes() []route {
	const (
		pages = "/r/:region/notifications"
		api   = "/api/v1/regions/:region/notifications"
	)
	return []route{
		{method: fiber.MethodGet, path: pages, access: accessRegion, resource: "notification", action: "read", handler: s.notificationsIndex},
		{method: fiber.MethodPost, path: pages + "/read_all", access: accessRegion, resource: "notification", action: "update", handler: s.notificationsReadAll},
		{method: fiber.MethodPost, path: pages + "/:id/read", access: accessRegion, resource: "notification", action: "update", handler: s.notificationRead},

		{method: fiber.MethodGet, path: api, access: accessRegion, resource: "notification", action: "read", handler: s.apiNotificationIndex,
			doc: &apiDoc{summary: "The token user's notifications in the region, newest first (at most 50, or ?limit= up to 500), with the number unread; each says what waits (its sentence in the Accept-Language language) and links to it — no participant data", tag: "notifications", response: apiNotificationList{}}},
		{method: fiber.MethodPost, path: api + "/read_all", access: accessRegion, resource: "notification", action: "update", handler: s.apiNotificationsReadAll,
			doc: &apiDoc{summary: "Mark every unread notification of the token user in the region read; answers how many were marked", tag: "notifications", response: apiNotificationsMarked{}, status: fiber.StatusOK}},
		{method: fiber.MethodPost, path: api + "/:id/read", access: accessRegion, resource: "notification", action: "update", handler: s.apiNotificationRead,
			doc: &apiDoc{summary: "Mark one of the token user's notifications read (again is fine); ids are the user's own, so another user's is never found", tag: "notifications"}},
	}
}

// notificationsPage is the caller's inbox, newest first.
type notificationsPage struct {
	basePage
	Unread        int
	ReadAllAction string
	Notifications []notificationRow
}

func (notificationsPage) templateName() string { return "notifications_index" }

// notificationRow is one notification: its sentence linking to where it
// applies, when it came, and, while unread, the button that marks it.
type notificationRow struct {
	Sentence, URL string
	When          string // local time, 2027-04-01 08:00
	DateTime      string // RFC 3339, for <time datetime>
	Unread        bool
	ReadAction    string
}

func notificationsURL(c *fiber.Ctx) string { return "/r/" + currentRegion(c).Slug + "/notifications" }

// notificationsIndex shows the caller's notifications.
func (s *server) notificationsIndex(c *fiber.Ctx) error {
	region, user := currentRegion(c), principal(c).User.ID
	list, err := s.cfg.Notifications.List(c.UserContext(), region.ID, user, 0)
	if err != nil {
		return err
	}
	unread, err := s.cfg.Notifications.UnreadCount(c.UserContext(), region.ID, user)
	if err != nil {
		return err
	}
	base := s.regionBase(c)
	p := notificationsPage{basePage: base, Unread: unread, ReadAllAction: notificationsURL(c) + "/read_all"}
	for _, n := range list {
		p.Notifications = append(p.Notifications, notificationRow{
			Sentence: notificationSentence(s.translator, base.Lang, n), URL: n.Link,
			When: n.CreatedAt.In(stockholm).Format("2006-01-02 15:04"), DateTime: n.CreatedAt.UTC().Format(time.RFC3339),
			Unread: n.Unread(), ReadAction: notificationsURL(c) + "/" + itoa(n.ID) + "/read",
		})
	}
	return s.renderPage(c, p)
}

// notificationRead marks one of the caller's notifications read and goes
// back to the inbox; another user's cannot be named (404).
func (s *server) notificationRead(c *fiber.Ctx) error {
	if err := s.markNotificationRead(c); err != nil {
		return err
	}
	return c.Redirect(notificationsURL(c), fiber.StatusSeeOther)
}

// notificationsReadAll marks all the caller's notifications read.
func (s *server) notificationsReadAll(c *fiber.Ctx) error {
	if _, err := s.cfg.Notifications.MarkAllRead(c.UserContext(), currentRegion(c).ID, principal(c).User.ID); err != nil {
		return err
	}
	return c.Redirect(notificationsURL(c), fiber.StatusSeeOther)
}

func (s *server) markNotificationRead(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.cfg.Notifications.MarkRead(c.UserContext(), currentRegion(c).ID, principal(c).User.ID, id)
}

// notificationArgsOf is a notification's args for the API.
func notificationArgsOf(n tenants.Notification) apiNotificationArgs {
	a := n.Args
	return apiNotificationArgs{
		Count: a[tenants.NotifyArgCount], Days: a[tenants.NotifyArgDays], Date: a[tenants.NotifyArgDate],
		Organisation: a[tenants.NotifyArgOrganisation], Agreement: a[tenants.NotifyArgAgreement], Period: a[tenants.NotifyArgPeriod],
	}
}
