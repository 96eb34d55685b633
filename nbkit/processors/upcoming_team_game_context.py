"""Team context per schedule game: rest, momentum, travel, betting lines, injuries."""

from __future__ import annotations

from nbkit.processors.base import Processor
from nbkit.processors.expected import TWO_ROWS_PER_FINAL_GAME


class UpcomingTeamGameContext(Processor):
    """Phase 3 team game context: two rows (home and away view) per final schedule game."""

    NAME = "upcoming_team_game_context"
    PHASE = 3
    TARGET_TABLE = "nba_analytics.upcoming_team_game_context"
    KEY_COLUMNS = ("game_date", "game_id", "team_abbr")
    # game_number_in_season, streaks and rest read the season so far (opening night is at most
    # ~250 days before a Finals game); injury reports are read up to 7 days before the game.
    LOOKBACK_DAYS = 300
    EXPECTED_ROWS_SQL = TWO_ROWS_PER_FINAL_GAME
    SQL_FILE = "upcoming_team_game_context.sql"


PROCESSOR = UpcomingTeamGameContext
