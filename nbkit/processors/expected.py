"""Shared pieces of the Phase 4 EXPECTED_ROWS_SQL: what a complete partition holds.

Every Phase 4 expectation starts from the season calendar the processors themselves use
(the ``season_bounds``, ``season_window`` and ``team_schedule`` SQL fragments: final games,
each season's opening night, team-games, and which requested dates lie outside the 7-day
bootstrap window); only the counted entity differs.
"""

from __future__ import annotations

from nbkit.processors.fragments import render

# Team-game tables: a complete date holds both sides of every final game on the schedule.
TWO_ROWS_PER_FINAL_GAME = """
SELECT game_date AS data_date, 2 * COUNT(DISTINCT game_id) AS expected_rows
FROM `nba_raw.nbac_schedule`
WHERE game_date IN UNNEST(@dates) AND game_status = 3
GROUP BY game_date
"""

# CTEs bounds, final_games, seasons, analysis_dates (analysis_date, season_year, opening_night)
# and team_schedule (team_abbr, season_year, game_date, ...); append more CTEs or the SELECT.
SEASON_CALENDAR = render("""
WITH
/* include fragment: season_bounds */,
/* include fragment: season_window */,
/* include fragment: team_schedule */""", "nbkit/processors/expected.py")


def context_rows(distinct_columns: str) -> str:
    """Expected rows = distinct ``distinct_columns`` of upcoming_player_game_context per date."""
    return SEASON_CALENDAR + f""",
context AS (
  SELECT DISTINCT {distinct_columns}
  FROM `nba_analytics.upcoming_player_game_context`
  WHERE game_date IN UNNEST(@dates)
)
SELECT d AS data_date, COUNT(c.player_lookup) AS expected_rows
FROM UNNEST(@dates) AS d
LEFT JOIN analysis_dates AS s ON s.analysis_date = d
LEFT JOIN context AS c ON c.game_date = s.analysis_date
GROUP BY d
"""
