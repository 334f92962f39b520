package ui

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"
)

// apiAgreementHistory is an agreement's change history.
type apiAgreementHistory struct {
	Events []apiAgreementEvent `json:"events"`
}

// apiAgreementEvent is one change; UserID is absent for the system.
type apiAgreementEvent struct {
	ID      int64            `json:"id"`
	UserID  *int64           `json:"user_id,omitempty"`
	At      time.Time        `json:"at"`
	Kind    string           `json:"kind"`
	Changes []apiFieldChange `json:"changes"`
}

// apiFieldChange is a field's value before and after, absent for none.
type apiFieldChange struct {
	Field string `json:"field"`
	From  any    `json:"from,omitempty"`
	To    any    `json:"to,omitempty"`
}

// apiAgreementHistory answers GET
// /api/v1/regions/{region}/agreements/{id}/history.
func (s *server) apiAgreementHistory(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	events, err := s.cfg.Agreements.History(c.UserContext(), currentRegion(c).ID, id)
	if err != nil {
		return err
	}
	out := apiAgreementHistory{Events: make([]apiAgreementEvent, 0, len(events))}
	for _, e := range events {
		ev := apiAgreementEvent{ID: e.ID, UserID: e.UserID, At: e.At, Kind: string(e.Kind), Changes: make([]apiFieldChange, 0, len(e.Changes))}
		for _, ch := range e.Changes {
			fc := apiFieldChange{Field: ch.Field}
			if err := unmarshalIfAny(ch.From, &fc.From); err != nil {
				return err
			}
			if err := unmarshalIfAny(ch.To, &fc.To); err != nil {
				return err
			}
			ev.Changes = append(ev.Changes, fc)
		}
		out.Events = append(out.Events, ev)
	}
	return c.JSON(out)
}

func unmarshalIfAny(raw json.RawMessage, into *any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, into)
}
