"""Team defense per game: the opponent's box score seen from the defending side."""

from __future__ import annotations

from nbkit.processors.base import Processor
from nbkit.processors.expected import TWO_ROWS_PER_FINAL_GAME


class TeamDefenseGameSummary(Processor):
    """Phase 3 team defense: one row per (game_id, defending_team_abbr), two per final game."""

    NAME = "team_defense_game_summary"
    RUN_HISTORY_NAME = "TeamDefenseGameSummaryProcessor"
    PHASE = 3
    TARGET_TABLE = "nba_analytics.team_defense_game_summary"
    DATE_COLUMN = "game_date"
    KEY_COLUMNS = ("game_date", "game_id", "defending_team_abbr")
    UPSTREAM_TABLES = (
        "nba_raw.nbac_team_boxscore",
        "nba_raw.nbac_gamebook_player_stats",
        "nba_raw.bdl_player_boxscores",
        "nba_raw.nbac_play_by_play",
        "nba_raw.nbac_schedule",
    )
    LOOKBACK_DAYS = 0
    EXPECTED_ROWS_SQL = TWO_ROWS_PER_FINAL_GAME
    SQL_FILE = "team_defense_game_summary.sql"


PROCESSOR = TeamDefenseGameSummary
