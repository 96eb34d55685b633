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

  /* include columns: source_lineage(daily_cache, composite, shot_zones, team_defense) */,

  early_season_flag BOOLEAN,
  insufficient_data_reason STRING,

  /* include columns: completeness_tracking */,

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
