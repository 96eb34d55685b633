"""Two tiny processors on real tables, for engine tests independent of the real SQL.

toy_team_rows (Phase 3) writes 2 rows per final game into team_offense_game_summary;
a schedule row with home team 'ERR' makes its SQL fail at run time for that date
(a real failure from corrupted data, no mocks). toy_defense (Phase 4) writes one
row per team with its season-to-date game count into team_defense_zone_analysis.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from nbkit.processors import Registry
from nbkit.processors.base import Processor
from nbkit.processors.team_defense_zone_analysis import TeamDefenseZoneAnalysis

TEAMS = ["ATL", "BOS", "CHI", "DEN"]
OPENING = dt.date(2023, 10, 24)


class ToyTeamRows(Processor):
    """Two team rows per final game."""

    NAME = "toy_team_rows"
    RUN_HISTORY_NAME = "ToyTeamRowsProcessor"
    PHASE = 3
    TARGET_TABLE = "nba_analytics.team_offense_game_summary"
    DATE_COLUMN = "game_date"
    KEY_COLUMNS = ("game_date", "game_id", "team_abbr")
    UPSTREAM_TABLES = ("nba_raw.nbac_schedule",)
    EXPECTED_ROWS_SQL = """
        SELECT game_date AS data_date, 2 * COUNT(*) AS expected_rows
        FROM `nba-props-platform.nba_raw.nbac_schedule`
        WHERE game_date IN UNNEST(@dates) AND game_status = 3 GROUP BY 1"""

    @classmethod
    def sql_text(cls) -> str:
        return """
        SELECT s.game_id, s.game_date, side.team_abbr, side.opponent_team_abbr,
               s.season_year, side.home_game,
               side.points > side.opp_points AS win_flag,
               CAST(IF(s.home_team_tricode = 'ERR', 'corrupt', '1') AS INT64) * side.points
                 AS points_scored,
               CURRENT_TIMESTAMP() AS processed_at
        FROM `nba-props-platform.nba_raw.nbac_schedule` s,
             UNNEST([STRUCT(s.home_team_tricode AS team_abbr, s.away_team_tricode AS
                            opponent_team_abbr, TRUE AS home_game, s.home_team_score AS points,
                            s.away_team_score AS opp_points),
                     STRUCT(s.away_team_tricode AS team_abbr, s.home_team_tricode AS
                            opponent_team_abbr, FALSE AS home_game, s.away_team_score AS points,
                            s.home_team_score AS opp_points)]) AS side
        WHERE s.game_date IN UNNEST(@dates) AND s.game_status = 3"""


class ToyDefense(TeamDefenseZoneAnalysis):
    """TDZA's table, grain and bootstrap rule, computed by a toy: season-to-date games."""

    NAME = "toy_defense"
    RUN_HISTORY_NAME = "ToyDefenseProcessor"
    UPSTREAM_PROCESSORS = ("toy_team_rows",)
    UPSTREAM_TABLES = ("nba_analytics.team_offense_game_summary",)
    LOOKBACK_DAYS = 400
    SQL_FILE = None
    EXPECTED_ROWS_SQL = """
        SELECT d AS data_date, COUNT(DISTINCT t.team_abbr) AS expected_rows
        FROM UNNEST(@dates) AS d
        JOIN `nba-props-platform.nba_analytics.team_offense_game_summary` t
          ON t.game_date <= d AND t.season_year = 2023
        GROUP BY 1"""

    @classmethod
    def sql_text(cls) -> str:
        return """
        SELECT t.team_abbr, d AS analysis_date, COUNT(*) AS games_in_sample,
               ROUND(AVG(t.points_scored), 1) AS opponent_points_per_game,
               CURRENT_TIMESTAMP() AS processed_at
        FROM UNNEST(@dates) AS d
        JOIN `nba-props-platform.nba_analytics.team_offense_game_summary` t
          ON t.game_date <= d AND t.season_year = 2023
        GROUP BY t.team_abbr, d"""


def toy_registry(*extra) -> Registry:
    reg = Registry()
    reg._loaded = True  # no built-ins: just the toys
    for proc in (ToyTeamRows, ToyDefense, *extra):
        reg.register(proc)
    return reg


def schedule(days: int = 21, start: dt.date = OPENING) -> pd.DataFrame:
    """Two games a day among four teams (one off day a week), season 2023."""
    rows = []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        if i % 7 == 6:
            continue
        for g, (home, away) in enumerate([(TEAMS[i % 4], TEAMS[(i + 1) % 4]),
                                          (TEAMS[(i + 2) % 4], TEAMS[(i + 3) % 4])]):
            rows.append({"game_id": f"00223{i:03d}{g:02d}", "game_date": day,
                         "season_year": 2023, "game_status": 3, "is_regular_season": True,
                         "is_playoffs": False, "is_all_star": False,
                         "home_team_tricode": home, "away_team_tricode": away,
                         "home_team_score": 100 + i + g, "away_team_score": 98 + 2 * g})
    return pd.DataFrame(rows)
