-- A person's own choice of language ("sv" or "en"), remembered when they
-- switch language while signed in; e-mail to them is written in it. Empty:
-- not chosen, so the region's default language is used.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '' CHECK (language IN ('', 'sv', 'en'));
