-- Player shot zone analysis (domain-spec §3.7): one row per (analysis_date, player_lookup) for every
-- player with at least one qualifying game (active, minutes > 0) this season up to the analysis
-- date, over his last 10 (and 20) such games. Thin samples are flagged, not skipped.
WITH
/* include fragment: season_bounds */,

/* include fragment: season_window */,

/* include fragment: season_last_dates */,

/* include fragment: team_schedule */,

/* include fragment: qualifying_games */,

/* include fragment: player_game_windows */,

player_games AS (
  -- Qualifying games. Zone columns count only in games where play-by-play zones exist, so rates
  -- never mix covered and uncovered games.
  SELECT p.season_year, p.team_game_number, p.player_lookup, p.universal_player_id, p.team_abbr,
         p.game_date, p.processed_at, p.data_hash, p.fg_attempts, p.fg_makes,
         p.three_pt_attempts, p.three_pt_makes,
         IF(p.paint_attempts IS NULL OR p.mid_range_attempts IS NULL, NULL,
            p.paint_attempts + p.mid_range_attempts + p.three_pt_attempts) AS zone_attempts,
         IF(p.mid_range_attempts IS NULL, NULL, p.paint_attempts) AS paint_attempts,
         IF(p.paint_attempts IS NULL, NULL, p.mid_range_attempts) AS mid_range_attempts,
         IF(p.paint_attempts IS NULL OR p.mid_range_attempts IS NULL, NULL, p.three_pt_attempts)
           AS zone_three_pt_attempts,
         p.paint_makes, p.mid_range_makes,
         p.assisted_fg_makes, p.unassisted_fg_makes,
         IF(p.assisted_fg_makes IS NULL, NULL, p.fg_makes) AS assisted_base_fg_makes,
         IF(p.unassisted_fg_makes IS NULL, NULL, p.fg_makes) AS unassisted_base_fg_makes
  FROM qualifying_games AS p
),

player_rolling AS (
  -- Totals over each game's trailing 10- and 20-game windows of the same season.
  SELECT player_lookup, season_year, game_date, team_abbr, universal_player_id, data_hash,
         LEAD(game_date) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date) AS next_game_date,
         COUNT(*) OVER w10 AS games_10,
         SUM(fg_attempts) OVER w10 AS fg_attempts_10,
         SUM(zone_attempts) OVER w10 AS zone_attempts_10,
         SUM(paint_attempts) OVER w10 AS paint_attempts_10,
         SUM(mid_range_attempts) OVER w10 AS mid_range_attempts_10,
         SUM(zone_three_pt_attempts) OVER w10 AS zone_three_pt_attempts_10,
         SUM(IF(paint_attempts IS NULL, NULL, paint_makes)) OVER w10 AS paint_makes_10,
         SUM(IF(mid_range_attempts IS NULL, NULL, mid_range_makes)) OVER w10 AS mid_range_makes_10,
         SUM(three_pt_attempts) OVER w10 AS three_pt_attempts_10,
         SUM(three_pt_makes) OVER w10 AS three_pt_makes_10,
         AVG(paint_attempts) OVER w10 AS paint_attempts_per_game,
         AVG(mid_range_attempts) OVER w10 AS mid_range_attempts_per_game,
         AVG(three_pt_attempts) OVER w10 AS three_pt_attempts_per_game,
         SUM(assisted_fg_makes) OVER w10 AS assisted_10,
         SUM(assisted_base_fg_makes) OVER w10 AS assisted_base_10,
         SUM(unassisted_fg_makes) OVER w10 AS unassisted_10,
         SUM(unassisted_base_fg_makes) OVER w10 AS unassisted_base_10,
         COUNT(*) OVER w20 AS games_20,
         SUM(zone_attempts) OVER w20 AS zone_attempts_20,
         SUM(paint_attempts) OVER w20 AS paint_attempts_20,
         SUM(IF(paint_attempts IS NULL, NULL, paint_makes)) OVER w20 AS paint_makes_20,
         MAX(processed_at) OVER w20 AS source_last_updated
  FROM player_games
  WINDOW w10 AS (PARTITION BY player_lookup, season_year ORDER BY game_date
                 ROWS BETWEEN 9 PRECEDING AND CURRENT ROW),
         w20 AS (PARTITION BY player_lookup, season_year ORDER BY game_date
                 ROWS BETWEEN 19 PRECEDING AND CURRENT ROW)
),

