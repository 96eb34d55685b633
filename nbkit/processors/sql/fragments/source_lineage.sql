-- source_lineage: per source table and date, what the table held, in source_lineage (source,
-- game_date, last_updated = newest processed_at, rows_found, games = distinct game keys, hash =
-- data_hash of the newest row that has one, the greatest if several are as new). Reads the CTE
-- lineage_rows(source, game_date, game_key, processed_at, data_hash) of the including SQL: one
-- UNION ALL branch per source table, named by the table and filtered to the rows the processor
-- reads for the date. lineage_dates holds the same without the hash and the time it was loaded.
lineage_dates AS (
  SELECT source, game_date, MAX(processed_at) AS last_updated, COUNT(*) AS rows_found,
         COUNT(DISTINCT game_key) AS games,
         MAX(IF(data_hash IS NOT NULL, processed_at, NULL)) AS hashed_at
  FROM lineage_rows
  GROUP BY source, game_date
),
source_lineage AS (
  -- the hash is read back from the rows loaded at hashed_at (rows without a load time count only
  -- when no row with one has a hash): an equi-join, not a sort of each date's rows
  SELECT d.source, d.game_date, d.last_updated, d.rows_found, d.games, MAX(r.data_hash) AS hash
  FROM lineage_dates AS d
  LEFT JOIN lineage_rows AS r
    ON r.source = d.source AND r.game_date = d.game_date
   AND r.processed_at IS NOT DISTINCT FROM d.hashed_at
  GROUP BY d.source, d.game_date, d.last_updated, d.rows_found, d.games
)
