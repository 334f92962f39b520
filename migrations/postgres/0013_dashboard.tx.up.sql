-- The dashboard's pre-aggregated figures. Dashboards read these counts,
-- never the rows they count, so that their cost does not grow with the
-- number of referrals and meetings. The stores keep them current in the
-- same transaction as the change they count.

-- dashboard_counts: one number per cohort and measure. A referral's cohort
-- is the quarter it was sent in (Swedish time), its unit, its partner
-- organisation and its participant's target group. bucket is the working
-- days to first contact for the measure first_contact (a histogram, so a
-- median can be read from it), detail the reason for closed; both are
-- neutral (0, '') otherwise. value may be negative only for a sum
-- (who5_change_sum).
CREATE TABLE dashboard_counts (
    tenant_id       bigint NOT NULL REFERENCES tenants (id),
    quarter         date NOT NULL CHECK (extract(day FROM quarter) = 1 AND extract(month FROM quarter) IN (1, 4, 7, 10)),
    unit_id         bigint NOT NULL,
    organisation_id bigint NOT NULL,
    target_group    text NOT NULL,
    measure         text NOT NULL,
    bucket          integer NOT NULL DEFAULT 0,
    detail          text NOT NULL DEFAULT '',
    value           bigint NOT NULL,
    PRIMARY KEY (tenant_id, quarter, unit_id, organisation_id, target_group, measure, bucket, detail)
);

--bun:split

-- referral_milestones: which once-per-referral steps a referral has reached
-- and been counted for (matched, three meetings, the 6-month follow-up, …).
-- A referral erased at the end of its retention takes its milestones with
-- it; the counts stay, since they describe no one.
CREATE TABLE referral_milestones (
    tenant_id   bigint NOT NULL,
    referral_id bigint NOT NULL,
    milestone   text NOT NULL,
    PRIMARY KEY (tenant_id, referral_id, milestone),
    FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, id) ON DELETE CASCADE
);

--bun:split

-- dashboard_builds: regions whose counts have been built from their rows
-- (the first start after this migration builds them for existing data).
CREATE TABLE dashboard_builds (
    tenant_id bigint PRIMARY KEY REFERENCES tenants (id),
    built_at  timestamptz NOT NULL
);

--bun:split

SELECT kamrat_isolate_tenant_table('dashboard_counts');
SELECT kamrat_isolate_tenant_table('referral_milestones');
SELECT kamrat_isolate_tenant_table('dashboard_builds');
