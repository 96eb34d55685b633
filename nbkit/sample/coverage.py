"""Which dates each source covers: the known gaps of the real data, chosen by seed.

A synthetic era (``era.py``) has its gaps chosen the same way over its own dates (its
whole calendar: every synthetic game is final), as many as the same share of dates.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from nbkit.sample.era import REAL, Era

# The production backfill scope: 675 game dates from 2021-10-01 to 2024-11-29.
WINDOW = (dt.date(2021, 10, 1), dt.date(2024, 11, 29))
BDL_HOLES = 7           # dates with a gamebook but no Ball Don't Lie box scores
BETTINGPROS_MISSING = 2  # 673 of 675 dates have BettingPros props


def window_dates() -> list[dt.date]:
    """The distinct game dates of the backfill window (675)."""
    cal = REAL.calendar()
    return sorted(set(cal.loc[cal["game_date"].between(*WINDOW), "game_date"]))


def era_window(era: Era) -> tuple[dt.date, dt.date]:
    """The dates whose gaps are placed: the real window, or a synthetic era's whole span."""
    if not era.shift:
        return WINDOW
    dates = era.calendar()["game_date"]
    return min(dates), max(dates)


def scaled_count(count: int, size: int, real_size: int) -> int:
    """``count`` per ``real_size`` items, scaled to ``size`` items (rounded).

    Example:
        >>> scaled_count(7, 853, 675)
        9
    """
    return int(round(count * size / real_size))


def bdl_hole_dates(seed: int, era: Era = REAL) -> list[dt.date]:
    """The 7 dates of the window without BDL box scores (never All-Star-only dates)."""
    return _pick(seed, "coverage:bdl", BDL_HOLES, era)


def bettingpros_missing_dates(seed: int, era: Era = REAL) -> list[dt.date]:
    """The 2 dates of the window without BettingPros props."""
    return _pick(seed, "coverage:bettingpros", BETTINGPROS_MISSING, era)


def _pick(seed: int, stream: str, count: int, era: Era) -> list[dt.date]:
    dates = _candidates(era)
    if era.shift:
        count = scaled_count(count, len(dates), len(_candidates(REAL)))
    chosen = era.rng(seed, stream).choice(len(dates), count, replace=False)
    return sorted(dates[i] for i in np.sort(chosen))


def _candidates(era: Era) -> list[dt.date]:
    """Game dates of the era's window that are not All-Star-only dates."""
    cal = era.calendar()
    in_window = cal[cal["game_date"].between(*era_window(era))]
    star_only = in_window.groupby("game_date")["game_type"].agg(lambda t: set(t) == {"all_star"})
    return sorted(d for d, only in star_only.items() if not only)
