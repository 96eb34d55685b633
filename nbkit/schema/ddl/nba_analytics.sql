-- Phase 3 outputs (nba_analytics): domain-spec §3.1-3.5, §6. BigQuery Standard SQL.
-- Column sets follow the repo DDL (schemas/bigquery/analytics/*_tables.sql) plus the 9 quality columns of
-- source_coverage_quality_columns.sql, placed before the processing metadata rather than appended.

CREATE TABLE IF NOT EXISTS `nba_analytics.player_game_summary` (
  player_lookup STRING NOT NULL,
  universal_player_id STRING,
  player_full_name STRING,
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  team_abbr STRING NOT NULL,
  opponent_team_abbr STRING NOT NULL,
  season_year INT64 NOT NULL,
  -- Not in the repo DDL (the processor derives it from game_id but never writes it); nullable.
  home_game BOOLEAN,

  points INT64,
  minutes_played NUMERIC(5,1),
  assists INT64,
  offensive_rebounds INT64,
  defensive_rebounds INT64,
  steals INT64,
  blocks INT64,
  turnovers INT64,
  fg_attempts INT64,
  fg_makes INT64,
  three_pt_attempts INT64,
  three_pt_makes INT64,
  ft_attempts INT64,
  ft_makes INT64,
  plus_minus INT64,
  personal_fouls INT64,

  paint_attempts INT64,
  paint_makes INT64,
  mid_range_attempts INT64,
  mid_range_makes INT64,
  paint_blocks INT64,
  mid_range_blocks INT64,
  three_pt_blocks INT64,
  and1_count INT64,
  assisted_fg_makes INT64,
  unassisted_fg_makes INT64,

  -- NUMERIC(6,2), not the repo's NUMERIC(5,2): a usage_rate of 1329.8 overflowed it in Jan 2026 (8 dates failed).
  usage_rate NUMERIC(6,2),
  ts_pct NUMERIC(5,3),
  efg_pct NUMERIC(5,3),
  starter_flag BOOLEAN NOT NULL,
  win_flag BOOLEAN NOT NULL,

  points_line NUMERIC(4,1),
  over_under_result STRING,
  margin NUMERIC(6,2),
  opening_line NUMERIC(4,1),
  line_movement NUMERIC(4,1),
  points_line_source STRING,
  opening_line_source STRING,

  is_active BOOLEAN NOT NULL,
  player_status STRING,

  /* include columns: source_lineage(nbac, bdl, bbd, nbac_pbp, odds, bp) */,

  data_quality_tier STRING,
  primary_source_used STRING,
  processed_with_issues BOOLEAN,

  /* include columns: source_coverage_quality */,
  -- Emitted by the processor but missing from the repo DDL (spec §6): the NDJSON load needs them.
  is_production_ready BOOLEAN,
  data_quality_issues ARRAY<STRING>,

  data_hash STRING,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP(),
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY universal_player_id, player_lookup, team_abbr, game_date
OPTIONS(
  description="Phase 3: one row per (game_id, player_lookup) for players who played. Box score from the NBA.com gamebook with per-game BDL fallback, Odds API points prop result, shot zones (NULL at a773efbc), source tracking and quality columns. Written by PlayerGameSummaryProcessor (delete game_date range + append)."
);

CREATE TABLE IF NOT EXISTS `nba_analytics.team_offense_game_summary` (
  game_id STRING NOT NULL,
  nba_game_id STRING,
  game_date DATE NOT NULL,
  team_abbr STRING NOT NULL,
  opponent_team_abbr STRING NOT NULL,
  season_year INT64 NOT NULL,

  points_scored INT64,
  fg_attempts INT64,
  fg_makes INT64,
  three_pt_attempts INT64,
  three_pt_makes INT64,
  ft_attempts INT64,
  ft_makes INT64,
  rebounds INT64,
  assists INT64,
  turnovers INT64,
  personal_fouls INT64,

  team_paint_attempts INT64,
  team_paint_makes INT64,
  team_mid_range_attempts INT64,
  team_mid_range_makes INT64,
  points_in_paint_scored INT64,
  second_chance_points_scored INT64,

  offensive_rating NUMERIC(6,2),
  pace NUMERIC(5,1),
  possessions INT64,
  ts_pct NUMERIC(5,3),

  home_game BOOLEAN NOT NULL,
  win_flag BOOLEAN NOT NULL,
  margin_of_victory INT64,
  overtime_periods INT64,

  players_inactive INT64,
  starters_inactive INT64,
  referee_crew_id STRING,

  /* include columns: source_lineage(nbac_boxscore, play_by_play) */,

  data_quality_tier STRING,
  shot_zones_available BOOLEAN,
  shot_zones_source STRING,
  primary_source_used STRING,
  processed_with_issues BOOLEAN,

  /* include columns: source_coverage_quality */,
  -- Emitted by the processor but missing from the repo DDL (spec §6): the NDJSON load needs them.
  is_production_ready BOOLEAN,
  data_quality_issues ARRAY<STRING>,

  data_hash STRING,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP(),
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY team_abbr, game_date, home_game
OPTIONS(
  description="Phase 3: one row per (game_id, team_abbr), 2 per game. Team offense from nbac_team_boxscore (or reconstructed from player box scores), shot zones from nbac_play_by_play, possessions/pace/offensive rating. Written by TeamOffenseGameSummaryProcessor (delete game_date range + append).",
  require_partition_filter=TRUE
);

CREATE TABLE IF NOT EXISTS `nba_analytics.team_defense_game_summary` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  defending_team_abbr STRING NOT NULL,
  opponent_team_abbr STRING NOT NULL,
  season_year INT64 NOT NULL,

  points_allowed INT64,
  opp_fg_attempts INT64,
  opp_fg_makes INT64,
  opp_three_pt_attempts INT64,
  opp_three_pt_makes INT64,
  opp_ft_attempts INT64,
  opp_ft_makes INT64,
  opp_rebounds INT64,
  opp_assists INT64,
  turnovers_forced INT64,
  fouls_committed INT64,

  opp_paint_attempts INT64,
  opp_paint_makes INT64,
  opp_mid_range_attempts INT64,
  opp_mid_range_makes INT64,
  points_in_paint_allowed INT64,
  mid_range_points_allowed INT64,
  three_pt_points_allowed INT64,
  second_chance_points_allowed INT64,
  fast_break_points_allowed INT64,

  blocks_paint INT64,
  blocks_mid_range INT64,
  blocks_three_pt INT64,
  steals INT64,
  defensive_rebounds INT64,

  defensive_rating NUMERIC(6,2),
  opponent_pace NUMERIC(5,1),
  opponent_ts_pct NUMERIC(5,3),

  home_game BOOLEAN NOT NULL,
  win_flag BOOLEAN,
  margin_of_victory INT64,
  overtime_periods INT64,

  players_inactive INT64,
  starters_inactive INT64,
  referee_crew_id STRING,

  data_quality_tier STRING,
  primary_source_used STRING,
  processed_with_issues BOOLEAN,

  /* include columns: source_lineage(team_boxscore, gamebook_players, bdl_players) */,

  /* include columns: source_coverage_quality */,
  -- Emitted by the processor but missing from the repo DDL (spec §6): the NDJSON load needs them.
  is_production_ready BOOLEAN,
  data_quality_issues ARRAY<STRING>,

  data_hash STRING,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP(),
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY defending_team_abbr, game_date, data_quality_tier
OPTIONS(
  description="Phase 3: one row per (game_id, defending_team_abbr). Opponent offense from nbac_team_boxscore seen from the defending side, defensive actions from the gamebook (BDL fallback); zone columns NULL at a773efbc. Written by TeamDefenseGameSummaryProcessor (delete game_date range + append)."
);

CREATE TABLE IF NOT EXISTS `nba_analytics.upcoming_player_game_context` (
  player_lookup STRING NOT NULL,
  universal_player_id STRING,
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  team_abbr STRING NOT NULL,
  opponent_team_abbr STRING NOT NULL,

  current_points_line NUMERIC(4,1),
  opening_points_line NUMERIC(4,1),
  line_movement NUMERIC(4,1),
  current_points_line_source STRING,
  opening_points_line_source STRING,
  has_prop_line BOOLEAN,

  game_spread NUMERIC(4,1),
  opening_spread NUMERIC(4,1),
  spread_movement NUMERIC(4,1),
  game_spread_source STRING,
  spread_public_betting_pct NUMERIC(5,2),

  game_total NUMERIC(5,1),
  opening_total NUMERIC(5,1),
  total_movement NUMERIC(4,1),
  game_total_source STRING,
  total_public_betting_pct NUMERIC(5,2),

  pace_differential NUMERIC(5,1),
  opponent_pace_last_10 NUMERIC(5,1),
  game_start_time_local STRING,
  opponent_ft_rate_allowed NUMERIC(5,3),
  home_game BOOLEAN,
  back_to_back BOOLEAN,
  season_phase STRING,
  -- Usage-rate columns NUMERIC(6,2) (repo: 5,2) to match player_game_summary.usage_rate.
  projected_usage_rate NUMERIC(6,2),

  days_rest INT64,
  days_rest_before_last_game INT64,
  days_since_2_plus_days_rest INT64,
  games_in_last_7_days INT64,
  games_in_last_14_days INT64,
  minutes_in_last_7_days INT64,
  minutes_in_last_14_days INT64,
  avg_minutes_per_game_last_7 NUMERIC(5,1),
  back_to_backs_last_14_days INT64,
  avg_usage_rate_last_7_games NUMERIC(6,2),
  fourth_quarter_minutes_last_7 INT64,
  clutch_minutes_last_7_games INT64,

  travel_miles INT64,
  time_zone_changes INT64,
  consecutive_road_games INT64,
  miles_traveled_last_14_days INT64,
  time_zones_crossed_last_14_days INT64,

  player_age INT64,

  points_avg_last_5 NUMERIC(5,1),
  points_avg_last_10 NUMERIC(5,1),
  prop_over_streak INT64,
  prop_under_streak INT64,
  star_teammates_out INT64,
  opponent_def_rating_last_10 NUMERIC(6,2),
  shooting_pct_decline_last_5 NUMERIC(5,3),
  fourth_quarter_production_last_7 NUMERIC(5,1),

  next_game_days_rest INT64,
  games_in_next_7_days INT64,
  next_opponent_win_pct NUMERIC(5,3),
  next_game_is_primetime BOOLEAN,

  opponent_days_rest INT64,
  opponent_games_in_next_7_days INT64,
  opponent_next_game_days_rest INT64,

  player_status STRING,
  injury_report STRING,
  questionable_teammates INT64,
  probable_teammates INT64,

  /* include columns: source_lineage(boxscore, schedule, props, game_lines) */,

  data_quality_tier STRING,
  primary_source_used STRING,
  processed_with_issues BOOLEAN,

  /* include columns: completeness_tracking */,

  /* include columns: completeness_window(l5, l10, l7d, l14d, l30d) */,
  all_windows_complete BOOLEAN,

  /* include columns: source_coverage_quality */,

  data_hash STRING,
  context_version INT64,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP(),
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY player_lookup, universal_player_id, game_date
OPTIONS(
  description="Phase 3: pre-game context per (game_date, player_lookup, game_id), driven by gamebook players of the date joined to Odds API + BettingPros lines. Fatigue and recent form from 30 days of BDL box scores, game lines, five-window completeness. Written by UpcomingPlayerGameContextProcessor (delete game_date + append)."
);

CREATE TABLE IF NOT EXISTS `nba_analytics.upcoming_team_game_context` (
  team_abbr STRING NOT NULL,
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,

  opponent_team_abbr STRING NOT NULL,
  home_game BOOLEAN NOT NULL,
  is_back_to_back BOOLEAN NOT NULL,
  days_since_last_game INT64,
  game_number_in_season INT64,

  team_days_rest INT64,
  team_back_to_back BOOLEAN NOT NULL,
  games_in_last_7_days INT64 NOT NULL,
  games_in_last_14_days INT64 NOT NULL,

  game_spread NUMERIC(5,2),
  game_total NUMERIC(5,1),
  game_spread_source STRING,
  game_total_source STRING,
  spread_movement NUMERIC(5,2),
  total_movement NUMERIC(5,1),
  betting_lines_updated_at TIMESTAMP,

  starters_out_count INT64 NOT NULL,
  questionable_players_count INT64 NOT NULL,

  team_win_streak_entering INT64 NOT NULL,
  team_loss_streak_entering INT64 NOT NULL,
  last_game_margin INT64,
  last_game_result STRING,

  travel_miles INT64 NOT NULL,

  /* include columns: source_lineage(nbac_schedule, odds_lines, injury_report) */,

  early_season_flag BOOLEAN,
  insufficient_data_reason STRING,

  /* include columns: completeness_tracking */,

  /* include columns: completeness_window(l7d, l14d) */,
  all_windows_complete BOOLEAN,

  /* include columns: source_coverage_quality */,

  data_hash STRING,
  -- Repo DDL: created_at NOT NULL without a default; the default only fills rows that omit it.
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP(),
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY game_date, team_abbr, game_id
OPTIONS(
  description="Phase 3: team context per schedule game, 2 rows per game (home view + away view), keyed by the NBA.com 10-digit schedule game_id. Rest and fatigue, betting lines, injuries, momentum, travel, L7d/L14d completeness. Written by UpcomingTeamGameContextProcessor (delete game_date range + append)."
);
