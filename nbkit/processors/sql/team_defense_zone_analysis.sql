-- Team defense zone analysis (domain-spec §3.6): one row per (analysis_date, team_abbr) for every
-- team with at least one game this season in team_defense_game_summary, over the team's last 15
-- games of the season up to and including the analysis date. Thin samples are flagged, not skipped.
WITH
/* include fragment: season_bounds */,

/* include fragment: season_window */,

/* include fragment: team_schedule */,

team_games AS (
  SELECT s.season_year, t.defending_team_abbr AS team_abbr, t.game_date,
         t.opp_paint_attempts, t.opp_paint_makes, t.opp_mid_range_attempts, t.opp_mid_range_makes,
         t.opp_three_pt_attempts, t.opp_three_pt_makes, t.points_in_paint_allowed, t.points_allowed,
         t.blocks_paint, t.blocks_mid_range, t.blocks_three_pt,
         CAST(t.defensive_rating AS FLOAT64) AS defensive_rating,
         CAST(t.opponent_pace AS FLOAT64) AS opponent_pace,
         t.processed_at, t.data_hash
  FROM `nba_analytics.team_defense_game_summary` AS t
  CROSS JOIN bounds AS b
  JOIN team_schedule AS s ON s.team_abbr = t.defending_team_abbr AND s.game_date = t.game_date
  WHERE t.game_date BETWEEN b.first_read_date AND b.last_date
),

team_rolling AS (
  -- Totals over each game's trailing 15-game window of the same season.
  SELECT team_abbr, season_year, game_date, data_hash,
         LEAD(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date) AS next_game_date,
         COUNT(*) OVER w15 AS games_in_sample,
         SUM(opp_paint_makes) OVER w15 AS paint_makes,
         SUM(opp_paint_attempts) OVER w15 AS paint_attempts,
         SUM(opp_mid_range_makes) OVER w15 AS mid_range_makes,
         SUM(opp_mid_range_attempts) OVER w15 AS mid_range_attempts,
         SUM(opp_three_pt_makes) OVER w15 AS three_pt_makes,
         SUM(opp_three_pt_attempts) OVER w15 AS three_pt_attempts,
         SUM(points_allowed) OVER w15 AS points_allowed,
         AVG(opp_paint_attempts) OVER w15 AS paint_attempts_per_game,
         AVG(opp_mid_range_attempts) OVER w15 AS mid_range_attempts_per_game,
         AVG(opp_three_pt_attempts) OVER w15 AS three_pt_attempts_per_game,
         AVG(points_in_paint_allowed) OVER w15 AS paint_points_per_game,
         AVG(blocks_paint) OVER w15 AS paint_blocks_per_game,
         AVG(blocks_mid_range) OVER w15 AS mid_range_blocks_per_game,
         AVG(blocks_three_pt) OVER w15 AS three_pt_blocks_per_game,
         AVG(points_allowed) OVER w15 AS opponent_points_per_game,
         AVG(defensive_rating) OVER w15 AS defensive_rating_last_15,
         AVG(opponent_pace) OVER w15 AS opponent_pace,
         MAX(processed_at) OVER w15 AS source_last_updated
  FROM team_games
  WINDOW w15 AS (PARTITION BY team_abbr, season_year ORDER BY game_date
                 ROWS BETWEEN 14 PRECEDING AND CURRENT ROW)
),

schedule_rolling AS (
  -- Completeness: of the team's last 15 scheduled games, how many reached Phase 3.
  SELECT s.team_abbr, s.season_year, s.game_date,
         LEAD(s.game_date) OVER (PARTITION BY s.team_abbr, s.season_year ORDER BY s.game_date) AS next_game_date,
         COUNT(*) OVER w15 AS expected_games,
         COUNT(g.game_date) OVER w15 AS actual_games
  FROM team_schedule AS s
  LEFT JOIN team_games AS g ON g.team_abbr = s.team_abbr AND g.game_date = s.game_date
  WINDOW w15 AS (PARTITION BY s.team_abbr, s.season_year ORDER BY s.game_date
                 ROWS BETWEEN 14 PRECEDING AND CURRENT ROW)
),

league_teams AS (
  -- League averages: per team over [D-30, D] (may cross seasons), teams with >= 10 games.
  SELECT a.analysis_date, g.team_abbr,
         SAFE_DIVIDE(SUM(g.opp_paint_makes), SUM(g.opp_paint_attempts)) AS paint_pct,
         SAFE_DIVIDE(SUM(g.opp_mid_range_makes), SUM(g.opp_mid_range_attempts)) AS mid_range_pct,
         SAFE_DIVIDE(SUM(g.opp_three_pt_makes), SUM(g.opp_three_pt_attempts)) AS three_pt_pct
  FROM analysis_dates AS a
  JOIN team_games AS g
    ON g.game_date BETWEEN DATE_SUB(a.analysis_date, INTERVAL 30 DAY) AND a.analysis_date
  GROUP BY a.analysis_date, g.team_abbr
  HAVING COUNT(*) >= 10
),

