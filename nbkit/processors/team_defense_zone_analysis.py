"""Team defense zone analysis (TDZA): each team's shot-zone defense over its last 15 games."""

from __future__ import annotations

from nbkit.processors.base import Processor
from nbkit.processors.expected import SEASON_CALENDAR


class TeamDefenseZoneAnalysis(Processor):
    """Per team and analysis date: zone defense over the last 15 games of the season vs the league."""

    NAME = "team_defense_zone_analysis"
    PHASE = 4
    TARGET_TABLE = "nba_precompute.team_defense_zone_analysis"
    DATE_COLUMN = "analysis_date"
    KEY_COLUMNS = ("analysis_date", "team_abbr")
    UPSTREAM_PROCESSORS = ("team_defense_game_summary",)
    # Season-to-date: opening night is at most ~250 days before any date of a season.
    LOOKBACK_DAYS = 260
    SKIPS_BOOTSTRAP = True
    # Teams with at least one final game this season up to the date (0 in bootstrap).
    EXPECTED_ROWS_SQL = SEASON_CALENDAR + """
SELECT d AS data_date, COUNT(DISTINCT t.team_abbr) AS expected_rows
FROM UNNEST(@dates) AS d
LEFT JOIN analysis_dates AS s ON s.analysis_date = d
LEFT JOIN team_schedule AS t
  ON t.season_year = s.season_year AND t.game_date BETWEEN s.opening_night AND s.analysis_date
GROUP BY d
"""
    SQL_FILE = "team_defense_zone_analysis.sql"


PROCESSOR = TeamDefenseZoneAnalysis
