-- Outgoing e-mail (the transactional outbox). A use case inserts the message
-- and an email_send job in its own transaction; the worker sends it, sets
-- sent_at and erases the bodies, which may hold single-use sign-in links.
-- attempts counts send attempts; last_error keeps the most recent failure,
-- also after a later success.
CREATE TABLE email_outbox (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    to_address  TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT,
    body_html   TEXT,
    language    TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP,
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error  TEXT,
    UNIQUE (tenant_id, id),
    -- A message waiting to be sent has its text; a sent one has none.
    CHECK (sent_at IS NOT NULL OR body_text IS NOT NULL),
    CHECK (sent_at IS NULL OR (body_text IS NULL AND body_html IS NULL))
);
