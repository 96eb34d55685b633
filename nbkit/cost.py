"""What a plan will scan, before it runs, and the budget that refuses it.

On BigQuery each processor's statement is dry-run for the planned dates. Where
a dry run cannot answer (DuckDB has none; the emulator always says 0) the
estimate comes from metadata: rows in each table a processor declares it reads,
over the date window it reads (its dates minus LOOKBACK_DAYS), times the
table's row width from the schema's column types. BigQuery bills the columns a
query touches; the full row width makes this an upper bound.
"""

from __future__ import annotations

import bisect
import itertools
import math

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from nbkit import schema
from nbkit.errors import NbkitError, StatementRefusedError
from nbkit.processors import registry as default_registry

if TYPE_CHECKING:
    from nbkit.plan import Plan
    from nbkit.warehouse import Warehouse

_TYPE_BYTES = {"INT64": 8, "FLOAT64": 8, "NUMERIC": 16, "BIGNUMERIC": 32, "BOOL": 1,
               "BOOLEAN": 1, "DATE": 8, "TIMESTAMP": 8, "DATETIME": 8, "TIME": 8,
               "STRING": 20, "JSON": 64, "BYTES": 32}


class BudgetExceededError(NbkitError):
    """Raised before anything runs when a plan's estimated bytes exceed max_bytes_billed."""


class DryRunRefusedError(NbkitError):
    """Raised before anything runs when BigQuery refuses a processor's SQL in a dry run."""


def row_bytes(table_id: str) -> int:
    """Estimated bytes per row from column types (BigQuery logical sizes; strings ~20 B)."""
    total = 0
    for col in schema.get_table(table_id).columns:
        base = col.type.upper()
        if base.startswith("ARRAY<"):
            total += 4 * _TYPE_BYTES.get(base[6:-1].split("(")[0], 20)
        else:
            total += _TYPE_BYTES.get(base.split("(")[0], 20)
    return total


def estimate(warehouse: Warehouse, plan: Plan, registry=default_registry) -> pd.DataFrame:
    """Estimated bytes scanned per processor for the plan's runnable tasks.

    Columns: processor, dates, method ('dry run' or 'metadata'), bytes.
    """
    rows = []
    window_rows = RowCounter(warehouse)
    blind = False
    for name in plan.processors():
        dates = sorted({t.date for t in plan.runnable() if t.processor == name})
        if not dates:
            continue
        proc = registry.get_or_raise(name)
        dry = None if blind else _dry_run(warehouse, proc, dates)
        if dry:
            rows.append({"processor": name, "dates": len(dates), "method": "dry run",
                         "bytes": dry})
            continue
        scanned = metadata_bytes(proc, dates, window_rows)
        # A dry run answering 0 for inputs that hold rows means the endpoint has no cost
        # model (bqemulator): stop asking it (each dry run there executes the query).
        blind = blind or (dry == 0 and scanned > 0)
        rows.append({"processor": name, "dates": len(dates), "method": "metadata",
                     "bytes": int(scanned)})
    return pd.DataFrame(rows, columns=["processor", "dates", "method", "bytes"])


def metadata_bytes(proc, dates: list[dt.date], window_rows: RowCounter) -> int:
    """Bytes one statement over ``dates`` reads, by the metadata model: the rows of each
    table the processor declares it reads, from LOOKBACK_DAYS before the first date to the
    last, times the table's row width (an upper bound: BigQuery bills the columns used)."""
    first = dates[0] - dt.timedelta(days=proc.LOOKBACK_DAYS)
    return sum(window_rows.bytes(t, first, dates[-1]) for t in proc.UPSTREAM_TABLES)


def check_budget(estimates: pd.DataFrame, max_bytes_billed: int | None) -> int:
    """Total estimated bytes; raise BudgetExceededError if over the budget."""
    total = int(estimates["bytes"].sum()) if len(estimates) else 0
    if max_bytes_billed is not None and total > max_bytes_billed:
        worst = estimates.sort_values("bytes", ascending=False).iloc[0]
        raise BudgetExceededError(
            f"The plan would scan about {human_bytes(total)}, over the budget of "
            f"{human_bytes(max_bytes_billed)} (largest: {worst['processor']}, "
            f"{human_bytes(int(worst['bytes']))}); nothing was run",
            "raise --max-bytes-billed, or narrow the plan (--season, --processors, --dates)")
    return total


def human_bytes(value: int) -> str:
    """``1536`` -> ``'1.5 KiB'``.

    Example:
        >>> human_bytes(3 * 2**30)
        '3.0 GiB'
    """
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def parse_bytes(text) -> int:
    """``'10GiB'``, ``'500MB'``, ``'1e9'`` -> bytes; ParamsError naming the form otherwise."""
    from nbkit.errors import ParamsError

    units = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
             "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}
    raw = str(text).strip().upper().replace(" ", "")
    number = raw.rstrip("KMGTIB")
    unit = raw[len(number):]
    try:
        value = float(number)
        if unit not in units or not math.isfinite(value) or value < 0:
            raise ValueError
    except ValueError:
        raise ParamsError(f"max_bytes_billed {str(text)[:40]!r} is not a size",
                          "use a number of bytes or a size like 500MB or 10GiB") from None
    return int(value * units[unit])


class RowCounter:
    """Rows per table within a date window, from one GROUP BY per table (cached, and
    answered by bisection over cumulative counts: a per-date estimate asks thousands)."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse, self.cache, self.listed, self.widths = warehouse, {}, None, {}

    def __call__(self, table_id: str, start: dt.date, end: dt.date) -> int:
        if table_id not in self.cache:
            self.cache[table_id] = self._counts(table_id)
        dates, cumulative = self.cache[table_id]
        if dates is None:  # not partitioned by date: every row, whatever the window
            return cumulative[-1]
        return cumulative[bisect.bisect_right(dates, end)] - \
            cumulative[bisect.bisect_left(dates, start)]

    def bytes(self, table_id: str, start: dt.date, end: dt.date) -> int:
        """The window's rows times the table's row width (``row_bytes``)."""
        if table_id not in self.widths:
            self.widths[table_id] = row_bytes(table_id)
        return self(table_id, start, end) * self.widths[table_id]

    def _counts(self, table_id: str) -> tuple[list[dt.date] | None, list[int]]:
        table = schema.get_table(table_id)
        if table.partition_column and table.column(table.partition_column).type == "DATE":
            frame = self.warehouse.partitions(table_id).sort_values("partition_date")
            return list(frame["partition_date"]), \
                [0, *itertools.accumulate(int(n) for n in frame["row_count"])]
        if self.listed is None:
            self.listed = self.warehouse.list_tables().set_index("table_id")
        return None, [int(self.listed["row_count"].get(table_id, 0))]


def _dry_run(warehouse: Warehouse, proc, dates: list[dt.date]) -> int | None:
    """Bytes a dry run reports, or None where no dry run could be made."""
    if not getattr(proc, "SQL_FILE", None):
        return None
    try:
        return warehouse.dry_run_bytes(proc.sql_text(), {"dates": dates})
    except StatementRefusedError as err:
        # A refused statement (bad SQL, no partition filter on a table that requires one)
        # would fail the same way mid-run: say so now, before anything is written.
        raise DryRunRefusedError(
            f"BigQuery refused {proc.NAME}'s SQL in a dry run: {err.problem}; "
            f"nothing was run",
            f"fix {proc.SQL_FILE} (see `nbkit sql --show {proc.NAME}`), then rerun") from err
    except NbkitError:
        return None
