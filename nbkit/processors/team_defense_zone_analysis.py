"""Team defense zone analysis (TDZA): each team's shot-zone defense over its last 15 games."""

from __future__ import annotations

from nbkit.processors.base import Processor


class TeamDefenseZoneAnalysis(Processor):
    """Per team and analysis date: zone defense over the last 15 games of the season vs the league."""

    NAME = "team_defense_zone_analysis"
    RUN_HISTORY_NAME = "TeamDefenseZoneAnalysisProcessor"
    PHASE = 4
    TARGET_TABLE = "nba_precompute.team_defense_zone_analysis"
    DATE_COLUMN = "analysis_date"
    KEY_COLUMNS = ("analysis_date", "team_abbr")
    UPSTREAM_PROCESSORS = ("team_defense_game_summary",)
    UPSTREAM_TABLES = ("nba_analytics.team_defense_game_summary", "nba_raw.nbac_schedule")
    # Season-to-date: opening night is at most ~250 days before any date of a season.
    LOOKBACK_DAYS = 260
    SKIPS_BOOTSTRAP = True
    # Teams with at least one final game this season up to the date (0 in bootstrap).
    EXPECTED_ROWS_SQL = """
WITH final_games AS (
  SELECT game_date, season_year, home_team_tricode, away_team_tricode,
         COALESCE(is_regular_season, FALSE) AS is_regular_season,
         COALESCE(is_all_star, FALSE) AS is_all_star
  FROM `nba-props-platform.nba_raw.nbac_schedule`
  WHERE game_status = 3
    AND game_date BETWEEN DATE_SUB((SELECT MIN(d) FROM UNNEST(@dates) AS d), INTERVAL 260 DAY)
                      AND (SELECT MAX(d) FROM UNNEST(@dates) AS d)
),
openings AS (
  SELECT season_year, MIN(IF(is_regular_season, game_date, NULL)) AS opening_night
  FROM final_games GROUP BY season_year
),
team_games AS (
  SELECT game_date, season_year, home_team_tricode AS team_abbr FROM final_games WHERE NOT is_all_star
  UNION ALL
  SELECT game_date, season_year, away_team_tricode AS team_abbr FROM final_games WHERE NOT is_all_star
),
date_seasons AS (
  SELECT DISTINCT g.game_date AS data_date, g.season_year, o.opening_night
  FROM final_games AS g JOIN openings AS o USING (season_year)
  WHERE g.game_date IN UNNEST(@dates)
)
SELECT d AS data_date,
       COUNT(DISTINCT IF(DATE_DIFF(s.data_date, s.opening_night, DAY) >= 7, t.team_abbr, NULL))
         AS expected_rows
FROM UNNEST(@dates) AS d
LEFT JOIN date_seasons AS s ON s.data_date = d
LEFT JOIN team_games AS t
  ON t.season_year = s.season_year AND t.game_date BETWEEN s.opening_night AND s.data_date
GROUP BY d
"""
    SQL_FILE = "team_defense_zone_analysis.sql"


PROCESSOR = TeamDefenseZoneAnalysis
