"""Checks of a command's scope before it reads or writes: a real range, real games, a real file.

Each check raises one NbkitError whose message says what is wrong with the scope and
ends with the fix, so that no command answers a reversed or empty range with a
traceback, an empty table or advice that does not apply.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from nbkit.errors import NbkitError, ParamsError, WarehouseError
from nbkit.calendar import END_OF_TIME

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

_SPAN_SQL = """
SELECT COUNTIF(game_date BETWEEN @start_date AND @end_date) AS in_range,
       MIN(game_date) AS first_date, MAX(game_date) AS last_date
FROM `{project}.nba_raw.nbac_schedule`
WHERE game_status = 3 AND game_date IS NOT NULL
"""


def checked_range(start, end) -> tuple[dt.date | None, dt.date | None]:
    """(start, end) as dates; ParamsError if a date is invalid or start is after end.

    Example:
        >>> checked_range("2023-11-01", None)
        (datetime.date(2023, 11, 1), None)
    """
    from nbkit.parameters import date_range

    return date_range(_iso(start), _iso(end))


def require_games(warehouse: Warehouse, start: dt.date, end: dt.date | None) -> None:
    """Raise unless the schedule holds final games in start..end (inclusive).

    The message tells apart an empty or missing schedule (load data) from a range that
    misses the games the schedule holds (choose other dates).
    """
    if not warehouse.table_exists("nba_raw.nbac_schedule"):
        raise WarehouseError(f"The warehouse {warehouse.url} has no schedule table "
                             "nba_raw.nbac_schedule",
                             "run `nbkit sample-data` (or `nbkit init` and load the schedule)")
    span = warehouse.query(_SPAN_SQL.format(project=warehouse.project),
                           {"start_date": start, "end_date": end or END_OF_TIME})
    row = span.iloc[0]
    if row["first_date"] is None or str(row["first_date"]) in ("NaT", "nan", "None"):
        raise WarehouseError("The schedule nba_raw.nbac_schedule holds no final games",
                             "run `nbkit sample-data` (or load nba_raw.nbac_schedule) first")
    if int(row["in_range"] or 0) == 0:
        first, last = _day(row["first_date"]), _day(row["last_date"])
        until = f" to {end}" if end else " onwards"
        raise ParamsError(f"No final games from {start}{until}: the schedule's final games "
                          f"run from {first} to {last}",
                          f"choose dates between {first} and {last}")


def require_existing(url: str | None) -> None:
    """Raise if a DuckDB warehouse file does not exist (a typo must not create a new file)."""
    from nbkit.config import parse_warehouse_url, resolve_warehouse_url

    kind, target = parse_warehouse_url(resolve_warehouse_url(url))
    if kind == "duckdb" and target != ":memory:" and not Path(target).exists():
        raise WarehouseError(f"No warehouse at {target}",
                             "check the path, or create it first with `nbkit sample-data` "
                             "(or `nbkit init`)")


def nothing_compared(start, end) -> NbkitError:
    """The error of a check that found nothing to compare (it must not pass)."""
    return NbkitError(f"Nothing to compare: neither warehouse holds output rows from {start} "
                      f"to {end}",
                      "choose dates both warehouses hold (nbkit status shows them), or drop "
                      "--no-compute to compute them first")


def _iso(value) -> str:
    if value in (None, ""):
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _day(value) -> dt.date:
    from nbkit.warehouse.base import pd_date

    return pd_date(value)
