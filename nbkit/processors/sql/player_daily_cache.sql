-- Player daily cache (domain-spec §3.9): one row per (cache_date, player_lookup) for every player of
-- upcoming_player_game_context on the date. Season-to-date scoring from player_game_summary
-- (same season, game_date <= cache_date, active with minutes > 0), team pace and rating over the
-- team's last 10 games, fatigue copied from the context and shot-zone tendencies from
-- player_shot_zone_analysis. Players with few or no games get flagged rows, never skipped.
WITH
-- The team's last 10 games may reach into the previous season, which also ended within the
-- 260 days season_bounds reads.
/* include fragment: season_bounds */,

/* include fragment: season_window */,

/* include fragment: season_last_dates */,

/* include fragment: team_schedule */,

/* include fragment: context_players */,

/* include fragment: qualifying_games */,

/* include fragment: player_game_windows */,

player_games AS (
  SELECT p.season_year, p.team_game_number, p.player_lookup, p.universal_player_id, p.team_abbr,
         p.game_date, p.points, p.processed_at, p.data_hash,
         CAST(p.minutes_played AS FLOAT64) AS minutes_played,
         CAST(p.usage_rate AS FLOAT64) AS usage_rate,
         CAST(p.ts_pct AS FLOAT64) AS ts_pct,
         p.assisted_fg_makes,
         IF(p.assisted_fg_makes IS NULL, NULL, p.fg_makes) AS assisted_base_fg_makes
  FROM qualifying_games AS p
),

player_rolling AS (
  SELECT player_lookup, season_year, game_date, universal_player_id, data_hash,
         LEAD(game_date) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date) AS next_game_date,
         AVG(points) OVER w5 AS points_avg_last_5,
         AVG(points) OVER w10 AS points_avg_last_10,
         STDDEV_SAMP(points) OVER w10 AS points_std_last_10,
         AVG(minutes_played) OVER w10 AS minutes_avg_last_10,
         AVG(usage_rate) OVER w10 AS usage_rate_last_10,
         AVG(ts_pct) OVER w10 AS ts_pct_last_10,
         SAFE_DIVIDE(SUM(assisted_fg_makes) OVER w10, SUM(assisted_base_fg_makes) OVER w10)
           AS assisted_rate_last_10,
         AVG(points) OVER season AS points_avg_season,
         AVG(usage_rate) OVER season AS usage_rate_season,
         COUNT(*) OVER season AS games_played_season,
         MAX(processed_at) OVER season AS source_last_updated
  FROM player_games
  WINDOW w5 AS (PARTITION BY player_lookup, season_year ORDER BY game_date
                ROWS BETWEEN 4 PRECEDING AND CURRENT ROW),
         w10 AS (PARTITION BY player_lookup, season_year ORDER BY game_date
                 ROWS BETWEEN 9 PRECEDING AND CURRENT ROW),
         season AS (PARTITION BY player_lookup, season_year ORDER BY game_date
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),

player_dates AS (
  -- Each player's latest qualifying game of the season up to each date (a game answers the dates
  -- from its own to the day before his next one).
  SELECT r.*, day AS analysis_date
  FROM player_rolling AS r
  JOIN season_last_dates AS s ON s.season_year = r.season_year
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(
    r.game_date, COALESCE(DATE_SUB(r.next_game_date, INTERVAL 1 DAY), s.last_analysis_date))) AS day
),

team_offense_games AS (
  -- Last 10 team games at each team game, across seasons as in production.
  SELECT o.team_abbr, o.game_date,
         LEAD(o.game_date) OVER (PARTITION BY o.team_abbr ORDER BY o.game_date) AS next_game_date,
         AVG(CAST(o.pace AS FLOAT64)) OVER w10 AS team_pace_last_10,
         AVG(CAST(o.offensive_rating AS FLOAT64)) OVER w10 AS team_off_rating_last_10,
         COUNT(*) OVER w10 AS games_found,
         MAX(o.processed_at) OVER w10 AS source_last_updated,
         o.data_hash
  FROM `nba_analytics.team_offense_game_summary` AS o
  CROSS JOIN bounds AS b
  JOIN team_schedule AS s ON s.team_abbr = o.team_abbr AND s.game_date = o.game_date
  WHERE o.game_date BETWEEN b.first_read_date AND b.last_date
    -- require_partition_filter: BigQuery does not count the join to bounds, only a constant
    AND o.game_date <= (SELECT MAX(d) FROM UNNEST(@dates) AS d)
  WINDOW w10 AS (PARTITION BY o.team_abbr ORDER BY o.game_date ROWS BETWEEN 9 PRECEDING AND CURRENT ROW)
),

