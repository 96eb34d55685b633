-- season_last_dates: each season's last analysis date. A player's or team's game answers the dates
-- up to his or its next game of the season (GENERATE_DATE_ARRAY, then an equality join on the
-- date, not a range join); the season's last game answers the dates up to this one. Reads
-- analysis_dates of season_window.
season_last_dates AS (
  SELECT season_year, MAX(analysis_date) AS last_analysis_date
  FROM analysis_dates
  GROUP BY season_year
)
