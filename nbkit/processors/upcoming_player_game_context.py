"""Pre-game context per rostered player: matchup, points line, game lines, fatigue, form."""

from __future__ import annotations

from nbkit.processors.base import Processor


class UpcomingPlayerGameContext(Processor):
    """Phase 3 player game context: one row per (player_lookup, game_id) on the gamebook roster."""

    NAME = "upcoming_player_game_context"
    PHASE = 3
    TARGET_TABLE = "nba_analytics.upcoming_player_game_context"
    KEY_COLUMNS = ("game_date", "player_lookup", "game_id")
    # Fatigue, form and completeness windows read the 30 days before the date (production's
    # BDL lookback); the schedule is also read 14 days ahead for the next-game fields.
    LOOKBACK_DAYS = 30
    # Every rostered player-game of the gamebook (all statuses, production's 'all_rostered').
    EXPECTED_ROWS_SQL = """
SELECT game_date AS data_date, COUNT(DISTINCT CONCAT(game_id, '|', player_lookup)) AS expected_rows
FROM `nba_raw.nbac_gamebook_player_stats`
WHERE game_date IN UNNEST(@dates) AND player_lookup IS NOT NULL
GROUP BY game_date
"""
    SQL_FILE = "upcoming_player_game_context.sql"


PROCESSOR = UpcomingPlayerGameContext
