-- upcoming_player_game_context: exactly one row per (player_lookup, game_id) rostered in the
-- gamebook on every date in @dates ('all_rostered': active, inactive and dnp alike, as production;
-- one driver row per player-game, so no status or prop line can fan it out: fix of D4).
-- Matchup from the schedule by date + tricodes (fix of D10); points line from the Odds API, else
-- BettingPros; fatigue and form from the player's games in the 30 days before the date.
WITH
driver AS (
  SELECT game_id, game_date, season_year, player_lookup, team_abbr,
         SPLIT(game_id, '_')[SAFE_OFFSET(1)] AS away_abbr,
         SPLIT(game_id, '_')[SAFE_OFFSET(2)] AS home_abbr
  FROM `nba_raw.nbac_gamebook_player_stats`
  WHERE game_date IN UNNEST(@dates) AND player_lookup IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup
                             ORDER BY processed_at DESC, data_hash DESC, team_abbr) = 1
),
schedule AS (
  -- 30 days back for rest, 14 ahead for the next game
  SELECT *
  FROM `nba_raw.nbac_schedule`
  WHERE game_date BETWEEN DATE_SUB((SELECT MIN(d) FROM UNNEST(@dates) AS d), INTERVAL 30 DAY)
                      AND DATE_ADD((SELECT MAX(d) FROM UNNEST(@dates) AS d), INTERVAL 14 DAY)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id ORDER BY processed_at DESC, data_hash DESC) = 1
),
team_schedule AS (
  SELECT game_id, game_date, game_status, is_primetime, home_team_tricode AS team_abbr
  FROM schedule
  UNION ALL
  SELECT game_id, game_date, game_status, is_primetime, away_team_tricode
  FROM schedule
),
targets AS (
  SELECT g.*,
         CASE g.team_abbr WHEN g.home_abbr THEN g.away_abbr WHEN g.away_abbr THEN g.home_abbr END
           AS opponent_team_abbr,
         g.team_abbr = g.home_abbr AS home_game,
         s.game_id AS schedule_game_id,
         -- postseason by the schedule's game type; otherwise by month (production's rule)
         CASE WHEN s.is_playoffs OR s.is_play_in THEN 'playoffs'
              WHEN EXTRACT(MONTH FROM g.game_date) IN (10, 11) THEN 'early'
              WHEN EXTRACT(MONTH FROM g.game_date) IN (12, 1, 2) THEN 'mid'
              WHEN EXTRACT(MONTH FROM g.game_date) IN (3, 4) THEN 'late'
              ELSE 'playoffs' END AS season_phase
  FROM driver AS g
  LEFT JOIN schedule AS s
    ON s.game_date = g.game_date
   AND s.away_team_tricode = g.away_abbr
   AND s.home_team_tricode = g.home_abbr
  -- a player whose team is neither side of the game_id cannot be placed; the date reads partial
  WHERE g.team_abbr IN (g.home_abbr, g.away_abbr)
),
gamebook_history AS (
  SELECT game_id, game_date, player_lookup, TRIM(minutes) AS minutes, points,
         'nbac_gamebook_player_stats' AS source, 0 AS stat_sum
  FROM `nba_raw.nbac_gamebook_player_stats`
  WHERE game_date BETWEEN DATE_SUB((SELECT MIN(d) FROM UNNEST(@dates) AS d), INTERVAL 30 DAY)
                      AND (SELECT MAX(d) FROM UNNEST(@dates) AS d)
    AND LOWER(player_status) = 'active' AND player_lookup IS NOT NULL
),
history_rows AS (
  -- games played: gamebook 'active' rows, BDL rows with playing time for games the gamebook lacks
  SELECT * FROM gamebook_history
  UNION ALL
  SELECT game_id, game_date, player_lookup, TRIM(minutes), points, 'bdl_player_boxscores',
         COALESCE(points, 0) + COALESCE(field_goals_attempted, 0) + COALESCE(free_throws_attempted, 0)
           + COALESCE(rebounds, 0) + COALESCE(assists, 0) + COALESCE(steals, 0) + COALESCE(blocks, 0)
           + COALESCE(turnovers, 0) + COALESCE(personal_fouls, 0)
  FROM `nba_raw.bdl_player_boxscores`
  WHERE game_date BETWEEN DATE_SUB((SELECT MIN(d) FROM UNNEST(@dates) AS d), INTERVAL 30 DAY)
                      AND (SELECT MAX(d) FROM UNNEST(@dates) AS d)
    AND game_id NOT IN (SELECT game_id FROM gamebook_history)
),
history AS (
  SELECT player_lookup, game_date, source, points, stat_sum,
         CASE
           WHEN REGEXP_CONTAINS(minutes, r'^[0-9]{1,3}:[0-5][0-9]$')
             THEN 60 * SAFE_CAST(SPLIT(minutes, ':')[OFFSET(0)] AS INT64)
                  + SAFE_CAST(SPLIT(minutes, ':')[OFFSET(1)] AS INT64)
           WHEN REGEXP_CONTAINS(minutes, r'^[0-9]{1,3}$') THEN 60 * SAFE_CAST(minutes AS INT64)
         END AS seconds_played
  FROM history_rows
  WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY player_lookup, game_date ORDER BY source DESC, game_id) = 1
),
played AS (
  SELECT *,
         LAG(game_date) OVER (PARTITION BY player_lookup ORDER BY game_date) AS prev_game_date,
         -- form over this game and the ones before it: a window's last 5 (10) when it holds as many
         AVG(points) OVER (PARTITION BY player_lookup ORDER BY game_date
                           ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS points_avg_last_5_games,
         AVG(points) OVER (PARTITION BY player_lookup ORDER BY game_date
                           ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS points_avg_last_10_games
  FROM history
  WHERE source = 'nbac_gamebook_player_stats' OR seconds_played > 0
     OR (seconds_played IS NULL AND stat_sum > 0)
),
lookback_days AS (
  -- each requested date D with each day of [D-30, D): the windows become equi-joins on the day
  SELECT DISTINCT d AS target_date, window_day
  FROM UNNEST(@dates) AS d,
       UNNEST(GENERATE_DATE_ARRAY(DATE_SUB(d, INTERVAL 30 DAY), DATE_SUB(d, INTERVAL 1 DAY))) AS window_day
),
lookback_weeks AS (
  -- the same windows by week number: a player's games are joined a week at a time, then trimmed
  -- (DIV of a call, not of `x - 30`: sqlglot drops the parentheses of DIV(x - 30, 7) for DuckDB)
  SELECT DISTINCT d AS target_date, window_week
  FROM UNNEST(@dates) AS d,
       UNNEST(GENERATE_ARRAY(DIV(UNIX_DATE(DATE_SUB(d, INTERVAL 30 DAY)), 7),
                             DIV(UNIX_DATE(DATE_SUB(d, INTERVAL 1 DAY)), 7))) AS window_week
),
team_recent_finals AS (
  -- each target team's final games in [D-30, D), newest first (a team's date can hold two)
  SELECT w.target_date, s.team_abbr, s.game_date,
         ROW_NUMBER() OVER (PARTITION BY s.team_abbr, w.target_date ORDER BY s.game_date DESC) AS recency
  FROM (SELECT DISTINCT game_date, team_abbr FROM targets) AS t
  JOIN lookback_days AS w ON w.target_date = t.game_date
  JOIN team_schedule AS s
    ON s.team_abbr = t.team_abbr AND s.game_date = w.window_day AND s.game_status = 3
),
team_window_days AS (
  -- per day of the window: the team's finals on it, and how many are among its last 5 / 10
  SELECT team_abbr, target_date, game_date, COUNT(*) AS finals,
         COUNTIF(recency <= 5) AS finals_in_last_5, COUNTIF(recency <= 10) AS finals_in_last_10
  FROM team_recent_finals
  GROUP BY team_abbr, target_date, game_date
),
team_windows AS (
  -- per target team and date: its finals in each window (a target without any has no
  -- completeness), and the first day of its last 5 (10) with how many of them fall on it (a day
  -- can hold two finals, the older one outside the last 5)
  SELECT w.*, d5.finals_in_last_5 AS last_5_on_first_day, d10.finals_in_last_10 AS last_10_on_first_day
  FROM (SELECT team_abbr, target_date,
               SUM(finals_in_last_5) AS l5_expected, SUM(finals_in_last_10) AS l10_expected,
               SUM(IF(game_date >= DATE_SUB(target_date, INTERVAL 7 DAY), finals, 0)) AS l7d_expected,
               SUM(IF(game_date >= DATE_SUB(target_date, INTERVAL 14 DAY), finals, 0)) AS l14d_expected,
               SUM(finals) AS l30d_expected,
               MIN(IF(finals_in_last_5 > 0, game_date, NULL)) AS last_5_from,
               MIN(IF(finals_in_last_10 > 0, game_date, NULL)) AS last_10_from
        FROM team_window_days
        GROUP BY team_abbr, target_date) AS w
  JOIN team_window_days AS d5
    ON d5.team_abbr = w.team_abbr AND d5.target_date = w.target_date AND d5.game_date = w.last_5_from
  JOIN team_window_days AS d10
    ON d10.team_abbr = w.team_abbr AND d10.target_date = w.target_date AND d10.game_date = w.last_10_from
),
team_final_days AS (
  -- per team and day: its final games that day
  SELECT team_abbr, game_date, COUNT(*) AS finals
  FROM team_schedule
  WHERE game_status = 3
  GROUP BY team_abbr, game_date
),
player_teams AS (
  -- each player with each team he is a target for, numbered: the windows join on the number
  SELECT player_lookup, team_abbr, ROW_NUMBER() OVER (ORDER BY player_lookup, team_abbr) AS player_team
  FROM (SELECT DISTINCT player_lookup, team_abbr FROM targets)
),
team_played AS (
  -- each game of a player, once per team he is a target for, with that team's finals that day
  -- (he may have played for another team then); day_number = UNIX_DATE, for integer windows
  SELECT p.player_team, UNIX_DATE(h.game_date) AS day_number, DIV(UNIX_DATE(h.game_date), 7) AS week,
         h.game_date, DATE_DIFF(h.game_date, h.prev_game_date, DAY) AS days_since_prev_game, h.points,
         h.seconds_played, h.source = 'bdl_player_boxscores' AS from_bdl, COALESCE(f.finals, 0) AS finals
  FROM player_teams AS p
  JOIN played AS h ON h.player_lookup = p.player_lookup
  LEFT JOIN team_final_days AS f ON f.team_abbr = p.team_abbr AND f.game_date = h.game_date
),
target_windows AS (
  -- the fatigue, form and completeness windows depend on the player, the team and the date only
  SELECT t.*, UNIX_DATE(t.target_date) AS day_number, e.* EXCEPT (team_abbr, target_date)
  FROM (SELECT DISTINCT p.player_team, p.player_lookup, p.team_abbr, g.game_date AS target_date
        FROM targets AS g
        JOIN player_teams AS p ON p.player_lookup = g.player_lookup AND p.team_abbr = g.team_abbr) AS t
  LEFT JOIN team_windows AS e ON e.team_abbr = t.team_abbr AND e.target_date = t.target_date
),
recent AS (
  -- the player's games in [D-30, D), joined a week at a time: days_before = D - the game's day
  SELECT t.player_team, t.target_date, t.day_number - h.day_number AS days_before, h.game_date,
         h.days_since_prev_game, h.points, h.seconds_played, h.from_bdl, h.finals,
         t.last_5_from, t.last_5_on_first_day, t.last_10_from, t.last_10_on_first_day
  FROM target_windows AS t
  JOIN lookback_weeks AS w ON w.target_date = t.target_date
  JOIN team_played AS h ON h.player_team = t.player_team AND h.week = w.window_week
  WHERE t.day_number - h.day_number BETWEEN 1 AND 30
),
recent_summary AS (
  SELECT player_team, target_date,
         COUNT(*) AS games_last_30,
         MAX(game_date) AS last_game_date,
         -- the previous game only counts inside the same window
         MAX(IF(days_since_prev_game >= 2 AND days_before + days_since_prev_game <= 30, game_date, NULL))
           AS last_rested_game,
         COUNTIF(days_before <= 7) AS games_7,
         COUNTIF(days_before <= 14) AS games_14,
         SUM(IF(days_before <= 7, seconds_played, 0)) AS seconds_7,
         SUM(IF(days_before <= 14, seconds_played, 0)) AS seconds_14,
         -- both games of the back-to-back in the last 14 days
         COUNTIF(days_since_prev_game = 1 AND days_before <= 13) AS back_to_backs_14,
         AVG(points) AS points_avg_window,
         LOGICAL_OR(from_bdl) AS used_bdl,
         -- the team's finals in the window that the player has: all of a day's finals after the
         -- first day of its last 5 (10), on that day those among them
         SUM(IF(game_date > last_5_from, finals, IF(game_date = last_5_from, last_5_on_first_day, 0)))
           AS l5_actual,
         SUM(IF(game_date > last_10_from, finals, IF(game_date = last_10_from, last_10_on_first_day, 0)))
           AS l10_actual,
         SUM(IF(days_before <= 7, finals, 0)) AS l7d_actual,
         SUM(IF(days_before <= 14, finals, 0)) AS l14d_actual,
         SUM(finals) AS l30d_actual
  FROM recent
  GROUP BY player_team, target_date
),
windows AS (
  -- fatigue and form: none when the window holds none of the player's games; completeness:
  -- none when it holds none of the team's finals
  SELECT t.player_lookup, t.team_abbr, t.target_date, r.games_last_30, r.last_game_date,
         -- the previous game only counts inside the same window
         IF(last_game.prev_game_date >= DATE_SUB(t.target_date, INTERVAL 30 DAY), last_game.prev_game_date,
            NULL) AS second_last_game_date,
         r.last_rested_game, r.games_7, r.games_14, r.seconds_7, r.seconds_14, r.back_to_backs_14,
         -- the window's last 5 (10) games are all of it when it holds fewer
         IF(r.games_last_30 >= 5, last_game.points_avg_last_5_games, r.points_avg_window) AS points_avg_5,
         IF(r.games_last_30 >= 10, last_game.points_avg_last_10_games, r.points_avg_window)
           AS points_avg_10,
         r.used_bdl,
         t.l5_expected, IF(t.l5_expected IS NULL, NULL, COALESCE(r.l5_actual, 0)) AS l5_actual,
         t.l10_expected, IF(t.l10_expected IS NULL, NULL, COALESCE(r.l10_actual, 0)) AS l10_actual,
         t.l7d_expected, IF(t.l7d_expected IS NULL, NULL, COALESCE(r.l7d_actual, 0)) AS l7d_actual,
         t.l14d_expected, IF(t.l14d_expected IS NULL, NULL, COALESCE(r.l14d_actual, 0)) AS l14d_actual,
         t.l30d_expected, IF(t.l30d_expected IS NULL, NULL, COALESCE(r.l30d_actual, 0)) AS l30d_actual
  FROM target_windows AS t
  LEFT JOIN recent_summary AS r ON r.player_team = t.player_team AND r.target_date = t.target_date
  LEFT JOIN played AS last_game
    ON last_game.player_lookup = t.player_lookup AND last_game.game_date = r.last_game_date
),
team_days AS (
  -- each date's teams whose calendar a target reads: its own team and its opponent
  SELECT game_date, team_abbr FROM targets
  UNION DISTINCT
  SELECT game_date, opponent_team_abbr FROM targets
),
team_day_calendar AS (
  -- per team and date: its last final game before the date and its games in the 14 days after
  SELECT d.game_date, d.team_abbr,
         MAX(IF(s.game_status = 3 AND s.game_date < d.game_date, s.game_date, NULL)) AS last_final_date,
         MIN(IF(s.game_date > d.game_date, s.game_date, NULL)) AS next_game_date,
         COUNTIF(s.game_date > d.game_date AND s.game_date <= DATE_ADD(d.game_date, INTERVAL 7 DAY))
           AS games_in_next_7_days,
         ARRAY_AGG(IF(s.game_date > d.game_date, s.is_primetime, NULL)
                   IGNORE NULLS ORDER BY s.game_date LIMIT 1)[SAFE_OFFSET(0)] AS next_game_is_primetime
  FROM team_days AS d
  JOIN team_schedule AS s
    ON s.team_abbr = d.team_abbr AND s.game_status IN (1, 2, 3)
   AND s.game_date BETWEEN DATE_SUB(d.game_date, INTERVAL 30 DAY) AND DATE_ADD(d.game_date, INTERVAL 14 DAY)
  GROUP BY d.game_date, d.team_abbr
),
/* include fragment: points_prop_lines */,
/* include fragment: game_lines */,
/* include fragment: injury_reports */,
team_injuries AS (
  -- per date and team: its players' reports by status (a target's teammates: these, less its own)
  SELECT game_date, team, COUNTIF(injury_status IN ('questionable', 'doubtful')) AS questionable,
         COUNTIF(injury_status = 'probable') AS probable
  FROM injuries
  GROUP BY game_date, team
),
/* include fragment: player_registry */,
bdl_daily AS (
  SELECT game_date, MAX(processed_at) AS last_updated, COUNT(*) AS rows_found,
         ARRAY_AGG(data_hash IGNORE NULLS ORDER BY processed_at DESC, data_hash DESC LIMIT 1)
           [SAFE_OFFSET(0)] AS hash
  FROM `nba_raw.bdl_player_boxscores`
  WHERE game_date BETWEEN DATE_SUB((SELECT MIN(d) FROM UNNEST(@dates) AS d), INTERVAL 30 DAY)
                      AND (SELECT MAX(d) FROM UNNEST(@dates) AS d)
  GROUP BY game_date
),
src_boxscore AS (
  -- the BDL history the date's windows read: [D-30, D)
  SELECT w.target_date AS game_date, MAX(b.last_updated) AS last_updated, SUM(b.rows_found) AS rows_found,
         ARRAY_AGG(b.hash IGNORE NULLS ORDER BY b.last_updated DESC, b.hash DESC LIMIT 1)[SAFE_OFFSET(0)] AS hash
  FROM lookback_days AS w
  JOIN bdl_daily AS b ON b.game_date = w.window_day
  GROUP BY w.target_date
),
lineage_rows AS (
  SELECT 'nbac_schedule' AS source, game_date, game_id AS game_key, processed_at, data_hash
  FROM `nba_raw.nbac_schedule` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  SELECT 'odds_api_player_points_props', game_date, game_id, processed_at, data_hash
  FROM `nba_raw.odds_api_player_points_props` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  -- a game of the game lines is a matchup (the event id is not a schedule id)
  SELECT 'odds_api_game_lines', game_date, CONCAT(home_team_abbr, '|', away_team_abbr), processed_at,
         data_hash
  FROM `nba_raw.odds_api_game_lines` WHERE game_date IN UNNEST(@dates)
),
/* include fragment: source_lineage */,
source_columns AS (
  -- the sources' columns are the same for every player of a date: built per date, joined once
  SELECT d AS game_date,
         sb.last_updated AS source_boxscore_last_updated,
         sb.rows_found AS source_boxscore_rows_found,
         CAST(IF(sb.rows_found > 0, 100, NULL) AS NUMERIC) AS source_boxscore_completeness_pct,
         sb.hash AS source_boxscore_hash,
         ss.last_updated AS source_schedule_last_updated,
         ss.rows_found AS source_schedule_rows_found,
         CAST(IF(ss.rows_found > 0, 100, NULL) AS NUMERIC) AS source_schedule_completeness_pct,
         ss.hash AS source_schedule_hash,
         sp.last_updated AS source_props_last_updated,
         sp.rows_found AS source_props_rows_found,
         CAST(IF(sp.rows_found > 0, 100, NULL) AS NUMERIC) AS source_props_completeness_pct,
         sp.hash AS source_props_hash,
         sl.last_updated AS source_game_lines_last_updated,
         sl.rows_found AS source_game_lines_rows_found,
         CAST(IF(sl.rows_found > 0, 100, NULL) AS NUMERIC) AS source_game_lines_completeness_pct,
         sl.hash AS source_game_lines_hash
  FROM (SELECT DISTINCT d FROM UNNEST(@dates) AS d)
  LEFT JOIN src_boxscore AS sb ON sb.game_date = d
  LEFT JOIN source_lineage AS ss ON ss.source = 'nbac_schedule' AND ss.game_date = d
  LEFT JOIN source_lineage AS sp ON sp.source = 'odds_api_player_points_props' AND sp.game_date = d
  LEFT JOIN source_lineage AS sl ON sl.source = 'odds_api_game_lines' AND sl.game_date = d
),
assembled AS (
  SELECT
    t.*,
    r.universal_player_id,
    pl.current_line AS current_points_line, pl.opening_line AS opening_points_line,
    pl.line_source AS points_line_source,
    sp.current_point AS game_spread, sp.opening_point AS opening_spread,
    sp.bookmaker_key AS game_spread_source,
    tot.current_point AS game_total, tot.opening_point AS opening_total,
    tot.bookmaker_key AS game_total_source,
    w.* EXCEPT (player_lookup, team_abbr, target_date),
    -- rest and the week ahead of both teams; none when neither has a game in [D-30, D+14]
    DATE_DIFF(t.game_date, opp.last_final_date, DAY) AS opponent_days_rest,
    own.next_game_date,
    IF(own.team_abbr IS NULL AND opp.team_abbr IS NULL, NULL, COALESCE(own.games_in_next_7_days, 0))
      AS games_in_next_7_days,
    opp.next_game_date AS opponent_next_game_date,
    IF(own.team_abbr IS NULL AND opp.team_abbr IS NULL, NULL, COALESCE(opp.games_in_next_7_days, 0))
      AS opponent_games_in_next_7_days,
    own.next_game_is_primetime,
    inj.injury_status, inj.reason AS injury_reason,
    ti.questionable - IF(inj.team = t.team_abbr AND inj.injury_status IN ('questionable', 'doubtful'), 1, 0)
      AS questionable_teammates,
    ti.probable - IF(inj.team = t.team_abbr AND inj.injury_status = 'probable', 1, 0) AS probable_teammates,
    DATE_DIFF(t.game_date, DATE(t.season_year, 10, 1), DAY) < 30 AS bootstrap,
    EXTRACT(MONTH FROM t.game_date) IN (10, 11, 4) AS season_boundary
  FROM targets AS t
  LEFT JOIN registry AS r USING (player_lookup)
  LEFT JOIN prop_line AS pl USING (game_date, player_lookup)
  LEFT JOIN line_values AS sp
    ON sp.market_key = 'spreads' AND sp.game_date = t.game_date AND sp.side = t.team_abbr
   AND sp.home_team_abbr = t.home_abbr AND sp.away_team_abbr = t.away_abbr
  LEFT JOIN line_values AS tot
    ON tot.market_key = 'totals' AND tot.game_date = t.game_date AND tot.side = 'game'
   AND tot.home_team_abbr = t.home_abbr AND tot.away_team_abbr = t.away_abbr
  LEFT JOIN windows AS w
    ON w.player_lookup = t.player_lookup AND w.team_abbr = t.team_abbr AND w.target_date = t.game_date
  LEFT JOIN team_day_calendar AS own ON own.game_date = t.game_date AND own.team_abbr = t.team_abbr
  LEFT JOIN team_day_calendar AS opp ON opp.game_date = t.game_date AND opp.team_abbr = t.opponent_team_abbr
  LEFT JOIN injuries AS inj ON inj.game_date = t.game_date AND inj.player_lookup = t.player_lookup
  LEFT JOIN team_injuries AS ti ON ti.game_date = t.game_date AND ti.team = t.team_abbr
),
scored AS (
  SELECT a.*,
         COALESCE(a.games_last_30, 0) AS sample_games,
         -- an empty window has nothing missing
         IF(COALESCE(a.l5_expected, 0) = 0, 100.0, ROUND(100 * a.l5_actual / a.l5_expected, 1)) AS l5_pct,
         IF(COALESCE(a.l10_expected, 0) = 0, 100.0, ROUND(100 * a.l10_actual / a.l10_expected, 1)) AS l10_pct,
         IF(COALESCE(a.l7d_expected, 0) = 0, 100.0, ROUND(100 * a.l7d_actual / a.l7d_expected, 1)) AS l7d_pct,
         IF(COALESCE(a.l14d_expected, 0) = 0, 100.0, ROUND(100 * a.l14d_actual / a.l14d_expected, 1)) AS l14d_pct,
         IF(COALESCE(a.l30d_expected, 0) = 0, 100.0, ROUND(100 * a.l30d_actual / a.l30d_expected, 1)) AS l30d_pct
  FROM assembled AS a
),
final AS (
  SELECT s.*,
         CASE WHEN s.sample_games >= 10 THEN 'gold' WHEN s.sample_games >= 5 THEN 'silver'
              ELSE 'bronze' END AS tier,
         ARRAY_CONCAT(
           IF(s.game_spread IS NULL, ['missing_game_spread'], ARRAY<STRING>[]),
           IF(s.game_total IS NULL, ['missing_game_total'], ARRAY<STRING>[]),
           IF(s.sample_games < 3, [CONCAT('thin_sample:', CAST(s.sample_games AS STRING), '/3')], ARRAY<STRING>[]),
           IF(s.schedule_game_id IS NULL, ['schedule_game_not_found'], ARRAY<STRING>[])
         ) AS issues,
         s.l5_pct >= 90 AND s.l10_pct >= 90 AND s.l7d_pct >= 90 AND s.l14d_pct >= 90 AND s.l30d_pct >= 90
           AS all_windows_ready
  FROM scored AS s
)
SELECT
  f.player_lookup,
  f.universal_player_id,
  f.game_id,
  f.game_date,
  f.team_abbr,
  f.opponent_team_abbr,

  CAST(ROUND(f.current_points_line, 1) AS NUMERIC) AS current_points_line,
  CAST(ROUND(f.opening_points_line, 1) AS NUMERIC) AS opening_points_line,
  CAST(ROUND(f.current_points_line - f.opening_points_line, 1) AS NUMERIC) AS line_movement,
  f.points_line_source AS current_points_line_source,
  IF(f.opening_points_line IS NOT NULL, f.points_line_source, NULL) AS opening_points_line_source,
  f.current_points_line IS NOT NULL AS has_prop_line,

  CAST(ROUND(f.game_spread, 1) AS NUMERIC) AS game_spread,
  CAST(ROUND(f.opening_spread, 1) AS NUMERIC) AS opening_spread,
  CAST(ROUND(f.game_spread - f.opening_spread, 1) AS NUMERIC) AS spread_movement,
  f.game_spread_source,
  CAST(ROUND(f.game_total, 1) AS NUMERIC) AS game_total,
  CAST(ROUND(f.opening_total, 1) AS NUMERIC) AS opening_total,
  CAST(ROUND(f.game_total - f.opening_total, 1) AS NUMERIC) AS total_movement,
  f.game_total_source,

  f.home_game,
  -- days_rest counts days since the last game, so 1 is a back-to-back (fix of D15)
  DATE_DIFF(f.game_date, f.last_game_date, DAY) = 1 AS back_to_back,
  f.season_phase,

  DATE_DIFF(f.game_date, f.last_game_date, DAY) AS days_rest,
  DATE_DIFF(f.last_game_date, f.second_last_game_date, DAY) AS days_rest_before_last_game,
  DATE_DIFF(f.game_date, f.last_rested_game, DAY) AS days_since_2_plus_days_rest,
  COALESCE(f.games_7, 0) AS games_in_last_7_days,
  COALESCE(f.games_14, 0) AS games_in_last_14_days,
  CAST(FLOOR(COALESCE(f.seconds_7, 0) / 60) AS INT64) AS minutes_in_last_7_days,
  CAST(FLOOR(COALESCE(f.seconds_14, 0) / 60) AS INT64) AS minutes_in_last_14_days,
  CAST(ROUND(f.seconds_7 / 60 / NULLIF(f.games_7, 0), 1) AS NUMERIC) AS avg_minutes_per_game_last_7,
  COALESCE(f.back_to_backs_14, 0) AS back_to_backs_last_14_days,

  CAST(ROUND(f.points_avg_5, 1) AS NUMERIC) AS points_avg_last_5,
  CAST(ROUND(f.points_avg_10, 1) AS NUMERIC) AS points_avg_last_10,

  DATE_DIFF(f.next_game_date, f.game_date, DAY) AS next_game_days_rest,
  f.games_in_next_7_days,
  f.next_game_is_primetime,
  f.opponent_days_rest,
  f.opponent_games_in_next_7_days,
  DATE_DIFF(f.opponent_next_game_date, f.game_date, DAY) AS opponent_next_game_days_rest,

  f.injury_status AS player_status,
  f.injury_reason AS injury_report,
  COALESCE(f.questionable_teammates, 0) AS questionable_teammates,
  COALESCE(f.probable_teammates, 0) AS probable_teammates,

  sc.source_boxscore_last_updated, sc.source_boxscore_rows_found, sc.source_boxscore_completeness_pct,
  sc.source_boxscore_hash,
  sc.source_schedule_last_updated, sc.source_schedule_rows_found, sc.source_schedule_completeness_pct,
  sc.source_schedule_hash,
  sc.source_props_last_updated, sc.source_props_rows_found, sc.source_props_completeness_pct,
  sc.source_props_hash,
  sc.source_game_lines_last_updated, sc.source_game_lines_rows_found, sc.source_game_lines_completeness_pct,
  sc.source_game_lines_hash,

  f.tier AS data_quality_tier,
  IF(f.used_bdl, 'nbac_gamebook_player_stats+bdl_player_boxscores', 'nbac_gamebook_player_stats')
    AS primary_source_used,
  ARRAY_LENGTH(f.issues) > 0 AS processed_with_issues,

  f.l30d_expected AS expected_games_count,
  f.l30d_actual AS actual_games_count,
  f.l30d_pct AS completeness_percentage,
  f.l30d_expected - f.l30d_actual AS missing_games_count,
  f.season_boundary OR f.bootstrap OR f.all_windows_ready AS is_production_ready,
  f.issues AS data_quality_issues,
  /* include fragment: context_processing_state */,

  f.l5_pct AS l5_completeness_pct,
  COALESCE(f.l5_actual >= f.l5_expected, TRUE) AS l5_is_complete,
  f.l10_pct AS l10_completeness_pct,
  COALESCE(f.l10_actual >= f.l10_expected, TRUE) AS l10_is_complete,
  f.l7d_pct AS l7d_completeness_pct,
  COALESCE(f.l7d_actual >= f.l7d_expected, TRUE) AS l7d_is_complete,
  f.l14d_pct AS l14d_completeness_pct,
  COALESCE(f.l14d_actual >= f.l14d_expected, TRUE) AS l14d_is_complete,
  f.l30d_pct AS l30d_completeness_pct,
  COALESCE(f.l30d_actual >= f.l30d_expected, TRUE) AS l30d_is_complete,
  COALESCE(f.l5_actual >= f.l5_expected AND f.l10_actual >= f.l10_expected
           AND f.l7d_actual >= f.l7d_expected AND f.l14d_actual >= f.l14d_expected
           AND f.l30d_actual >= f.l30d_expected, TRUE) AS all_windows_complete,

  f.tier AS quality_tier,
  CASE f.tier WHEN 'gold' THEN 95.0 WHEN 'silver' THEN 75.0 ELSE 50.0 END AS quality_score,
  f.issues AS quality_issues,
  ARRAY_CONCAT(['nbac_gamebook_player_stats'],
               IF(f.used_bdl, ['bdl_player_boxscores'], ARRAY<STRING>[]),
               IF(f.schedule_game_id IS NOT NULL, ['nbac_schedule'], ARRAY<STRING>[]),
               CASE WHEN f.points_line_source = 'bettingpros' THEN ['bettingpros_player_points_props']
                    WHEN f.points_line_source IS NOT NULL THEN ['odds_api_player_points_props']
                    ELSE ARRAY<STRING>[] END,
               IF(f.game_spread IS NOT NULL OR f.game_total IS NOT NULL, ['odds_api_game_lines'],
                  ARRAY<STRING>[])) AS data_sources,
  f.sample_games AS quality_sample_size,
  COALESCE(f.used_bdl, FALSE) OR COALESCE(f.points_line_source = 'bettingpros', FALSE)
    AS quality_used_fallback,
  FALSE AS quality_reconstructed,
  CURRENT_TIMESTAMP() AS quality_calculated_at,

  SUBSTR(TO_HEX(SHA256(ARRAY_TO_STRING([
    f.game_id, f.player_lookup, f.team_abbr, f.opponent_team_abbr, f.points_line_source,
    CAST(CAST(ROUND(f.current_points_line * 10) AS INT64) AS STRING),
    CAST(CAST(ROUND(f.opening_points_line * 10) AS INT64) AS STRING),
    f.game_spread_source, CAST(CAST(ROUND(f.game_spread * 10) AS INT64) AS STRING),
    f.game_total_source, CAST(CAST(ROUND(f.game_total * 10) AS INT64) AS STRING),
    CAST(f.last_game_date AS STRING), CAST(f.games_7 AS STRING), CAST(f.games_14 AS STRING),
    CAST(f.seconds_7 AS STRING), CAST(f.seconds_14 AS STRING), CAST(f.games_last_30 AS STRING),
    f.injury_status
  ], '|', 'NULL'))), 1, 16) AS data_hash,
  1 AS context_version,
  CURRENT_TIMESTAMP() AS processed_at
FROM final AS f
LEFT JOIN source_columns AS sc USING (game_date)
