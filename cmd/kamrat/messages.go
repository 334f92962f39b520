package main

import (
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/ui"
)

// fieldMessage gives the English text the web shows for a field problem, so
// the terminal and the browser say the same thing.
func fieldMessage(f tenants.FieldError) string {
	tr, err := ui.NewTranslator()
	if err != nil {
		return f.Key
	}
	return tr.Translate("en", f.Key, f.Args)
}
