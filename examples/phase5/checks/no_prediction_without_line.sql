/* nbkit check
name: no_prediction_without_line
processor: player_points_baseline
severity: blocking
description: every prediction has a points line from the Odds API or BettingPros that day
*/
SELECT p.game_date, p.player_lookup
FROM nba_predictions.player_points_baseline AS p
LEFT JOIN (SELECT DISTINCT game_date, player_lookup FROM nba_raw.odds_api_player_points_props
           WHERE game_date IN UNNEST(@dates) AND points_line IS NOT NULL) AS o
  ON o.game_date = p.game_date AND o.player_lookup = p.player_lookup
LEFT JOIN (SELECT DISTINCT game_date, player_lookup FROM nba_raw.bettingpros_player_points_props
           WHERE game_date IN UNNEST(@dates) AND points_line IS NOT NULL) AS b
  ON b.game_date = p.game_date AND b.player_lookup = p.player_lookup
WHERE p.game_date IN UNNEST(@dates)
  AND (p.points_line IS NULL OR (o.player_lookup IS NULL AND b.player_lookup IS NULL))
