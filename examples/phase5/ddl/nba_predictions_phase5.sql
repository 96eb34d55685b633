-- Phase 5 tables of the example, in the team's BigQuery DDL form.

CREATE TABLE IF NOT EXISTS nba_predictions.player_points_baseline (
  game_date DATE NOT NULL,
  player_lookup STRING NOT NULL,
  game_id STRING,
  points_line FLOAT64 NOT NULL,
  line_source STRING NOT NULL,
  predicted_points FLOAT64,
  recommendation STRING,
  model_version STRING NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup
OPTIONS (require_partition_filter = TRUE);

CREATE TABLE IF NOT EXISTS nba_predictions.prediction_grading (
  game_date DATE NOT NULL,
  player_lookup STRING NOT NULL,
  game_id STRING,
  points_line FLOAT64,
  predicted_points FLOAT64,
  actual_points INT64,
  absolute_error FLOAT64,
  recommendation STRING,
  actual_result STRING,
  recommendation_hit BOOL
)
PARTITION BY game_date
CLUSTER BY player_lookup
OPTIONS (require_partition_filter = TRUE);

CREATE TABLE IF NOT EXISTS nba_predictions.prediction_exports (
  game_date DATE NOT NULL,
  file_name STRING NOT NULL,
  rows_exported INT64 NOT NULL
)
PARTITION BY game_date;
