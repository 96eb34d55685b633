-- ML feature store v2 (domain-spec §3.10): one row per (game_date, player_lookup, feature_version)
-- for every player of upcoming_player_game_context on the date: the 25 v1_baseline_25 features in
-- their fixed order. Each feature takes the first available source of its chain (Phase 4 row,
-- Phase 3 fallback over games strictly before the date, as in production), else its default, so
-- no NULL or NaN ever reaches the array (defect D12).
WITH
bounds AS (
  -- The Phase 3 fallback takes each player's last 10 games before the date across seasons; a year
  -- back covers the offseason (season-to-date windows need at most 260 days).
  SELECT DATE_SUB(MIN(d), INTERVAL 365 DAY) AS first_read_date, MAX(d) AS last_date
  FROM UNNEST(@dates) AS d
),

/* include fragment: season_window */,

/* include fragment: season_last_dates */,

/* include fragment: team_schedule */,

/* include fragment: context_players */,

/* include fragment: qualifying_games */,

player_history AS (
  -- Trailing windows at each qualifying game; the game just before a date answers "last N before D".
  SELECT p.player_lookup, p.season_year, p.game_date,
         COUNT(*) OVER last10 AS games_10,
         AVG(p.points) OVER last5 AS points_avg_5,
         AVG(p.points) OVER last10 AS points_avg_10,
         AVG(CAST(p.minutes_played AS FLOAT64)) OVER last10 AS minutes_avg_10,
         SUM(p.points) OVER last10 AS points_10,
         SUM(p.ft_makes) OVER last10 AS ft_makes_10,
         AVG(p.points) OVER (PARTITION BY p.player_lookup ORDER BY p.game_date
                             ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS points_avg_newest_3,
         AVG(p.points) OVER (PARTITION BY p.player_lookup ORDER BY p.game_date
                             ROWS BETWEEN 4 PRECEDING AND 3 PRECEDING) AS points_avg_older_2,
         AVG(p.points) OVER season AS season_points_avg,
         AVG(CAST(p.minutes_played AS FLOAT64)) OVER season AS season_minutes_avg
  FROM qualifying_games AS p
  WINDOW last5 AS (PARTITION BY p.player_lookup ORDER BY p.game_date ROWS BETWEEN 4 PRECEDING AND CURRENT ROW),
         last10 AS (PARTITION BY p.player_lookup ORDER BY p.game_date ROWS BETWEEN 9 PRECEDING AND CURRENT ROW),
         season AS (PARTITION BY p.player_lookup, p.season_year ORDER BY p.game_date
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),

last_games AS (
  -- Each context row's latest qualifying game strictly before its date: the running maximum of
  -- the player's game dates over his games and context dates in date order (on one date, the
  -- context row first).
  SELECT player_lookup, day AS game_date, last_game_date
  FROM (
    SELECT player_lookup, day, is_game,
           MAX(IF(is_game, day, NULL)) OVER (PARTITION BY player_lookup ORDER BY day, is_game
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
             AS last_game_date
    FROM (
      SELECT player_lookup, game_date AS day, TRUE AS is_game FROM qualifying_games
      UNION ALL
      SELECT player_lookup, game_date AS day, FALSE AS is_game FROM context_players
    )
  )
  WHERE NOT is_game
),

team_record_games AS (
  -- Season-to-date wins and games after each team game.
  SELECT o.team_abbr, s.season_year, o.game_date,
         LEAD(o.game_date) OVER (PARTITION BY o.team_abbr, s.season_year ORDER BY o.game_date) AS next_game_date,
         SUM(IF(o.win_flag, 1, 0)) OVER season AS wins,
         COUNT(*) OVER season AS games
  FROM `nba_analytics.team_offense_game_summary` AS o
  CROSS JOIN bounds AS b
  JOIN team_schedule AS s ON s.team_abbr = o.team_abbr AND s.game_date = o.game_date
  WHERE o.game_date BETWEEN b.first_read_date AND b.last_date
    -- require_partition_filter: BigQuery does not count the join to bounds, only a constant
    AND o.game_date <= (SELECT MAX(d) FROM UNNEST(@dates) AS d)
  WINDOW season AS (PARTITION BY o.team_abbr, s.season_year ORDER BY o.game_date
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),

team_record AS (
  -- The record before each date: a game answers the dates from the day after it to the day of
  -- the team's next game of the season.
  SELECT t.*, day AS analysis_date
  FROM team_record_games AS t
  JOIN season_last_dates AS s ON s.season_year = t.season_year
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(
    DATE_ADD(t.game_date, INTERVAL 1 DAY), COALESCE(t.next_game_date, s.last_analysis_date))) AS day
),

sources AS (
  SELECT f.player_lookup, f.game_date, f.game_id, f.opponent_team_abbr, f.home_game, f.days_rest,
         COALESCE(f.universal_player_id, c.universal_player_id, k.universal_player_id) AS universal_player_id,
         -- Phase 4
         CAST(c.points_avg_last_5 AS FLOAT64) AS pdc_points_avg_5,
         CAST(c.points_avg_last_10 AS FLOAT64) AS pdc_points_avg_10,
         CAST(c.points_avg_season AS FLOAT64) AS pdc_points_avg_season,
         CAST(c.points_std_last_10 AS FLOAT64) AS pdc_points_std_10,
         CAST(c.games_in_last_7_days AS FLOAT64) AS pdc_games_last_7,
         CAST(c.minutes_avg_last_10 AS FLOAT64) AS pdc_minutes_avg_10,
         CAST(c.team_pace_last_10 AS FLOAT64) AS pdc_team_pace,
         CAST(c.team_off_rating_last_10 AS FLOAT64) AS pdc_team_off_rating,
         CAST(k.fatigue_score AS FLOAT64) AS pcf_fatigue,
         CAST(k.shot_zone_mismatch_score AS FLOAT64) AS pcf_shot_zone,
         CAST(k.pace_score AS FLOAT64) AS pcf_pace,
         CAST(k.usage_spike_score AS FLOAT64) AS pcf_usage_spike,
         CAST(COALESCE(z.paint_rate_last_10, c.paint_rate_last_10) AS FLOAT64) AS paint_rate,
         CAST(z.mid_range_rate_last_10 AS FLOAT64) AS mid_range_rate,
         CAST(COALESCE(z.three_pt_rate_last_10, c.three_pt_rate_last_10) AS FLOAT64) AS three_pt_rate,
         CAST(d.defensive_rating_last_15 AS FLOAT64) AS tdza_def_rating,
         CAST(d.opponent_pace AS FLOAT64) AS tdza_opponent_pace,
         -- Phase 3 (games strictly before the date)
         h.games_10, h.points_10, h.ft_makes_10, h.minutes_avg_10,
         IF(h.games_10 >= 5, h.points_avg_5, NULL) AS p3_points_avg_5,
         h.points_avg_10 AS p3_points_avg_10,
         IF(h.season_year = f.season_year, h.season_points_avg, NULL) AS p3_points_avg_season,
         IF(h.season_year = f.season_year, h.season_minutes_avg, NULL) AS p3_minutes_avg_season,
         h.points_avg_newest_3, h.points_avg_older_2,
         f.back_to_back, f.season_phase, f.player_status, f.opponent_days_rest,
         t.wins AS team_wins, t.games AS team_games,
         -- lineage, readiness, completeness
         c.player_lookup IS NOT NULL AS has_daily_cache, k.player_lookup IS NOT NULL AS has_composite,
         z.player_lookup IS NOT NULL AS has_shot_zone, d.team_abbr IS NOT NULL AS has_team_defense,
         c.processed_at AS daily_cache_processed_at, c.data_hash AS daily_cache_hash,
         k.processed_at AS composite_processed_at, k.data_hash AS composite_hash,
         z.processed_at AS shot_zone_processed_at, z.data_hash AS shot_zone_hash,
         d.processed_at AS team_defense_processed_at, d.data_hash AS team_defense_hash,
         COALESCE(c.is_production_ready, FALSE) AS daily_cache_ready,
         COALESCE(k.is_production_ready, FALSE) AS composite_ready,
         COALESCE(z.is_production_ready, FALSE) AS shot_zone_ready,
         COALESCE(d.is_production_ready, FALSE) AS team_defense_ready,
         COALESCE(c.early_season_flag, z.early_season_flag, TRUE) AS early_season,
         COALESCE(c.insufficient_data_reason, z.insufficient_data_reason,
                  'No player_daily_cache or player_shot_zone_analysis row') AS early_season_reason,
         z.expected_games_count, z.actual_games_count, z.completeness_percentage
  FROM context_players AS f
  LEFT JOIN `nba_precompute.player_daily_cache` AS c
    ON c.cache_date = f.game_date AND c.player_lookup = f.player_lookup
  LEFT JOIN `nba_precompute.player_composite_factors` AS k
    ON k.game_date = f.game_date AND k.player_lookup = f.player_lookup AND k.game_id = f.game_id
  LEFT JOIN `nba_precompute.player_shot_zone_analysis` AS z
    ON z.analysis_date = f.game_date AND z.player_lookup = f.player_lookup
  LEFT JOIN `nba_precompute.team_defense_zone_analysis` AS d
    ON d.analysis_date = f.game_date AND d.team_abbr = f.opponent_team_abbr
  LEFT JOIN last_games AS l ON l.player_lookup = f.player_lookup AND l.game_date = f.game_date
  LEFT JOIN player_history AS h
    ON h.player_lookup = f.player_lookup AND h.game_date = l.last_game_date
  LEFT JOIN team_record AS t
    ON t.team_abbr = f.team_abbr AND t.season_year = f.season_year AND t.analysis_date = f.game_date
),

features AS (
  SELECT *,
         COALESCE(pdc_points_avg_5, p3_points_avg_5, 10.0) AS f00,
         COALESCE(pdc_points_avg_10, p3_points_avg_10, 10.0) AS f01,
         COALESCE(pdc_points_avg_season, p3_points_avg_season, 10.0) AS f02,
         COALESCE(pdc_points_std_10, 5.0) AS f03,
         COALESCE(pdc_games_last_7, 3.0) AS f04,
         COALESCE(pcf_fatigue, 50.0) AS f05,
         COALESCE(pcf_shot_zone, 0.0) AS f06,
         COALESCE(pcf_pace, 0.0) AS f07,
         COALESCE(pcf_usage_spike, 0.0) AS f08,
         CAST(COALESCE(GREATEST(-2, LEAST(2, days_rest - opponent_days_rest)), 0) AS FLOAT64) AS f09,
         CASE LOWER(COALESCE(player_status, ''))
           WHEN 'probable' THEN 1.0 WHEN 'questionable' THEN 2.0
           WHEN 'doubtful' THEN 3.0 WHEN 'out' THEN 3.0 ELSE 0.0 END AS f10,
         -- Newest 3 minus the 2 before them: improving form is positive, as the production
         -- docstring says (defect D16 inverted the sign).
         CASE
           WHEN COALESCE(games_10, 0) < 5 THEN 0.0
           WHEN points_avg_newest_3 - points_avg_older_2 >= 5 THEN 2.0
           WHEN points_avg_newest_3 - points_avg_older_2 >= 2 THEN 1.0
           WHEN points_avg_newest_3 - points_avg_older_2 <= -5 THEN -2.0
           WHEN points_avg_newest_3 - points_avg_older_2 <= -2 THEN -1.0
           ELSE 0.0
         END AS f11,
         COALESCE(pdc_minutes_avg_10, minutes_avg_10) AS recent_minutes,
         COALESCE(tdza_def_rating, 112.0) AS f13,
         COALESCE(tdza_opponent_pace, 100.0) AS f14,
         IF(COALESCE(home_game, FALSE), 1.0, 0.0) AS f15,
         IF(COALESCE(back_to_back, FALSE), 1.0, 0.0) AS f16,
         IF(season_phase = 'playoffs', 1.0, 0.0) AS f17,
         COALESCE(paint_rate, 30.0) / 100 AS f18,
         COALESCE(mid_range_rate, 20.0) / 100 AS f19,
         COALESCE(three_pt_rate, 35.0) / 100 AS f20,
         CASE
           WHEN COALESCE(games_10, 0) < 5 OR points_10 = 0 THEN 0.15
           ELSE GREATEST(0.0, LEAST(0.5, ft_makes_10 / points_10))
         END AS f21,
         COALESCE(pdc_team_pace, 100.0) AS f22,
         COALESCE(pdc_team_off_rating, 112.0) AS f23,
         IF(COALESCE(team_games, 0) < 5, 0.5, team_wins / team_games) AS f24
  FROM sources
),

scored AS (
  SELECT *,
         CASE
           WHEN COALESCE(recent_minutes, 0) = 0 OR COALESCE(p3_minutes_avg_season, 0) = 0 THEN 0.0
           WHEN (recent_minutes - p3_minutes_avg_season) / p3_minutes_avg_season >= 0.20 THEN 2.0
           WHEN (recent_minutes - p3_minutes_avg_season) / p3_minutes_avg_season >= 0.10 THEN 1.0
           WHEN (recent_minutes - p3_minutes_avg_season) / p3_minutes_avg_season <= -0.20 THEN -2.0
           WHEN (recent_minutes - p3_minutes_avg_season) / p3_minutes_avg_season <= -0.10 THEN -1.0
           ELSE 0.0
         END AS f12,
         -- Feature sources: 16 Phase 4 slots, 3 fixed Phase 3 slots (15-17), 6 calculated
         -- (9-12, 21, 24); a Phase 4 slot without its source falls back to Phase 3 or a default.
         IF(pdc_points_avg_5 IS NULL, 0, 1) + IF(pdc_points_avg_10 IS NULL, 0, 1)
         + IF(pdc_points_avg_season IS NULL, 0, 1) + IF(pdc_points_std_10 IS NULL, 0, 1)
         + IF(pdc_games_last_7 IS NULL, 0, 1) + IF(pcf_fatigue IS NULL, 0, 1)
         + IF(pcf_shot_zone IS NULL, 0, 1) + IF(pcf_pace IS NULL, 0, 1)
         + IF(pcf_usage_spike IS NULL, 0, 1) + IF(tdza_def_rating IS NULL, 0, 1)
         + IF(tdza_opponent_pace IS NULL, 0, 1) + IF(paint_rate IS NULL, 0, 1)
         + IF(mid_range_rate IS NULL, 0, 1) + IF(three_pt_rate IS NULL, 0, 1)
         + IF(pdc_team_pace IS NULL, 0, 1) + IF(pdc_team_off_rating IS NULL, 0, 1) AS phase4_features,
         3 + IF(pdc_points_avg_5 IS NULL AND p3_points_avg_5 IS NOT NULL, 1, 0)
         + IF(pdc_points_avg_10 IS NULL AND p3_points_avg_10 IS NOT NULL, 1, 0)
         + IF(pdc_points_avg_season IS NULL AND p3_points_avg_season IS NOT NULL, 1, 0) AS phase3_features
  FROM features
),

quality AS (
  SELECT *,
         ROUND((100 * phase4_features + 75 * phase3_features
                + 40 * (19 - phase4_features - phase3_features) + 100 * 6) / 25.0, 2) AS quality_score,
         [f00, f01, f02, f03, f04, f05, f06, f07, f08, f09, f10, f11, f12,
          f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24] AS feature_values,
         -- Features as integer thousandths, for data_hash.
         ARRAY_TO_STRING([
           CAST(CAST(ROUND(f00 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f01 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f02 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f03 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f04 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f05 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f06 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f07 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f08 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f09 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f10 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f11 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f12 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f13 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f14 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f15 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f16 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f17 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f18 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f19 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f20 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f21 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f22 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f23 * 1000) AS INT64) AS STRING),
           CAST(CAST(ROUND(f24 * 1000) AS INT64) AS STRING)], ',') AS feature_thousandths,
         COALESCE(completeness_percentage, 0) >= 90 AND daily_cache_ready AND composite_ready
           AND shot_zone_ready AND team_defense_ready AS production_ready
  FROM scored
)

SELECT
  player_lookup,
  universal_player_id,
  game_date,
  game_id,
  feature_values AS features,
  ['points_avg_last_5', 'points_avg_last_10', 'points_avg_season', 'points_std_last_10',
   'games_in_last_7_days', 'fatigue_score', 'shot_zone_mismatch_score', 'pace_score',
   'usage_spike_score', 'rest_advantage', 'injury_risk', 'recent_trend', 'minutes_change',
   'opponent_def_rating', 'opponent_pace', 'home_away', 'back_to_back', 'playoff_game',
   'pct_paint', 'pct_mid_range', 'pct_three', 'pct_free_throw', 'team_pace', 'team_off_rating',
   'team_win_pct'] AS feature_names,
  25 AS feature_count,
  'v1_baseline_25' AS feature_version,
  -- Per-row timing has no meaning in a set-based computation.
  CAST(NULL AS INT64) AS feature_generation_time_ms,
  CAST(quality_score AS NUMERIC) AS feature_quality_score,
  opponent_team_abbr,
  home_game AS is_home,
  days_rest,
  CASE
    WHEN phase4_features >= 0.90 * 25 THEN 'phase4'
    WHEN phase4_features >= 0.50 * 25 THEN 'phase4_partial'
    WHEN phase3_features >= 0.50 * 25 THEN 'phase3'
    ELSE 'mixed'
  END AS data_source,
  -- Source lineage of the one Phase 4 row each source contributed (none: 0 rows, 0 %).
  daily_cache_processed_at AS source_daily_cache_last_updated,
  IF(has_daily_cache, 1, 0) AS source_daily_cache_rows_found,
  CAST(IF(has_daily_cache, 100, 0) AS NUMERIC) AS source_daily_cache_completeness_pct,
  daily_cache_hash AS source_daily_cache_hash,
  composite_processed_at AS source_composite_last_updated,
  IF(has_composite, 1, 0) AS source_composite_rows_found,
  CAST(IF(has_composite, 100, 0) AS NUMERIC) AS source_composite_completeness_pct,
  composite_hash AS source_composite_hash,
  shot_zone_processed_at AS source_shot_zones_last_updated,
  IF(has_shot_zone, 1, 0) AS source_shot_zones_rows_found,
  CAST(IF(has_shot_zone, 100, 0) AS NUMERIC) AS source_shot_zones_completeness_pct,
  shot_zone_hash AS source_shot_zones_hash,
  team_defense_processed_at AS source_team_defense_last_updated,
  IF(has_team_defense, 1, 0) AS source_team_defense_rows_found,
  CAST(IF(has_team_defense, 100, 0) AS NUMERIC) AS source_team_defense_completeness_pct,
  team_defense_hash AS source_team_defense_hash,
  early_season AS early_season_flag,
  IF(early_season, early_season_reason, NULL) AS insufficient_data_reason,
  expected_games_count,
  COALESCE(actual_games_count, 0) AS actual_games_count,
  COALESCE(completeness_percentage, 0.0) AS completeness_percentage,
  expected_games_count - actual_games_count AS missing_games_count,
  production_ready AS is_production_ready,
  ARRAY_CONCAT(
    IF(early_season, ['thin_sample'], ARRAY<STRING>[]),
    IF(COALESCE(completeness_percentage, 0) < 90, ['incomplete_upstream_games'], ARRAY<STRING>[]),
    IF(daily_cache_ready, ARRAY<STRING>[], ['upstream_daily_cache_incomplete']),
    IF(composite_ready, ARRAY<STRING>[], ['upstream_composite_incomplete']),
    IF(shot_zone_ready, ARRAY<STRING>[], ['upstream_shot_zone_incomplete']),
    IF(team_defense_ready, ARRAY<STRING>[], ['upstream_team_defense_incomplete']),
    IF(phase4_features + phase3_features < 19, ['features_defaulted'], ARRAY<STRING>[])) AS data_quality_issues,
  /* include fragment: phase4_processing_state(game_date) */,
  CASE WHEN quality_score >= 95 THEN 'gold' WHEN quality_score >= 75 THEN 'silver'
       WHEN quality_score >= 50 THEN 'bronze' WHEN quality_score >= 25 THEN 'poor' ELSE 'unusable' END
    AS quality_tier,
  -- SHA-256 of the sorted "field:value" pairs: keys, text outputs and the features as integers in
  -- thousandths (float text differs between BigQuery and DuckDB), first 16 hex characters.
  SUBSTR(TO_HEX(SHA256(CONCAT(
    'data_source:', CASE WHEN phase4_features >= 0.90 * 25 THEN 'phase4'
                         WHEN phase4_features >= 0.50 * 25 THEN 'phase4_partial'
                         WHEN phase3_features >= 0.50 * 25 THEN 'phase3' ELSE 'mixed' END,
    '|features_x1000:', feature_thousandths,
    '|feature_version:v1_baseline_25',
    '|game_date:', CAST(game_date AS STRING),
    '|game_id:', game_id,
    '|player_lookup:', player_lookup))), 1, 16) AS data_hash,
  CURRENT_TIMESTAMP() AS created_at,
  CAST(NULL AS TIMESTAMP) AS updated_at,
  CURRENT_TIMESTAMP() AS processed_at
FROM quality
