-- A region can shut a member out without touching the person's access to
-- other regions: the membership, not the user, carries the switch.
ALTER TABLE memberships ADD COLUMN disabled_at TIMESTAMP;
