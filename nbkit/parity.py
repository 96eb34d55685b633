"""Backend parity: the same dates computed on two warehouses give the same rows.

Three steps, each usable alone (a notebook, the test suite, ``nbkit parity``):

    copy_inputs(duck, bq, INPUT_TABLES, history_start, end)   # same raw/reference rows on both
    run_both(duck, bq, start, end, history_start=history_start)  # same processors, same dates
    compare(duck, bq, OUTPUT_TABLES, start, end)             # per table and date: rows, checksum

Rows are compared with ``nbkit.checksums.table_checksums`` (volatile columns such as
``processed_at`` excluded, floats canonicalised), so a match means the content of every
partition is the same, not only its row count.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

import pandas as pd

from nbkit import schema
from nbkit.checksums import tables_checksums
from nbkit.processors import registry as default_registry
from nbkit.processors.base import Processor
from nbkit.processors.compute import compute

if TYPE_CHECKING:
    from nbkit.processors import Registry
    from nbkit.warehouse import Warehouse

SCHEDULE = "nba_raw.nbac_schedule"
SCHEDULE_AHEAD_DAYS = 14
COLUMNS = ["table", "data_date", "rows_a", "rows_b", "checksum_a", "checksum_b", "match"]
# Written by processors: never inputs.
_OUTPUT_DATASETS = ("nba_analytics", "nba_precompute", "nba_predictions")


@dataclass
class BothRuns:
    """What run_both did on each warehouse: dates per processor and seconds per backend."""

    dates: dict[str, list[dt.date]] = field(default_factory=dict)
    seconds: dict[str, dict[str, float]] = field(default_factory=dict)  # backend -> proc -> s
    errors: dict[str, dict[str, str]] = field(default_factory=dict)    # backend -> proc -> msg


def input_tables(processors: Iterable[type[Processor] | str] | None = None,
                 registry: Registry = default_registry) -> list[str]:
    """Raw, reference and static tables the processors read (no processor writes them)."""
    procs = _processors(processors, registry)
    outputs = {p.TARGET_TABLE for p in registry.all()}
    seen: dict[str, None] = {}
    for proc in procs:
        for table_id in proc.UPSTREAM_TABLES:
            if table_id not in outputs and not table_id.startswith(_OUTPUT_DATASETS):
                seen[table_id] = None
    return list(seen)


def output_tables(processors: Iterable[type[Processor] | str] | None = None,
                  registry: Registry = default_registry) -> list[str]:
    return [p.TARGET_TABLE for p in _processors(processors, registry)]


def copy_inputs(source_wh: Warehouse, target_wh: Warehouse, tables: Iterable[str] | None,
                start: dt.date, end: dt.date) -> dict[str, int]:
    """Make ``target_wh`` hold exactly ``source_wh``'s rows of ``tables`` for start..end.

    Partitioned tables: every date of the window is replaced in one atomic write per table
    (dates the source has no rows for are emptied on the target too). Unpartitioned tables
    (``nba_reference.nba_players_registry``, ``nba_static.travel_distances``, ...) are
    replaced whole, as the sample writer does. Returns rows written per table.
    """
    tables = list(tables) if tables is not None else input_tables()
    target_wh.init_schema()
    window = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    counts = {}
    for table_id in tables:
        table = schema.get_table(table_id)
        columns = ", ".join(f"`{c}`" for c in table.column_names)
        source = f"`{source_wh.project}.{table.id}`"
        if table.partition_column:
            frame = source_wh.query(
                f"SELECT {columns} FROM {source} WHERE `{table.partition_column}` "
                f"BETWEEN @start AND @end", {"start": start, "end": end})
            counts[table_id] = target_wh.write_frame(table_id, frame, dates=window).inserted
        else:
            frame = source_wh.query(f"SELECT {columns} FROM {source}")
            counts[table_id] = target_wh.replace_table(table_id, frame).inserted
    return counts


def game_dates(warehouse: Warehouse, start: dt.date, end: dt.date) -> list[dt.date]:
    """Final game dates between start and end (inclusive), from the schedule."""
    frame = warehouse.query(
        f"SELECT DISTINCT game_date FROM `{warehouse.project}.nba_raw.nbac_schedule` "
        f"WHERE game_status = 3 AND game_date BETWEEN @start AND @end",
        {"start": start, "end": end})
    return sorted(pd.to_datetime(frame["game_date"]).dt.date) if len(frame) else []


def run_both(wh_a: Warehouse, wh_b: Warehouse, start: dt.date, end: dt.date,
             processors: Iterable[type[Processor] | str] | None = None,
             history_start: dt.date | None = None,
             registry: Registry = default_registry, keep_going: bool = False) -> BothRuns:
    """Compute the processors on both warehouses for the same dates, in dependency order.

    Phase 3 runs on every final game date of ``history_start..end`` (the history Phase 4
    lookbacks read; default ``start``), Phase 4 on the final game dates of ``start..end``.
    The dates come from ``wh_a``'s schedule and are used as they are on both sides.
    With ``keep_going`` a processor that fails on one backend is recorded in
    ``BothRuns.errors`` and the next one runs; otherwise the error is raised.
    """
    history_start = history_start or start
    report = BothRuns()
    all_dates = game_dates(wh_a, history_start, end)
    for proc in _processors(processors, registry):
        dates = [d for d in all_dates if d >= start] if proc.PHASE >= 4 else all_dates
        report.dates[proc.NAME] = dates
        if not dates:
            continue
        for label, wh in (("a", wh_a), ("b", wh_b)):
            began = time.monotonic()
            try:
                compute(wh, proc, dates)
            except Exception as err:  # noqa: BLE001 - recorded per backend with keep_going
                if not keep_going:
                    raise
                report.errors.setdefault(label, {})[proc.NAME] = f"{type(err).__name__}: {err}"
            report.seconds.setdefault(label, {})[proc.NAME] = time.monotonic() - began
    return report


def compare(wh_a: Warehouse, wh_b: Warehouse, tables: Iterable[str] | None,
            start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per table and date: rows and content checksum on each warehouse, and whether they match.

    A date present on one side only is a row with 0 rows and no checksum on the other
    side (never a match). Dates with no rows on either side are not listed.
    """
    tables = list(tables) if tables is not None else output_tables()
    sums_a, sums_b = (_checksums(wh, tables, start, end) for wh in (wh_a, wh_b))
    out = []
    for table_id in tables:
        a, b = sums_a[table_id], sums_b[table_id]
        merged = a.merge(b, on="data_date", how="outer", suffixes=("_a", "_b"))
        for row in merged.sort_values("data_date").itertuples(index=False):
            rows_a = 0 if pd.isna(row.rows_a) else int(row.rows_a)
            rows_b = 0 if pd.isna(row.rows_b) else int(row.rows_b)
            sum_a = None if pd.isna(row.checksum_a) else row.checksum_a
            sum_b = None if pd.isna(row.checksum_b) else row.checksum_b
            out.append({"table": table_id, "data_date": row.data_date, "rows_a": rows_a,
                        "rows_b": rows_b, "checksum_a": sum_a, "checksum_b": sum_b,
                        "match": rows_a == rows_b and sum_a is not None and sum_a == sum_b})
    return pd.DataFrame(out, columns=COLUMNS)


