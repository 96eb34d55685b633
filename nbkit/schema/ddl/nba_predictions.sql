-- Phase 4 ML feature store (nba_predictions, not nba_precompute): domain-spec §3.10, §6.
-- No partition expiry (spec D13): the repo's 365-day expiry drops backfilled seasons on write.

CREATE TABLE IF NOT EXISTS `nba_predictions.ml_feature_store_v2` (
  player_lookup STRING NOT NULL,
  universal_player_id STRING,
  game_date DATE NOT NULL,
  game_id STRING NOT NULL,

  -- v1_baseline_25: 25 values in the fixed order of feature_names (spec §3.10 table).
  features ARRAY<FLOAT64>,
  feature_names ARRAY<STRING>,
  feature_count INT64 NOT NULL,
  feature_version STRING NOT NULL,

  feature_generation_time_ms INT64,
  feature_quality_score NUMERIC(5,2),

  opponent_team_abbr STRING,
  is_home BOOLEAN,
  days_rest INT64,

  data_source STRING NOT NULL,

  source_daily_cache_last_updated TIMESTAMP,
  source_daily_cache_rows_found INT64,
  source_daily_cache_completeness_pct NUMERIC(5,2),
  source_daily_cache_hash STRING,
  source_composite_last_updated TIMESTAMP,
  source_composite_rows_found INT64,
  source_composite_completeness_pct NUMERIC(5,2),
  source_composite_hash STRING,
  source_shot_zones_last_updated TIMESTAMP,
  source_shot_zones_rows_found INT64,
  source_shot_zones_completeness_pct NUMERIC(5,2),
  source_shot_zones_hash STRING,
  source_team_defense_last_updated TIMESTAMP,
  source_team_defense_rows_found INT64,
  source_team_defense_completeness_pct NUMERIC(5,2),
  source_team_defense_hash STRING,

  early_season_flag BOOLEAN,
  insufficient_data_reason STRING,

  expected_games_count INT64,
  actual_games_count INT64,
  completeness_percentage FLOAT64,
  missing_games_count INT64,
  is_production_ready BOOLEAN,
  data_quality_issues ARRAY<STRING>,
  last_reprocess_attempt_at TIMESTAMP,
  reprocess_attempt_count INT64,
  circuit_breaker_active BOOLEAN,
  circuit_breaker_until TIMESTAMP,
  manual_override_required BOOLEAN,
  season_boundary_detected BOOLEAN,
  backfill_bootstrap_mode BOOLEAN,
  processing_decision_reason STRING,

  -- Emitted by the processor (tier of feature_quality_score) but missing from the repo DDL (spec §6).
  quality_tier STRING,

  data_hash STRING,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP(),
  updated_at TIMESTAMP,
  -- Not in the repo DDL (created_at/updated_at only); added so every output table has MAX(processed_at) freshness.
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY player_lookup, feature_version, game_date
OPTIONS(
  description="Phase 4: one row per (game_date, player_lookup, feature_version) for upcoming_player_game_context players of the date. 25 model features (v1_baseline_25) from player_daily_cache, player_composite_factors, player_shot_zone_analysis and team_defense_zone_analysis with Phase 3 fallbacks, feature_quality_score and data_source. Written by MLFeatureStoreProcessor (delete game_date + batched append)."
);
