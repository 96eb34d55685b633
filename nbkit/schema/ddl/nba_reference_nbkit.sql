-- nbkit's own ledger tables, beside the production processor_run_history.
-- They live in the warehouse itself, so resuming needs no state anywhere else.

CREATE TABLE IF NOT EXISTS `nba_reference.nbkit_runs` (
  run_id STRING NOT NULL,
  run_date DATE NOT NULL,               -- partition: the day the run started (UTC)
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status STRING NOT NULL,               -- running | success | partial | failed | interrupted
  command STRING,
  parameters JSON,                      -- secrets redacted
  code_versions JSON,                   -- {processor: sha256 of its SQL and grain}
  git_revision STRING,
  nbkit_version STRING,
  backend STRING,
  host STRING,
  pid INT64,
  operator STRING,
  notebook_path STRING,                 -- the executed notebook, when a notebook ran it
  dates_planned INT64,
  tasks_planned INT64,
  tasks_succeeded INT64,
  tasks_failed INT64,
  tasks_skipped INT64,
  rows_written INT64,
  bytes_estimated INT64,
  bytes_billed INT64,
  override_incomplete_upstream BOOL,
  alerts JSON,                          -- the end-of-run digest
  gate_verdicts JSON,
  processed_at TIMESTAMP
)
PARTITION BY run_date
CLUSTER BY status
OPTIONS(description="One row per nbkit run: parameters, code versions, outcome, notebook.");

CREATE TABLE IF NOT EXISTS `nba_reference.nbkit_writer_leases` (
  lease_id STRING NOT NULL,
  lease_date DATE NOT NULL,             -- partition: the day the lease was acquired (UTC)
  run_id STRING,
  owner STRING NOT NULL,
  host STRING,
  pid INT64,
  tables ARRAY<STRING>,
  dates ARRAY<DATE>,
  acquired_at TIMESTAMP NOT NULL,
  heartbeat_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP NOT NULL,
  released_at TIMESTAMP,
  status STRING NOT NULL,               -- acquiring | active | released | taken_over
  taken_over_by STRING,
  processed_at TIMESTAMP
)
PARTITION BY lease_date
OPTIONS(description="Writer leases: who may write which tables and dates, with heartbeat.");

CREATE TABLE IF NOT EXISTS `nba_reference.nbkit_run_requests` (
  run_id STRING NOT NULL,
  request STRING NOT NULL,              -- cancel
  request_date DATE NOT NULL,           -- partition: the day of the request (UTC)
  requested_at TIMESTAMP NOT NULL,
  requested_by STRING,
  host STRING,
  reason STRING
)
PARTITION BY request_date
OPTIONS(description="Requests to running nbkit runs (`nbkit cancel`), polled at chunk boundaries.");

CREATE TABLE IF NOT EXISTS `nba_reference.nbkit_sample_builds` (
  build_id STRING NOT NULL,
  build_date DATE NOT NULL,             -- partition: the day of the build (UTC)
  built_at TIMESTAMP NOT NULL,
  seed INT64,
  as_of DATE,
  synthetic_seasons INT64,
  raw_only BOOL,
  row_counts JSON,                      -- {dataset.table: rows} right after the build
  processed_at TIMESTAMP
)
PARTITION BY build_date
OPTIONS(description="One row per nbkit sample-data build: what it wrote, so a rebuild can tell sample rows from others.");