league AS (
  SELECT a.analysis_date,
         COUNT(l.team_abbr) >= 10 AS has_league_sample,
         AVG(l.paint_pct) AS paint_pct, AVG(l.mid_range_pct) AS mid_range_pct,
         AVG(l.three_pt_pct) AS three_pt_pct
  FROM analysis_dates AS a
  LEFT JOIN league_teams AS l
    ON l.analysis_date = a.analysis_date
   AND l.paint_pct IS NOT NULL AND l.mid_range_pct IS NOT NULL AND l.three_pt_pct IS NOT NULL
  GROUP BY a.analysis_date
),

team_dates AS (
  -- Each team's latest game up to the analysis date (its rolling row) and league context.
  SELECT a.analysis_date, r.*,
         c.expected_games, c.actual_games,
         ROUND(100 * c.actual_games / c.expected_games, 1) AS completeness_pct,
         SAFE_DIVIDE(r.paint_makes, r.paint_attempts) AS paint_pct,
         SAFE_DIVIDE(r.mid_range_makes, r.mid_range_attempts) AS mid_range_pct,
         SAFE_DIVIDE(r.three_pt_makes, r.three_pt_attempts) AS three_pt_pct,
         -- Defaults from the production processor when fewer than 10 teams have all three zones.
         IF(l.has_league_sample, l.paint_pct, 0.580) AS league_paint_pct,
         IF(l.has_league_sample, l.mid_range_pct, 0.410) AS league_mid_range_pct,
         IF(l.has_league_sample, l.three_pt_pct, 0.355) AS league_three_pt_pct,
         l.has_league_sample
  FROM analysis_dates AS a
  JOIN team_rolling AS r
    ON r.season_year = a.season_year
   AND r.game_date <= a.analysis_date
   AND (r.next_game_date > a.analysis_date OR r.next_game_date IS NULL)
  JOIN schedule_rolling AS c
    ON c.team_abbr = r.team_abbr
   AND c.season_year = a.season_year
   AND c.game_date <= a.analysis_date
   AND (c.next_game_date > a.analysis_date OR c.next_game_date IS NULL)
  JOIN league AS l ON l.analysis_date = a.analysis_date
),

scored AS (
  SELECT *,
         (paint_pct - league_paint_pct) * 100 AS paint_vs_league,
         (mid_range_pct - league_mid_range_pct) * 100 AS mid_range_vs_league,
         (three_pt_pct - league_three_pt_pct) * 100 AS three_pt_vs_league,
         games_in_sample < 15 AS early_season
  FROM team_dates
),

zoned AS (
  -- Strongest / weakest zone relative to the league (positive = allows more than the league),
  -- among the zones with data (+-1000 is beyond any difference); ties go to paint, then mid-range.
  SELECT *,
         CASE LEAST(COALESCE(paint_vs_league, 1000.0), COALESCE(mid_range_vs_league, 1000.0),
                    COALESCE(three_pt_vs_league, 1000.0))
           WHEN paint_vs_league THEN 'paint'
           WHEN mid_range_vs_league THEN 'mid_range'
           WHEN three_pt_vs_league THEN 'perimeter'
         END AS strongest_zone,
         CASE GREATEST(COALESCE(paint_vs_league, -1000.0), COALESCE(mid_range_vs_league, -1000.0),
                       COALESCE(three_pt_vs_league, -1000.0))
           WHEN paint_vs_league THEN 'paint'
           WHEN mid_range_vs_league THEN 'mid_range'
           WHEN three_pt_vs_league THEN 'perimeter'
         END AS weakest_zone,
         CASE WHEN games_in_sample >= 15 THEN 'high' WHEN games_in_sample >= 10 THEN 'medium' ELSE 'low' END
           AS data_quality_tier,
         NOT early_season AND completeness_pct >= 90 AS production_ready
  FROM scored
)

