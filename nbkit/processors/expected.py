"""Shared pieces of the Phase 4 EXPECTED_ROWS_SQL: what a complete partition holds.

Every Phase 4 expectation starts from the same season calendar (final games,
each season's opening night, team-games, and which requested dates lie outside
the 7-day bootstrap window); only the counted entity differs.
"""

from __future__ import annotations

# Team-game tables: a complete date holds both sides of every final game on the schedule.
TWO_ROWS_PER_FINAL_GAME = """
SELECT game_date AS data_date, 2 * COUNT(DISTINCT game_id) AS expected_rows
FROM `nba-props-platform.nba_raw.nbac_schedule`
WHERE game_date IN UNNEST(@dates) AND game_status = 3
GROUP BY game_date
"""

SEASON_CALENDAR = """
WITH final_games AS (
  SELECT game_date, season_year, home_team_tricode, away_team_tricode,
         COALESCE(is_regular_season, FALSE) AS is_regular_season,
         COALESCE(is_all_star, FALSE) AS is_all_star
  FROM `nba-props-platform.nba_raw.nbac_schedule`
  WHERE game_status = 3
    AND game_date BETWEEN DATE_SUB((SELECT MIN(d) FROM UNNEST(@dates) AS d), INTERVAL 260 DAY)
                      AND (SELECT MAX(d) FROM UNNEST(@dates) AS d)
),
openings AS (
  SELECT season_year, MIN(IF(is_regular_season, game_date, NULL)) AS opening_night
  FROM final_games GROUP BY season_year
),
team_games AS (
  SELECT game_date, season_year, home_team_tricode AS team_abbr FROM final_games WHERE NOT is_all_star
  UNION ALL
  SELECT game_date, season_year, away_team_tricode AS team_abbr FROM final_games WHERE NOT is_all_star
),
date_seasons AS (
  -- requested game dates outside the bootstrap window (days 0-6 from opening night)
  SELECT DISTINCT g.game_date AS data_date, g.season_year, o.opening_night
  FROM final_games AS g JOIN openings AS o USING (season_year)
  WHERE g.game_date IN UNNEST(@dates) AND DATE_DIFF(g.game_date, o.opening_night, DAY) >= 7
)"""


def context_rows(distinct_columns: str) -> str:
    """Expected rows = distinct ``distinct_columns`` of upcoming_player_game_context per date."""
    return SEASON_CALENDAR + f""",
context AS (
  SELECT DISTINCT {distinct_columns}
  FROM `nba-props-platform.nba_analytics.upcoming_player_game_context`
  WHERE game_date IN UNNEST(@dates)
)
SELECT d AS data_date, COUNT(c.player_lookup) AS expected_rows
FROM UNNEST(@dates) AS d
LEFT JOIN date_seasons AS s ON s.data_date = d
LEFT JOIN context AS c ON c.game_date = s.data_date
GROUP BY d
"""
