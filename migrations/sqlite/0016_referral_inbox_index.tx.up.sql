-- The organisation's referral inbox reads a page at a time, newest first,
-- of its running referrals and then of its ended ones
-- (ReferralStore.Inbox). With this index the page is read in date order
-- and the read stops after the page; with only (tenant_id,
-- organisation_id, status) every running or ended referral of the
-- organisation was read and sorted for each page. Found with the load
-- benchmark (bench/load; docs/performance.md): on SQLite, a coordinator's
-- inbox in Stockholm's share of the national seed (2 800 referrals to the
-- organisation) went from 255 to about 475 requests/s.
CREATE INDEX referrals_organisation_created ON referrals (tenant_id, organisation_id, created_at, id);
