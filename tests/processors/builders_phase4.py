"""Tiny hand-built Phase 3 (and Phase 4) inputs for the Phase 4 processor tests.

Each builder returns one row (a dict) with the NOT NULL columns filled and the columns a test
states; everything else stays NULL. ``write`` stages rows, ``run`` computes a processor and
``output`` reads its rows back. ``mini_season`` builds a small consistent world (4 teams,
8 players, 9 game dates incl. a bootstrap window) for the checks every processor shares.
"""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Iterable

import pandas as pd

from nbkit.processors.compute import compute
from tests.processors.builders import (LOADED, SCHEDULE, assert_fields, d,  # noqa: F401 - b.*
                                       output, row, system_id, write)

OPENING_NIGHT = "2023-10-24"
PGS = "nba_analytics.player_game_summary"
TOGS = "nba_analytics.team_offense_game_summary"
TDGS = "nba_analytics.team_defense_game_summary"
UPGC = "nba_analytics.upcoming_player_game_context"
UTGC = "nba_analytics.upcoming_team_game_context"
PSZA = "nba_precompute.player_shot_zone_analysis"
TDZA = "nba_precompute.team_defense_zone_analysis"
PCF = "nba_precompute.player_composite_factors"
PDC = "nba_precompute.player_daily_cache"


def days_after(start: str, n: int) -> str:
    return (d(start) + dt.timedelta(days=n)).isoformat()


def season_of(game_date: str) -> int:
    day = d(game_date)
    return day.year if day.month >= 8 else day.year - 1


# --------------------------------------------------------------------------- row builders

def schedule(game_date: str, away: str, home: str, game_type: str = "regular_season",
             status: int = 3) -> dict:
    nba_id = f"00{zlib.crc32(f'{game_date}{away}{home}'.encode()) % 10**8:08d}"
    return {"game_id": nba_id, "game_date": d(game_date), "season_year": season_of(game_date),
            "game_status": status, "home_team_tricode": home, "away_team_tricode": away,
            "is_regular_season": game_type == "regular_season",
            "is_playoffs": game_type == "playoffs", "is_all_star": game_type == "all_star",
            "game_type": game_type, "processed_at": LOADED}


def team_defense(game_date: str, team: str, opponent: str, home: bool = True, **stats) -> dict:
    away, home_team = (opponent, team) if home else (team, opponent)
    return {"game_id": system_id(game_date, away, home_team), "game_date": d(game_date),
            "defending_team_abbr": team, "opponent_team_abbr": opponent,
            "season_year": season_of(game_date), "home_game": home, "processed_at": LOADED,
            **stats}


def team_offense(game_date: str, team: str, opponent: str, home: bool = True,
                 win: bool = False, **stats) -> dict:
    away, home_team = (opponent, team) if home else (team, opponent)
    return {"game_id": system_id(game_date, away, home_team), "game_date": d(game_date),
            "team_abbr": team, "opponent_team_abbr": opponent,
            "season_year": season_of(game_date), "home_game": home, "win_flag": win,
            "processed_at": LOADED, **stats}


def player_game(game_date: str, player: str, team: str, opponent: str, home: bool = True,
                minutes: float = 30.0, active: bool = True, **stats) -> dict:
    away, home_team = (opponent, team) if home else (team, opponent)
    return {"player_lookup": player, "game_id": system_id(game_date, away, home_team),
            "game_date": d(game_date), "team_abbr": team, "opponent_team_abbr": opponent,
            "season_year": season_of(game_date), "minutes_played": minutes, "is_active": active,
            "starter_flag": minutes > 20, "win_flag": False, "processed_at": LOADED, **stats}


def player_context(game_date: str, player: str, team: str, opponent: str, home: bool = True,
                   **fields) -> dict:
    away, home_team = (opponent, team) if home else (team, opponent)
    return {"player_lookup": player, "game_id": system_id(game_date, away, home_team),
            "game_date": d(game_date), "team_abbr": team, "opponent_team_abbr": opponent,
            "home_game": home, "processed_at": LOADED, **fields}


def team_context(game_date: str, team: str, opponent: str, home: bool = True, **fields) -> dict:
    return {"team_abbr": team, "game_id": "0022300001", "game_date": d(game_date),
            "season_year": season_of(game_date), "opponent_team_abbr": opponent,
            "home_game": home, "is_back_to_back": False, "team_back_to_back": False,
            "games_in_last_7_days": 3, "games_in_last_14_days": 6, "starters_out_count": 0,
            "questionable_players_count": 0, "team_win_streak_entering": 0,
            "team_loss_streak_entering": 0, "travel_miles": 0, "created_at": LOADED,
            "processed_at": LOADED, **fields}


def shot_zone(analysis_date: str, player: str, **fields) -> dict:
    """A hand-made player_shot_zone_analysis row (input of PCF, PDC and MLFS tests)."""
    return {"player_lookup": player, "analysis_date": d(analysis_date), "processed_at": LOADED,
            **fields}


def defense_zone(analysis_date: str, team: str, **fields) -> dict:
    """A hand-made team_defense_zone_analysis row (input of PCF and MLFS tests)."""
    return {"team_abbr": team, "analysis_date": d(analysis_date), "processed_at": LOADED,
            **fields}


# --------------------------------------------------------------------------- I/O

def run(warehouse, processor, dates: Iterable[str]):
    return compute(warehouse, processor, [d(x) for x in dates])