SELECT
  team_abbr,
  analysis_date,
  CAST(ROUND(paint_pct, 3) AS NUMERIC) AS paint_pct_allowed_last_15,
  CAST(ROUND(paint_attempts_per_game, 1) AS NUMERIC) AS paint_attempts_allowed_per_game,
  CAST(ROUND(paint_points_per_game, 1) AS NUMERIC) AS paint_points_allowed_per_game,
  CAST(ROUND(paint_blocks_per_game, 1) AS NUMERIC) AS paint_blocks_per_game,
  CAST(ROUND(paint_vs_league, 2) AS NUMERIC) AS paint_defense_vs_league_avg,
  CAST(ROUND(mid_range_pct, 3) AS NUMERIC) AS mid_range_pct_allowed_last_15,
  CAST(ROUND(mid_range_attempts_per_game, 1) AS NUMERIC) AS mid_range_attempts_allowed_per_game,
  CAST(ROUND(mid_range_blocks_per_game, 1) AS NUMERIC) AS mid_range_blocks_per_game,
  CAST(ROUND(mid_range_vs_league, 2) AS NUMERIC) AS mid_range_defense_vs_league_avg,
  CAST(ROUND(three_pt_pct, 3) AS NUMERIC) AS three_pt_pct_allowed_last_15,
  CAST(ROUND(three_pt_attempts_per_game, 1) AS NUMERIC) AS three_pt_attempts_allowed_per_game,
  CAST(ROUND(three_pt_blocks_per_game, 1) AS NUMERIC) AS three_pt_blocks_per_game,
  CAST(ROUND(three_pt_vs_league, 2) AS NUMERIC) AS three_pt_defense_vs_league_avg,
  CAST(ROUND(defensive_rating_last_15, 2) AS NUMERIC) AS defensive_rating_last_15,
  CAST(ROUND(opponent_points_per_game, 1) AS NUMERIC) AS opponent_points_per_game,
  CAST(ROUND(opponent_pace, 1) AS NUMERIC) AS opponent_pace,
  games_in_sample,
  strongest_zone,
  weakest_zone,
  data_quality_tier,
  NULLIF(ARRAY_TO_STRING(ARRAY_CONCAT(
    IF(COALESCE(paint_attempts, 0) = 0, ['no paint attempts recorded'], ARRAY<STRING>[]),
    IF(COALESCE(mid_range_attempts, 0) = 0, ['no mid_range attempts recorded'], ARRAY<STRING>[]),
    IF(COALESCE(three_pt_attempts, 0) = 0, ['no three_pt attempts recorded'], ARRAY<STRING>[]),
    IF(has_league_sample, ARRAY<STRING>[],
       ['league averages are defaults (fewer than 10 teams with all zones)'])), '; '), '')
    AS calculation_notes,
  source_last_updated AS source_team_defense_last_updated,
  games_in_sample AS source_team_defense_rows_found,
  CAST(LEAST(completeness_pct, 100) AS NUMERIC) AS source_team_defense_completeness_pct,
  data_hash AS source_team_defense_hash,
  -- SHA-256 of the sorted "field:value" pairs of integer and text outputs (no floats: their
  -- text form differs between BigQuery and DuckDB), first 16 hex characters.
  SUBSTR(TO_HEX(SHA256(CONCAT(
    'actual_games_count:', CAST(actual_games AS STRING),
    '|analysis_date:', CAST(analysis_date AS STRING),
    '|data_quality_tier:', data_quality_tier,
    '|expected_games_count:', CAST(expected_games AS STRING),
    '|games_in_sample:', CAST(games_in_sample AS STRING),
    '|mid_range_attempts:', COALESCE(CAST(mid_range_attempts AS STRING), 'NULL'),
    '|mid_range_makes:', COALESCE(CAST(mid_range_makes AS STRING), 'NULL'),
    '|paint_attempts:', COALESCE(CAST(paint_attempts AS STRING), 'NULL'),
    '|paint_makes:', COALESCE(CAST(paint_makes AS STRING), 'NULL'),
    '|points_allowed:', COALESCE(CAST(points_allowed AS STRING), 'NULL'),
    '|strongest_zone:', COALESCE(strongest_zone, 'NULL'),
    '|team_abbr:', team_abbr,
    '|three_pt_attempts:', COALESCE(CAST(three_pt_attempts AS STRING), 'NULL'),
    '|three_pt_makes:', COALESCE(CAST(three_pt_makes AS STRING), 'NULL'),
    '|weakest_zone:', COALESCE(weakest_zone, 'NULL')))), 1, 16) AS data_hash,
  early_season AS early_season_flag,
  IF(early_season, CONCAT('Only ', CAST(games_in_sample AS STRING), ' games available, need 15'), NULL)
    AS insufficient_data_reason,
  expected_games AS expected_games_count,
  actual_games AS actual_games_count,
  completeness_pct AS completeness_percentage,
  expected_games - actual_games AS missing_games_count,
  production_ready AS is_production_ready,
  ARRAY_CONCAT(
    IF(early_season, ['thin_sample'], ARRAY<STRING>[]),
    IF(completeness_pct < 90, ['incomplete_upstream_games'], ARRAY<STRING>[]),
    IF(paint_attempts IS NULL OR mid_range_attempts IS NULL, ['zone_data_unavailable'], ARRAY<STRING>[]))
    AS data_quality_issues,
  /* include fragment: phase4_processing_state(analysis_date) */,
  CURRENT_TIMESTAMP() AS created_at,
  CURRENT_TIMESTAMP() AS processed_at
FROM zoned