player_dates AS (
  -- Each player's latest qualifying game up to the analysis date (a game answers the dates from
  -- its own to the day before his next one); completeness over his team's last 10 games.
  SELECT a.analysis_date, r.*,
         LEAST(t.team_game_number, 10) AS expected_games,
         COALESCE(w.games_last_10, 0) AS actual_games
  FROM player_rolling AS r
  JOIN season_last_dates AS s ON s.season_year = r.season_year
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(
    r.game_date, COALESCE(DATE_SUB(r.next_game_date, INTERVAL 1 DAY), s.last_analysis_date))) AS day
  JOIN analysis_dates AS a ON a.analysis_date = day AND a.season_year = r.season_year
  JOIN team_latest_game AS t
    ON t.analysis_date = a.analysis_date AND t.season_year = a.season_year AND t.team_abbr = r.team_abbr
  LEFT JOIN player_game_windows AS w
    ON w.player_lookup = r.player_lookup AND w.team_abbr = r.team_abbr
   AND w.season_year = a.season_year AND w.team_game_number = t.team_game_number
),

rates AS (
  SELECT *,
         ROUND(100 * SAFE_DIVIDE(paint_attempts_10, zone_attempts_10), 2) AS paint_rate,
         ROUND(100 * SAFE_DIVIDE(mid_range_attempts_10, zone_attempts_10), 2) AS mid_range_rate,
         ROUND(100 * SAFE_DIVIDE(zone_three_pt_attempts_10, zone_attempts_10), 2) AS three_pt_rate,
         ROUND(100 * actual_games / expected_games, 1) AS completeness_pct,
         games_10 < 10 AS early_season
  FROM player_dates
),

classified AS (
  SELECT *,
         CASE
           WHEN COALESCE(paint_rate, 0) = 0 AND COALESCE(mid_range_rate, 0) = 0
                AND COALESCE(three_pt_rate, 0) = 0 THEN NULL
           WHEN paint_rate >= 40 THEN 'paint'
           WHEN three_pt_rate >= 40 THEN 'perimeter'
           WHEN mid_range_rate >= 35 THEN 'mid_range'
           ELSE 'balanced'
         END AS primary_scoring_zone,
         CASE WHEN games_10 >= 10 THEN 'high' WHEN games_10 >= 7 THEN 'medium' ELSE 'low' END
           AS data_quality_tier,
         CASE WHEN games_10 >= 10 THEN 'excellent' WHEN games_10 >= 7 THEN 'good'
              WHEN games_10 >= 5 THEN 'limited' ELSE 'insufficient' END AS sample_quality_10,
         CASE WHEN games_20 >= 20 THEN 'excellent' WHEN games_20 >= 14 THEN 'good'
              WHEN games_20 >= 10 THEN 'limited' ELSE 'insufficient' END AS sample_quality_20
  FROM rates
)

