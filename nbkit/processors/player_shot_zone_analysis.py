"""Player shot zone analysis (PSZA): each player's shot distribution over his last 10/20 games."""

from __future__ import annotations

from nbkit.processors.base import Processor
from nbkit.processors.expected import SEASON_CALENDAR
from nbkit.processors.fragments import render


class PlayerShotZoneAnalysis(Processor):
    """Per player and analysis date: zone rates, efficiency and shot creation over the last 10/20 games."""

    NAME = "player_shot_zone_analysis"
    PHASE = 4
    TARGET_TABLE = "nba_precompute.player_shot_zone_analysis"
    DATE_COLUMN = "analysis_date"
    KEY_COLUMNS = ("analysis_date", "player_lookup")
    UPSTREAM_PROCESSORS = ("player_game_summary",)
    # Season-to-date: opening night is at most ~250 days before any date of a season.
    LOOKBACK_DAYS = 260
    SKIPS_BOOTSTRAP = True
    # Players with a qualifying game (active, minutes > 0, scheduled non-All-Star game) this
    # season up to the date (0 in bootstrap): those whose first one since opening night is on
    # or before it (one row per player and season, not one per game and date).
    EXPECTED_ROWS_SQL = render(SEASON_CALENDAR + """,
/* include fragment: qualifying_games */,
first_games AS (
  SELECT p.season_year, p.player_lookup, MIN(p.game_date) AS first_game
  FROM qualifying_games AS p
  JOIN seasons AS n ON n.season_year = p.season_year AND p.game_date >= n.opening_night
  GROUP BY p.season_year, p.player_lookup
)
SELECT d AS data_date, COUNT(f.player_lookup) AS expected_rows
FROM UNNEST(@dates) AS d
LEFT JOIN analysis_dates AS s ON s.analysis_date = d
LEFT JOIN first_games AS f ON f.season_year = s.season_year AND f.first_game <= s.analysis_date
GROUP BY d
""", "nbkit/processors/player_shot_zone_analysis.py")
    SQL_FILE = "player_shot_zone_analysis.sql"


PROCESSOR = PlayerShotZoneAnalysis
