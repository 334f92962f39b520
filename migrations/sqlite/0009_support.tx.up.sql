-- The referral pathway, second slice: a referral is matched with a peer
-- supporter, the peer logs meetings, and the participant is followed up on
-- the region's schedule with validated questionnaires. The tables match
-- PostgreSQL's; row scope is enforced by the application here.

-- A referral gains the status 'matched'. SQLite cannot alter a CHECK
-- constraint; widening one by editing the stored table definition is the
-- documented way (sqlite.org/lang_altertable.html, "making other kinds of
-- table schema changes"): existing rows stay valid, no table is rebuilt,
-- and no ON DELETE CASCADE of the referencing tables fires. Creating and
-- dropping a table bumps the schema cookie, so other open connections read
-- the new definition.
PRAGMA writable_schema = ON;

--bun:split

UPDATE sqlite_schema
   SET sql = replace(sql, '''contacted'', ''closed'')', '''contacted'', ''matched'', ''closed'')')
 WHERE type = 'table' AND name = 'referrals';

--bun:split

PRAGMA writable_schema = RESET;

--bun:split

CREATE TABLE kamrat_schema_bump (x INTEGER);

--bun:split

DROP TABLE kamrat_schema_bump;

--bun:split

-- A peer supporter's support of a referred participant. A referral has at
-- most one running match (ended_at NULL); a change of peer ends the
-- running one ('rematched'), closing the referral ends it too.
CREATE TABLE matches (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    referral_id     INTEGER NOT NULL,
    organisation_id INTEGER NOT NULL,
    peer_id         INTEGER NOT NULL,
    started_on      DATE NOT NULL,
    matched_by      INTEGER REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    ended_at        TIMESTAMP,
    end_reason      TEXT NOT NULL DEFAULT '' CHECK (end_reason IN ('', 'rematched', 'closed', 'consent_withdrawn')),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, referral_id, organisation_id)
        REFERENCES referrals (tenant_id, id, organisation_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, peer_id, organisation_id) REFERENCES peers (tenant_id, id, organisation_id),
    CHECK ((ended_at IS NULL) = (end_reason = ''))
);

--bun:split

CREATE UNIQUE INDEX matches_running ON matches (tenant_id, referral_id) WHERE ended_at IS NULL;

--bun:split

CREATE INDEX matches_peer ON matches (tenant_id, peer_id, ended_at);

--bun:split

-- A meeting between a peer and a participant, logged by the peer: when,
-- how, how long and about what, from a fixed list of topics. note_enc is a
-- sealed free-text note, kept only where the region allows notes.
CREATE TABLE meetings (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants (id),
    match_id         INTEGER NOT NULL,
    held_on          DATE NOT NULL,
    format           TEXT NOT NULL CHECK (format IN ('in_person', 'phone', 'video', 'group')),
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    topics           TEXT NOT NULL DEFAULT '[]',
    note_enc         TEXT,
    logged_by        INTEGER REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, match_id) REFERENCES matches (tenant_id, id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX meetings_match ON meetings (tenant_id, match_id, held_on);

--bun:split

-- A follow-up of a referred participant, month months after the support
-- started (0 is the baseline). Planned when the referral is first matched,
-- if the participant consented to follow-up; done, declined by the
-- participant, or cancelled when the support ends.
CREATE TABLE follow_ups (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    referral_id INTEGER NOT NULL,
    month       INTEGER NOT NULL CHECK (month BETWEEN 0 AND 60),
    due_on      DATE NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('due', 'completed', 'declined', 'cancelled')),
    done_on     DATE,
    recorded_by INTEGER REFERENCES users (id),
    recorded_at TIMESTAMP,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, referral_id, month),
    FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, id) ON DELETE CASCADE,
    CHECK ((status IN ('completed', 'declined')) = (done_on IS NOT NULL))
);

--bun:split

CREATE INDEX follow_ups_due ON follow_ups (tenant_id, status, due_on);

--bun:split

-- The answers to one questionnaire of a completed follow-up, as item
-- values in order, with the score the published rules give.
CREATE TABLE follow_up_scores (
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    follow_up_id INTEGER NOT NULL,
    instrument   TEXT NOT NULL CHECK (instrument IN ('who5', 'pozqol', 'qpr15')),
    answers      TEXT NOT NULL,
    raw          INTEGER NOT NULL,
    total        REAL NOT NULL,
    PRIMARY KEY (tenant_id, follow_up_id, instrument),
    FOREIGN KEY (tenant_id, follow_up_id) REFERENCES follow_ups (tenant_id, id) ON DELETE CASCADE
);
