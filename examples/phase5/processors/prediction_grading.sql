/* nbkit processor
name: prediction_grading
stage: 5
target: nba_predictions.prediction_grading
date_column: game_date
keys: game_date, player_lookup
skips_bootstrap: true
upstream: player_game_summary, player_points_baseline
expected_rows: expected/prediction_grading.sql
description: Each baseline prediction graded against the points actually scored
*/
SELECT p.game_date, p.player_lookup, p.game_id, p.points_line, p.predicted_points,
       s.points AS actual_points,
       ROUND(ABS(p.predicted_points - s.points), 2) AS absolute_error,
       p.recommendation,
       CASE WHEN s.points > p.points_line THEN 'OVER'
            WHEN s.points < p.points_line THEN 'UNDER' ELSE 'PUSH' END AS actual_result,
       p.recommendation = CASE WHEN s.points > p.points_line THEN 'OVER'
                               WHEN s.points < p.points_line THEN 'UNDER' ELSE 'PUSH' END
         AS recommendation_hit
FROM nba_predictions.player_points_baseline AS p
JOIN nba_analytics.player_game_summary AS s
  ON s.game_date = p.game_date AND s.player_lookup = p.player_lookup
WHERE p.game_date IN UNNEST(@dates) AND s.game_date IN UNNEST(@dates)
  AND s.points IS NOT NULL
