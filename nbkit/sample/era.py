"""Synthetic seasons: the real 2021-25 calendar copied back in time by multiples of 4 years.

The real calendar has four seasons. A benchmark that needs more (``generate_raw(...,
synthetic_seasons=K)``) gets the K seasons just before 2021-22, each a copy of the real
season 4k years later: 2020-21 copies 2024-25, 2017-18 copies 2021-22, 2016-17 copies
2024-25 again (8 years back), and so on. Shifting by whole multiples of 4 years keeps
every Feb 29 a valid date.

Each block of four copies (one shift) is an ``Era``: a league of its own, simulated by the
same code as the real seasons on the moved calendar, with:

- game ids of the real scheme for the synthetic season (``00221xxxxx`` -> ``00217xxxxx``),
  so every id encodes its season and stays unique;
- its own players (their names, lookups and ids never collide with another era's), rosters,
  trades, injuries and All-Star squads, on the same 30 teams;
- its own random streams (the real seasons draw exactly what they draw without synthetic
  seasons, so the real rows do not change);
- every game final; BDL and BettingPros holes and play-by-play games drawn the same way
  as for the real seasons, at the same rate, over the era's dates (``coverage.py``);
- whatever is keyed on the season or a real date taken from the source season, moved
  back: trade deadline, pace, scoring totals, All-Star weekend, BDL minute format, and
  Odds API props from 2023-05-03 moved back (a copy of 2023-24 has them on every date,
  a copy of 2021-22 on none), so a synthetic date has the shape of its source date.

An era is always simulated whole and then cut to the seasons asked for, so a synthetic
season's rows do not depend on K either: the data for K=4 is part of the data for K=12.
"""

from __future__ import annotations

import datetime as dt
import functools
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nbkit.errors import ParamsError
from nbkit.sample.common import rng_for
from nbkit.sample.reference import SEASONS, calendar, season_label, shift_date, source_season

# 8x the real seasons (back to 1993-94). generate_raw holds every frame in memory (peak
# 3.4 GB for K=12, 4.9 M rows, about +0.6 GB per era of 4 seasons); build_sample writes one
# table of one era at a time (peak 1.25 GB for K=12, measured; the growth per era is
# DuckDB's cache of the rows already written). Hard limits lie further: ids have two digits for the season (100 seasons) and a
# shift past 1904 would turn 2024-02-29 into the non-date 1900-02-29.
MAX_SYNTHETIC_SEASONS = 28
_PLAYERS_PER_ERA = 10_000  # player_idx block of an era: ids derived from it never collide
_GAMES_PER_ERA = 100_000   # game_idx block of an era, for the ids derived from it


@dataclass(frozen=True)
class Era:
    """One league on one copy of the real calendar.

    Attributes:
        shift: years the copy lies before the real calendar: 0 for the real seasons,
            4 for 2017-18..2020-21, 8 for 2013-14..2016-17, ...
    """

    shift: int = 0

    @property
    def block(self) -> int:
        """0 for the real seasons, 1 for the first synthetic era, ..."""
        return self.shift // len(SEASONS)

    @property
    def seasons(self) -> tuple[int, ...]:
        return tuple(s - self.shift for s in SEASONS)

    @property
    def first_player_idx(self) -> int:
        return self.block * _PLAYERS_PER_ERA

    @property
    def first_game_idx(self) -> int:
        return self.block * _GAMES_PER_ERA

    def stream(self, name: str) -> str:
        """The random stream name of a component: the real era keeps the plain names."""
        return name if not self.shift else f"{name}@-{self.shift}y"

    def rng(self, seed: int, name: str) -> np.random.Generator:
        return rng_for(seed, self.stream(name))

    def calendar(self) -> pd.DataFrame:
        """The era's games: the real calendar, or its copy moved back ``shift`` years."""
        return calendar() if not self.shift else _shifted_calendar(self.shift)

    def back(self, day: dt.date) -> dt.date:
        """A real-calendar date moved into this era."""
        return shift_date(day, self.shift)


REAL = Era()


def check_synthetic_seasons(count: object) -> int:
    """Return ``count`` if it is a valid number of synthetic seasons; raise ParamsError."""
    if isinstance(count, bool) or not isinstance(count, numbers.Integral):
        raise ParamsError(f"synthetic_seasons {count!r} is not a whole number",
                          f"pass an integer from 0 to {MAX_SYNTHETIC_SEASONS}, "
                          "e.g. synthetic_seasons=4")
    if count < 0:
        raise ParamsError(f"synthetic_seasons {count} is negative",
                          "pass 0 for the real seasons only, or a positive number of "
                          "extra seasons, e.g. synthetic_seasons=4")
    if count > MAX_SYNTHETIC_SEASONS:
        raise ParamsError(f"synthetic_seasons {count} is more than the "
                          f"{MAX_SYNTHETIC_SEASONS} the generator supports",
                          f"pass at most {MAX_SYNTHETIC_SEASONS} "
                          f"(back to {season_label(SEASONS[0] - MAX_SYNTHETIC_SEASONS)})")
    return int(count)


def synthetic_seasons(count: int) -> list[int]:
    """Start years of the ``count`` seasons just before the real ones, oldest first.

    Example:
        >>> synthetic_seasons(5)
        [2016, 2017, 2018, 2019, 2020]
    """
    return list(range(SEASONS[0] - count, SEASONS[0]))


def synthetic_eras(count: int) -> list[tuple[Era, tuple[int, ...]]]:
    """The eras holding ``count`` synthetic seasons, nearest first, with the seasons kept.

    Example:
        >>> [(era.shift, kept) for era, kept in synthetic_eras(5)]
        [(4, (2017, 2018, 2019, 2020)), (8, (2016,))]
    """
    out: dict[int, list[int]] = {}
    for season in synthetic_seasons(count):
        out.setdefault(source_season(season) - season, []).append(season)
    return [(Era(shift), tuple(kept)) for shift, kept in sorted(out.items())]


@functools.lru_cache(maxsize=8)
def _shifted_calendar(shift: int) -> pd.DataFrame:
    """The real calendar moved back ``shift`` years, game ids renumbered for the season."""
    cal = calendar().copy()
    cal["game_date"] = cal["game_date"].map(
        {d: shift_date(d, shift) for d in pd.unique(cal["game_date"])})
    cal["season_year"] = cal["season_year"] - shift
    cal["season"] = cal["season_year"].map(season_label)
    yy = (cal["season_year"] % 100).map("{:02d}".format)
    cal["game_id"] = cal["game_id"].str[:3] + yy + cal["game_id"].str[5:]
    return cal
