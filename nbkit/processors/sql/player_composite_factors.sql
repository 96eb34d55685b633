-- Player composite factors (domain-spec §3.8): one row per (game_date, player_lookup, game_id) of
-- upcoming_player_game_context, game_date = analysis_date. Four active adjustment factors, four
-- deferred ones fixed at 0.0, and their total. Every NULL input falls back to the documented
-- default (defect D6: the production code raised on NULL ages, usage and pace).
WITH
-- Only opening night is read from the past.
/* include fragment: season_bounds */,

/* include fragment: season_window */,

player_context AS (
  SELECT u.*
  FROM `nba_analytics.upcoming_player_game_context` AS u
  JOIN analysis_dates AS a ON a.analysis_date = u.game_date
  WHERE u.game_date IN UNNEST(@dates)
  -- Guard against duplicate context rows for one player-game (defect D4 fan-out).
  QUALIFY ROW_NUMBER() OVER (PARTITION BY u.game_date, u.player_lookup, u.game_id
                             ORDER BY u.processed_at DESC, u.current_points_line DESC) = 1
),

inputs AS (
  SELECT c.player_lookup, COALESCE(c.universal_player_id, z.universal_player_id) AS universal_player_id,
         c.game_id, c.game_date, c.opponent_team_abbr,
         c.days_rest, c.projected_usage_rate, c.pace_differential,
         COALESCE(c.back_to_back, FALSE) AS back_to_back,
         COALESCE(c.days_rest, 1) AS rest_days,
         COALESCE(c.games_in_last_7_days, 3) AS games_last_7,
         COALESCE(c.minutes_in_last_7_days, 200) AS minutes_last_7,
         COALESCE(CAST(c.avg_minutes_per_game_last_7 AS FLOAT64), 30.0) AS avg_minutes_last_7,
         COALESCE(c.back_to_backs_last_14_days, 0) AS back_to_backs_last_14,
         COALESCE(c.player_age, 25) AS age,
         COALESCE(CAST(c.pace_differential AS FLOAT64), 0.0) AS pace_diff,
         CAST(c.opponent_pace_last_10 AS FLOAT64) AS opponent_pace_last_10,
         COALESCE(CAST(c.projected_usage_rate AS FLOAT64), 25.0) AS projected_usage,
         COALESCE(CAST(c.avg_usage_rate_last_7_games AS FLOAT64), 25.0) AS baseline_usage,
         COALESCE(c.star_teammates_out, 0) AS stars_out,
         COALESCE(c.is_production_ready, FALSE) AS context_ready,
         c.processed_at AS context_processed_at, c.data_hash AS context_hash,
         z.player_lookup IS NOT NULL AS has_shot_zone,
         z.primary_scoring_zone,
         CAST(CASE COALESCE(z.primary_scoring_zone, 'paint')
                WHEN 'paint' THEN z.paint_rate_last_10
                WHEN 'mid_range' THEN z.mid_range_rate_last_10
                WHEN 'perimeter' THEN z.three_pt_rate_last_10 END AS FLOAT64) AS zone_usage_rate,
         z.early_season_flag AS shot_zone_early_season, z.insufficient_data_reason AS shot_zone_reason,
         z.expected_games_count, z.actual_games_count, z.completeness_percentage,
         COALESCE(z.is_production_ready, FALSE) AS shot_zone_ready,
         z.processed_at AS shot_zone_processed_at, z.data_hash AS shot_zone_hash,
         d.team_abbr IS NOT NULL AS has_team_defense,
         d.weakest_zone AS opponent_weakest_zone,
         CAST(CASE COALESCE(z.primary_scoring_zone, 'paint')
                WHEN 'paint' THEN d.paint_defense_vs_league_avg
                WHEN 'mid_range' THEN d.mid_range_defense_vs_league_avg
                WHEN 'perimeter' THEN d.three_pt_defense_vs_league_avg END AS FLOAT64)
           AS opponent_zone_defense,
         COALESCE(d.is_production_ready, FALSE) AS team_defense_ready,
         d.processed_at AS team_defense_processed_at, d.data_hash AS team_defense_hash,
         t.team_abbr IS NOT NULL AS has_team_context,
         COALESCE(t.is_production_ready, FALSE) AS team_context_ready,
         t.processed_at AS team_context_processed_at, t.data_hash AS team_context_hash
  FROM player_context AS c
  LEFT JOIN `nba_precompute.player_shot_zone_analysis` AS z
    ON z.analysis_date = c.game_date AND z.player_lookup = c.player_lookup
  LEFT JOIN `nba_precompute.team_defense_zone_analysis` AS d
    ON d.analysis_date = c.game_date AND d.team_abbr = c.opponent_team_abbr
  -- upcoming_team_game_context keys games by the schedule's NBA id, so match on date and both
  -- teams (defect D10: joining on game_id across formats silently matches nothing; the date and
  -- team alone match twice when a team plays two All-Star weekend games in one night).
  LEFT JOIN `nba_analytics.upcoming_team_game_context` AS t
    ON t.game_date = c.game_date AND t.team_abbr = c.opponent_team_abbr
   AND t.opponent_team_abbr = c.team_abbr
),

