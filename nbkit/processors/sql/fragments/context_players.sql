-- context_players: one row per player of upcoming_player_game_context on each analysis date
-- (a player has one game per date; the first game_id wins if the context holds two), with the
-- date's season_year. Reads analysis_dates of season_window.
context_players AS (
  SELECT a.season_year, u.*
  FROM `nba_analytics.upcoming_player_game_context` AS u
  JOIN analysis_dates AS a ON a.analysis_date = u.game_date
  WHERE u.game_date IN UNNEST(@dates)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY u.game_date, u.player_lookup
                             ORDER BY u.game_id, u.processed_at DESC) = 1
)
