"""Season calendar derived from the schedule: a pure value, no I/O.

Expected dates for every phase and table come from here, never from
hard-coded numbers. Opening night is the first final regular-season game of
a season; the bootstrap period is days 0..bootstrap_days-1 from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import pandas as pd

from nbkit.params import season_label
from nbkit.settings import DEFAULT_BOOTSTRAP_DAYS  # noqa: F401 - re-exported


class _Queryable(Protocol):
    """What load_calendar needs of a Warehouse (this layer may not import nbkit.warehouse)."""

    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame: ...

DEFAULT_START = dt.date(2021, 10, 1)
# Open ends of a date scope: later than any schedule row, earlier than any season.
END_OF_TIME = dt.date(2999, 12, 31)
BEGINNING_OF_TIME = dt.date(1900, 1, 1)

SCHEDULE_SQL = """
SELECT game_date, season_year, game_id, game_status,
       is_regular_season, is_playoffs, is_all_star
FROM `nba_raw.nbac_schedule`
WHERE game_date BETWEEN @start_date AND @end_date
"""


@dataclass(frozen=True)
class SeasonCalendar:
    """Final game dates by season, with opening nights and bootstrap windows.

    Attributes:
        games: one row per final game (game_date, season_year, game_id, is_regular_season, ...).
        bootstrap_days: length of each season's bootstrap period in calendar days.
    """

    games: pd.DataFrame = field(repr=False)
    bootstrap_days: int = DEFAULT_BOOTSTRAP_DAYS

    @classmethod
    def from_schedule(cls, schedule: pd.DataFrame,
                      bootstrap_days: int = DEFAULT_BOOTSTRAP_DAYS) -> SeasonCalendar:
        """Build from schedule rows; only final games (game_status = 3) count."""
        final = schedule[schedule["game_status"] == 3].copy()
        final["game_date"] = pd.to_datetime(final["game_date"]).dt.date
        return cls(final.sort_values(["game_date", "game_id"]).reset_index(drop=True),
                   bootstrap_days)

    @property
    def seasons(self) -> list[int]:
        return sorted(int(s) for s in self.games["season_year"].unique())

    def game_dates(self, season: int | None = None) -> list[dt.date]:
        """Distinct final game dates, optionally of one season (start year)."""
        if season is None:
            return list(self._all_dates)
        return list(self._dates_by_season.get(season, ()))

    @cached_property
    def _all_dates(self) -> tuple[dt.date, ...]:
        return tuple(sorted(set(self.games["game_date"])))

    @cached_property
    def _dates_by_season(self) -> dict[int, tuple[dt.date, ...]]:
        # Planning asks for a season's dates once per task: thousands of times per plan.
        grouped = self.games.groupby("season_year")["game_date"]
        return {int(year): tuple(sorted(set(dates))) for year, dates in grouped}

    def opening_night(self, season: int) -> dt.date | None:
        """First final regular-season game date of the season."""
        games = self.games[(self.games["season_year"] == season)
                           & self.games["is_regular_season"].fillna(False).astype(bool)]
        return min(games["game_date"]) if len(games) else None

    def bootstrap_dates(self, season: int | None = None) -> list[dt.date]:
        """Game dates inside each season's bootstrap window (days 0..bootstrap_days-1)."""
        out = []
        for year in ([season] if season is not None else self.seasons):
            opening = self.opening_night(year)
            if opening is None:
                continue
            last = opening + dt.timedelta(days=self.bootstrap_days - 1)
            out += [d for d in self.game_dates(year) if opening <= d <= last]
        return sorted(out)

    def is_bootstrap(self, day: dt.date) -> bool:
        return day in set(self.bootstrap_dates())

    def season_of(self, day: dt.date) -> int:
        """Season start year of a date (October onwards belongs to the new season)."""
        return season_of_date(day)

    def label(self, season: int) -> str:
        return season_label(season)

    def expected_dates(self, phase: int) -> list[dt.date]:
        """Dates a table of the given phase should hold: all final game dates,
        minus each season's bootstrap window for Phase 4."""
        dates = self.game_dates()
        if phase >= 4:
            skip = set(self.bootstrap_dates())
            dates = [d for d in dates if d not in skip]
        return dates


def season_of_date(day: dt.date) -> int:
    """The season (start year) a date belongs to: seasons run from August to July."""
    return day.year if day.month >= 8 else day.year - 1


def season_bounds(season: int) -> tuple[dt.date, dt.date]:
    """First and last day of a season (start year), the inverse of season_of_date."""
    return dt.date(season, 8, 1), dt.date(season + 1, 7, 31)


def bootstrap_days_or_default(bootstrap_days: int | None) -> int:
    """The given bootstrap length, or the one in force (project file, NBKIT_BOOTSTRAP_DAYS)."""
    if bootstrap_days is not None:
        return bootstrap_days
    from nbkit import settings
    return settings.current().bootstrap_days


def load_calendar(warehouse: _Queryable, start: dt.date = DEFAULT_START,
                  end: dt.date = END_OF_TIME,
                  bootstrap_days: int | None = None) -> SeasonCalendar:
    """The season calendar of final games between start and end, read from the schedule."""
    frame = warehouse.query(SCHEDULE_SQL, {"start_date": start, "end_date": end})
    return SeasonCalendar.from_schedule(frame, bootstrap_days_or_default(bootstrap_days))
