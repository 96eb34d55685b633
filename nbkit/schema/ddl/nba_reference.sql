-- Run history and side tables of nba_reference: domain-spec §5, §2.6, §3.1.
-- nba_reference.nba_players_registry lives in nba_reference_registry.sql.

CREATE TABLE IF NOT EXISTS `nba_reference.processor_run_history` (
  processor_name STRING NOT NULL,
  run_id STRING NOT NULL,
  season_year INT64,
  status STRING NOT NULL,
  duration_seconds FLOAT64,
  records_processed INT64 DEFAULT 0,
  records_created INT64 DEFAULT 0,
  records_updated INT64 DEFAULT 0,
  records_skipped INT64 DEFAULT 0,
  data_source_primary STRING,
  data_source_enhancement STRING,
  data_records_queried INT64,
  validation_mode STRING,
  validation_skipped_reason STRING,
  source_data_freshness_days INT64,
  espn_roster_date DATE,
  nbacom_source_date DATE,
  br_scrape_date DATE,
  gamebook_pdf_date DATE,
  espn_matched_requested_date BOOLEAN,
  nbacom_matched_requested_date BOOLEAN,
  br_matched_requested_date BOOLEAN,
  gamebook_matched_requested_date BOOLEAN,
  used_source_fallback BOOLEAN DEFAULT FALSE,
  season_filter STRING,
  team_filter STRING,
  date_range_filter_start DATE,
  date_range_filter_end DATE,
  backfill_mode BOOLEAN DEFAULT FALSE,
  force_reprocess BOOLEAN DEFAULT FALSE,
  test_mode BOOLEAN DEFAULT FALSE,
  execution_host STRING,
  triggered_by STRING,
  errors JSON,
  warnings JSON,
  summary JSON,
  data_date DATE NOT NULL,
  started_at TIMESTAMP NOT NULL,
  processed_at TIMESTAMP,
  phase STRING,
  output_table STRING,
  output_dataset STRING,
  trigger_source STRING,
  trigger_message_id STRING,
  trigger_message_data JSON,
  parent_processor STRING,
  upstream_dependencies JSON,
  dependency_check_passed BOOLEAN,
  missing_dependencies JSON,
  stale_dependencies JSON,
  alert_sent BOOLEAN,
  alert_type STRING,
  cloud_run_service STRING,
  cloud_run_revision STRING,
  retry_attempt INT64,
  skipped BOOLEAN,
  skip_reason STRING
  -- Repo DDL also declares PRIMARY KEY (processor_name, data_date, run_id) NOT ENFORCED. Omitted: DuckDB cannot
  -- parse NOT ENFORCED and would enforce the key, but the 'running' and final rows of a run share it (spec §5).
)
PARTITION BY data_date
CLUSTER BY processor_name, status, season_year
OPTIONS(
  description="Audit log of processor runs (Phase 2, 3, 4 and reference). RunHistoryMixin streams two rows per run with the same run_id and started_at: status 'running' at start, then 'success' or 'failed' with duration, counts, errors and dependency results. Partitioned by data_date, the date the run processed."
);

CREATE TABLE IF NOT EXISTS `nba_reference.unresolved_player_names` (
  source STRING NOT NULL,
  original_name STRING NOT NULL,
  normalized_lookup STRING NOT NULL,

  first_seen_date DATE NOT NULL,
  last_seen_date DATE NOT NULL,
  team_abbr STRING,
  season STRING,
  occurrences INT64 NOT NULL,
  example_games ARRAY<STRING>,

  status STRING NOT NULL,
  resolution_type STRING,
  resolved_to_name STRING,
  notes STRING,
  snooze_until DATE,

  reviewed_by STRING,
  reviewed_at TIMESTAMP,

  created_at TIMESTAMP NOT NULL,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY first_seen_date
CLUSTER BY status, source, normalized_lookup
OPTIONS(
  description="Manual review queue of player names missing from nba_players_registry. The PGS registry reader flushes one row per unresolved player_lookup (status 'pending', occurrences, up to 10 example game_ids) when it finalizes."
);

CREATE TABLE IF NOT EXISTS `nba_reference.source_coverage_log` (
  event_id STRING NOT NULL,
  event_timestamp TIMESTAMP NOT NULL,

  event_type STRING NOT NULL,
  severity STRING NOT NULL,

  phase STRING,
  table_name STRING,
  processor_name STRING,

  game_id STRING,
  game_date DATE,
  season STRING,
  player_id STRING,
  team_abbr STRING,

  description STRING,

  primary_source STRING,
  primary_source_status STRING,
  fallback_sources_tried ARRAY<STRING>,

  resolution STRING,
  resolution_details STRING,

  quality_tier_before STRING,
  quality_tier_after STRING,
  quality_score_before FLOAT64,
  quality_score_after FLOAT64,
  downstream_impact STRING,

  requires_alert BOOL DEFAULT FALSE,
  alert_sent BOOL DEFAULT FALSE,
  alert_channel STRING,
  alert_sent_at TIMESTAMP,
  batch_id STRING,

  is_resolved BOOL DEFAULT FALSE,
  resolved_at TIMESTAMP,
  resolution_method STRING,
  resolved_by STRING,

  environment STRING DEFAULT 'prod',
  processor_run_id STRING,
  is_synthetic BOOL DEFAULT FALSE,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP()
)
-- Repo DDL: partitioned on DATE(event_timestamp) with a 730-day expiry; the expiry is dropped (spec D13).
PARTITION BY DATE(event_timestamp)
CLUSTER BY severity, event_type, game_id
OPTIONS(
  description="Event log of source coverage: missing sources, fallbacks (backup_source_used), reconstructions and quality degradations, logged by QualityMixin.log_quality_event.",
  require_partition_filter=TRUE
);