team_offense AS (
  -- The team's latest game up to each date (a game answers the dates from its own to the day
  -- before the team's next one, the last one those up to the last requested date).
  SELECT o.*, day AS analysis_date
  FROM team_offense_games AS o
  CROSS JOIN bounds AS b
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(
    o.game_date, COALESCE(DATE_SUB(o.next_game_date, INTERVAL 1 DAY), b.last_date))) AS day
),

player_day_windows AS (
  -- Completeness by days: a game on day g lies in [D-7, D] / [D-14, D] for D = g..g+7 / g..g+14.
  SELECT g.player_lookup, g.team_abbr, a.analysis_date,
         COUNTIF(DATE_DIFF(a.analysis_date, g.game_date, DAY) <= 7) AS games_last_7_days,
         COUNT(*) AS games_last_14_days
  FROM player_games AS g
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(g.game_date, DATE_ADD(g.game_date, INTERVAL 14 DAY))) AS day
  JOIN analysis_dates AS a ON a.analysis_date = day
  GROUP BY g.player_lookup, g.team_abbr, a.analysis_date
),

team_day_windows AS (
  SELECT t.team_abbr, a.analysis_date,
         COUNTIF(DATE_DIFF(a.analysis_date, t.game_date, DAY) <= 7) AS games_last_7_days,
         COUNT(*) AS games_last_14_days
  FROM team_schedule AS t
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(t.game_date, DATE_ADD(t.game_date, INTERVAL 14 DAY))) AS day
  JOIN analysis_dates AS a ON a.analysis_date = day
  GROUP BY t.team_abbr, a.analysis_date
),

joined AS (
  SELECT c.player_lookup, c.game_date AS cache_date, c.team_abbr,
         COALESCE(c.universal_player_id, r.universal_player_id) AS universal_player_id,
         r.points_avg_last_5, r.points_avg_last_10, r.points_avg_season, r.points_std_last_10,
         r.minutes_avg_last_10, r.usage_rate_last_10, r.ts_pct_last_10, r.assisted_rate_last_10,
         r.usage_rate_season, COALESCE(r.games_played_season, 0) AS games_played,
         r.source_last_updated AS player_game_last_updated, r.data_hash AS player_game_hash,
         o.team_pace_last_10, o.team_off_rating_last_10, COALESCE(o.games_found, 0) AS team_games_found,
         o.source_last_updated AS team_offense_last_updated, o.data_hash AS team_offense_hash,
         c.games_in_last_7_days, c.games_in_last_14_days, c.minutes_in_last_7_days,
         c.minutes_in_last_14_days, c.back_to_backs_last_14_days, c.avg_minutes_per_game_last_7,
         c.fourth_quarter_minutes_last_7, c.player_age,
         c.processed_at AS context_processed_at, c.data_hash AS context_hash,
         z.player_lookup IS NOT NULL AS has_shot_zone,
         z.primary_scoring_zone, z.paint_rate_last_10, z.three_pt_rate_last_10,
         z.processed_at AS shot_zone_processed_at, z.data_hash AS shot_zone_hash,
         LEAST(t.team_game_number, 5) AS expected_l5,
         LEAST(t.team_game_number, 10) AS expected_l10,
         COALESCE(gw.games_last_5, 0) AS actual_l5,
         COALESCE(gw.games_last_10, 0) AS actual_l10,
         td.games_last_7_days AS expected_l7d,
         td.games_last_14_days AS expected_l14d,
         COALESCE(pd.games_last_7_days, 0) AS actual_l7d,
         COALESCE(pd.games_last_14_days, 0) AS actual_l14d
  FROM context_players AS c
  LEFT JOIN player_dates AS r
    ON r.player_lookup = c.player_lookup AND r.season_year = c.season_year
   AND r.analysis_date = c.game_date
  LEFT JOIN team_offense AS o ON o.team_abbr = c.team_abbr AND o.analysis_date = c.game_date
  LEFT JOIN `nba_precompute.player_shot_zone_analysis` AS z
    ON z.analysis_date = c.game_date AND z.player_lookup = c.player_lookup
  LEFT JOIN team_latest_game AS t
    ON t.analysis_date = c.game_date AND t.season_year = c.season_year AND t.team_abbr = c.team_abbr
  LEFT JOIN player_game_windows AS gw
    ON gw.player_lookup = c.player_lookup AND gw.team_abbr = c.team_abbr
   AND gw.season_year = c.season_year AND gw.team_game_number = t.team_game_number
  LEFT JOIN team_day_windows AS td
    ON td.team_abbr = c.team_abbr AND td.analysis_date = c.game_date
  LEFT JOIN player_day_windows AS pd
    ON pd.player_lookup = c.player_lookup AND pd.team_abbr = c.team_abbr
   AND pd.analysis_date = c.game_date
),

