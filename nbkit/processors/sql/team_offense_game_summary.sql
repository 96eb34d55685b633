-- team_offense_game_summary: one row per (game_id, team_abbr) for every date in @dates.
-- Team box score when it holds both sides of a game; otherwise the teams are rebuilt from player
-- rows (gamebook 'active', BDL for games the gamebook lacks). Shot zones from NBA.com play-by-play.
WITH
team_box AS (
  SELECT *
  FROM `nba-props-platform.nba_raw.nbac_team_boxscore`
  WHERE game_date IN UNNEST(@dates)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, team_abbr
                             ORDER BY processed_at DESC, data_hash DESC) = 1
),
box_games AS (
  SELECT game_id
  FROM team_box
  GROUP BY game_id
  HAVING COUNT(*) = 2 AND COUNTIF(is_home) = 1
),
gamebook_active AS (
  SELECT *
  FROM `nba-props-platform.nba_raw.nbac_gamebook_player_stats`
  WHERE game_date IN UNNEST(@dates) AND LOWER(player_status) = 'active'
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, team_abbr, COALESCE(player_lookup, player_name)
                             ORDER BY processed_at DESC, data_hash DESC) = 1
),
bdl AS (
  SELECT *
  FROM `nba-props-platform.nba_raw.bdl_player_boxscores`
  WHERE game_date IN UNNEST(@dates)
    AND game_id NOT IN (SELECT game_id FROM gamebook_active)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup
                             ORDER BY processed_at DESC, data_hash DESC) = 1
),
player_rows AS (
  SELECT game_id, game_date, season_year, team_abbr, TRIM(minutes) AS minutes, points,
         field_goals_made, field_goals_attempted, three_pointers_made, three_pointers_attempted,
         free_throws_made, free_throws_attempted, offensive_rebounds, defensive_rebounds,
         total_rebounds, assists, steals, blocks, turnovers, personal_fouls,
         'nbac_gamebook_player_stats' AS source
  FROM gamebook_active
  UNION ALL
  SELECT game_id, game_date, season_year, team_abbr, TRIM(minutes), points,
         field_goals_made, field_goals_attempted, three_pointers_made, three_pointers_attempted,
         free_throws_made, free_throws_attempted, offensive_rebounds, defensive_rebounds,
         rebounds, assists, steals, blocks, turnovers, personal_fouls,
         'bdl_player_boxscores'
  FROM bdl
),
rebuilt AS (
  SELECT game_id, game_date, MAX(season_year) AS season_year, team_abbr,
         MIN(source) AS source, COUNT(*) AS player_rows,
         SUM(CASE
               WHEN REGEXP_CONTAINS(minutes, r'^[0-9]{1,3}:[0-5][0-9]$')
                 THEN 60 * SAFE_CAST(SPLIT(minutes, ':')[OFFSET(0)] AS INT64)
                      + SAFE_CAST(SPLIT(minutes, ':')[OFFSET(1)] AS INT64)
               WHEN REGEXP_CONTAINS(minutes, r'^[0-9]{1,3}$') THEN 60 * SAFE_CAST(minutes AS INT64)
             END) AS player_seconds,
         SUM(COALESCE(points, 0)) AS points,
         SUM(COALESCE(field_goals_made, 0)) AS fg_made,
         SUM(COALESCE(field_goals_attempted, 0)) AS fg_attempted,
         SUM(COALESCE(three_pointers_made, 0)) AS three_pt_made,
         SUM(COALESCE(three_pointers_attempted, 0)) AS three_pt_attempted,
         SUM(COALESCE(free_throws_made, 0)) AS ft_made,
         SUM(COALESCE(free_throws_attempted, 0)) AS ft_attempted,
         SUM(COALESCE(offensive_rebounds, 0)) AS offensive_rebounds,
         SUM(COALESCE(defensive_rebounds, 0)) AS defensive_rebounds,
         SUM(COALESCE(total_rebounds, 0)) AS total_rebounds,
         SUM(COALESCE(assists, 0)) AS assists,
         SUM(COALESCE(steals, 0)) AS steals,
         SUM(COALESCE(blocks, 0)) AS blocks,
         SUM(COALESCE(turnovers, 0)) AS turnovers,
         SUM(COALESCE(personal_fouls, 0)) AS personal_fouls
  FROM player_rows
  WHERE game_id NOT IN (SELECT game_id FROM box_games)
  GROUP BY game_id, game_date, team_abbr
  HAVING COUNT(*) >= 5
),
schedule AS (
  SELECT game_date, away_team_tricode, home_team_tricode, MIN(game_id) AS nba_game_id
  FROM `nba-props-platform.nba_raw.nbac_schedule`
  WHERE game_date IN UNNEST(@dates)
  GROUP BY game_date, away_team_tricode, home_team_tricode
),
teams AS (
  SELECT game_id, nba_game_id, game_date, season_year, team_abbr, is_home,
         -- cumulative player-minutes "MMM:SS"; NULL means regulation
         COALESCE(NULLIF(SAFE_CAST(SPLIT(minutes, ':')[SAFE_OFFSET(0)] AS INT64)
                         + COALESCE(SAFE_CAST(SPLIT(minutes, ':')[SAFE_OFFSET(1)] AS INT64), 0) / 60, 0),
                  240) AS team_minutes,
         points, fg_made, fg_attempted, three_pt_made, three_pt_attempted, ft_made, ft_attempted,
         offensive_rebounds, defensive_rebounds, total_rebounds, assists, steals, blocks,
         turnovers, personal_fouls,
         'nbac_team_boxscore' AS source, FALSE AS reconstructed, CAST(NULL AS INT64) AS player_rows
  FROM team_box
  WHERE game_id IN (SELECT game_id FROM box_games)
  UNION ALL
  SELECT r.game_id, s.nba_game_id, r.game_date, r.season_year, r.team_abbr,
         r.team_abbr = SPLIT(r.game_id, '_')[SAFE_OFFSET(2)],
         -- summed player minutes snapped to regulation plus whole 25-minute overtimes
         240 + 25 * GREATEST(0, ROUND((COALESCE(r.player_seconds, 0) / 60 - 240) / 25)),
         r.points, r.fg_made, r.fg_attempted, r.three_pt_made, r.three_pt_attempted, r.ft_made,
         r.ft_attempted, r.offensive_rebounds, r.defensive_rebounds, r.total_rebounds, r.assists,
         r.steals, r.blocks, r.turnovers, r.personal_fouls,
         r.source, TRUE, r.player_rows
  FROM rebuilt AS r
  LEFT JOIN schedule AS s
    ON s.game_date = r.game_date
   AND s.away_team_tricode = SPLIT(r.game_id, '_')[SAFE_OFFSET(1)]
   AND s.home_team_tricode = SPLIT(r.game_id, '_')[SAFE_OFFSET(2)]
  -- a team that is neither side of its game_id cannot be placed; the date then reads partial
  WHERE r.team_abbr IN (SPLIT(r.game_id, '_')[SAFE_OFFSET(1)], SPLIT(r.game_id, '_')[SAFE_OFFSET(2)])
),
paired AS (
  SELECT t.*, o.team_abbr AS opponent_team_abbr, o.points AS opponent_points,
         ROUND(t.fg_attempted + 0.44 * t.ft_attempted + t.turnovers - t.offensive_rebounds, 1)
           AS possessions_1dp
  FROM teams AS t
  JOIN teams AS o ON o.game_id = t.game_id AND o.team_abbr != t.team_abbr
  -- a game rebuilt with more than two team codes cannot be paired reliably
  WHERE t.game_id IN (SELECT game_id FROM teams GROUP BY game_id HAVING COUNT(*) = 2)
),
pbp_shots AS (
  SELECT game_id, player_1_team_abbr AS team_abbr, shot_type, shot_distance, shot_made
  FROM `nba-props-platform.nba_raw.nbac_play_by_play`
  WHERE game_date IN UNNEST(@dates) AND event_type = 'fieldgoal' AND shot_made IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, event_id ORDER BY processed_at DESC, data_hash DESC) = 1
),
zones AS (
  -- paint = 2PT within 8 ft, mid-range = longer 2PT (production's cut; no-coordinate shots read 0.0 ft)
  SELECT game_id, team_abbr,
         COUNTIF(shot_type = '2PT' AND shot_distance <= 8.0) AS paint_attempts,
         COUNTIF(shot_type = '2PT' AND shot_distance <= 8.0 AND shot_made) AS paint_makes,
         COUNTIF(shot_type = '2PT' AND shot_distance > 8.0) AS mid_range_attempts,
         COUNTIF(shot_type = '2PT' AND shot_distance > 8.0 AND shot_made) AS mid_range_makes
  FROM pbp_shots
  GROUP BY game_id, team_abbr
),
pbp_games AS (
  SELECT DISTINCT game_id FROM pbp_shots
),
inactive AS (
  SELECT game_id, team_abbr, COUNTIF(LOWER(player_status) = 'inactive') AS players_inactive
  FROM `nba-props-platform.nba_raw.nbac_gamebook_player_stats`
  WHERE game_date IN UNNEST(@dates)
  GROUP BY game_id, team_abbr
),
schedule_games AS (
  SELECT game_date, COUNT(DISTINCT game_id) AS final_games
  FROM `nba-props-platform.nba_raw.nbac_schedule`
  WHERE game_date IN UNNEST(@dates) AND game_status = 3
  GROUP BY game_date
),
src_box AS (
  SELECT game_date, MAX(processed_at) AS last_updated, COUNT(*) AS rows_found,
         COUNT(DISTINCT game_id) AS games,
         ARRAY_AGG(data_hash IGNORE NULLS ORDER BY processed_at DESC, data_hash DESC LIMIT 1)
           [SAFE_OFFSET(0)] AS hash
  FROM `nba-props-platform.nba_raw.nbac_team_boxscore`
  WHERE game_date IN UNNEST(@dates)
  GROUP BY game_date
),
src_pbp AS (
  SELECT game_date, MAX(processed_at) AS last_updated, COUNT(*) AS rows_found,
         COUNT(DISTINCT game_id) AS games,
         ARRAY_AGG(data_hash IGNORE NULLS ORDER BY processed_at DESC, data_hash DESC LIMIT 1)
           [SAFE_OFFSET(0)] AS hash
  FROM `nba-props-platform.nba_raw.nbac_play_by_play`
  WHERE game_date IN UNNEST(@dates)
  GROUP BY game_date
),
final AS (
  SELECT p.*,
         p.game_id IN (SELECT game_id FROM pbp_games) AS has_zones,
         z.paint_attempts, z.paint_makes, z.mid_range_attempts, z.mid_range_makes,
         i.players_inactive,
         ARRAY_CONCAT(
           IF(p.reconstructed, ['reconstructed'], ARRAY<STRING>[]),
           IF(p.source = 'bdl_player_boxscores', ['backup_source_used'], ARRAY<STRING>[]),
           IF(p.game_id IN (SELECT game_id FROM pbp_games), ARRAY<STRING>[], ['shot_zones_unavailable'])
         ) AS issues
  FROM paired AS p
  LEFT JOIN zones AS z USING (game_id, team_abbr)
  LEFT JOIN inactive AS i USING (game_id, team_abbr)
)
SELECT
  f.game_id,
  f.nba_game_id,
  f.game_date,
  f.team_abbr,
  f.opponent_team_abbr,
  f.season_year,

  f.points AS points_scored,
  f.fg_attempted AS fg_attempts,
  f.fg_made AS fg_makes,
  f.three_pt_attempted AS three_pt_attempts,
  f.three_pt_made AS three_pt_makes,
  f.ft_attempted AS ft_attempts,
  f.ft_made AS ft_makes,
  f.total_rebounds AS rebounds,
  f.assists,
  f.turnovers,
  f.personal_fouls,

  IF(f.has_zones, COALESCE(f.paint_attempts, 0), NULL) AS team_paint_attempts,
  IF(f.has_zones, COALESCE(f.paint_makes, 0), NULL) AS team_paint_makes,
  IF(f.has_zones, COALESCE(f.mid_range_attempts, 0), NULL) AS team_mid_range_attempts,
  IF(f.has_zones, COALESCE(f.mid_range_makes, 0), NULL) AS team_mid_range_makes,
  IF(f.has_zones, 2 * COALESCE(f.paint_makes, 0), NULL) AS points_in_paint_scored,
  CAST(NULL AS INT64) AS second_chance_points_scored,

  CAST(ROUND(f.points / NULLIF(f.possessions_1dp, 0) * 100, 2) AS NUMERIC) AS offensive_rating,
  CAST(ROUND(f.possessions_1dp * 48 / (f.team_minutes / 5), 1) AS NUMERIC) AS pace,
  CAST(ROUND(f.possessions_1dp) AS INT64) AS possessions,
  CAST(ROUND(f.points / NULLIF(2 * (f.fg_attempted + 0.44 * f.ft_attempted), 0), 3) AS NUMERIC) AS ts_pct,

  f.is_home AS home_game,
  COALESCE(f.points > f.opponent_points, FALSE) AS win_flag,
  f.points - f.opponent_points AS margin_of_victory,
  GREATEST(0, CAST(ROUND((f.team_minutes - 240) / 25) AS INT64)) AS overtime_periods,

  f.players_inactive,
  CAST(NULL AS INT64) AS starters_inactive,
  CAST(NULL AS STRING) AS referee_crew_id,

  sb.last_updated AS source_nbac_boxscore_last_updated,
  sb.rows_found AS source_nbac_boxscore_rows_found,
  CAST(ROUND(LEAST(100, 100 * sb.games / NULLIF(sg.final_games, 0)), 2) AS NUMERIC) AS source_nbac_boxscore_completeness_pct,
  sb.hash AS source_nbac_boxscore_hash,
  sp.last_updated AS source_play_by_play_last_updated,
  sp.rows_found AS source_play_by_play_rows_found,
  CAST(ROUND(LEAST(100, 100 * sp.games / NULLIF(sg.final_games, 0)), 2) AS NUMERIC) AS source_play_by_play_completeness_pct,
  sp.hash AS source_play_by_play_hash,

  IF(f.reconstructed, 'silver', 'gold') AS data_quality_tier,
  f.has_zones AS shot_zones_available,
  IF(f.has_zones, 'nbac_pbp', NULL) AS shot_zones_source,
  IF(f.reconstructed, 'reconstructed_team_from_players', 'nbac_team_boxscore') AS primary_source_used,
  ARRAY_LENGTH(f.issues) > 0 AS processed_with_issues,

  IF(f.reconstructed, 'silver', 'gold') AS quality_tier,
  IF(f.reconstructed, 85.0, 100.0) AS quality_score,
  f.issues AS quality_issues,
  ARRAY_CONCAT([f.source], IF(f.has_zones, ['nbac_play_by_play'], ARRAY<STRING>[])) AS data_sources,
  f.player_rows AS quality_sample_size,
  f.reconstructed AS quality_used_fallback,
  f.reconstructed AS quality_reconstructed,
  CURRENT_TIMESTAMP() AS quality_calculated_at,
  TO_JSON(STRUCT(f.source AS team_source, f.player_rows AS player_rows_summed)) AS quality_metadata,
  TRUE AS is_production_ready,
  f.issues AS data_quality_issues,

  SUBSTR(TO_HEX(SHA256(ARRAY_TO_STRING([
    f.game_id, f.team_abbr, f.opponent_team_abbr, f.source,
    CAST(CAST(ROUND(f.team_minutes * 60) AS INT64) AS STRING), CAST(f.points AS STRING),
    CAST(f.fg_made AS STRING), CAST(f.fg_attempted AS STRING),
    CAST(f.three_pt_made AS STRING), CAST(f.three_pt_attempted AS STRING),
    CAST(f.ft_made AS STRING), CAST(f.ft_attempted AS STRING),
    CAST(f.offensive_rebounds AS STRING), CAST(f.total_rebounds AS STRING),
    CAST(f.assists AS STRING), CAST(f.turnovers AS STRING), CAST(f.personal_fouls AS STRING),
    CAST(f.opponent_points AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.paint_attempts, 0), NULL) AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.paint_makes, 0), NULL) AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.mid_range_attempts, 0), NULL) AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.mid_range_makes, 0), NULL) AS STRING)
  ], '|', 'NULL'))), 1, 16) AS data_hash,
  CURRENT_TIMESTAMP() AS processed_at
FROM final AS f
LEFT JOIN schedule_games AS sg USING (game_date)
LEFT JOIN src_box AS sb USING (game_date)
LEFT JOIN src_pbp AS sp USING (game_date)
