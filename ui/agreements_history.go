package ui

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kamrat/kamrat/tenants"
)

// historyRow is one change of an agreement: who, when, what, and each
// field's value before and after.
type historyRow struct {
	At, By, What string
	Changes      []changeRow
}

type changeRow struct {
	Field, From, To string
}

// historyWriter writes the history's values, which the store keeps as
// JSON, the way the agreement page shows them: names for ids, labels for
// codes, kronor for amounts.
type historyWriter struct {
	t     *Translator
	lang  string
	names scopeNames
}

func (h historyWriter) tr(key string) string { return h.t.Translate(h.lang, key, nil) }

func (h historyWriter) row(e tenants.AgreementEvent, people memberNames) historyRow {
	r := historyRow{
		At: e.At.In(stockholm).Format("2006-01-02 15:04"), By: people.of(e.UserID, h.t, h.lang),
		What: h.tr("agreements.event." + string(e.Kind)),
	}
	if e.Kind == tenants.EventCreated {
		return r // the first values are the agreement as it was written
	}
	for _, ch := range e.Changes {
		r.Changes = append(r.Changes, changeRow{
			Field: h.t.fieldLabel(h.lang, ch.Field), From: h.value(ch.Field, ch.From), To: h.value(ch.Field, ch.To),
		})
	}
	return r
}

// maxHistoryText caps a long text (a purpose, the goals) in the history.
const maxHistoryText = 200

// value writes one field's value; "–" for none. A value this page does not
// know how to read is shown as it is stored.
func (h historyWriter) value(field string, raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return "–"
	}
	var out string
	var err error
	switch field {
	case "reporting_cadence", "status":
		var code string
		if err = json.Unmarshal(raw, &code); err == nil {
			prefix := "agreements.cadence."
			if field == "status" {
				prefix = "agreements.status."
			}
			out = h.tr(prefix + code)
		}
	case "target_groups":
		var codes []string
		if err = json.Unmarshal(raw, &codes); err == nil {
			for i, g := range codes {
				codes[i] = h.tr("target_group." + g)
			}
			out = strings.Join(codes, ", ")
		}
	case "parties", "units":
		var ids []int64
		if err = json.Unmarshal(raw, &ids); err == nil {
			names := h.names.orgs
			if field == "units" {
				names = h.names.units
			}
			parts := make([]string, len(ids))
			for i, id := range ids {
				parts[i] = names[id]
			}
			out = strings.Join(parts, ", ")
		}
	case "funding":
		var rows []struct {
			Party     any   `json:"party"`
			Year      int   `json:"year"`
			AmountSEK int64 `json:"amount_sek"`
		}
		if err = json.Unmarshal(raw, &rows); err == nil {
			parts := make([]string, len(rows))
			for i, f := range rows {
				party := h.tr("agreements.region_party")
				if id, ok := f.Party.(float64); ok {
					party = h.names.orgs[int64(id)]
				}
				parts[i] = party + " " + strconv.Itoa(f.Year) + ": " + formatSEK(h.lang, f.AmountSEK)
			}
			out = strings.Join(parts, "; ")
		}
	case "commitments":
		var rows []struct {
			Indicator  tenants.Indicator  `json:"indicator"`
			Comparison tenants.Comparison `json:"comparison"`
			Target     int                `json:"target"`
		}
		if err = json.Unmarshal(raw, &rows); err == nil {
			parts := make([]string, len(rows))
			for i, c := range rows {
				cm := tenants.Commitment{Indicator: c.Indicator, Comparison: c.Comparison, Target: c.Target}
				parts[i] = h.tr("agreements.indicator."+string(c.Indicator)) + " " + commitmentTarget(h.t, h.lang, cm)
			}
			out = strings.Join(parts, "; ")
		}
	case "positions":
		var rows []struct {
			UnitID     *int64 `json:"unit_id"`
			Count      int    `json:"count"`
			FTEPercent int    `json:"fte_percent"`
		}
		if err = json.Unmarshal(raw, &rows); err == nil {
			parts := make([]string, len(rows))
			for i, p := range rows {
				parts[i] = strconv.Itoa(p.Count) + " × " + formatPercent(h.lang, p.FTEPercent)
				if p.UnitID != nil {
					parts[i] += " (" + h.names.units[*p.UnitID] + ")"
				}
			}
			out = strings.Join(parts, "; ")
		}
	case "documents":
		var doc struct {
			FileName string `json:"file_name"`
		}
		if err = json.Unmarshal(raw, &doc); err == nil {
			out = doc.FileName
		}
	default:
		var v any
		if err = json.Unmarshal(raw, &v); err == nil {
			switch v := v.(type) {
			case string:
				out = v
			case float64:
				out = strconv.FormatFloat(v, 'f', -1, 64)
			default:
				out = string(raw)
			}
		}
	}
	if err != nil {
		out = string(raw)
	}
	if out == "" {
		return "–"
	}
	if utf8.RuneCountInString(out) > maxHistoryText {
		out = string([]rune(out)[:maxHistoryText]) + "…"
	}
	return out
}
