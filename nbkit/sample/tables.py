"""Assemble every sample table from one simulated world."""

from __future__ import annotations

import datetime as dt
import time
from typing import Callable

import pandas as pd

from nbkit import schema
from nbkit.sample import box_tables, coverage, lines, pbp, props, static_tables
from nbkit.sample.common import empty_table
from nbkit.sample.era import Era, synthetic_eras
from nbkit.sample.reference import LAST_GAME_DATE, season_label
from nbkit.sample.world import World, simulate


def build_tables(seed: int, as_of: dt.date, progress: Callable[[str], None],
                 synthetic_seasons: int = 0) -> dict[str, pd.DataFrame]:
    """All sample frames for (seed, as_of), keyed ``dataset.table``.

    Dated tables are built up to the end of the calendar and then cut at ``as_of``, so a
    date's rows never depend on the as-of date (random draws do not shift with it).
    Synthetic seasons (``era.py``) are simulated era by era after the real seasons and
    their rows put before the real ones; the real rows are the same with or without them.
    """
    clock = _Clock(progress)
    world = simulate(seed)
    clock.step(f"simulated {len(world.games):,} games and {len(world.box):,} player-games")
    parts = {table: [frame] for table, frame in
             _era_tables(world, as_of, LAST_GAME_DATE, clock).items()}
    taken = frozenset(world.league.players["player_lookup"])
    del world
    for era, kept in synthetic_eras(synthetic_seasons):
        world = simulate(seed, era, taken)
        label = f"{season_label(kept[0])}..{season_label(kept[-1])}"
        clock.step(f"simulated synthetic seasons {label} ({len(world.games):,} games)")
        last = era.back(LAST_GAME_DATE)
        for table, frame in _keep_seasons(_era_tables(world, last, last, clock), era,
                                          kept).items():
            parts[table].insert(0, frame)  # older seasons first
        taken |= frozenset(world.league.players["player_lookup"])
        del world
    frames = {table: _concat(pieces) for table, pieces in parts.items()}
    frames["nba_static.travel_distances"] = static_tables.travel_distances()
    return {table: _conform(table, frames[table]) for table in _order()}


def _era_tables(world: World, as_of: dt.date, end: dt.date,
                clock: _Clock) -> dict[str, pd.DataFrame]:
    """Every table but travel_distances from one world: dated tables built to ``end``
    (the era's last calendar date), then cut at ``as_of``."""
    seed = world.seed
    frames: dict[str, pd.DataFrame] = {"nba_raw.nbac_schedule": box_tables.schedule(world, as_of)}
    frames["nba_raw.nbac_gamebook_player_stats"] = box_tables.gamebook(world, end)
    frames["nba_raw.bdl_player_boxscores"] = box_tables.bdl_boxscores(
        world, end, coverage.bdl_hole_dates(seed, world.era))
    frames["nba_raw.nbac_team_boxscore"] = box_tables.team_boxscore(world, end)
    clock.step("schedule and box scores")
    candidates = props.prop_candidates(world, end)
    frames["nba_raw.odds_api_player_points_props"] = props.odds_api_props(world, candidates)
    frames["nba_raw.bettingpros_player_points_props"] = props.bettingpros_props(
        world, candidates, coverage.bettingpros_missing_dates(seed, world.era))
    clock.step("player props")
    frames["nba_raw.odds_api_game_lines"] = lines.game_lines(world, end)
    frames["nba_raw.nbac_injury_report"] = lines.injury_report(world, end)
    frames["nba_raw.nbac_play_by_play"] = pbp.play_by_play(world, end)
    frames["nba_raw.espn_scoreboard"] = static_tables.espn_scoreboard(world, end)
    frames["nba_raw.bigdataball_play_by_play"] = empty_table("nba_raw.bigdataball_play_by_play")
    frames = {table: _cut(table, frame, as_of) for table, frame in frames.items()}
    frames["nba_reference.nba_players_registry"] = static_tables.players_registry(
        world, frames["nba_raw.nbac_gamebook_player_stats"])
    clock.step("lines, injuries, play-by-play and reference tables")
    return frames


def _keep_seasons(frames: dict[str, pd.DataFrame], era: Era,
                  kept: tuple[int, ...]) -> dict[str, pd.DataFrame]:
    """Rows of the kept seasons only (an era is simulated whole, then cut).

    The kept seasons are always the era's latest, so dated rows are cut at the first
    calendar date of the earliest kept season.
    """
    if kept == era.seasons:
        return frames
    cal = era.calendar()
    first = min(cal.loc[cal["season_year"] == kept[0], "game_date"])
    out = {}
    for table_id, frame in frames.items():
        column = schema.get_table(table_id).partition_column
        if column is not None and len(frame):
            keep = [d for d in pd.unique(frame[column]) if d >= first]
            frame = frame[frame[column].isin(keep)]
        elif table_id == "nba_reference.nba_players_registry":
            frame = frame[frame["season"].isin([season_label(s) for s in kept])]
        out[table_id] = frame.reset_index(drop=True)
    return out


def _concat(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """One frame of the eras' rows (the real seasons' frame as is when it is alone)."""
    rows = [p for p in pieces if not p.empty]
    if len(rows) <= 1:
        return rows[0] if rows else pieces[-1]
    return pd.concat(rows, ignore_index=True)


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
