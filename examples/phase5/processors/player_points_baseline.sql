/* nbkit processor
name: player_points_baseline
stage: 5
target: nba_predictions.player_points_baseline
date_column: game_date
keys: game_date, player_lookup
skips_bootstrap: true
expected_rows: expected/player_points_baseline.sql
description: Baseline predicted points per player-game that has a points line that day
*/
-- The day's line per player: the Odds API's latest snapshot, else BettingPros' best line.
WITH odds AS (
  SELECT game_date, player_lookup, points_line
  FROM nba_raw.odds_api_player_points_props
  WHERE game_date IN UNNEST(@dates) AND player_lookup IS NOT NULL AND points_line IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_date, player_lookup
                             ORDER BY snapshot_timestamp DESC, bookmaker) = 1
),
bettingpros AS (
  SELECT game_date, player_lookup, points_line
  FROM nba_raw.bettingpros_player_points_props
  WHERE game_date IN UNNEST(@dates) AND player_lookup IS NOT NULL AND points_line IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_date, player_lookup
                             ORDER BY is_best_line DESC, bookmaker_last_update DESC, bookmaker) = 1
),
lines AS (
  SELECT COALESCE(o.game_date, b.game_date) AS game_date,
         COALESCE(o.player_lookup, b.player_lookup) AS player_lookup,
         COALESCE(o.points_line, b.points_line) AS points_line,
         IF(o.points_line IS NOT NULL, 'odds_api', 'bettingpros') AS line_source
  FROM odds AS o
  FULL OUTER JOIN bettingpros AS b
    ON b.game_date = o.game_date AND b.player_lookup = o.player_lookup
),
predicted AS (
  -- points_avg_last_5, points_avg_last_10, points_avg_season (features 0, 1, 2)
  SELECT f.game_date, f.player_lookup, f.game_id,
         ROUND(0.5 * f.features[OFFSET(0)] + 0.3 * f.features[OFFSET(1)]
               + 0.2 * f.features[OFFSET(2)], 2) AS predicted_points
  FROM nba_predictions.ml_feature_store_v2 AS f
  WHERE f.game_date IN UNNEST(@dates) AND f.feature_version = 'v1_baseline_25'
)
SELECT p.game_date, p.player_lookup, p.game_id, l.points_line, l.line_source,
       p.predicted_points,
       CASE WHEN p.predicted_points > l.points_line THEN 'OVER'
            WHEN p.predicted_points < l.points_line THEN 'UNDER' ELSE 'PASS' END AS recommendation,
       'baseline_v1' AS model_version
FROM predicted AS p
JOIN lines AS l ON l.game_date = p.game_date AND l.player_lookup = p.player_lookup
