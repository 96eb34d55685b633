"""Player daily cache (PDC): per player of the day's games, season and recent form in one row."""

from __future__ import annotations

from nbkit.processors.base import Processor


class PlayerDailyCache(Processor):
    """Per context player and date: season/last-10 scoring, team pace, fatigue and shot-zone copies."""

    NAME = "player_daily_cache"
    RUN_HISTORY_NAME = "PlayerDailyCacheProcessor"
    PHASE = 4
    TARGET_TABLE = "nba_precompute.player_daily_cache"
    # Production deleted by analysis_date, a column this table lacks (defect D7).
    DATE_COLUMN = "cache_date"
    KEY_COLUMNS = ("cache_date", "player_lookup")
    UPSTREAM_PROCESSORS = ("player_game_summary", "team_offense_game_summary",
                           "upcoming_player_game_context", "player_shot_zone_analysis")
    UPSTREAM_TABLES = ("nba_analytics.player_game_summary", "nba_analytics.team_offense_game_summary",
                       "nba_analytics.upcoming_player_game_context",
                       "nba_precompute.player_shot_zone_analysis", "nba_raw.nbac_schedule")
    # Season-to-date, and the team's last 10 games may reach back into the previous season.
    LOOKBACK_DAYS = 260
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
    SQL_FILE = "player_daily_cache.sql"


PROCESSOR = PlayerDailyCache
