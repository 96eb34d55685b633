"""ML feature store (MLFS): the 25 v1_baseline_25 model features per player of the day's games."""

from __future__ import annotations

from nbkit.processors.base import Processor


class MLFeatureStore(Processor):
    """Per context player and date: 25 features from Phase 4 rows, Phase 3 fallbacks and defaults."""

    NAME = "ml_feature_store"
    RUN_HISTORY_NAME = "MLFeatureStoreProcessor"
    PHASE = 4
    # nba_predictions, not nba_precompute (domain-spec §0.1).
    TARGET_TABLE = "nba_predictions.ml_feature_store_v2"
    DATE_COLUMN = "game_date"
    KEY_COLUMNS = ("game_date", "player_lookup", "feature_version")
    UPSTREAM_PROCESSORS = ("player_daily_cache", "player_composite_factors",
                           "player_shot_zone_analysis", "team_defense_zone_analysis",
                           "upcoming_player_game_context", "player_game_summary",
                           "team_offense_game_summary")
    UPSTREAM_TABLES = ("nba_precompute.player_daily_cache", "nba_precompute.player_composite_factors",
                       "nba_precompute.player_shot_zone_analysis",
                       "nba_precompute.team_defense_zone_analysis",
                       "nba_analytics.upcoming_player_game_context",
                       "nba_analytics.player_game_summary", "nba_analytics.team_offense_game_summary",
                       "nba_raw.nbac_schedule")
    # The Phase 3 fallback's last 10 games before the date cross seasons (no season filter).
    LOOKBACK_DAYS = 365
    SKIPS_BOOTSTRAP = True
    # Distinct players of upcoming_player_game_context on the date (0 in bootstrap).
    EXPECTED_ROWS_SQL = """
WITH final_games AS (
  SELECT game_date, season_year, COALESCE(is_regular_season, FALSE) AS is_regular_season
  FROM `nba-props-platform.nba_raw.nbac_schedule`
  WHERE game_status = 3
    AND game_date BETWEEN DATE_SUB((SELECT MIN(d) FROM UNNEST(@dates) AS d), INTERVAL 260 DAY)
                      AND (SELECT MAX(d) FROM UNNEST(@dates) AS d)
),
openings AS (
  SELECT season_year, MIN(IF(is_regular_season, game_date, NULL)) AS opening_night
  FROM final_games GROUP BY season_year
),
computable_dates AS (
  SELECT DISTINCT g.game_date
  FROM final_games AS g JOIN openings AS o USING (season_year)
  WHERE g.game_date IN UNNEST(@dates) AND DATE_DIFF(g.game_date, o.opening_night, DAY) >= 7
),
players AS (
  SELECT DISTINCT u.game_date, u.player_lookup
  FROM `nba-props-platform.nba_analytics.upcoming_player_game_context` AS u
  JOIN computable_dates AS c ON c.game_date = u.game_date
)
SELECT d AS data_date, COUNT(p.player_lookup) AS expected_rows
FROM UNNEST(@dates) AS d
LEFT JOIN players AS p ON p.game_date = d
GROUP BY d
"""
    SQL_FILE = "ml_feature_store.sql"


PROCESSOR = MLFeatureStore
