-- game_lines: each requested date's game spread and total per matchup, in line_values
-- (game_date, home_team_abbr, away_team_abbr, market_key, side, bookmaker_key, current_point,
-- opening_point, updated_at), matched by date and teams (the Odds API event id is not a schedule
-- id). side is the team a spread is for, or 'game' for the total. DraftKings, then FanDuel, then
-- the first other book by name; current = latest snapshot, opening = earliest.
line_sides AS (
  -- a spread outcome names a team (full name); a total is read from its 'Over' outcome
  SELECT game_date, home_team_abbr, away_team_abbr, bookmaker_key, market_key, outcome_point,
         snapshot_timestamp,
         CASE bookmaker_key WHEN 'draftkings' THEN 1 WHEN 'fanduel' THEN 2 ELSE 3 END AS book_rank,
         CASE WHEN market_key = 'totals' THEN 'game'
              WHEN outcome_name = home_team THEN home_team_abbr
              WHEN outcome_name = away_team THEN away_team_abbr END AS side
  FROM `nba_raw.odds_api_game_lines`
  WHERE game_date IN UNNEST(@dates) AND outcome_point IS NOT NULL
    AND (market_key = 'spreads' OR (market_key = 'totals' AND outcome_name = 'Over'))
),
line_book AS (
  SELECT game_date, home_team_abbr, away_team_abbr, market_key, side, bookmaker_key
  FROM line_sides
  WHERE side IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_date, home_team_abbr, away_team_abbr, market_key, side
                             ORDER BY book_rank, bookmaker_key) = 1
),
line_values AS (
  SELECT l.game_date, l.home_team_abbr, l.away_team_abbr, l.market_key, l.side, l.bookmaker_key,
         ARRAY_AGG(l.outcome_point ORDER BY l.snapshot_timestamp DESC, l.outcome_point LIMIT 1)[OFFSET(0)]
           AS current_point,
         ARRAY_AGG(l.outcome_point ORDER BY l.snapshot_timestamp, l.outcome_point LIMIT 1)[OFFSET(0)]
           AS opening_point,
         MAX(l.snapshot_timestamp) AS updated_at
  FROM line_sides AS l
  JOIN line_book AS b USING (game_date, home_team_abbr, away_team_abbr, market_key, side, bookmaker_key)
  GROUP BY l.game_date, l.home_team_abbr, l.away_team_abbr, l.market_key, l.side, l.bookmaker_key
)