def expected_rows(warehouse, processor, dates: Iterable[str]) -> dict[dt.date, int]:
    frame = warehouse.query(processor.EXPECTED_ROWS_SQL, {"dates": [d(x) for x in dates]})
    return {pd.Timestamp(k).date(): int(v) for k, v in zip(frame["data_date"], frame["expected_rows"])}


def rows_per_date(frame: pd.DataFrame, processor) -> dict[dt.date, int]:
    return {k: int(v) for k, v in frame.groupby(processor.DATE_COLUMN).size().items()}


# --------------------------------------------------------------------------- a mini season

TEAMS = ("BOS", "LAL", "NYK", "MIA")
# (date, away, home); 2023-10-24 is opening night, so 10-24..10-30 is the bootstrap window.
MINI_GAMES = (
    ("2023-04-09", "BOS", "LAL"),  # previous season: never inside a 2023 window
    ("2023-10-24", "LAL", "BOS"), ("2023-10-25", "NYK", "MIA"),
    ("2023-10-27", "BOS", "NYK"), ("2023-10-27", "MIA", "LAL"),
    ("2023-10-31", "LAL", "BOS"), ("2023-10-31", "NYK", "MIA"),
    ("2023-11-01", "BOS", "MIA"), ("2023-11-01", "LAL", "NYK"),
    ("2023-11-03", "MIA", "BOS"), ("2023-11-03", "NYK", "LAL"),
)
MINI_DATES = sorted({g[0] for g in MINI_GAMES[1:]})
MINI_BOOTSTRAP = ("2023-10-24", "2023-10-25", "2023-10-27")
MINI_COMPUTABLE = ("2023-10-31", "2023-11-01", "2023-11-03")


def mini_season(warehouse) -> None:
    """Write a small, internally consistent Phase 3 world (schedule plus all five tables)."""
    sched, tdgs, togs, pgs, upgc, utgc = [], [], [], [], [], []
    for n, (day, away, home) in enumerate(MINI_GAMES):
        sched.append(schedule(day, away, home))
        for team, opp, is_home in ((home, away, True), (away, home, False)):
            tdgs.append(team_defense(day, team, opp, is_home, points_allowed=100 + n,
                                     opp_three_pt_attempts=30, opp_three_pt_makes=10 + n % 3,
                                     defensive_rating=110.0 + n, opponent_pace=98.0 + n))
            togs.append(team_offense(day, team, opp, is_home, win=is_home, pace=99.0 + n,
                                     offensive_rating=111.0 + n))
            utgc.append(team_context(day, team, opp, is_home, is_production_ready=True))
            for k, player in enumerate((f"{team.lower()}_a", f"{team.lower()}_b")):
                pgs.append(player_game(day, player, team, opp, is_home, minutes=30.0 - 10 * k,
                                       points=10 + n + 5 * k, fg_makes=4, fg_attempts=9,
                                       three_pt_makes=1, three_pt_attempts=3, ft_makes=2,
                                       usage_rate=20.0 + k, ts_pct=0.55,
                                       paint_attempts=3 if k == 0 else None,
                                       paint_makes=2 if k == 0 else None,
                                       mid_range_attempts=3 if k == 0 else None,
                                       mid_range_makes=1 if k == 0 else None))
                upgc.append(player_context(day, player, team, opp, is_home, days_rest=2,
                                           player_age=27, is_production_ready=True))
    for table, rows in ((SCHEDULE, sched), (TDGS, tdgs), (TOGS, togs), (PGS, pgs), (UPGC, upgc),
                        (UTGC, utgc)):
        write(warehouse, table, rows)


def run_phase4(warehouse, dates: Iterable[str], upto: str) -> None:
    """Compute the Phase 4 processors in order, up to and including ``upto``."""
    from nbkit.processors import get_or_raise

    for name in ("team_defense_zone_analysis", "player_shot_zone_analysis",
                 "player_composite_factors", "player_daily_cache", "ml_feature_store"):
        run(warehouse, get_or_raise(name), dates)
        if name == upto:
            return


# --------------------------------------------------------------------------- shared checks

def check_batched_equals_per_date(warehouse, processor, dates: Iterable[str]) -> None:
    """Computing all dates in one call gives exactly the rows of one call per date."""
    dates = list(dates)
    run(warehouse, processor, dates)
    batched = output(warehouse, processor)
    for day in dates:
        run(warehouse, processor, [day])
    single = output(warehouse, processor)
    assert len(batched) > 0
    pd.testing.assert_frame_equal(batched, single)


def check_rerun_keeps_keys_unique(warehouse, processor, dates: Iterable[str]) -> None:
    dates = list(dates)
    run(warehouse, processor, dates)
    first = output(warehouse, processor)
    run(warehouse, processor, dates)
    again = output(warehouse, processor)
    assert len(again) == len(first) > 0
    assert not again.duplicated(list(processor.KEY_COLUMNS)).any()


def check_expected_rows_match(warehouse, processor, dates: Iterable[str]) -> None:
    """EXPECTED_ROWS_SQL equals the rows written for every date (0 for bootstrap dates)."""
    dates = list(dates)
    run(warehouse, processor, dates)
    actual = rows_per_date(output(warehouse, processor), processor)
    expected = expected_rows(warehouse, processor, dates)
    assert set(expected) == {d(x) for x in dates}
    assert {k: v for k, v in expected.items() if v} == actual
