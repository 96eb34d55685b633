-- A complete date: one prediction per feature-store player with a line from either source.
SELECT f.game_date AS data_date, COUNT(DISTINCT f.player_lookup) AS expected_rows
FROM nba_predictions.ml_feature_store_v2 AS f
WHERE f.game_date IN UNNEST(@dates) AND f.feature_version = 'v1_baseline_25'
  AND (f.player_lookup IN (SELECT player_lookup FROM nba_raw.odds_api_player_points_props
                           WHERE game_date = f.game_date AND points_line IS NOT NULL)
       OR f.player_lookup IN (SELECT player_lookup FROM nba_raw.bettingpros_player_points_props
                              WHERE game_date = f.game_date AND points_line IS NOT NULL))
GROUP BY f.game_date
