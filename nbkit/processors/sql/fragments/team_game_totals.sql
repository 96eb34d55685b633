-- team_game_totals: each team's box-score totals per game of the requested dates, one row per
-- (game_id, team_abbr) in `teams`. The team box score when it holds both sides of a game;
-- otherwise the team is rebuilt from its player rows (gamebook 'active', BDL for games the
-- gamebook lacks; `player_rows` keeps them). `inactive` counts each team's inactive players.
team_box AS (
  SELECT *
  FROM `nba_raw.nbac_team_boxscore`
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
  FROM `nba_raw.nbac_gamebook_player_stats`
  WHERE game_date IN UNNEST(@dates) AND LOWER(player_status) = 'active'
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, team_abbr, COALESCE(player_lookup, player_name)
                             ORDER BY processed_at DESC, data_hash DESC) = 1
),
bdl AS (
  SELECT *
  FROM `nba_raw.bdl_player_boxscores`
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
  FROM `nba_raw.nbac_schedule`
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
inactive AS (
  SELECT game_id, team_abbr, COUNTIF(LOWER(player_status) = 'inactive') AS players_inactive
  FROM `nba_raw.nbac_gamebook_player_stats`
  WHERE game_date IN UNNEST(@dates)
  GROUP BY game_id, team_abbr
)
