-- source_lineage: per source table and date, what the table held, in source_lineage (source,
-- game_date, last_updated = newest processed_at, rows_found, games = distinct game keys, hash =
-- data_hash of the newest row). Reads the CTE lineage_rows(source, game_date, game_key,
-- processed_at, data_hash) of the including SQL: one UNION ALL branch per source table, named
-- by the table and filtered to the rows the processor reads for the date.
source_lineage AS (
  SELECT source, game_date, MAX(processed_at) AS last_updated, COUNT(*) AS rows_found,
         COUNT(DISTINCT game_key) AS games,
         ARRAY_AGG(data_hash IGNORE NULLS ORDER BY processed_at DESC, data_hash DESC LIMIT 1)
           [SAFE_OFFSET(0)] AS hash
  FROM lineage_rows
  GROUP BY source, game_date
)
