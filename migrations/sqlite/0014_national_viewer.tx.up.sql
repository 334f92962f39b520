-- A national viewer sees the national view: the approved, suppressed
-- quarterly figures of the regions that share them, side by side. Like
-- platform_operator it is a flag on the person, not a role in a region: a
-- national viewer may sign in through any region's sign-in without being a
-- member there, and sees nothing of the region itself.
ALTER TABLE users ADD COLUMN national_viewer BOOLEAN NOT NULL DEFAULT 0;
