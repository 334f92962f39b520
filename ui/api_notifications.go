package ui

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiNotification is one notification: kind, its sentence in the
// caller's language, the facts that fill it, and the path where it waits.
type apiNotification struct {
	ID        int64               `json:"id"`
	Kind      string              `json:"kind"`
	Sentence  string              `json:"sentence"`
	Args      apiNotificationArgs `json:"args"`
	Link      string              `json:"link"`
	CreatedAt time.Time           `json:"created_at"`
	Read      bool                `json:"read"`
	ReadAt    *time.Time          `json:"read_at,omitempty"`
}

// apiNotificationArgs are the facts a kind's sentence uses; only those
// the notification has are present.
type apiNotificationArgs struct {
	Count        string `json:"count,omitempty"`
	Days         string `json:"days,omitempty"`
	Date         string `json:"date,omitempty"`
	Organisation string `json:"organisation,omitempty"`
	Agreement    string `json:"agreement,omitempty"`
	Period       string `json:"period,omitempty"`
}

type apiNotificationList struct {
	UnreadCount   int               `json:"unread_count"`
	Notifications []apiNotification `json:"notifications"`
}

type apiNotificationsMarked struct {
	Marked int `json:"marked"`
}

// apiNotificationIndex answers GET /api/v1/regions/{region}/notifications.
func (s *server) apiNotificationIndex(c *fiber.Ctx) error {
	region, user := currentRegion(c), principal(c).User.ID
	limit := 0
	if q := c.Query("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > tenants.MaxNotificationLimit {
			return &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "limit", Key: "validation.range",
				Args: map[string]any{"Min": 1, "Max": tenants.MaxNotificationLimit}}}}
		}
		limit = n
	}
	list, err := s.cfg.Notifications.List(c.UserContext(), region.ID, user, limit)
	if err != nil {
		return err
	}
	unread, err := s.cfg.Notifications.UnreadCount(c.UserContext(), region.ID, user)
	if err != nil {
		return err
	}
	lang := s.languageOr(c, region.Settings.Effective().DefaultLanguage)
	out := apiNotificationList{UnreadCount: unread, Notifications: make([]apiNotification, 0, len(list))}
	for _, n := range list {
		row := apiNotification{
			ID: n.ID, Kind: string(n.Kind), Sentence: notificationSentence(s.translator, lang, n), Args: notificationArgsOf(n),
			Link: n.Link, CreatedAt: n.CreatedAt.UTC(), Read: !n.Unread(),
		}
		if n.ReadAt != nil {
			at := n.ReadAt.UTC()
			row.ReadAt = &at
		}
		out.Notifications = append(out.Notifications, row)
	}
	return c.JSON(out)
}

// apiNotificationRead answers POST …/notifications/{id}/read.
func (s *server) apiNotificationRead(c *fiber.Ctx) error {
	if err := s.markNotificationRead(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiNotificationsReadAll answers POST …/notifications/read_all.
func (s *server) apiNotificationsReadAll(c *fiber.Ctx) error {
	n, err := s.cfg.Notifications.MarkAllRead(c.UserContext(), currentRegion(c).ID, principal(c).User.ID)
	if err != nil {
		return err
	}
	return c.JSON(apiNotificationsMarked{Marked: n})
}
