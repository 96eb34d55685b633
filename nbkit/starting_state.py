"""The state the real operators started from: Phase 3 on 348 of 675 dates, Phase 4 empty.

Which dates: the current season (2024-25 to the as-of date) is complete, as the
nightly pipeline kept it; each earlier season has its regular season processed
from opening night for a number of dates, month by month as the real team did,
and its play-in and playoffs never processed (the "playoffs silently skipped"
incident). The counts are derived from the schedule so that 348 of the
window's dates hold Phase 3 data. Nothing is recorded in the run history: this
data predates nbkit, and the gates check it like everything else.

Defects placed by the seed, as the real team met them:
- one date of team_offense_game_summary holds 2 of its team rows (incident 16:
  "checkpoint said success, 2 of 16 teams saved");
- one date of player_game_summary has duplicated rows (incident 19: DELETE then
  INSERT under the streaming buffer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nbkit.calendar import SeasonCalendar
from nbkit.processors import registry
from nbkit.processors.compute import compute

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

PHASE3_TARGET = 348
WINDOW_START = dt.date(2021, 10, 1)
PGS = "nba_analytics.player_game_summary"
TOGS = "nba_analytics.team_offense_game_summary"


@dataclass(frozen=True)
class StartingState:
    """What apply_starting_state wrote."""

    phase3_dates: tuple[dt.date, ...]
    partial_date: dt.date
    duplicate_date: dt.date
    duplicate_rows: int


def choose_phase3_dates(calendar: SeasonCalendar, as_of: dt.date,
                        target: int = PHASE3_TARGET) -> list[dt.date]:
    """The processed dates: the current season whole, then earlier regular seasons in turn."""
    window = [d for d in calendar.game_dates() if WINDOW_START <= d <= as_of]
    seasons = sorted({calendar.season_of(d) for d in window})
    current = [d for d in window if calendar.season_of(d) == seasons[-1]]
    chosen = list(current)
    earlier = seasons[:-1]
    regular = {s: _regular_dates(calendar, s) for s in earlier}
    remaining = max(target - len(chosen), 0)
    total = sum(len(v) for v in regular.values()) or 1
    shares = _apportion([len(regular[s]) * remaining / total for s in earlier], remaining)
    for season, share in zip(earlier, shares):
        chosen += regular[season][:share]
    return sorted(chosen)


def apply_starting_state(warehouse: Warehouse, calendar: SeasonCalendar, as_of: dt.date,
                         seed: int) -> StartingState:
    """Compute Phase 3 on the chosen dates (no run history), then place the defects."""
    dates = choose_phase3_dates(calendar, as_of)
    for proc in registry.all():
        if proc.PHASE == 3:
            compute(warehouse, proc, dates)
    rng = np.random.default_rng(seed + 348)
    partial = _pick(rng, warehouse, TOGS, dates, min_rows=16)
    warehouse.replace_dates(TOGS, [partial], f"""
        SELECT * FROM `{warehouse.project}.{TOGS}` WHERE game_date = @day
        QUALIFY ROW_NUMBER() OVER (ORDER BY game_id, team_abbr) <= 2""", {"day": partial})
    duplicate = _pick(rng, warehouse, PGS, [d for d in dates if d != partial], min_rows=100)
    result = warehouse.replace_dates(PGS, [duplicate], f"""
        SELECT * FROM `{warehouse.project}.{PGS}` WHERE game_date = @day
        UNION ALL
        SELECT * FROM `{warehouse.project}.{PGS}` WHERE game_date = @day
        QUALIFY ROW_NUMBER() OVER (ORDER BY game_id, player_lookup) <= 25""", {"day": duplicate})
    return StartingState(tuple(dates), partial, duplicate, result.inserted - result.deleted)


def _regular_dates(calendar: SeasonCalendar, season: int) -> list[dt.date]:
    games = calendar.games
    mask = (games["season_year"] == season) & games["is_regular_season"].fillna(False).astype(bool)
    return sorted(set(games[mask]["game_date"]))


def _apportion(quotas: list[float], total: int) -> list[int]:
    """Largest-remainder rounding: integers that sum exactly to total."""
    floors = [int(q) for q in quotas]
    order = sorted(range(len(quotas)), key=lambda i: quotas[i] - floors[i], reverse=True)
    for i in order[:total - sum(floors)]:
        floors[i] += 1
    return floors


def _pick(rng, warehouse: Warehouse, table: str, dates: list[dt.date], min_rows: int) -> dt.date:
    counts = warehouse.partitions(table)
    eligible = sorted(set(counts[counts["row_count"] >= min_rows]["partition_date"]) & set(dates))
    return eligible[int(rng.integers(len(eligible)))]
