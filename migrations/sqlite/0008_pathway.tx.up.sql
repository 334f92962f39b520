-- The referral pathway, first slice: the anonymous tally of the offer at
-- each unit, participants (only people who accepted and consented) under a
-- random pseudonymous code, their consent, and referrals to partner
-- organisations with contact attempts and a status history. Every table
-- follows the tenant pattern: tenant_id NOT NULL and references through
-- (tenant_id, id).

-- The offer at a unit in one month, as counts only: no row stands for a
-- person, nothing is dated finer than the month, nobody is named as having
-- recorded it. new_diagnoses is entered by the unit (NULL: not yet).
CREATE TABLE offer_tallies (
    tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
    unit_id       INTEGER NOT NULL,
    -- The first day of the month.
    month         DATE NOT NULL,
    new_diagnoses INTEGER CHECK (new_diagnoses >= 0),
    met           INTEGER NOT NULL DEFAULT 0 CHECK (met >= 0),
    informed      INTEGER NOT NULL DEFAULT 0 CHECK (informed >= 0),
    offered       INTEGER NOT NULL DEFAULT 0 CHECK (offered >= 0),
    accepted      INTEGER NOT NULL DEFAULT 0 CHECK (accepted >= 0),
    declined      INTEGER NOT NULL DEFAULT 0 CHECK (declined >= 0),
    undecided     INTEGER NOT NULL DEFAULT 0 CHECK (undecided >= 0),
    PRIMARY KEY (tenant_id, unit_id, month),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);

--bun:split

-- The weeks a unit has entered in one batch, so that a week is not
-- counted twice.
CREATE TABLE offer_weeks (
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    unit_id    INTEGER NOT NULL,
    week_start DATE NOT NULL,
    PRIMARY KEY (tenant_id, unit_id, week_start),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);

--bun:split

-- A person who accepted peer support and consented. code is random and
-- carries no meaning; contact_enc seals the first name or alias and the
-- contact details (AES-GCM, by the application) and is NULL once consent is
-- withdrawn. No personnummer is stored, here or anywhere.
CREATE TABLE participants (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    code            TEXT NOT NULL,
    unit_id         INTEGER NOT NULL,
    target_group    TEXT NOT NULL CHECK (target_group IN ('hiv', 'psychiatry', 'substance_use', 'other')),
    contact_method  TEXT NOT NULL DEFAULT '' CHECK (contact_method IN ('', 'phone', 'email', 'sms', 'letter')),
    contact_enc     TEXT,
    language        TEXT NOT NULL,
    -- Matching preferences; JSON arrays of language codes and areas.
    pref_gender     TEXT NOT NULL DEFAULT '',
    pref_age_band   TEXT NOT NULL DEFAULT '',
    pref_languages  TEXT NOT NULL DEFAULT '[]',
    pref_experience TEXT NOT NULL DEFAULT '[]',
    -- Consent: what the person agreed to, who recorded it, until when.
    consent_share_contact BOOLEAN NOT NULL,
    consent_follow_up     BOOLEAN NOT NULL,
    consent_research      BOOLEAN NOT NULL,
    consent_recorded_by   INTEGER REFERENCES users (id),
    consent_recorded_at   TIMESTAMP NOT NULL,
    consent_expires_on    DATE NOT NULL,
    withdrawn_at    TIMESTAMP,
    withdrawn_by    INTEGER REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    CHECK (withdrawn_at IS NULL OR contact_enc IS NULL)
);

--bun:split

CREATE INDEX participants_unit ON participants (tenant_id, unit_id);

--bun:split

-- What happened to a participant's record: registration with consent,
-- withdrawal. Rows are never changed.
CREATE TABLE participant_events (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    participant_id INTEGER NOT NULL,
    user_id        INTEGER REFERENCES users (id),
    at             TIMESTAMP NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('registered', 'consent_withdrawn')),
    -- Who acted on the person's request: 'unit' or 'organisation'.
    side           TEXT NOT NULL CHECK (side IN ('unit', 'organisation')),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX participant_events_participant ON participant_events (tenant_id, participant_id, at);

--bun:split

CREATE TRIGGER participant_events_no_update BEFORE UPDATE ON participant_events
BEGIN
    SELECT RAISE(ABORT, 'kamrat: participant history is append-only');
END;

--bun:split

-- A referral of a participant from a unit to a partner organisation.
-- decline_reason and close_reason are codes from fixed lists, never free
-- text: the clinic sees the decline reason.
CREATE TABLE referrals (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants (id),
    participant_id    INTEGER NOT NULL,
    unit_id           INTEGER NOT NULL,
    organisation_id   INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'declined', 'contacted', 'closed')),
    status_changed_at TIMESTAMP NOT NULL,
    decline_reason    TEXT NOT NULL DEFAULT '',
    close_reason      TEXT NOT NULL DEFAULT '',
    first_contact_on  DATE,
    referred_by       INTEGER REFERENCES users (id),
    created_at        TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, id, organisation_id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);

--bun:split

CREATE INDEX referrals_organisation ON referrals (tenant_id, organisation_id, status);

--bun:split

CREATE INDEX referrals_unit ON referrals (tenant_id, unit_id, created_at);

--bun:split

CREATE INDEX referrals_participant ON referrals (tenant_id, participant_id);

--bun:split

-- A referral's status history. from_status is NULL for the referral
-- itself; reason is a code (decline or closure reason), note a short
-- remark (reopening). Rows are never changed.
CREATE TABLE referral_events (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    referral_id INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    at          TIMESTAMP NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX referral_events_referral ON referral_events (tenant_id, referral_id, at);

--bun:split

CREATE TRIGGER referral_events_no_update BEFORE UPDATE ON referral_events
BEGIN
    SELECT RAISE(ABORT, 'kamrat: referral history is append-only');
END;

--bun:split

-- The organisation's attempts to reach a participant.
CREATE TABLE referral_contact_attempts (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    referral_id     INTEGER NOT NULL,
    organisation_id INTEGER NOT NULL,
    attempted_on    DATE NOT NULL,
    method          TEXT NOT NULL CHECK (method IN ('phone', 'email', 'sms', 'letter')),
    reached         BOOLEAN NOT NULL,
    user_id         INTEGER REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, referral_id, organisation_id)
        REFERENCES referrals (tenant_id, id, organisation_id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX referral_contact_attempts_referral ON referral_contact_attempts (tenant_id, referral_id, attempted_on);