completeness AS (
  SELECT *,
         ROUND(100 * SAFE_DIVIDE(actual_l5, expected_l5), 1) AS l5_pct,
         ROUND(100 * SAFE_DIVIDE(actual_l10, expected_l10), 1) AS l10_pct,
         ROUND(100 * SAFE_DIVIDE(actual_l7d, expected_l7d), 1) AS l7d_pct,
         ROUND(100 * SAFE_DIVIDE(actual_l14d, expected_l14d), 1) AS l14d_pct,
         games_played < 10 AS early_season
  FROM joined
),

readiness AS (
  SELECT *,
         COALESCE(l5_pct >= 90, FALSE) AS l5_ready,
         COALESCE(l10_pct >= 90, FALSE) AS l10_ready,
         COALESCE(l7d_pct >= 90, FALSE) AS l7d_ready,
         COALESCE(l14d_pct >= 90, FALSE) AS l14d_ready
  FROM completeness
)

SELECT
  player_lookup,
  universal_player_id,
  cache_date,
  CAST(ROUND(points_avg_last_5, 1) AS NUMERIC) AS points_avg_last_5,
  CAST(ROUND(points_avg_last_10, 1) AS NUMERIC) AS points_avg_last_10,
  CAST(ROUND(points_avg_season, 1) AS NUMERIC) AS points_avg_season,
  CAST(ROUND(points_std_last_10, 2) AS NUMERIC) AS points_std_last_10,
  CAST(ROUND(minutes_avg_last_10, 1) AS NUMERIC) AS minutes_avg_last_10,
  CAST(ROUND(usage_rate_last_10, 2) AS NUMERIC) AS usage_rate_last_10,
  CAST(ROUND(ts_pct_last_10, 3) AS NUMERIC) AS ts_pct_last_10,
  games_played AS games_played_season,
  CAST(ROUND(team_pace_last_10, 1) AS NUMERIC) AS team_pace_last_10,
  CAST(ROUND(team_off_rating_last_10, 2) AS NUMERIC) AS team_off_rating_last_10,
  CAST(ROUND(usage_rate_season, 2) AS NUMERIC) AS player_usage_rate_season,
  games_in_last_7_days,
  games_in_last_14_days,
  minutes_in_last_7_days,
  minutes_in_last_14_days,
  back_to_backs_last_14_days,
  avg_minutes_per_game_last_7,
  fourth_quarter_minutes_last_7,
  primary_scoring_zone,
  paint_rate_last_10,
  three_pt_rate_last_10,
  -- A fraction (0.57), unlike player_shot_zone_analysis which stores a percentage (57.0).
  CAST(ROUND(assisted_rate_last_10, 2) AS NUMERIC) AS assisted_rate_last_10,
  player_age,
  -- Source lineage of the rows each source contributed to this player's row.
  player_game_last_updated AS source_player_game_last_updated,
  games_played AS source_player_game_rows_found,
  CAST(LEAST(COALESCE(l10_pct, 0), 100) AS NUMERIC) AS source_player_game_completeness_pct,
  player_game_hash AS source_player_game_hash,
  team_offense_last_updated AS source_team_offense_last_updated,
  team_games_found AS source_team_offense_rows_found,
  CAST(10 * team_games_found AS NUMERIC) AS source_team_offense_completeness_pct,
  team_offense_hash AS source_team_offense_hash,
  context_processed_at AS source_upcoming_context_last_updated,
  1 AS source_upcoming_context_rows_found,
  CAST(100 AS NUMERIC) AS source_upcoming_context_completeness_pct,
  context_hash AS source_upcoming_context_hash,
  shot_zone_processed_at AS source_shot_zone_last_updated,
  IF(has_shot_zone, 1, 0) AS source_shot_zone_rows_found,
  CAST(IF(has_shot_zone, 100, 0) AS NUMERIC) AS source_shot_zone_completeness_pct,
  shot_zone_hash AS source_shot_zone_hash,
  -- SHA-256 of the sorted "field:value" pairs of key, integer and text outputs (no floats: their
  -- text form differs between BigQuery and DuckDB), first 16 hex characters.
  SUBSTR(TO_HEX(SHA256(CONCAT(
    'actual_l10:', CAST(actual_l10 AS STRING),
    '|cache_date:', CAST(cache_date AS STRING),
    '|cache_version:v1',
    '|games_played_season:', CAST(games_played AS STRING),
    '|player_game_hash:', COALESCE(player_game_hash, 'NULL'),
    '|player_lookup:', player_lookup,
    '|primary_scoring_zone:', COALESCE(primary_scoring_zone, 'NULL'),
    '|team_abbr:', team_abbr,
    '|team_games_found:', CAST(team_games_found AS STRING)))), 1, 16) AS data_hash,
  early_season AS early_season_flag,
  IF(early_season, CONCAT('Only ', CAST(games_played AS STRING), ' games played, need 10 minimum'), NULL)
    AS insufficient_data_reason,
  expected_l10 AS expected_games_count,
  actual_l10 AS actual_games_count,
  l10_pct AS completeness_percentage,
  expected_l10 - actual_l10 AS missing_games_count,
  -- Production skipped players without a shot-zone row (MISSING_DEPENDENCY): never ready.
  NOT early_season AND has_shot_zone AND l5_ready AND l10_ready AND l7d_ready AND l14d_ready
    AS is_production_ready,
  ARRAY_CONCAT(
    IF(early_season, ['thin_sample'], ARRAY<STRING>[]),
    IF(games_played < 5, ['below_minimum_games'], ARRAY<STRING>[]),
    IF(l5_ready AND l10_ready AND l7d_ready AND l14d_ready, ARRAY<STRING>[], ['incomplete_upstream_games']),
    IF(has_shot_zone, ARRAY<STRING>[], ['missing_player_shot_zone_analysis']),
    IF(team_games_found > 0, ARRAY<STRING>[], ['missing_team_offense'])) AS data_quality_issues,
  /* include fragment: phase4_processing_state(cache_date) */,
  l5_pct AS l5_completeness_pct,
  l5_ready AS l5_is_complete,
  l10_pct AS l10_completeness_pct,
  l10_ready AS l10_is_complete,
  l7d_pct AS l7d_completeness_pct,
  l7d_ready AS l7d_is_complete,
  l14d_pct AS l14d_completeness_pct,
  l14d_ready AS l14d_is_complete,
  l5_ready AND l10_ready AND l7d_ready AND l14d_ready AS all_windows_complete,
  CASE WHEN l10_pct >= 95 THEN 'gold' WHEN l10_pct >= 75 THEN 'silver' WHEN l10_pct >= 50 THEN 'bronze'
       WHEN l10_pct >= 25 THEN 'poor' ELSE 'unusable' END AS quality_tier,
  l10_pct AS quality_score,
  'v1' AS cache_version,
  CURRENT_TIMESTAMP() AS created_at,
  CURRENT_TIMESTAMP() AS processed_at
FROM readiness
