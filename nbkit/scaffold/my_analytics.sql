-- The tables your processors write, in BigQuery DDL (nbkit init creates them everywhere).
CREATE TABLE IF NOT EXISTS my_analytics.team_points (
  game_date DATE NOT NULL,
  game_id STRING NOT NULL,
  team_abbr STRING NOT NULL,
  points INT64,
  players INT64
)
PARTITION BY game_date
CLUSTER BY team_abbr
OPTIONS (require_partition_filter = TRUE);