def parity(source_url: str, other_url: str, start, end, processors=None, *,
           copy: bool = False, history_start=None, compute_outputs: bool = True,
           keep_going: bool = True) -> pd.DataFrame:
    """``nbkit parity``: run the processors for start..end on both warehouses and compare.

    Both warehouses are written: the processors' output partitions for the dates are
    replaced on each (as a backfill of those dates would).

    Args:
        source_url: the reference warehouse (a DuckDB path, ``duckdb:///...``).
        other_url: the warehouse to check against it (``bigquery://PROJECT``).
        start, end: dates compared (inclusive; ``YYYY-MM-DD`` strings or dates).
        processors: names (list or comma-separated string); default all ten.
        copy: first copy the processors' input tables for history_start..end (the
            schedule 14 days further) from the source to the other warehouse. This REPLACES
            those partitions there: use a scratch project, never production.
        history_start: first date of the Phase 3 history Phase 4 reads (default: start).
        compute_outputs: False compares what both warehouses already hold.
        keep_going: a processor failing on one backend is reported, not raised.

    Returns:
        compare()'s frame, with ``error_a`` / ``error_b`` (the failure of the processor
        writing that table on each backend, if any).
    """
    from nbkit.params import parse_date
    from nbkit.warehouse import open_warehouse

    start, end = _date(start, parse_date, "start_date"), _date(end, parse_date, "end_date")
    history_start = _date(history_start, parse_date, "history_start") or start
    from nbkit.scope import checked_range, require_existing

    checked_range(start, end)
    for url in (source_url, other_url):
        require_existing(url)  # a mistyped path must not become a new, empty warehouse
    procs = _processors(processors, default_registry)
    wh_a, wh_b = open_warehouse(source_url), open_warehouse(other_url)
    try:
        if copy:
            copy_inputs(wh_a, wh_b, input_tables(procs), history_start, end)
            # upcoming_* read the next games of each team from the schedule
            copy_inputs(wh_a, wh_b, [SCHEDULE], end + dt.timedelta(days=1),
                        end + dt.timedelta(days=SCHEDULE_AHEAD_DAYS))
        errors: dict[str, dict[str, str]] = {}
        if compute_outputs:
            errors = run_both(wh_a, wh_b, start, end, procs, history_start,
                              keep_going=keep_going).errors
        frame = compare(wh_a, wh_b, output_tables(procs), start, end)
    finally:
        wh_a.close()
        wh_b.close()
    by_table = {p.TARGET_TABLE: p.NAME for p in procs}
    for side in ("a", "b"):
        frame[f"error_{side}"] = frame["table"].map(
            lambda t, s=side: errors.get(s, {}).get(by_table.get(t, "")))
    return frame


def _checksums(wh: Warehouse, tables: list[str], start: dt.date,
               end: dt.date) -> dict[str, pd.DataFrame]:
    frames = tables_checksums(wh, tables, start, end)
    for frame in frames.values():
        if len(frame):
            frame["data_date"] = pd.to_datetime(frame["data_date"]).dt.date
    return frames


def _processors(processors, registry: Registry) -> list[type[Processor]]:
    """The chosen processors (names, classes or a comma-separated string) in dependency order."""
    if processors is None or processors == "" or processors == ():
        return registry.all()
    if isinstance(processors, str):
        processors = [p.strip() for p in processors.split(",") if p.strip()]
    chosen = {registry.get_or_raise(p).NAME for p in processors}
    return [p for p in registry.all() if p.NAME in chosen]


def _date(value, parse, name):
    if value is None or isinstance(value, dt.date):
        return value
    return parse(value, name)
