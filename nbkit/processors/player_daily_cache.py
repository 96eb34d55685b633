"""Player daily cache (PDC): per player of the day's games, season and recent form in one row."""

from __future__ import annotations

from nbkit.processors.base import Processor
from nbkit.processors.expected import context_rows


class PlayerDailyCache(Processor):
    """Per context player and date: season/last-10 scoring, team pace, fatigue and shot-zone copies."""

    NAME = "player_daily_cache"
    PHASE = 4
    TARGET_TABLE = "nba_precompute.player_daily_cache"
    # Production deleted by analysis_date, a column this table lacks (defect D7).
    DATE_COLUMN = "cache_date"
    KEY_COLUMNS = ("cache_date", "player_lookup")
    UPSTREAM_PROCESSORS = ("player_game_summary", "team_offense_game_summary",
                           "upcoming_player_game_context", "player_shot_zone_analysis")
    # Season-to-date, and the team's last 10 games may reach back into the previous season.
    LOOKBACK_DAYS = 260
    SKIPS_BOOTSTRAP = True
    # Distinct players of upcoming_player_game_context on the date (0 in bootstrap).
    EXPECTED_ROWS_SQL = context_rows("game_date, player_lookup")
    SQL_FILE = "player_daily_cache.sql"
    # Its season averages are float sums whose last bits follow the statement's shape: one
    # season per statement keeps every value what earlier runs wrote (packed seasons move
    # ~1% of player_usage_rate_season by 0.01).
    SEASONS_PER_STATEMENT = 1


PROCESSOR = PlayerDailyCache
