-- player_game_windows: completeness by games. team_latest_game: per analysis date (with its
-- season) and team, the team game number of the team's latest final game up to the date, i.e.
-- the games it has played. player_game_windows: per player, team, season and team game number
-- k, how many of the player's qualifying games are among the team's last 5 / last 10 games once
-- the team has played k (a game with team game number g counts for k = g..g+4 / g..g+9).
-- Reads analysis_dates of season_window, team_schedule and qualifying_games.
team_latest_game AS (
  SELECT a.analysis_date, a.season_year, t.team_abbr, t.team_game_number
  FROM analysis_dates AS a
  JOIN team_schedule AS t
    ON t.season_year = a.season_year
   AND t.game_date <= a.analysis_date
   AND (t.next_game_date > a.analysis_date OR t.next_game_date IS NULL)
),

player_game_windows AS (
  SELECT g.player_lookup, g.team_abbr, g.season_year, window_end AS team_game_number,
         COUNTIF(window_end - g.team_game_number < 5) AS games_last_5,
         COUNT(*) AS games_last_10
  FROM qualifying_games AS g
  CROSS JOIN UNNEST(GENERATE_ARRAY(g.team_game_number, g.team_game_number + 9)) AS window_end
  GROUP BY g.player_lookup, g.team_abbr, g.season_year, window_end
)
