"""Assemble every sample table from one simulated world."""

from __future__ import annotations

import datetime as dt
import time
from typing import Callable, Iterator

import pandas as pd

from nbkit import schema
from nbkit.sample import box_tables, coverage, lines, pbp, props, static_tables
from nbkit.sample.common import empty_table
from nbkit.sample.era import REAL, Era, synthetic_eras
from nbkit.sample.players import League, build_league
from nbkit.sample.reference import LAST_GAME_DATE, season_label
from nbkit.sample.schedule import season_bounds
from nbkit.sample.world import World, simulate


def build_tables(seed: int, as_of: dt.date, progress: Callable[[str], None],
                 synthetic_seasons: int = 0) -> dict[str, pd.DataFrame]:
    """All sample frames for (seed, as_of), keyed ``dataset.table``.

    Dated tables are built up to the end of the calendar and then cut at ``as_of``, so a
    date's rows never depend on the as-of date (random draws do not shift with it).
    Synthetic seasons (``era.py``) come before the real ones in every frame; the real rows
    are the same with or without them. ``stream_tables`` yields the same frames piece by
    piece (what ``build_sample`` writes); this is their concatenation.
    """
    parts: dict[str, list[pd.DataFrame]] = {}
    for table, frame in stream_tables(seed, as_of, progress, synthetic_seasons):
        parts.setdefault(table, []).append(frame)
    return {table: _conform(table, _concat(parts[table])) for table in _order()}


def stream_tables(seed: int, as_of: dt.date, progress: Callable[[str], None],
                  synthetic_seasons: int = 0) -> Iterator[tuple[str, pd.DataFrame]]:
    """(table id, frame) pairs, one table of one era at a time, in row order.

    The eras come oldest first and the real seasons last, so the frames of a table, in the
    order yielded, are its rows in the order ``build_tables`` concatenates them. Only one
    era's world and one table's frame are alive at a time: the leagues (small) are built
    first, nearest era first, because each era's players avoid the names of the eras
    nearer to the real ones. ``travel_distances`` comes last.
    """
    clock = _Clock(progress)
    leagues = _leagues(seed, synthetic_seasons)
    clock.step(f"built {len(leagues)} leagues")
    for era, kept, league in reversed(leagues):
        world = simulate(seed, era, league=league)
        if era.shift:
            label = f"{season_label(kept[0])}..{season_label(kept[-1])}"
            clock.step(f"simulated synthetic seasons {label} ({len(world.games):,} games)")
            last = era.back(LAST_GAME_DATE)
            for table, frame in _era_tables(world, last, last, clock):
                frame = _keep_seasons(table, frame, era, kept)
                yield table, frame
                del frame  # written by now: not kept alive while the next one is made
        else:
            clock.step(f"simulated {len(world.games):,} games and "
                       f"{len(world.box):,} player-games")
            yield from _era_tables(world, as_of, LAST_GAME_DATE, clock)
        del world
    yield "nba_static.travel_distances", static_tables.travel_distances()


def _leagues(seed: int, synthetic_seasons: int) -> list[tuple[Era, tuple[int, ...], League]]:
    """The real league and each synthetic era's (nearest first), with the seasons kept.

    An era's players never reuse a lookup of the real league or of a nearer era.
    """
    league = build_league(seed, season_bounds(REAL), REAL)
    out = [(REAL, REAL.seasons, league)]
    taken = frozenset(league.players["player_lookup"])
    for era, kept in synthetic_eras(synthetic_seasons):
        league = build_league(seed, season_bounds(era), era, taken)
        out.append((era, kept, league))
        taken |= frozenset(league.players["player_lookup"])
    return out


def _era_tables(world: World, as_of: dt.date, end: dt.date,
                clock: _Clock) -> Iterator[tuple[str, pd.DataFrame]]:
    """Every table but travel_distances from one world, one at a time: dated tables built
    to ``end`` (the era's last calendar date), then cut at ``as_of``."""
    seed = world.seed
    yield "nba_raw.nbac_schedule", box_tables.schedule(world, as_of)
    gamebook = _cut("nba_raw.nbac_gamebook_player_stats", box_tables.gamebook(world, end), as_of)
    registry = static_tables.players_registry(world, gamebook)
    yield "nba_raw.nbac_gamebook_player_stats", gamebook
    del gamebook
    yield "nba_reference.nba_players_registry", registry
    del registry
    for table, make in (
            ("nba_raw.bdl_player_boxscores", lambda: box_tables.bdl_boxscores(
                world, end, coverage.bdl_hole_dates(seed, world.era))),
            ("nba_raw.nbac_team_boxscore", lambda: box_tables.team_boxscore(world, end))):
        yield table, _cut(table, make(), as_of)
    clock.step("schedule and box scores")
    candidates = props.prop_candidates(world, end)
    yield "nba_raw.odds_api_player_points_props", _cut(
        "nba_raw.odds_api_player_points_props", props.odds_api_props(world, candidates), as_of)
    yield "nba_raw.bettingpros_player_points_props", _cut(
        "nba_raw.bettingpros_player_points_props", props.bettingpros_props(
            world, candidates, coverage.bettingpros_missing_dates(seed, world.era)), as_of)
    del candidates
    clock.step("player props")
    for table, make in (
            ("nba_raw.odds_api_game_lines", lambda: lines.game_lines(world, end)),
            ("nba_raw.nbac_injury_report", lambda: lines.injury_report(world, end)),
            ("nba_raw.nbac_play_by_play", lambda: pbp.play_by_play(world, end)),
            ("nba_raw.espn_scoreboard", lambda: static_tables.espn_scoreboard(world, end)),
            ("nba_raw.bigdataball_play_by_play",
             lambda: empty_table("nba_raw.bigdataball_play_by_play"))):
        yield table, _cut(table, make(), as_of)
    clock.step("lines, injuries, play-by-play and reference tables")


def _keep_seasons(table_id: str, frame: pd.DataFrame, era: Era,
                  kept: tuple[int, ...]) -> pd.DataFrame:
    """Rows of the kept seasons only (an era is simulated whole, then cut).

    The kept seasons are always the era's latest, so dated rows are cut at the first
    calendar date of the earliest kept season.
    """
    if kept == era.seasons:
        return frame
    column = schema.get_table(table_id).partition_column
    if column is not None and len(frame):
        cal = era.calendar()
        first = min(cal.loc[cal["season_year"] == kept[0], "game_date"])
        keep = [d for d in pd.unique(frame[column]) if d >= first]
        frame = frame[frame[column].isin(keep)]
    elif table_id == "nba_reference.nba_players_registry":
        frame = frame[frame["season"].isin([season_label(s) for s in kept])]
    return frame.reset_index(drop=True)


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
    distinct = pd.unique(dates)
    keep = [d for d in distinct if d <= as_of]  # compare each distinct date once
    if len(keep) == len(distinct):
        return frame  # nothing to cut: no copy
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
