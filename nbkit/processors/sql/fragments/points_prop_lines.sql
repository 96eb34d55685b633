-- points_prop_lines: each player's points prop line per requested date, in prop_line
-- (game_date, player_lookup, current_line, opening_line, line_source): the Odds API line when
-- there is one (DraftKings, then FanDuel, then the first other book by name; current = latest
-- snapshot, opening = earliest), else BettingPros' best 'over' line. A player has one game per
-- date, so date + player identifies the game whatever its id format.
odds AS (
  SELECT game_date, player_lookup, bookmaker, points_line, snapshot_timestamp,
         CASE bookmaker WHEN 'draftkings' THEN 1 WHEN 'fanduel' THEN 2 ELSE 3 END AS book_rank
  FROM `nba_raw.odds_api_player_points_props`
  WHERE game_date IN UNNEST(@dates) AND player_lookup IS NOT NULL AND points_line IS NOT NULL
),
odds_book AS (
  SELECT game_date, player_lookup, bookmaker
  FROM odds
  WHERE TRUE  -- some BigQuery releases reject QUALIFY without WHERE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_date, player_lookup
                             ORDER BY book_rank, bookmaker) = 1
),
odds_line AS (
  SELECT o.game_date, o.player_lookup, o.bookmaker,
         ARRAY_AGG(o.points_line ORDER BY o.snapshot_timestamp DESC, o.points_line DESC LIMIT 1)[OFFSET(0)]
           AS current_line,
         ARRAY_AGG(o.points_line ORDER BY o.snapshot_timestamp, o.points_line LIMIT 1)[OFFSET(0)]
           AS opening_line
  FROM odds AS o
  JOIN odds_book AS b USING (game_date, player_lookup, bookmaker)
  GROUP BY o.game_date, o.player_lookup, o.bookmaker
),
bp_line AS (
  -- BettingPros has no game_id: one 'over' row per player and date, best line first
  SELECT game_date, player_lookup, points_line AS current_line, opening_line
  FROM `nba_raw.bettingpros_player_points_props`
  WHERE game_date IN UNNEST(@dates) AND player_lookup IS NOT NULL AND points_line IS NOT NULL
    AND LOWER(bet_side) = 'over'
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_date, player_lookup
                             ORDER BY is_active DESC, is_best_line DESC, bookmaker_last_update DESC,
                                      bookmaker, points_line) = 1
),
prop_line AS (
  SELECT game_date, player_lookup,
         COALESCE(ol.current_line, bp.current_line) AS current_line,
         IF(ol.current_line IS NOT NULL, ol.opening_line, bp.opening_line) AS opening_line,
         CASE WHEN ol.current_line IS NOT NULL THEN ol.bookmaker
              WHEN bp.current_line IS NOT NULL THEN 'bettingpros' END AS line_source
  FROM odds_line AS ol
  FULL JOIN bp_line AS bp USING (game_date, player_lookup)
)