SELECT
  player_lookup,
  universal_player_id,
  analysis_date,
  CAST(paint_rate AS NUMERIC) AS paint_rate_last_10,
  CAST(mid_range_rate AS NUMERIC) AS mid_range_rate_last_10,
  CAST(three_pt_rate AS NUMERIC) AS three_pt_rate_last_10,
  fg_attempts_10 AS total_shots_last_10,
  games_10 AS games_in_sample_10,
  sample_quality_10,
  CAST(ROUND(SAFE_DIVIDE(paint_makes_10, paint_attempts_10), 3) AS NUMERIC) AS paint_pct_last_10,
  CAST(ROUND(SAFE_DIVIDE(mid_range_makes_10, mid_range_attempts_10), 3) AS NUMERIC) AS mid_range_pct_last_10,
  CAST(ROUND(SAFE_DIVIDE(three_pt_makes_10, three_pt_attempts_10), 3) AS NUMERIC) AS three_pt_pct_last_10,
  CAST(ROUND(paint_attempts_per_game, 1) AS NUMERIC) AS paint_attempts_per_game,
  CAST(ROUND(mid_range_attempts_per_game, 1) AS NUMERIC) AS mid_range_attempts_per_game,
  CAST(ROUND(three_pt_attempts_per_game, 1) AS NUMERIC) AS three_pt_attempts_per_game,
  -- The 20-game trend values need at least 15 games in the window.
  CAST(IF(games_20 >= 15, ROUND(100 * SAFE_DIVIDE(paint_attempts_20, zone_attempts_20), 2), NULL) AS NUMERIC)
    AS paint_rate_last_20,
  CAST(IF(games_20 >= 15, ROUND(SAFE_DIVIDE(paint_makes_20, paint_attempts_20), 3), NULL) AS NUMERIC)
    AS paint_pct_last_20,
  games_20 AS games_in_sample_20,
  sample_quality_20,
  CAST(ROUND(100 * SAFE_DIVIDE(assisted_10, assisted_base_10), 2) AS NUMERIC) AS assisted_rate_last_10,
  CAST(ROUND(100 * SAFE_DIVIDE(unassisted_10, unassisted_base_10), 2) AS NUMERIC) AS unassisted_rate_last_10,
  CAST(NULL AS STRING) AS player_position,
  primary_scoring_zone,
  data_quality_tier,
  IF(zone_attempts_10 IS NULL, 'No shot-zone data in the last 10 games: zone rates and primary zone are NULL',
     NULL) AS calculation_notes,
  source_last_updated AS source_player_game_last_updated,
  games_20 AS source_player_game_rows_found,
  CAST(LEAST(completeness_pct, 100) AS NUMERIC) AS source_player_game_completeness_pct,
  data_hash AS source_player_game_hash,
  -- SHA-256 of the sorted "field:value" pairs of integer and text outputs (no floats: their
  -- text form differs between BigQuery and DuckDB), first 16 hex characters.
  SUBSTR(TO_HEX(SHA256(CONCAT(
    'actual_games_count:', CAST(actual_games AS STRING),
    '|analysis_date:', CAST(analysis_date AS STRING),
    '|assisted_fg_makes:', COALESCE(CAST(assisted_10 AS STRING), 'NULL'),
    '|expected_games_count:', CAST(expected_games AS STRING),
    '|fg_attempts:', COALESCE(CAST(fg_attempts_10 AS STRING), 'NULL'),
    '|games_in_sample_10:', CAST(games_10 AS STRING),
    '|games_in_sample_20:', CAST(games_20 AS STRING),
    '|mid_range_attempts:', COALESCE(CAST(mid_range_attempts_10 AS STRING), 'NULL'),
    '|mid_range_makes:', COALESCE(CAST(mid_range_makes_10 AS STRING), 'NULL'),
    '|paint_attempts:', COALESCE(CAST(paint_attempts_10 AS STRING), 'NULL'),
    '|paint_makes:', COALESCE(CAST(paint_makes_10 AS STRING), 'NULL'),
    '|player_lookup:', player_lookup,
    '|primary_scoring_zone:', COALESCE(primary_scoring_zone, 'NULL'),
    '|three_pt_attempts:', COALESCE(CAST(three_pt_attempts_10 AS STRING), 'NULL'),
    '|three_pt_makes:', COALESCE(CAST(three_pt_makes_10 AS STRING), 'NULL')))), 1, 16) AS data_hash,
  early_season AS early_season_flag,
  IF(early_season, CONCAT('Only ', CAST(games_10 AS STRING), ' games available, need 10'), NULL)
    AS insufficient_data_reason,
  expected_games AS expected_games_count,
  actual_games AS actual_games_count,
  completeness_pct AS completeness_percentage,
  expected_games - actual_games AS missing_games_count,
  NOT early_season AND completeness_pct >= 90 AS is_production_ready,
  ARRAY_CONCAT(
    IF(early_season, ['thin_sample'], ARRAY<STRING>[]),
    IF(completeness_pct < 90, ['incomplete_upstream_games'], ARRAY<STRING>[]),
    IF(zone_attempts_10 IS NULL, ['zone_data_unavailable'], ARRAY<STRING>[])) AS data_quality_issues,
  /* include fragment: phase4_processing_state(analysis_date) */,
  CURRENT_TIMESTAMP() AS created_at,
  CURRENT_TIMESTAMP() AS processed_at
FROM classified
