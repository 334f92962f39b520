package ui

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/kamrat/kamrat/tenants"
)

// Languages the interface speaks; Swedish comes first and is the default.
const (
	langSwedish = "sv"
	langEnglish = "en"
)

// The catalogues are split by area so that each stays readable:
// locales/sv.json and locales/en.json hold the shared texts, and
// locales/AREA.sv.json and locales/AREA.en.json one area's. A key lives in
// exactly one area (a test checks it).
//
//go:embed locales/*.json
var localeFiles embed.FS

// catalogueFiles returns the message files of one language.
func catalogueFiles(lang string) ([]string, error) {
	shared := "locales/" + lang + ".json"
	areas, err := fs.Glob(localeFiles, "locales/*."+lang+".json")
	if err != nil {
		return nil, err
	}
	return append([]string{shared}, areas...), nil
}

// Translator looks up user-visible text in the embedded Swedish and English
// message catalogues. It is safe for concurrent use.
type Translator struct {
	// localizers holds one localizer per supported language; it is filled
	// once by NewTranslator and only read afterwards.
	localizers map[string]*i18n.Localizer
}

// NewTranslator loads the embedded catalogues. It fails only if a catalogue
// is malformed, which the package tests rule out.
func NewTranslator() (*Translator, error) {
	bundle := i18n.NewBundle(language.Swedish)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	t := &Translator{localizers: map[string]*i18n.Localizer{}}
	for _, lang := range []string{langSwedish, langEnglish} {
		files, err := catalogueFiles(lang)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if _, err := bundle.LoadMessageFileFS(localeFiles, f); err != nil {
				return nil, fmt.Errorf("load %s: %w", f, err)
			}
		}
		t.localizers[lang] = i18n.NewLocalizer(bundle, lang)
	}
	return t, nil
}

// Translate returns the message key in lang ("sv" or "en"; anything else
// means Swedish), with args filling its {{.Placeholders}}. An integer
// args["Count"] also selects the plural form. A message missing in English
// falls back to Swedish; a key missing everywhere comes back unchanged, so
// the gap is visible rather than blank.
func (t *Translator) Translate(lang, key string, args map[string]any) string {
	if msg, ok := t.lookup(lang, key, args); ok {
		return msg
	}
	return key
}

// FieldMessage renders one validation problem as "Field label: message",
// for example "Namn: Högst 200 tecken.".
func (t *Translator) FieldMessage(lang string, f tenants.FieldError) string {
	return t.fieldLabel(lang, f.Field) + ": " + t.Translate(lang, f.Key, f.Args)
}

// rowField is the field of a row in a list, such as funding.2.amount_sek.
var rowField = regexp.MustCompile(`^([a-z_]+)\.([0-9]+)\.([a-z_]+)$`)

// fieldLabel returns the catalogue's label of field ("field."+field). A
// list row's field is labelled by its list's row label, counted from 1,
// and its own label: "field.funding.row" ("Finansiering rad {{.Row}}") and
// "field.funding.amount_sek" ("belopp") give "Finansiering rad 3, belopp"
// for funding.2.amount_sek. Without a label the field's name is shown.
func (t *Translator) fieldLabel(lang, field string) string {
	if label, ok := t.lookup(lang, "field."+field, nil); ok {
		return label
	}
	if m := rowField.FindStringSubmatch(field); m != nil {
		if n, err := strconv.Atoi(m[2]); err == nil {
			row, ok1 := t.lookup(lang, "field."+m[1]+".row", map[string]any{"Row": n + 1})
			col, ok2 := t.lookup(lang, "field."+m[1]+"."+m[3], nil)
			if ok1 && ok2 {
				return row + ", " + col
			}
		}
	}
	return field
}

// lookup reports whether key exists in lang or in the Swedish fallback.
func (t *Translator) lookup(lang, key string, args map[string]any) (string, bool) {
	loc, ok := t.localizers[lang]
	if !ok {
		loc = t.localizers[langSwedish]
	}
	cfg := &i18n.LocalizeConfig{MessageID: key, TemplateData: args}
	if n, ok := args["Count"].(int); ok {
		cfg.PluralCount = n
	}
	// go-i18n returns the Swedish text together with an error when the
	// English message is missing; the text is what a reader needs.
	msg, err := loc.Localize(cfg)
	if msg == "" && err != nil {
		return "", false
	}
	return msg, true
}

// supportedLanguage reports whether lang is one of the interface languages.
func supportedLanguage(lang string) bool {
	return lang == langSwedish || lang == langEnglish
}