raw_scores AS (
  SELECT *,
         GREATEST(0, LEAST(100, 100
           + CASE WHEN back_to_back THEN -15 WHEN rest_days >= 3 THEN 5 ELSE 0 END
           + IF(games_last_7 >= 4, -10, 0)
           + IF(minutes_last_7 > 240, -10, 0)
           + IF(avg_minutes_last_7 > 35, -8, 0)
           + CASE WHEN back_to_backs_last_14 >= 2 THEN -12 WHEN back_to_backs_last_14 = 1 THEN -5 ELSE 0 END
           + CASE WHEN age >= 35 THEN -10 WHEN age >= 30 THEN -5 ELSE 0 END)) AS fatigue,
         COALESCE(opponent_zone_defense, 0.0) * LEAST(COALESCE(zone_usage_rate, 50.0) / 50.0, 1.0)
           AS zone_weighted,
         GREATEST(-3.0, LEAST(3.0, pace_diff / 2.0)) AS pace,
         (projected_usage - baseline_usage) * 0.3 AS usage_base
  FROM inputs
),

scores AS (
  SELECT *,
         ROUND(IF(has_shot_zone AND has_team_defense,
                  GREATEST(-10.0, LEAST(10.0, IF(ABS(zone_weighted) > 5.0, zone_weighted * 1.2, zone_weighted))),
                  0.0), 1) AS shot_zone,
         ROUND(pace, 1) AS pace_rounded,
         ROUND(IF(baseline_usage = 0, 0.0, GREATEST(-3.0, LEAST(3.0,
           usage_base * CASE WHEN stars_out >= 2 AND usage_base > 0 THEN 1.30
                             WHEN stars_out = 1 AND usage_base > 0 THEN 1.15 ELSE 1.0 END))), 1) AS usage_spike
  FROM raw_scores
),

totals AS (
  SELECT *,
         ROUND((fatigue - 100) / 20.0 + shot_zone + pace_rounded + usage_spike, 2) AS total,
         (IF(days_rest IS NULL, 0, 1) + IF(projected_usage_rate IS NULL, 0, 1)
          + IF(pace_differential IS NULL, 0, 1) + IF(has_shot_zone, 1, 0)
          + IF(has_team_defense, 1, 0)) * 20.0 AS completeness_of_inputs,
         COALESCE(shot_zone_early_season, TRUE) AS early_season,
         shot_zone_ready AND team_defense_ready AND context_ready AND team_context_ready AS upstreams_ready
  FROM scores
)

