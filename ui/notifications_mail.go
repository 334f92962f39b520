package ui

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/tenants"
)

// notificationSentence is what a notification says, in lang: its kind's
// sentence (notification.kind.<kind>) filled with its args. A numeric
// Count also picks the plural form.
func notificationSentence(tr *Translator, lang string, n tenants.Notification) string {
	args := make(map[string]any, len(n.Args))
	for name, value := range n.Args {
		args[name] = value
	}
	if count, err := strconv.Atoi(n.Args[tenants.NotifyArgCount]); err == nil {
		args[tenants.NotifyArgCount] = count
	}
	return tr.Translate(lang, "notification.kind."+string(n.Kind), args)
}

// NotificationMailer writes notification e-mail from the catalogues; it
// is the jobs.NotificationMailer the workers use.
type NotificationMailer struct {
	tr *Translator
}

var _ jobs.NotificationMailer = (*NotificationMailer)(nil)

// NewNotificationMailer returns a NotificationMailer translating with tr.
func NewNotificationMailer(tr *Translator) *NotificationMailer {
	return &NotificationMailer{tr: tr}
}

// notificationHTML is the HTML part: every value is escaped by
// html/template, the link only when it is a web address.
var notificationHTML = template.Must(template.New("notification").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body>
<p>{{.Sentence}}</p>
<p><a href="{{.URL}}">{{.Open}}</a></p>
<p>{{.Why}}</p>
</body>
</html>
`))

// NotificationEmail writes the e-mail: a subject naming the kind, and a
// body with the sentence, the link and why the person gets it. It holds
// the notification's sentence and link only, no participant data.
func (m *NotificationMailer) NotificationEmail(lang string, n tenants.Notification, url string) (subject, text, html string) {
	if !supportedLanguage(lang) {
		lang = langSwedish
	}
	t := func(key string) string { return m.tr.Translate(lang, key, nil) }
	sentence := notificationSentence(m.tr, lang, n)
	subject = t("notification.email.subject_prefix") + " " + t("notification.title."+string(n.Kind))
	text = sentence + "\n\n" + t("notification.email.open") + ": " + url + "\n\n" + t("notification.email.why") + "\n"
	var b bytes.Buffer
	if err := notificationHTML.Execute(&b, map[string]string{
		"Lang": lang, "Subject": subject, "Sentence": sentence, "URL": url,
		"Open": t("notification.email.open"), "Why": t("notification.email.why"),
	}); err != nil {
		// Only a writer's failure can stop it, and a bytes.Buffer does not
		// fail; the plain text alone still tells everything.
		return subject, text, ""
	}
	return subject, text, strings.TrimSpace(b.String())
}
