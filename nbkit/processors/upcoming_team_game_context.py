"""Team context per schedule game: rest, momentum, travel, betting lines, injuries."""

from __future__ import annotations

from nbkit.processors.base import Processor


class UpcomingTeamGameContext(Processor):
    """Phase 3 team game context: two rows (home and away view) per final schedule game."""

    NAME = "upcoming_team_game_context"
    RUN_HISTORY_NAME = "UpcomingTeamGameContextProcessor"
    PHASE = 3
    TARGET_TABLE = "nba_analytics.upcoming_team_game_context"
    DATE_COLUMN = "game_date"
    KEY_COLUMNS = ("game_date", "game_id", "team_abbr")
    UPSTREAM_TABLES = (
        "nba_raw.nbac_schedule",
        "nba_raw.odds_api_game_lines",
        "nba_raw.nbac_injury_report",
        "nba_static.travel_distances",
    )
    # game_number_in_season, streaks and rest read the season so far (opening night is at most
    # ~250 days before a Finals game); injury reports are read up to 7 days before the game.
    LOOKBACK_DAYS = 300
    # A complete date holds both sides of every final game on the schedule.
    EXPECTED_ROWS_SQL = """
SELECT game_date AS data_date, 2 * COUNT(DISTINCT game_id) AS expected_rows
FROM `nba-props-platform.nba_raw.nbac_schedule`
WHERE game_date IN UNNEST(@dates) AND game_status = 3
GROUP BY game_date
"""
    SQL_FILE = "upcoming_team_game_context.sql"


PROCESSOR = UpcomingTeamGameContext
