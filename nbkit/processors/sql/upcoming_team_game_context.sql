-- upcoming_team_game_context: two rows (home view, away view) per final schedule game on every
-- date in @dates, keyed by the schedule's 10-digit game_id. Rest, momentum and game number come
-- from the team's earlier final games of the same season; lines are matched by date and teams
-- (the Odds API event id is not a schedule id: fix of D10).
WITH
schedule AS (
  -- ~300 days back reaches every earlier game of a target date's season
  SELECT *
  FROM `nba_raw.nbac_schedule`
  WHERE game_date BETWEEN DATE_SUB((SELECT MIN(d) FROM UNNEST(@dates) AS d), INTERVAL 300 DAY)
                      AND (SELECT MAX(d) FROM UNNEST(@dates) AS d)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id ORDER BY processed_at DESC, data_hash DESC) = 1
),
team_games AS (
  SELECT game_id, game_date, season_year, home_team_tricode AS team_abbr,
         away_team_tricode AS opponent_team_abbr, TRUE AS home_game,
         home_team_score AS team_score, away_team_score AS opponent_score,
         home_team_tricode AS arena_team
  FROM schedule
  WHERE game_status = 3
  UNION ALL
  SELECT game_id, game_date, season_year, away_team_tricode, home_team_tricode, FALSE,
         away_team_score, home_team_score, home_team_tricode
  FROM schedule
  WHERE game_status = 3
),
sequenced AS (
  SELECT *,
         CASE WHEN team_score > opponent_score THEN 'W'
              WHEN team_score < opponent_score THEN 'L' END AS result,
         LAG(game_date) OVER season_order AS prev_game_date,
         LAG(arena_team) OVER season_order AS prev_arena_team,
         ROW_NUMBER() OVER season_order AS game_number_in_season
  FROM team_games
  WINDOW season_order AS (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id)
),
run_starts AS (
  SELECT *,
         IF(result IS NOT DISTINCT FROM
              LAG(result) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id),
            0, 1) AS starts_run
  FROM sequenced
),
runs AS (
  SELECT *,
         SUM(starts_run) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_id
  FROM run_starts
),
run_lengths AS (
  SELECT *,
         ROW_NUMBER() OVER (PARTITION BY team_abbr, season_year, run_id ORDER BY game_date, game_id)
           AS run_length
  FROM runs
),
entering AS (
  -- what each game's team carries in: the previous game's result and the run it ended
  SELECT *,
         LAG(result) OVER season_order AS last_game_result,
         LAG(team_score - opponent_score) OVER season_order AS last_game_margin,
         LAG(run_length) OVER season_order AS last_run_length
  FROM run_lengths
  WINDOW season_order AS (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id)
),
targets AS (
  SELECT * FROM entering WHERE game_date IN UNNEST(@dates)
),
windows AS (
  -- games_in_last_N: earlier games within N-1 days (production); completeness windows [D-N, D]
  SELECT t.game_id, t.team_abbr,
         COUNTIF(h.game_date < t.game_date AND h.game_date > DATE_SUB(t.game_date, INTERVAL 7 DAY))
           AS games_in_last_7_days,
         COUNTIF(h.game_date < t.game_date AND h.game_date > DATE_SUB(t.game_date, INTERVAL 14 DAY))
           AS games_in_last_14_days,
         COUNTIF(h.game_date >= DATE_SUB(t.game_date, INTERVAL 7 DAY)) AS l7d_expected,
         COUNTIF(h.game_date >= DATE_SUB(t.game_date, INTERVAL 7 DAY) AND h.result IS NOT NULL)
           AS l7d_actual,
         COUNT(*) AS l14d_expected,
         COUNTIF(h.result IS NOT NULL) AS l14d_actual
  FROM targets AS t
  JOIN sequenced AS h
    ON h.team_abbr = t.team_abbr
   AND h.game_date BETWEEN DATE_SUB(t.game_date, INTERVAL 14 DAY) AND t.game_date
  GROUP BY t.game_id, t.team_abbr
),
/* include fragment: game_lines */,
/* include fragment: injury_reports */,
injury_counts AS (
  SELECT game_date, team,
         COUNTIF(injury_status = 'out') AS players_out,
         COUNTIF(injury_status IN ('questionable', 'doubtful')) AS players_questionable
  FROM injuries
  GROUP BY game_date, team
),
travel AS (
  SELECT from_team, to_team, MIN(distance_miles) AS distance_miles
  FROM `nba_static.travel_distances`
  GROUP BY from_team, to_team
),
lineage_rows AS (
  SELECT 'nbac_schedule' AS source, game_date, game_id AS game_key, processed_at, data_hash
  FROM `nba_raw.nbac_schedule` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  -- a game of the game lines is a matchup (the event id is not a schedule id)
  SELECT 'odds_api_game_lines', game_date, CONCAT(home_team_abbr, '|', away_team_abbr), processed_at,
         data_hash
  FROM `nba_raw.odds_api_game_lines` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  SELECT 'nbac_injury_report', game_date, game_id, processed_at, data_hash
  FROM `nba_raw.nbac_injury_report`
  WHERE report_date BETWEEN DATE_SUB((SELECT MIN(d) FROM UNNEST(@dates) AS d), INTERVAL 7 DAY)
                        AND (SELECT MAX(d) FROM UNNEST(@dates) AS d)
    AND game_date IN UNNEST(@dates)
),
/* include fragment: source_lineage */,
final_games AS (
  SELECT game_date, COUNT(*) AS games FROM schedule
  WHERE game_date IN UNNEST(@dates) AND game_status = 3
  GROUP BY game_date
),
assembled AS (
  SELECT
    t.*,
    DATE_DIFF(t.game_date, t.prev_game_date, DAY) AS days_since_last_game,
    w.games_in_last_7_days, w.games_in_last_14_days,
    w.l7d_expected, w.l7d_actual, w.l14d_expected, w.l14d_actual,
    ROUND(100 * w.l7d_actual / w.l7d_expected, 1) AS l7d_pct,
    ROUND(100 * w.l14d_actual / w.l14d_expected, 1) AS l14d_pct,
    sp.current_point AS game_spread, sp.opening_point AS opening_spread,
    sp.bookmaker_key AS game_spread_source, sp.updated_at AS spread_updated_at,
    tot.current_point AS game_total, tot.opening_point AS opening_total,
    tot.bookmaker_key AS game_total_source, tot.updated_at AS total_updated_at,
    COALESCE(ic.players_out, 0) AS starters_out_count,
    COALESCE(ic.players_questionable, 0) AS questionable_players_count,
    -- a team opens its season from home; the trip is from the previous game's arena
    CASE WHEN t.home_game THEN 0
         WHEN COALESCE(t.prev_arena_team, t.team_abbr) = t.arena_team THEN 0
         ELSE tr.distance_miles END AS travel_miles_known,
    -- bootstrap and boundary as the completeness checker defines them (Oct 1 season start)
    DATE_DIFF(t.game_date, DATE(t.season_year, 10, 1), DAY) < 30 AS bootstrap,
    EXTRACT(MONTH FROM t.game_date) IN (10, 11, 4) AS season_boundary
  FROM targets AS t
  JOIN windows AS w USING (game_id, team_abbr)
  LEFT JOIN line_values AS sp
    ON sp.market_key = 'spreads' AND sp.game_date = t.game_date AND sp.side = t.team_abbr
   AND sp.home_team_abbr = IF(t.home_game, t.team_abbr, t.opponent_team_abbr)
   AND sp.away_team_abbr = IF(t.home_game, t.opponent_team_abbr, t.team_abbr)
  LEFT JOIN line_values AS tot
    ON tot.market_key = 'totals' AND tot.game_date = t.game_date AND tot.side = 'game'
   AND tot.home_team_abbr = IF(t.home_game, t.team_abbr, t.opponent_team_abbr)
   AND tot.away_team_abbr = IF(t.home_game, t.opponent_team_abbr, t.team_abbr)
  LEFT JOIN injury_counts AS ic ON ic.game_date = t.game_date AND ic.team = t.team_abbr
  LEFT JOIN travel AS tr
    ON tr.from_team = COALESCE(t.prev_arena_team, t.team_abbr) AND tr.to_team = t.arena_team
),
final AS (
  SELECT a.*,
         CASE WHEN a.l14d_pct >= 95 THEN 'gold' WHEN a.l14d_pct >= 75 THEN 'silver'
              WHEN a.l14d_pct >= 50 THEN 'bronze' ELSE 'poor' END AS tier,
         ARRAY_CONCAT(
           IF(a.l7d_actual < a.l7d_expected,
              [CONCAT('l7d_incomplete:', CAST(CAST(ROUND(a.l7d_pct) AS INT64) AS STRING), '%')], ARRAY<STRING>[]),
           IF(a.l14d_actual < a.l14d_expected,
              [CONCAT('l14d_incomplete:', CAST(CAST(ROUND(a.l14d_pct) AS INT64) AS STRING), '%')], ARRAY<STRING>[]),
           IF(a.season_boundary, ['season_boundary'], ARRAY<STRING>[]),
           IF(a.bootstrap, ['bootstrap_mode'], ARRAY<STRING>[]),
           IF(a.travel_miles_known IS NULL, ['travel_distance_unknown'], ARRAY<STRING>[])
         ) AS issues
  FROM assembled AS a
)
SELECT
  f.team_abbr,
  f.game_id,
  f.game_date,
  f.season_year,

  f.opponent_team_abbr,
  f.home_game,
  COALESCE(f.days_since_last_game = 1, FALSE) AS is_back_to_back,
  f.days_since_last_game,
  f.game_number_in_season,

  f.days_since_last_game - 1 AS team_days_rest,
  COALESCE(f.days_since_last_game = 1, FALSE) AS team_back_to_back,
  f.games_in_last_7_days,
  f.games_in_last_14_days,

  CAST(ROUND(f.game_spread, 2) AS NUMERIC) AS game_spread,
  CAST(ROUND(f.game_total, 1) AS NUMERIC) AS game_total,
  f.game_spread_source,
  f.game_total_source,
  CAST(ROUND(f.game_spread - f.opening_spread, 2) AS NUMERIC) AS spread_movement,
  CAST(ROUND(f.game_total - f.opening_total, 1) AS NUMERIC) AS total_movement,
  COALESCE(f.spread_updated_at, f.total_updated_at) AS betting_lines_updated_at,

  f.starters_out_count,
  f.questionable_players_count,

  IF(f.last_game_result = 'W', f.last_run_length, 0) AS team_win_streak_entering,
  IF(f.last_game_result = 'L', f.last_run_length, 0) AS team_loss_streak_entering,
  f.last_game_margin,
  f.last_game_result,

  -- NOT NULL in the schema: an unknown distance is written 0 and flagged in quality_issues
  COALESCE(f.travel_miles_known, 0) AS travel_miles,

  ss.last_updated AS source_nbac_schedule_last_updated,
  ss.rows_found AS source_nbac_schedule_rows_found,
  CAST(IF(ss.rows_found > 0, 100, NULL) AS NUMERIC) AS source_nbac_schedule_completeness_pct,
  ss.hash AS source_nbac_schedule_hash,
  sl.last_updated AS source_odds_lines_last_updated,
  sl.rows_found AS source_odds_lines_rows_found,
  CAST(ROUND(LEAST(100, 100 * sl.games / NULLIF(fg.games, 0)), 2) AS NUMERIC) AS source_odds_lines_completeness_pct,
  sl.hash AS source_odds_lines_hash,
  si.last_updated AS source_injury_report_last_updated,
  si.rows_found AS source_injury_report_rows_found,
  CAST(IF(si.rows_found > 0, 100, NULL) AS NUMERIC) AS source_injury_report_completeness_pct,
  si.hash AS source_injury_report_hash,

  f.prev_game_date IS NULL AS early_season_flag,
  IF(f.prev_game_date IS NULL, 'first_game_of_season', NULL) AS insufficient_data_reason,

  f.l14d_expected AS expected_games_count,
  f.l14d_actual AS actual_games_count,
  f.l14d_pct AS completeness_percentage,
  f.l14d_expected - f.l14d_actual AS missing_games_count,
  f.l7d_pct >= 90 AND f.l14d_pct >= 90 AS is_production_ready,
  f.issues AS data_quality_issues,
  /* include fragment: context_processing_state */,

  f.l7d_pct AS l7d_completeness_pct,
  f.l7d_actual >= f.l7d_expected AS l7d_is_complete,
  f.l14d_pct AS l14d_completeness_pct,
  f.l14d_actual >= f.l14d_expected AS l14d_is_complete,
  f.l7d_actual >= f.l7d_expected AND f.l14d_actual >= f.l14d_expected AS all_windows_complete,

  f.tier AS quality_tier,
  CASE f.tier WHEN 'gold' THEN 95.0 WHEN 'silver' THEN 75.0 WHEN 'bronze' THEN 50.0 ELSE 25.0 END
    AS quality_score,
  f.issues AS quality_issues,
  ARRAY_CONCAT(['nbac_schedule'],
               IF(f.game_spread_source IS NOT NULL OR f.game_total_source IS NOT NULL,
                  ['odds_api_game_lines'], ARRAY<STRING>[]),
               IF(si.rows_found > 0, ['nbac_injury_report'], ARRAY<STRING>[])) AS data_sources,
  f.l14d_expected AS quality_sample_size,
  FALSE AS quality_used_fallback,
  FALSE AS quality_reconstructed,
  CURRENT_TIMESTAMP() AS quality_calculated_at,

  SUBSTR(TO_HEX(SHA256(ARRAY_TO_STRING([
    f.game_id, f.team_abbr, f.opponent_team_abbr, CAST(f.home_game AS STRING),
    CAST(f.days_since_last_game AS STRING), CAST(f.game_number_in_season AS STRING),
    CAST(f.games_in_last_7_days AS STRING), CAST(f.games_in_last_14_days AS STRING),
    f.last_game_result, CAST(f.last_game_margin AS STRING), CAST(f.last_run_length AS STRING),
    CAST(f.travel_miles_known AS STRING),
    f.game_spread_source, CAST(CAST(ROUND(f.game_spread * 100) AS INT64) AS STRING),
    f.game_total_source, CAST(CAST(ROUND(f.game_total * 100) AS INT64) AS STRING),
    CAST(f.starters_out_count AS STRING), CAST(f.questionable_players_count AS STRING)
  ], '|', 'NULL'))), 1, 16) AS data_hash,
  CURRENT_TIMESTAMP() AS processed_at
FROM final AS f
LEFT JOIN final_games AS fg USING (game_date)
LEFT JOIN source_lineage AS ss ON ss.source = 'nbac_schedule' AND ss.game_date = f.game_date
LEFT JOIN source_lineage AS sl ON sl.source = 'odds_api_game_lines' AND sl.game_date = f.game_date
LEFT JOIN source_lineage AS si ON si.source = 'nbac_injury_report' AND si.game_date = f.game_date
