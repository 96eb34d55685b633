-- schedule_games: final games per requested date on the schedule (the denominator of the
-- source completeness percentages).
schedule_games AS (
  SELECT game_date, COUNT(DISTINCT game_id) AS final_games
  FROM `nba_raw.nbac_schedule`
  WHERE game_date IN UNNEST(@dates) AND game_status = 3
  GROUP BY game_date
)
