"""Team offense per game: box score (or players rebuilt), possessions, pace, ratings, shot zones."""

from __future__ import annotations

from nbkit.processors.base import Processor
from nbkit.processors.expected import TWO_ROWS_PER_FINAL_GAME


class TeamOffenseGameSummary(Processor):
    """Phase 3 team offense: one row per (game_id, team_abbr), two per final game."""

    NAME = "team_offense_game_summary"
    PHASE = 3
    TARGET_TABLE = "nba_analytics.team_offense_game_summary"
    KEY_COLUMNS = ("game_date", "game_id", "team_abbr")
    EXPECTED_ROWS_SQL = TWO_ROWS_PER_FINAL_GAME
    SQL_FILE = "team_offense_game_summary.sql"


PROCESSOR = TeamOffenseGameSummary
