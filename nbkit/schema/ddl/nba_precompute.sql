-- Phase 4 outputs (nba_precompute): domain-spec §3.6-3.9, §6. BigQuery Standard SQL.
-- No partition expiry on any table (spec D13): the repo's 30/90-day expiry drops backfilled history on write.

CREATE TABLE IF NOT EXISTS `nba_precompute.team_defense_zone_analysis` (
  team_abbr STRING NOT NULL,
  analysis_date DATE NOT NULL,

  paint_pct_allowed_last_15 NUMERIC(5,3),
  paint_attempts_allowed_per_game NUMERIC(5,1),
  paint_points_allowed_per_game NUMERIC(5,1),
  paint_blocks_per_game NUMERIC(4,1),
  paint_defense_vs_league_avg NUMERIC(5,2),

  mid_range_pct_allowed_last_15 NUMERIC(5,3),
  mid_range_attempts_allowed_per_game NUMERIC(5,1),
  mid_range_blocks_per_game NUMERIC(4,1),
  mid_range_defense_vs_league_avg NUMERIC(5,2),

  three_pt_pct_allowed_last_15 NUMERIC(5,3),
  three_pt_attempts_allowed_per_game NUMERIC(5,1),
  three_pt_blocks_per_game NUMERIC(4,1),
  three_pt_defense_vs_league_avg NUMERIC(5,2),

  defensive_rating_last_15 NUMERIC(6,2),
  opponent_points_per_game NUMERIC(5,1),
  opponent_pace NUMERIC(5,1),
  games_in_sample INT64,

  strongest_zone STRING,
  weakest_zone STRING,

  data_quality_tier STRING,
  calculation_notes STRING,

  /* include columns: source_lineage(team_defense) */,

  data_hash STRING,

  early_season_flag BOOLEAN,
  insufficient_data_reason STRING,

  /* include columns: completeness_tracking */,

  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP(),
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY analysis_date
CLUSTER BY team_abbr, analysis_date
OPTIONS(
  description="Phase 4: one row per (analysis_date, team_abbr). Shot-zone defense over the team's last 15 games of the season (game_date <= analysis_date) from team_defense_game_summary, compared with a 30-day league average. Written by TeamDefenseZoneAnalysisProcessor (delete analysis_date + append)."
);

CREATE TABLE IF NOT EXISTS `nba_precompute.player_shot_zone_analysis` (
  player_lookup STRING NOT NULL,
  universal_player_id STRING,
  analysis_date DATE NOT NULL,

  paint_rate_last_10 NUMERIC(5,2),
  mid_range_rate_last_10 NUMERIC(5,2),
  three_pt_rate_last_10 NUMERIC(5,2),
  total_shots_last_10 INT64,
  games_in_sample_10 INT64,
  sample_quality_10 STRING,

  paint_pct_last_10 NUMERIC(5,3),
  mid_range_pct_last_10 NUMERIC(5,3),
  three_pt_pct_last_10 NUMERIC(5,3),

  paint_attempts_per_game NUMERIC(4,1),
  mid_range_attempts_per_game NUMERIC(4,1),
  three_pt_attempts_per_game NUMERIC(4,1),

  paint_rate_last_20 NUMERIC(5,2),
  paint_pct_last_20 NUMERIC(5,3),
  games_in_sample_20 INT64,
  sample_quality_20 STRING,

  assisted_rate_last_10 NUMERIC(5,2),
  unassisted_rate_last_10 NUMERIC(5,2),

  player_position STRING,
  primary_scoring_zone STRING,

  data_quality_tier STRING,
  calculation_notes STRING,

  /* include columns: source_lineage(player_game) */,

  data_hash STRING,

  early_season_flag BOOLEAN,
  insufficient_data_reason STRING,

  /* include columns: completeness_tracking */,

  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP(),
  processed_at TIMESTAMP
)
PARTITION BY analysis_date
CLUSTER BY player_lookup, universal_player_id, analysis_date
OPTIONS(
  description="Phase 4: one row per (analysis_date, player_lookup) for players with at least 10 qualifying games this season. Shot distribution, zone efficiency and shot creation over the last 10 (and 20) games of player_game_summary. Written by PlayerShotZoneAnalysisProcessor (delete analysis_date + append)."
);

CREATE TABLE IF NOT EXISTS `nba_precompute.player_composite_factors` (
  player_lookup STRING NOT NULL,
  universal_player_id STRING,
  game_date DATE NOT NULL,
  game_id STRING NOT NULL,
  analysis_date DATE,
  -- Not in the repo DDL and not written by the processor, but MLFS selects it to find the TDZA opponent row.
  opponent_team_abbr STRING,

  fatigue_score INT64,
  shot_zone_mismatch_score NUMERIC(4,1),
  pace_score NUMERIC(3,1),
  usage_spike_score NUMERIC(3,1),

  referee_favorability_score NUMERIC(3,1),
  look_ahead_pressure_score NUMERIC(3,1),
  travel_impact_score NUMERIC(3,1),
  opponent_strength_score NUMERIC(3,1),

  total_composite_adjustment NUMERIC(5,2),

  -- STRING as in the repo DDL: the processor writes json.dumps() text, not JSON values.
  fatigue_context_json STRING,
  shot_zone_context_json STRING,
  pace_context_json STRING,
  usage_context_json STRING,

  calculation_version STRING,

  data_completeness_pct NUMERIC(5,2),
  missing_data_fields STRING,
  has_warnings BOOLEAN,
  warning_details STRING,

  /* include columns: source_lineage(player_context, team_context, player_shot, team_defense) */,

  data_hash STRING,

  early_season_flag BOOLEAN,
  insufficient_data_reason STRING,

  /* include columns: completeness_tracking */,

  -- Cascade flags the processor emits next to is_production_ready (PSZA, TDZA, UPGC, UTGC readiness).
  upstream_player_shot_ready BOOLEAN,
  upstream_team_defense_ready BOOLEAN,
  upstream_player_context_ready BOOLEAN,
  upstream_team_context_ready BOOLEAN,
  all_upstreams_ready BOOLEAN,

  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP(),
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY player_lookup, universal_player_id, game_date
OPTIONS(
  description="Phase 4: one row per (game_date, player_lookup, game_id) from upcoming_player_game_context, game_date = analysis_date. Four active adjustment factors (fatigue, shot-zone mismatch, pace, usage spike), four deferred factors fixed at 0, and their total. Written by PlayerCompositeFactorsProcessor (calculation_version v1_4factors)."
);

CREATE TABLE IF NOT EXISTS `nba_precompute.player_daily_cache` (
  player_lookup STRING NOT NULL,
  universal_player_id STRING,
  cache_date DATE NOT NULL,

  points_avg_last_5 NUMERIC(5,1),
  points_avg_last_10 NUMERIC(5,1),
  points_avg_season NUMERIC(5,1),
  points_std_last_10 NUMERIC(5,2),
  minutes_avg_last_10 NUMERIC(5,1),
  -- Usage-rate columns NUMERIC(6,2) (repo: 5,2): they average player_game_summary.usage_rate, see there.
  usage_rate_last_10 NUMERIC(6,2),
  ts_pct_last_10 NUMERIC(5,3),
  games_played_season INT64,

  team_pace_last_10 NUMERIC(5,1),
  team_off_rating_last_10 NUMERIC(6,2),
  player_usage_rate_season NUMERIC(6,2),

  games_in_last_7_days INT64,
  games_in_last_14_days INT64,
  minutes_in_last_7_days INT64,
  minutes_in_last_14_days INT64,
  back_to_backs_last_14_days INT64,
  avg_minutes_per_game_last_7 NUMERIC(5,1),
  fourth_quarter_minutes_last_7 INT64,

  primary_scoring_zone STRING,
  paint_rate_last_10 NUMERIC(5,2),
  three_pt_rate_last_10 NUMERIC(5,2),
  assisted_rate_last_10 NUMERIC(5,2),

  player_age INT64,

  /* include columns: source_lineage(player_game, team_offense, upcoming_context, shot_zone) */,

  data_hash STRING,

  early_season_flag BOOLEAN,
  insufficient_data_reason STRING,

  /* include columns: completeness_tracking */,

  /* include columns: completeness_window(l5, l10, l7d, l14d) */,
  all_windows_complete BOOLEAN,

  -- Emitted by the processor (tier and score from L10 completeness) but missing from the repo DDL (spec §6).
  quality_tier STRING,
  quality_score FLOAT64,

  cache_version STRING,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP(),
  processed_at TIMESTAMP
)
PARTITION BY cache_date
CLUSTER BY player_lookup, universal_player_id
OPTIONS(
  description="Phase 4: one row per (cache_date, player_lookup) for upcoming_player_game_context players with at least 5 season games and a player_shot_zone_analysis row. Season and last-10 scoring, team pace and rating, fatigue copied from context, shot-zone tendencies. No analysis_date column. Written by PlayerDailyCacheProcessor (cache_version v1)."
);