SELECT
  player_lookup,
  universal_player_id,
  game_date,
  game_id,
  game_date AS analysis_date,
  opponent_team_abbr,
  fatigue AS fatigue_score,
  CAST(shot_zone AS NUMERIC) AS shot_zone_mismatch_score,
  CAST(pace_rounded AS NUMERIC) AS pace_score,
  CAST(usage_spike AS NUMERIC) AS usage_spike_score,
  CAST(0.0 AS NUMERIC) AS referee_favorability_score,
  CAST(0.0 AS NUMERIC) AS look_ahead_pressure_score,
  CAST(0.0 AS NUMERIC) AS travel_impact_score,
  CAST(0.0 AS NUMERIC) AS opponent_strength_score,
  CAST(total AS NUMERIC) AS total_composite_adjustment,
  TO_JSON_STRING(STRUCT(
    rest_days AS days_rest, back_to_back AS back_to_back, games_last_7 AS games_in_last_7_days,
    minutes_last_7 AS minutes_in_last_7_days, avg_minutes_last_7 AS avg_minutes_per_game_last_7,
    back_to_backs_last_14 AS back_to_backs_last_14_days, age AS player_age,
    fatigue AS final_score)) AS fatigue_context_json,
  TO_JSON_STRING(STRUCT(
    has_shot_zone AND has_team_defense AS data_available,
    COALESCE(primary_scoring_zone, 'paint') AS player_primary_zone,
    COALESCE(zone_usage_rate, 50.0) AS primary_zone_frequency,
    opponent_weakest_zone AS opponent_weak_zone,
    COALESCE(opponent_zone_defense, 0.0) AS opponent_defense_vs_league,
    CASE WHEN shot_zone > 2.0 THEN 'favorable' WHEN shot_zone < -2.0 THEN 'unfavorable' ELSE 'neutral' END
      AS mismatch_type,
    shot_zone AS final_score)) AS shot_zone_context_json,
  TO_JSON_STRING(STRUCT(
    pace_diff AS pace_differential, opponent_pace_last_10 AS opponent_pace_last_10,
    100.0 AS league_avg_pace,
    CASE WHEN pace_diff > 2.0 THEN 'fast' WHEN pace_diff < -2.0 THEN 'slow' ELSE 'normal' END
      AS pace_environment,
    pace_rounded AS final_score)) AS pace_context_json,
  TO_JSON_STRING(STRUCT(
    projected_usage AS projected_usage_rate, baseline_usage AS avg_usage_last_7_games,
    projected_usage - baseline_usage AS usage_differential, stars_out AS star_teammates_out,
    CASE WHEN projected_usage - baseline_usage > 2.0 THEN 'spike'
         WHEN projected_usage - baseline_usage < -2.0 THEN 'drop' ELSE 'stable' END AS usage_trend,
    usage_spike AS final_score)) AS usage_context_json,
  'v1_4factors' AS calculation_version,
  CAST(completeness_of_inputs AS NUMERIC) AS data_completeness_pct,
  NULLIF(ARRAY_TO_STRING(ARRAY_CONCAT(
    IF(days_rest IS NULL, ['days_rest'], ARRAY<STRING>[]),
    IF(projected_usage_rate IS NULL, ['projected_usage_rate'], ARRAY<STRING>[]),
    IF(pace_differential IS NULL, ['pace_differential'], ARRAY<STRING>[]),
    IF(has_shot_zone, ARRAY<STRING>[], ['player_shot_zone_analysis']),
    IF(has_team_defense, ARRAY<STRING>[], ['opponent_team_defense_zone_analysis'])), ', '), '')
    AS missing_data_fields,
  fatigue < 50 OR ABS(shot_zone) > 8.0 OR ABS(total) > 12.0 AS has_warnings,
  NULLIF(ARRAY_TO_STRING(ARRAY_CONCAT(
    IF(fatigue < 50, ['EXTREME_FATIGUE: Player showing severe fatigue'], ARRAY<STRING>[]),
    IF(ABS(shot_zone) > 8.0, ['EXTREME_MATCHUP: Unusual zone mismatch'], ARRAY<STRING>[]),
    IF(ABS(total) > 12.0, ['EXTREME_ADJUSTMENT: Very large composite adjustment'], ARRAY<STRING>[])),
    '; '), '') AS warning_details,
  -- Source lineage of the one upstream row each source contributed (none: 0 rows, 0 %).
  context_processed_at AS source_player_context_last_updated,
  1 AS source_player_context_rows_found,
  CAST(100 AS NUMERIC) AS source_player_context_completeness_pct,
  context_hash AS source_player_context_hash,
  team_context_processed_at AS source_team_context_last_updated,
  IF(has_team_context, 1, 0) AS source_team_context_rows_found,
  CAST(IF(has_team_context, 100, 0) AS NUMERIC) AS source_team_context_completeness_pct,
  team_context_hash AS source_team_context_hash,
  shot_zone_processed_at AS source_player_shot_last_updated,
  IF(has_shot_zone, 1, 0) AS source_player_shot_rows_found,
  CAST(IF(has_shot_zone, 100, 0) AS NUMERIC) AS source_player_shot_completeness_pct,
  shot_zone_hash AS source_player_shot_hash,
  team_defense_processed_at AS source_team_defense_last_updated,
  IF(has_team_defense, 1, 0) AS source_team_defense_rows_found,
  CAST(IF(has_team_defense, 100, 0) AS NUMERIC) AS source_team_defense_completeness_pct,
  team_defense_hash AS source_team_defense_hash,
  -- SHA-256 of the sorted "field:value" pairs of key, integer and text outputs; scores enter as
  -- integers in tenths/hundredths (float text differs between BigQuery and DuckDB).
  SUBSTR(TO_HEX(SHA256(CONCAT(
    'calculation_version:v1_4factors',
    '|fatigue_score:', CAST(fatigue AS STRING),
    '|game_date:', CAST(game_date AS STRING),
    '|game_id:', game_id,
    '|pace_score_x10:', CAST(CAST(ROUND(pace_rounded * 10) AS INT64) AS STRING),
    '|player_lookup:', player_lookup,
    '|shot_zone_mismatch_score_x10:', CAST(CAST(ROUND(shot_zone * 10) AS INT64) AS STRING),
    '|total_composite_adjustment_x100:', CAST(CAST(ROUND(total * 100) AS INT64) AS STRING),
    '|usage_spike_score_x10:', CAST(CAST(ROUND(usage_spike * 10) AS INT64) AS STRING)))), 1, 16)
    AS data_hash,
  early_season AS early_season_flag,
  IF(early_season,
     COALESCE(shot_zone_reason, 'No qualifying games this season (no player_shot_zone_analysis row)'),
     NULL) AS insufficient_data_reason,
  expected_games_count,
  COALESCE(actual_games_count, 0) AS actual_games_count,
  COALESCE(completeness_percentage, 0.0) AS completeness_percentage,
  expected_games_count - actual_games_count AS missing_games_count,
  upstreams_ready AND COALESCE(completeness_percentage, 0) >= 90 AS is_production_ready,
  ARRAY_CONCAT(
    IF(early_season, ['thin_sample'], ARRAY<STRING>[]),
    IF(COALESCE(completeness_percentage, 0) < 90, ['incomplete_upstream_games'], ARRAY<STRING>[]),
    IF(shot_zone_ready, ARRAY<STRING>[], ['upstream_player_shot_incomplete']),
    IF(team_defense_ready, ARRAY<STRING>[], ['upstream_team_defense_incomplete']),
    IF(context_ready, ARRAY<STRING>[], ['upstream_player_context_incomplete']),
    IF(team_context_ready, ARRAY<STRING>[], ['upstream_team_context_incomplete'])) AS data_quality_issues,
  /* include fragment: phase4_processing_state(game_date) */,
  shot_zone_ready AS upstream_player_shot_ready,
  team_defense_ready AS upstream_team_defense_ready,
  context_ready AS upstream_player_context_ready,
  team_context_ready AS upstream_team_context_ready,
  upstreams_ready AS all_upstreams_ready,
  CURRENT_TIMESTAMP() AS created_at,
  CURRENT_TIMESTAMP() AS processed_at
FROM totals
