"""Which dates each source covers: the known gaps of the real data, chosen by seed."""

from __future__ import annotations

import datetime as dt

import numpy as np

from nbkit.sample.common import rng_for
from nbkit.sample.reference import calendar

# The production backfill scope: 675 game dates from 2021-10-01 to 2024-11-29.
WINDOW = (dt.date(2021, 10, 1), dt.date(2024, 11, 29))
BDL_HOLES = 7           # dates with a gamebook but no Ball Don't Lie box scores
BETTINGPROS_MISSING = 2  # 673 of 675 dates have BettingPros props


def window_dates() -> list[dt.date]:
    """The distinct game dates of the backfill window (675)."""
    cal = calendar()
    return sorted(set(cal.loc[cal["game_date"].between(*WINDOW), "game_date"]))


def bdl_hole_dates(seed: int) -> list[dt.date]:
    """The 7 dates of the window without BDL box scores (never All-Star-only dates)."""
    return _pick(seed, "coverage:bdl", BDL_HOLES)


def bettingpros_missing_dates(seed: int) -> list[dt.date]:
    """The 2 dates of the window without BettingPros props."""
    return _pick(seed, "coverage:bettingpros", BETTINGPROS_MISSING)


def _pick(seed: int, stream: str, count: int) -> list[dt.date]:
    cal = calendar()
    in_window = cal[cal["game_date"].between(*WINDOW)]
    star_only = in_window.groupby("game_date")["game_type"].agg(lambda t: set(t) == {"all_star"})
    dates = sorted(d for d, only in star_only.items() if not only)
    chosen = rng_for(seed, stream).choice(len(dates), count, replace=False)
    return sorted(dates[i] for i in np.sort(chosen))
