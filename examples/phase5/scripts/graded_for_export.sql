-- What the export script receives as {input}: the chunk's graded predictions.
SELECT game_date, player_lookup, game_id, points_line, predicted_points, actual_points,
       absolute_error, recommendation, actual_result, recommendation_hit
FROM nba_predictions.prediction_grading
WHERE game_date IN UNNEST(@dates)
ORDER BY game_date, player_lookup
