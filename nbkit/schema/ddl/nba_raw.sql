-- Phase 2 raw tables (nba_raw) read by the ten processors: domain-spec §1. BigQuery Standard SQL.
-- Column sets follow the repo DDL (schemas/bigquery/raw/*_tables.sql); NOT NULL is kept only on
-- identifiers every loader fills, so partial loads (e.g. a scraper without source_file_path) still land.
-- No partition_expiration_days anywhere (§8 D13: historical backfills would expire on arrival).

CREATE TABLE IF NOT EXISTS `nba_raw.nbac_schedule` (
  game_id STRING NOT NULL,
  game_code STRING,
  season STRING,
  season_nba_format STRING,
  season_year INT64 NOT NULL,
  game_date DATE NOT NULL,
  -- NBA.com gameDateTimeEst: Eastern wall-clock time stored as a TIMESTAMP (labelled UTC), as the scraper does.
  game_date_est TIMESTAMP,
  game_status INT64,
  game_status_text STRING,
  home_team_id INT64,
  home_team_tricode STRING NOT NULL,
  home_team_name STRING,
  away_team_id INT64,
  away_team_tricode STRING NOT NULL,
  away_team_name STRING,
  arena_name STRING,
  arena_city STRING,
  arena_state STRING,
  is_primetime BOOLEAN,
  has_national_tv BOOLEAN,
  primary_network STRING,
  traditional_networks STRING,
  streaming_platforms STRING,
  is_regular_season BOOLEAN,
  is_playoffs BOOLEAN,
  is_play_in BOOLEAN,
  is_all_star BOOLEAN,
  is_emirates_cup BOOLEAN,
  game_type STRING,
  season_type STRING,
  playoff_round STRING,
  is_christmas BOOLEAN,
  is_mlk_day BOOLEAN,
  day_of_week STRING,
  is_weekend BOOLEAN,
  time_slot STRING,
  neutral_site_flag BOOLEAN,
  international_game BOOLEAN,
  arena_timezone STRING,
  home_team_score INT64,
  away_team_score INT64,
  winning_team_tricode STRING,
  data_source STRING,
  source_updated_at TIMESTAMP,
  source_file_path STRING,
  scrape_timestamp TIMESTAMP,
  created_at TIMESTAMP,
  data_hash STRING,
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY game_date, data_source, home_team_tricode, away_team_tricode, season_year
OPTIONS(
  require_partition_filter=TRUE,
  description="NBA.com schedule, one row per game (regular season, play-in, playoffs, All-Star). game_id is the NBA.com 10-digit id (e.g. 0022400561), not the system YYYYMMDD_AWAY_HOME id of the box-score tables. game_status 1 = scheduled, 2 = in progress, 3 = final; scores are NULL until final."
);

CREATE TABLE IF NOT EXISTS `nba_raw.nbac_gamebook_player_stats` (
  game_id STRING NOT NULL,
  game_code STRING,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  home_team_abbr STRING,
  away_team_abbr STRING,
  player_name STRING,
  player_name_original STRING,
  player_lookup STRING,
  team_abbr STRING,
  player_status STRING NOT NULL,
  dnp_reason STRING,
  name_resolution_status STRING,
  name_resolution_confidence FLOAT64,
  name_resolution_method STRING,
  br_team_abbr_used STRING,
  minutes STRING,
  minutes_decimal FLOAT64,
  points INT64,
  field_goals_made INT64,
  field_goals_attempted INT64,
  field_goal_percentage FLOAT64,
  three_pointers_made INT64,
  three_pointers_attempted INT64,
  three_point_percentage FLOAT64,
  free_throws_made INT64,
  free_throws_attempted INT64,
  free_throw_percentage FLOAT64,
  offensive_rebounds INT64,
  defensive_rebounds INT64,
  total_rebounds INT64,
  assists INT64,
  steals INT64,
  blocks INT64,
  turnovers INT64,
  personal_fouls INT64,
  plus_minus INT64,
  processed_by_run_id STRING,
  source_file_path STRING,
  data_hash STRING,
  processed_at TIMESTAMP,
  data_quality_flags ARRAY<STRING>,
  requires_manual_review BOOLEAN
)
PARTITION BY game_date
CLUSTER BY season_year, team_abbr, player_status, name_resolution_status
-- The repo DDL has no require_partition_filter on this table (spec §1.2); set here for uniformity, every reader filters by date.
OPTIONS(
  require_partition_filter=TRUE,
  description="NBA.com gamebook player stats, one row per rostered player per game including inactive and DNP players (player_status 'active', 'inactive', 'dnp', lowercase). game_id is the system id YYYYMMDD_AWAY_HOME; minutes is 'MM:SS' and NULL for players who did not play."
);

CREATE TABLE IF NOT EXISTS `nba_raw.bdl_player_boxscores` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  game_status STRING,
  period INT64,
  is_postseason BOOLEAN,
  home_team_abbr STRING,
  away_team_abbr STRING,
  home_team_score INT64,
  away_team_score INT64,
  team_abbr STRING NOT NULL,
  player_full_name STRING,
  player_lookup STRING NOT NULL,
  bdl_player_id INT64,
  jersey_number STRING,
  position STRING,
  -- Ball Don't Lie reports 'MM' in older seasons and 'MM:SS' later; both forms occur.
  minutes STRING,
  points INT64,
  assists INT64,
  rebounds INT64,
  offensive_rebounds INT64,
  defensive_rebounds INT64,
  steals INT64,
  blocks INT64,
  turnovers INT64,
  personal_fouls INT64,
  field_goals_made INT64,
  field_goals_attempted INT64,
  field_goal_pct FLOAT64,
  three_pointers_made INT64,
  three_pointers_attempted INT64,
  three_point_pct FLOAT64,
  free_throws_made INT64,
  free_throws_attempted INT64,
  free_throw_pct FLOAT64,
  source_file_path STRING,
  created_at TIMESTAMP,
  data_hash STRING,
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY player_lookup, team_abbr, game_date
OPTIONS(
  require_partition_filter=TRUE,
  description="Ball Don't Lie player box scores, one row per player who appeared in a game (system game_id). Total rebounds are in `rebounds`; the player name is `player_full_name`. Backup source for the gamebook and the primary 30-day history of upcoming_player_game_context."
);

CREATE TABLE IF NOT EXISTS `nba_raw.nbac_team_boxscore` (
  game_id STRING NOT NULL,
  nba_game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  -- NULL for All-Star squads, which have no NBA franchise id.
  team_id INT64,
  team_abbr STRING NOT NULL,
  team_name STRING,
  team_city STRING,
  is_home BOOLEAN NOT NULL,
  minutes STRING,
  fg_made INT64,
  fg_attempted INT64,
  fg_percentage FLOAT64,
  three_pt_made INT64,
  three_pt_attempted INT64,
  three_pt_percentage FLOAT64,
  ft_made INT64,
  ft_attempted INT64,
  ft_percentage FLOAT64,
  offensive_rebounds INT64,
  defensive_rebounds INT64,
  total_rebounds INT64,
  assists INT64,
  steals INT64,
  blocks INT64,
  turnovers INT64,
  personal_fouls INT64,
  points INT64,
  plus_minus INT64,
  source_file_path STRING,
  created_at TIMESTAMP,
  data_hash STRING,
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY game_id, team_abbr, season_year, is_home
OPTIONS(
  require_partition_filter=TRUE,
  description="NBA.com team box scores, exactly 2 rows per game (is_home TRUE/FALSE). game_id is the system id YYYYMMDD_AWAY_HOME, nba_game_id the NBA.com 10-digit id. minutes is cumulative player-minutes ('240:00' regulation, '265:00' one overtime); percentages are 0.0-1.0; plus_minus is the point margin (the two rows sum to 0)."
);

CREATE TABLE IF NOT EXISTS `nba_raw.nbac_play_by_play` (
  game_id STRING NOT NULL,
  nba_game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  home_team_abbr STRING,
  away_team_abbr STRING,
  event_id STRING NOT NULL,
  event_sequence INT64 NOT NULL,
  period INT64 NOT NULL,
  game_clock STRING,
  game_clock_seconds INT64,
  time_elapsed_seconds INT64,
  event_type STRING,
  event_action_type STRING,
  event_description STRING,
  score_home INT64,
  score_away INT64,
  player_1_id INT64,
  player_1_lookup STRING,
  player_1_team_abbr STRING,
  player_2_id INT64,
  player_2_lookup STRING,
  player_2_team_abbr STRING,
  player_3_id INT64,
  player_3_lookup STRING,
  player_3_team_abbr STRING,
  shot_made BOOLEAN,
  shot_type STRING,
  shot_x FLOAT64,
  shot_y FLOAT64,
  shot_distance FLOAT64,
  video_available BOOLEAN,
  video_url STRING,
  source_file_path STRING,
  data_hash STRING,
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY game_id, period, event_type
OPTIONS(
  require_partition_filter=TRUE,
  description="NBA.com play-by-play, one row per event (game_id system format, nba_game_id 10-digit). Shots are event_type 'fieldgoal' (shot_type '2PT' or '3PT') and 'freethrow' (shot_type 'FT'); shot_distance in feet, 0.0 when the source has no coordinates."
);

CREATE TABLE IF NOT EXISTS `nba_raw.bigdataball_play_by_play` (
  game_id STRING NOT NULL,
  bdb_game_id INT64,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  data_set STRING,
  home_team_abbr STRING,
  away_team_abbr STRING,
  event_id STRING NOT NULL,
  event_sequence INT64,
  period INT64,
  game_clock STRING,
  game_clock_seconds INT64,
  elapsed_time STRING,
  elapsed_seconds INT64,
  play_length STRING,
  play_length_seconds INT64,
  event_type STRING,
  event_subtype STRING,
  event_description STRING,
  score_home INT64,
  score_away INT64,
  player_1_name STRING,
  player_1_lookup STRING,
  player_1_team_abbr STRING,
  player_2_name STRING,
  player_2_lookup STRING,
  player_2_team_abbr STRING,
  player_2_role STRING,
  player_3_name STRING,
  player_3_lookup STRING,
  player_3_team_abbr STRING,
  player_3_role STRING,
  shot_made BOOLEAN,
  shot_type STRING,
  shot_distance FLOAT64,
  points_scored INT64,
  original_x FLOAT64,
  original_y FLOAT64,
  converted_x FLOAT64,
  converted_y FLOAT64,
  away_player_1_lookup STRING,
  away_player_2_lookup STRING,
  away_player_3_lookup STRING,
  away_player_4_lookup STRING,
  away_player_5_lookup STRING,
  home_player_1_lookup STRING,
  home_player_2_lookup STRING,
  home_player_3_lookup STRING,
  home_player_4_lookup STRING,
  home_player_5_lookup STRING,
  possession_player_name STRING,
  possession_player_lookup STRING,
  reason STRING,
  opponent STRING,
  num STRING,
  outof STRING,
  source_file_path STRING,
  csv_filename STRING,
  csv_row_number INT64,
  data_source STRING,
  data_hash STRING,
  processed_at TIMESTAMP,
  created_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY game_id, period, event_type, away_player_1_lookup
-- The repo DDL sets partition_expiration_days=2555; dropped on purpose (§8 D13).
OPTIONS(
  require_partition_filter=TRUE,
  description="BigDataBall enhanced play-by-play with 10-player lineups, one row per event (system game_id). Shots are event_type 'shot'; event_subtype carries the shot description ('3pt jump shot'). At a773efbc only a row-count dependency of player_game_summary."
);

CREATE TABLE IF NOT EXISTS `nba_raw.odds_api_player_points_props` (
  game_id STRING NOT NULL,
  odds_api_event_id STRING,
  game_date DATE NOT NULL,
  game_start_time TIMESTAMP,
  home_team_abbr STRING,
  away_team_abbr STRING,
  snapshot_timestamp TIMESTAMP NOT NULL,
  snapshot_tag STRING,
  capture_timestamp TIMESTAMP,
  minutes_before_tipoff INT64,
  bookmaker STRING NOT NULL,
  player_name STRING,
  player_lookup STRING,
  points_line FLOAT64 NOT NULL,
  over_price FLOAT64,
  over_price_american INT64,
  under_price FLOAT64,
  under_price_american INT64,
  bookmaker_last_update TIMESTAMP,
  source_file_path STRING,
  data_source STRING,
  data_hash STRING,
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY player_lookup, game_date, bookmaker
-- The repo DDL has no require_partition_filter here (spec §1.7); set for uniformity.
OPTIONS(
  require_partition_filter=TRUE,
  description="The Odds API player points props with historical snapshots, one row per (game_id, player_lookup, bookmaker, snapshot_timestamp). game_id is the system id YYYYMMDD_AWAY_HOME; odds_api_event_id is the Odds API hex event id. Prices in decimal and American form."
);

CREATE TABLE IF NOT EXISTS `nba_raw.bettingpros_player_points_props` (
  game_date DATE NOT NULL,
  market_type STRING,
  market_id INT64,
  bp_event_id INT64,
  offer_id STRING,
  bet_side STRING NOT NULL,
  bp_player_id INT64,
  player_name STRING,
  player_lookup STRING NOT NULL,
  player_team STRING,
  player_position STRING,
  team_source STRING,
  has_team_issues BOOLEAN,
  validated_team STRING,
  validation_confidence FLOAT64,
  validation_method STRING,
  validation_notes STRING,
  player_complications STRING,
  book_id INT64,
  bookmaker STRING NOT NULL,
  line_id STRING,
  points_line FLOAT64 NOT NULL,
  odds_american INT64,
  is_active BOOLEAN,
  is_best_line BOOLEAN,
  bookmaker_last_update TIMESTAMP,
  opening_line FLOAT64,
  opening_odds INT64,
  opening_book_id INT64,
  opening_timestamp TIMESTAMP,
  source_file_path STRING,
  created_at TIMESTAMP,
  data_hash STRING,
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY player_lookup, bookmaker, has_team_issues, bet_side
OPTIONS(
  require_partition_filter=TRUE,
  description="BettingPros player points props, one row per player x sportsbook x bet_side ('over'/'under'). No game_id: join on game_date and team (player_team / validated_team). market_type 'points' (market_id 156)."
);

CREATE TABLE IF NOT EXISTS `nba_raw.odds_api_game_lines` (
  snapshot_timestamp TIMESTAMP NOT NULL,
  previous_snapshot_timestamp TIMESTAMP,
  next_snapshot_timestamp TIMESTAMP,
  game_id STRING NOT NULL,
  sport_key STRING,
  sport_title STRING,
  commence_time TIMESTAMP,
  game_date DATE NOT NULL,
  home_team STRING,
  away_team STRING,
  home_team_abbr STRING,
  away_team_abbr STRING,
  bookmaker_key STRING NOT NULL,
  bookmaker_title STRING,
  bookmaker_last_update TIMESTAMP,
  market_key STRING NOT NULL,
  market_last_update TIMESTAMP,
  outcome_name STRING NOT NULL,
  outcome_price FLOAT64,
  outcome_point FLOAT64,
  source_file_path STRING,
  data_source STRING,
  created_at TIMESTAMP,
  data_hash STRING,
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY game_id, bookmaker_key, market_key, snapshot_timestamp
OPTIONS(
  require_partition_filter=TRUE,
  description="The Odds API game lines (spreads, totals) by snapshot, one row per (game_id, snapshot_timestamp, bookmaker_key, market_key, outcome_name). game_id is the Odds API hex event id, not an NBA or system id. outcome_name is the full team name for spreads and 'Over'/'Under' for totals; outcome_price is decimal odds."
);

CREATE TABLE IF NOT EXISTS `nba_raw.nbac_injury_report` (
  report_date DATE NOT NULL,
  report_hour INT64,
  season STRING,
  game_date DATE,
  game_time STRING,
  game_id STRING,
  matchup STRING,
  away_team STRING,
  home_team STRING,
  team STRING,
  player_name_original STRING,
  player_full_name STRING,
  player_lookup STRING,
  injury_status STRING,
  reason STRING,
  reason_category STRING,
  confidence_score FLOAT64,
  overall_report_confidence FLOAT64,
  scrape_time STRING,
  run_id STRING,
  source_file_path STRING,
  data_hash STRING,
  processed_at TIMESTAMP
)
-- Partitioned by report_date, not game_date (spec §1.10).
PARTITION BY report_date
CLUSTER BY player_lookup, game_id, injury_status
-- The repo DDL has no require_partition_filter here either; set for uniformity.
OPTIONS(
  require_partition_filter=TRUE,
  description="NBA.com official injury reports, one row per player per game per report (report_date, report_hour in ET). injury_status 'out', 'doubtful', 'questionable', 'probable', 'available'; game_id is the system id YYYYMMDD_AWAY_HOME; confidence_score is the PDF parsing confidence of the row."
);

CREATE TABLE IF NOT EXISTS `nba_raw.espn_scoreboard` (
  game_id STRING NOT NULL,
  espn_game_id STRING,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  home_team_abbr STRING,
  away_team_abbr STRING,
  home_team_name STRING,
  away_team_name STRING,
  home_team_espn_id STRING,
  away_team_espn_id STRING,
  home_team_espn_abbr STRING,
  away_team_espn_abbr STRING,
  game_status STRING,
  game_status_detail STRING,
  espn_status_id STRING,
  espn_state STRING,
  is_completed BOOLEAN,
  scheduled_start_time TIMESTAMP,
  home_team_score INT64,
  away_team_score INT64,
  home_team_winner BOOLEAN,
  away_team_winner BOOLEAN,
  scrape_timestamp TIMESTAMP,
  source_file_path STRING,
  processing_confidence FLOAT64,
  data_quality_flags STRING,
  created_at TIMESTAMP,
  data_hash STRING,
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY home_team_abbr, away_team_abbr, game_status
OPTIONS(
  require_partition_filter=TRUE,
  description="ESPN scoreboard, one row per game (system game_id, NBA tricodes in *_team_abbr, ESPN's own codes in *_espn_abbr). Backup of final scores; upcoming_team_game_context falls back to it for dates missing from nbac_schedule."
);
