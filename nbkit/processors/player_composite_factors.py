"""Player composite factors (PCF): per player-game adjustment factors and their total."""

from __future__ import annotations

from nbkit.processors.base import Processor


class PlayerCompositeFactors(Processor):
    """Per upcoming player-game: fatigue, shot-zone mismatch, pace and usage-spike factors."""

    NAME = "player_composite_factors"
    RUN_HISTORY_NAME = "PlayerCompositeFactorsProcessor"
    PHASE = 4
    TARGET_TABLE = "nba_precompute.player_composite_factors"
    DATE_COLUMN = "game_date"
    KEY_COLUMNS = ("game_date", "player_lookup", "game_id")
    UPSTREAM_PROCESSORS = ("team_defense_zone_analysis", "player_shot_zone_analysis",
                           "upcoming_player_game_context", "upcoming_team_game_context")
    UPSTREAM_TABLES = ("nba_analytics.upcoming_player_game_context",
                       "nba_analytics.upcoming_team_game_context",
                       "nba_precompute.player_shot_zone_analysis",
                       "nba_precompute.team_defense_zone_analysis", "nba_raw.nbac_schedule")
    # Every upstream row read is of the analysis date itself; only the raw schedule is read
    # further back (to find opening night for the bootstrap test).
    LOOKBACK_DAYS = 0
    SKIPS_BOOTSTRAP = True
    # One row per distinct (player, game) of upcoming_player_game_context (0 in bootstrap).
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
player_games AS (
  SELECT DISTINCT u.game_date, u.player_lookup, u.game_id
  FROM `nba-props-platform.nba_analytics.upcoming_player_game_context` AS u
  JOIN computable_dates AS c ON c.game_date = u.game_date
)
SELECT d AS data_date, COUNT(p.player_lookup) AS expected_rows
FROM UNNEST(@dates) AS d
LEFT JOIN player_games AS p ON p.game_date = d
GROUP BY d
"""
    SQL_FILE = "player_composite_factors.sql"


PROCESSOR = PlayerCompositeFactors
