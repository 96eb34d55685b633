"""ML feature store (MLFS): the 25 v1_baseline_25 model features per player of the day's games."""

from __future__ import annotations

from nbkit.processors.base import Processor
from nbkit.processors.expected import context_rows


class MLFeatureStore(Processor):
    """Per context player and date: 25 features from Phase 4 rows, Phase 3 fallbacks and defaults."""

    NAME = "ml_feature_store"
    PHASE = 4
    # nba_predictions, not nba_precompute (domain-spec §0.1).
    TARGET_TABLE = "nba_predictions.ml_feature_store_v2"
    KEY_COLUMNS = ("game_date", "player_lookup", "feature_version")
    UPSTREAM_PROCESSORS = ("player_daily_cache", "player_composite_factors",
                           "player_shot_zone_analysis", "team_defense_zone_analysis",
                           "upcoming_player_game_context", "player_game_summary",
                           "team_offense_game_summary")
    # The Phase 3 fallback's last 10 games before the date cross seasons (no season filter).
    LOOKBACK_DAYS = 365
    SKIPS_BOOTSTRAP = True
    # Distinct players of upcoming_player_game_context on the date (0 in bootstrap).
    EXPECTED_ROWS_SQL = context_rows("game_date, player_lookup")
    SQL_FILE = "ml_feature_store.sql"
    # Its last-10-games history reads back from the statement's first date less
    # LOOKBACK_DAYS: one season per statement keeps what earlier runs wrote.
    SEASONS_PER_STATEMENT = 1


PROCESSOR = MLFeatureStore
