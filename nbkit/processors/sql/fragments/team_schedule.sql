-- team_schedule: each team's final games of the season in date order (All-Star exhibitions
-- excluded), numbered, with the date of its next one. Reads final_games of season_window.
team_schedule AS (
  SELECT team_abbr, season_year, game_date,
         ROW_NUMBER() OVER (PARTITION BY team_abbr, season_year ORDER BY game_date) AS team_game_number,
         LEAD(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date) AS next_game_date
  FROM (
    SELECT game_date, season_year, home_team_tricode AS team_abbr FROM final_games WHERE NOT is_all_star
    UNION ALL
    SELECT game_date, season_year, away_team_tricode AS team_abbr FROM final_games WHERE NOT is_all_star
  )
)
