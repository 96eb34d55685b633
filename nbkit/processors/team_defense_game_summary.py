"""Team defense per game: the opponent's box score seen from the defending side."""

from __future__ import annotations

from nbkit.processors.base import Processor
from nbkit.processors.expected import TWO_ROWS_PER_FINAL_GAME


class TeamDefenseGameSummary(Processor):
    """Phase 3 team defense: one row per (game_id, defending_team_abbr), two per final game."""

    NAME = "team_defense_game_summary"
    PHASE = 3
    TARGET_TABLE = "nba_analytics.team_defense_game_summary"
    KEY_COLUMNS = ("game_date", "game_id", "defending_team_abbr")
    EXPECTED_ROWS_SQL = TWO_ROWS_PER_FINAL_GAME
    SQL_FILE = "team_defense_game_summary.sql"


PROCESSOR = TeamDefenseGameSummary
