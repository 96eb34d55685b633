"""Assemble every sample table from one simulated world."""

from __future__ import annotations

import datetime as dt
import time
from typing import Callable

import pandas as pd

from nbkit import schema
from nbkit.sample import box_tables, coverage, lines, pbp, props, static_tables
from nbkit.sample.common import empty_table
from nbkit.sample.reference import LAST_GAME_DATE
from nbkit.sample.world import simulate


def build_tables(seed: int, as_of: dt.date,
                 progress: Callable[[str], None]) -> dict[str, pd.DataFrame]:
    """All sample frames for (seed, as_of), keyed ``dataset.table``.

    Dated tables are built up to the end of the calendar and then cut at ``as_of``, so a
    date's rows never depend on the as-of date (random draws do not shift with it).
    """
    clock = _Clock(progress)
    world = simulate(seed)
    clock.step(f"simulated {len(world.games):,} games and {len(world.box):,} player-games")
    end = LAST_GAME_DATE
    frames: dict[str, pd.DataFrame] = {"nba_raw.nbac_schedule": box_tables.schedule(world, as_of)}
    frames["nba_raw.nbac_gamebook_player_stats"] = box_tables.gamebook(world, end)
    frames["nba_raw.bdl_player_boxscores"] = box_tables.bdl_boxscores(
        world, end, coverage.bdl_hole_dates(seed))
    frames["nba_raw.nbac_team_boxscore"] = box_tables.team_boxscore(world, end)
    clock.step("schedule and box scores")
    candidates = props.prop_candidates(world, end)
    frames["nba_raw.odds_api_player_points_props"] = props.odds_api_props(world, candidates)
    frames["nba_raw.bettingpros_player_points_props"] = props.bettingpros_props(
        world, candidates, coverage.bettingpros_missing_dates(seed))
    clock.step("player props")
    frames["nba_raw.odds_api_game_lines"] = lines.game_lines(world, end)
    frames["nba_raw.nbac_injury_report"] = lines.injury_report(world, end)
    frames["nba_raw.nbac_play_by_play"] = pbp.play_by_play(world, end)
    frames["nba_raw.espn_scoreboard"] = static_tables.espn_scoreboard(world, end)
    frames["nba_raw.bigdataball_play_by_play"] = empty_table("nba_raw.bigdataball_play_by_play")
    frames = {table: _cut(table, frame, as_of) for table, frame in frames.items()}
    frames["nba_reference.nba_players_registry"] = static_tables.players_registry(
        world, frames["nba_raw.nbac_gamebook_player_stats"])
    frames["nba_static.travel_distances"] = static_tables.travel_distances()
    clock.step("lines, injuries, play-by-play and reference tables")
    return {table: _conform(table, frames[table]) for table in _order()}


def _cut(table_id: str, frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Rows of a dated table up to as_of (the schedule keeps later games, as scheduled)."""
    if table_id == "nba_raw.nbac_schedule" or frame.empty:
        return frame
    dates = frame[schema.get_table(table_id).partition_column]
    keep = [d for d in pd.unique(dates) if d <= as_of]  # compare each distinct date once
    return frame[dates.isin(keep)]


def _order() -> list[str]:
    from nbkit.sample import TABLES

    return list(TABLES)


def _conform(table_id: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the table's columns in DDL order; fail loudly on a column the DDL lacks."""
    table = schema.get_table(table_id)
    unknown = [c for c in frame.columns if c not in table.column_names]
    if unknown:
        raise ValueError(f"sample frame for {table_id} has columns not in the DDL: {unknown}")
    return frame[[c for c in table.column_names if c in frame.columns]].reset_index(drop=True)


class _Clock:
    def __init__(self, progress: Callable[[str], None]) -> None:
        self.progress = progress
        self.last = time.monotonic()

    def step(self, what: str) -> None:
        now = time.monotonic()
        self.progress(f"{what} ({now - self.last:.1f} s)")
        self.last = now
