-- Notifications: every member's in-app inbox. A notification says that
-- something waits (its kind, with non-personal facts in args: a count, a
-- number of days, an organisation's or agreement's name, a date) and where
-- (link, a path inside Kamrat). It never holds participant data: no code,
-- alias or contact.
--
-- id numbers a user's notifications in the region from 1, like issues in
-- a repository: the key is (tenant_id, user_id, id), and a path such as
-- /notifications/3 means the reader's own third notification, so another
-- user's cannot even be named. dedupe_key makes a reminder idempotent: a
-- second notification with the same key for the same user is not stored.
CREATE TABLE notifications (
    tenant_id   bigint NOT NULL REFERENCES tenants (id),
    user_id     bigint NOT NULL REFERENCES users (id),
    id          bigint NOT NULL CHECK (id > 0),
    kind        text NOT NULL CHECK (kind IN (
        'referral_not_contacted', 'referral_escalated', 'follow_up_due', 'follow_up_overdue',
        'supervision_overdue', 'certification_expiring', 'agreement_ending', 'commitment_missed',
        'report_ready')),
    dedupe_key  text NOT NULL CHECK (dedupe_key <> ''),
    link        text NOT NULL CHECK (link LIKE '/%' AND link NOT LIKE '//%'),
    args        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL,
    read_at     timestamptz,
    PRIMARY KEY (tenant_id, user_id, id),
    UNIQUE (tenant_id, user_id, dedupe_key)
);

--bun:split

CREATE INDEX notifications_unread ON notifications (tenant_id, user_id) WHERE read_at IS NULL;

--bun:split

SELECT kamrat_isolate_tenant_table('notifications');
