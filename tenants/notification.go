package tenants

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// NotificationKind says what a notification is about. Each kind has one
// sentence in the interface's catalogues (notification.kind.<kind>), which
// its args fill; NotificationArgs lists the args each kind needs.
type NotificationKind string

const (
	// NotifyReferralNotContacted: a referral has waited for first contact.
	// Args: Days (working days waited).
	NotifyReferralNotContacted NotificationKind = "referral_not_contacted"
	// NotifyReferralEscalated: a referral to an organisation had no
	// contact in time and was escalated. Args: Organisation, Days.
	NotifyReferralEscalated NotificationKind = "referral_escalated"
	// NotifyFollowUpDue: a follow-up is due. Args: Date (due on).
	NotifyFollowUpDue NotificationKind = "follow_up_due"
	// NotifyFollowUpOverdue: a follow-up's day has passed. Args: Date (was
	// due on).
	NotifyFollowUpOverdue NotificationKind = "follow_up_overdue"
	// NotifySupervisionOverdue: a peer supporter has had no supervision
	// for too long. Args: Days (since the last).
	NotifySupervisionOverdue NotificationKind = "supervision_overdue"
	// NotifyCertificationExpiring: a peer supporter's certification runs
	// out. Args: Date (expires on).
	NotifyCertificationExpiring NotificationKind = "certification_expiring"
	// NotifyAgreementEnding: an IOP agreement ends. Args: Agreement (its
	// name), Date (ends on).
	NotifyAgreementEnding NotificationKind = "agreement_ending"
	// NotifyCommitmentMissed: a commitment of an agreement was not met in
	// a period. Args: Agreement, Period (such as "2027 Q1").
	NotifyCommitmentMissed NotificationKind = "commitment_missed"
	// NotifyReportReady: a quarterly report has been built and waits for
	// approval. Args: Period.
	NotifyReportReady NotificationKind = "report_ready"
)

// NotificationKinds lists every kind, in the order of the constants.
var NotificationKinds = []NotificationKind{
	NotifyReferralNotContacted, NotifyReferralEscalated, NotifyFollowUpDue, NotifyFollowUpOverdue,
	NotifySupervisionOverdue, NotifyCertificationExpiring, NotifyAgreementEnding, NotifyCommitmentMissed,
	NotifyReportReady,
}

// Notification args: the only names args may use. Each holds a
// non-personal fact, never anything about a participant.
const (
	NotifyArgCount        = "Count"        // a number of things waiting
	NotifyArgDays         = "Days"         // a number of days
	NotifyArgDate         = "Date"         // a day, YYYY-MM-DD
	NotifyArgOrganisation = "Organisation" // a partner organisation's name
	NotifyArgAgreement    = "Agreement"    // an IOP agreement's name
	NotifyArgPeriod       = "Period"       // a reporting period, "2027 Q1"
)

var notificationArgNames = []string{NotifyArgCount, NotifyArgDays, NotifyArgDate, NotifyArgOrganisation, NotifyArgAgreement, NotifyArgPeriod}

// NotificationArgs are the args each kind's sentence needs; Notify refuses
// a notification without them. Other allowed names may be given as well.
var NotificationArgs = map[NotificationKind][]string{
	NotifyReferralNotContacted:  {NotifyArgDays},
	NotifyReferralEscalated:     {NotifyArgOrganisation, NotifyArgDays},
	NotifyFollowUpDue:           {NotifyArgDate},
	NotifyFollowUpOverdue:       {NotifyArgDate},
	NotifySupervisionOverdue:    {NotifyArgDays},
	NotifyCertificationExpiring: {NotifyArgDate},
	NotifyAgreementEnding:       {NotifyArgAgreement, NotifyArgDate},
	NotifyCommitmentMissed:      {NotifyArgAgreement, NotifyArgPeriod},
	NotifyReportReady:           {NotifyArgPeriod},
}

// Notification is one entry of a member's inbox: what waits (Kind with its
// Args) and where (Link). It carries no participant data.
//
// ID numbers the user's notifications in the region from 1: the key is
// (TenantID, UserID, ID), so a path with an id always means one of the
// reader's own notifications.
type Notification struct {
	bun.BaseModel `bun:"table:notifications"`

	TenantID int64            `bun:"tenant_id,pk"`
	UserID   int64            `bun:"user_id,pk"`
	ID       int64            `bun:"id,pk"`
	Kind     NotificationKind `bun:"kind,notnull"`
	// DedupeKey names what the notification is about, such as
	// "referral_not_contacted:12:day3"; a user gets one notification per
	// key, however often a reminder runs.
	DedupeKey string `bun:"dedupe_key,notnull"`
	// Link is a path inside Kamrat, such as /r/skane/org/referrals/12.
	Link string `bun:"link,notnull"`
	// Args fill the kind's sentence: names from NotifyArg*, values short
	// single-line facts that identify no person.
	Args      map[string]string `bun:"args,notnull"`
	CreatedAt time.Time         `bun:"created_at,notnull"`
	// ReadAt is nil while the notification is unread.
	ReadAt *time.Time `bun:"read_at"`
}

// Unread reports whether the user has not yet marked it read.
func (n Notification) Unread() bool { return n.ReadAt == nil }

// Limits on a notification's fields.
const (
	maxNotificationDedupeKey = 200
	maxNotificationLink      = 500
	maxNotificationArg       = 200
)

// validate reports every problem with the caller-set fields.
func (n *Notification) validate() error {
	var v ValidationError
	if n.UserID <= 0 {
		v.add("user_id", "validation.required", nil)
	}
	required, known := NotificationArgs[n.Kind]
	if !known {
		v.add("kind", "validation.choice", nil)
	}
	switch key := n.DedupeKey; {
	case strings.TrimSpace(key) == "":
		v.add("dedupe_key", "validation.required", nil)
	case utf8.RuneCountInString(key) > maxNotificationDedupeKey:
		v.add("dedupe_key", "validation.too_long", map[string]any{"Max": maxNotificationDedupeKey})
	case !notificationLine(key):
		v.add("dedupe_key", "validation.single_line", nil)
	}
	if !validNotificationLink(n.Link) {
		v.add("link", "validation.invalid", nil)
	}
	for name, value := range n.Args {
		switch {
		case !slices.Contains(notificationArgNames, name):
			v.add("args."+name, "validation.choice", nil)
		case utf8.RuneCountInString(value) > maxNotificationArg:
			v.add("args."+name, "validation.too_long", map[string]any{"Max": maxNotificationArg})
		case !notificationLine(value):
			v.add("args."+name, "validation.single_line", nil)
		}
	}
	for _, name := range required {
		if strings.TrimSpace(n.Args[name]) == "" {
			v.add("args."+name, "validation.required", nil)
		}
	}
	return v.err()
}

// validNotificationLink accepts a path inside Kamrat: it starts with one
// "/" (not "//", which a browser reads as another host), holds no
// backslash (read as "/" by browsers), no control character or space, and
// is not too long.
func validNotificationLink(link string) bool {
	if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") || len(link) > maxNotificationLink ||
		strings.ContainsRune(link, '\\') || !utf8.ValidString(link) {
		return false
	}
	for _, r := range link {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// notificationLine reports s free of line breaks and other control characters.
func notificationLine(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
