/* nbkit check
name: mean_absolute_error_above_7
processor: prediction_grading
severity: warning
description: the day's mean absolute error of the baseline is at most 7 points
*/
SELECT game_date, AVG(absolute_error) AS mean_absolute_error
FROM nba_predictions.prediction_grading
WHERE game_date IN UNNEST(@dates)
GROUP BY game_date
HAVING AVG(absolute_error) > 7.0
