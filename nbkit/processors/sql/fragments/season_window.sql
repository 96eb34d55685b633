-- season_window: the season calendar every Phase 4 processor starts from. Reads the CTE
-- bounds(first_read_date, last_date) before it (season_bounds, or the including SQL's own).
-- final_games: the schedule's final games in the bounds; seasons: each season's opening night;
-- analysis_dates: the requested game dates past their season's bootstrap window (days 0-6 from
-- opening night), with their season and its opening night.
final_games AS (
  SELECT s.game_date, s.season_year, s.home_team_tricode, s.away_team_tricode,
         COALESCE(s.is_regular_season, FALSE) AS is_regular_season,
         COALESCE(s.is_all_star, FALSE) AS is_all_star
  FROM `nba_raw.nbac_schedule` AS s
  CROSS JOIN bounds AS b
  WHERE s.game_date BETWEEN b.first_read_date AND b.last_date
    -- require_partition_filter: BigQuery does not count the join to bounds, only a constant
    AND s.game_date <= (SELECT MAX(d) FROM UNNEST(@dates) AS d)
    AND s.game_status = 3
),

seasons AS (
  SELECT season_year, MIN(IF(is_regular_season, game_date, NULL)) AS opening_night
  FROM final_games
  GROUP BY season_year
),

analysis_dates AS (
  SELECT DISTINCT g.game_date AS analysis_date, g.season_year, s.opening_night
  FROM final_games AS g
  JOIN seasons AS s USING (season_year)
  WHERE g.game_date IN UNNEST(@dates)
    AND DATE_DIFF(g.game_date, s.opening_night, DAY) >= 7
)
