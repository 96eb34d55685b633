"""Player composite factors (PCF): per player-game adjustment factors and their total."""

from __future__ import annotations

from nbkit.processors.base import Processor
from nbkit.processors.expected import context_rows


class PlayerCompositeFactors(Processor):
    """Per upcoming player-game: fatigue, shot-zone mismatch, pace and usage-spike factors."""

    NAME = "player_composite_factors"
    PHASE = 4
    TARGET_TABLE = "nba_precompute.player_composite_factors"
    KEY_COLUMNS = ("game_date", "player_lookup", "game_id")
    UPSTREAM_PROCESSORS = ("team_defense_zone_analysis", "player_shot_zone_analysis",
                           "upcoming_player_game_context", "upcoming_team_game_context")
    # Every upstream row read is of the analysis date itself; only the raw schedule is read
    # further back (to find opening night for the bootstrap test).
    LOOKBACK_DAYS = 0
    SKIPS_BOOTSTRAP = True
    # One row per distinct (player, game) of upcoming_player_game_context (0 in bootstrap).
    EXPECTED_ROWS_SQL = context_rows("game_date, player_lookup, game_id")
    SQL_FILE = "player_composite_factors.sql"
    # A player with two games on one date (the All-Star tournament) gets the one the
    # statement reads first: one season per statement keeps what earlier runs wrote.
    SEASONS_PER_STATEMENT = 1


PROCESSOR = PlayerCompositeFactors
