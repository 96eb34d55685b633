-- One export file per date that has graded predictions.
SELECT game_date AS data_date, 1 AS expected_rows
FROM nba_predictions.prediction_grading
WHERE game_date IN UNNEST(@dates)
GROUP BY game_date
