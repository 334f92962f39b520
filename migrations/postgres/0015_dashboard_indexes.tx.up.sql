-- Indexes for the region dashboard's reads, found with BenchmarkDashboard
-- (ui/dashboard_bench_test.go; figures in docs/benchmarks.md).

-- The dashboard sums dashboard_counts over a period by quarter, measure,
-- bucket and detail. This index holds every column that read uses, in
-- that order after the region and the quarter, so the read is one range
-- scan of the index with the sums taken as it goes: no lookup of the
-- table's rows and no sort. On SQLite, in a region with a million
-- meetings, the sum over four quarters went from 13 to 3 ms and over
-- twelve from 45 to 7 ms.
CREATE INDEX dashboard_counts_period ON dashboard_counts
    (tenant_id, quarter, measure, bucket, detail, unit_id, organisation_id, target_group, value);

--bun:split

-- Supervision compliance reads the sessions of the last few weeks; without
-- this index SQLite went through every attendance the region ever
-- recorded (6 ms with three years of fortnightly sessions, 0.5 ms with
-- it).
CREATE INDEX supervision_sessions_held ON supervision_sessions (tenant_id, held_on);
