-- A complete date: every prediction whose player has a box score (with points) that day.
SELECT p.game_date AS data_date, COUNT(*) AS expected_rows
FROM nba_predictions.player_points_baseline AS p
WHERE p.game_date IN UNNEST(@dates)
  AND p.player_lookup IN (SELECT player_lookup FROM nba_analytics.player_game_summary
                          WHERE game_date = p.game_date AND points IS NOT NULL)
GROUP BY p.game_date
