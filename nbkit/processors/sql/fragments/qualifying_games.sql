-- qualifying_games: the player_game_summary rows that count as a player's games (active, minutes
-- > 0) on his team's scheduled games within bounds, with the schedule's season_year (in place of
-- the row's own) and the team's game number. Reads bounds and team_schedule.
qualifying_games AS (
  SELECT p.* EXCEPT (season_year), s.season_year, s.team_game_number
  FROM `nba_analytics.player_game_summary` AS p
  CROSS JOIN bounds AS b
  JOIN team_schedule AS s ON s.team_abbr = p.team_abbr AND s.game_date = p.game_date
  WHERE p.game_date BETWEEN b.first_read_date AND b.last_date
    AND p.is_active AND p.minutes_played > 0
)
