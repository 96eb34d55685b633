-- season_bounds: bounds(first_read_date, last_date) for season-to-date reads: from 260 days
-- before the first requested date (opening night is at most ~250 days before any date of its
-- season) to the last requested date.
bounds AS (
  SELECT DATE_SUB(MIN(d), INTERVAL 260 DAY) AS first_read_date, MAX(d) AS last_date
  FROM UNNEST(@dates) AS d
)
