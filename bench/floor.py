"""The compute floor of a backfill, and the time of content checksums of its outputs.

Floor: for each processor, its SELECT (``Processor.sql_text()``, with the ``@dates`` and
``@nbkit_dates`` parameters the executor binds) over exactly the dates the backfill
computed, in one statement per processor, materialised into a temporary table the way
DuckDB's replace stages it (``CREATE TEMP TABLE .. AS SELECT * FROM (<select>) WHERE
<partition> IN UNNEST(@nbkit_dates)``) and dropped. Like ``DuckDBWarehouse._replace``, only
the SELECT is translated from BigQuery SQL; the ``CREATE TEMP TABLE`` around it is DuckDB
SQL (sqlglot writes BigQuery's ``CREATE TEMP TABLE`` as a permanent table, a write to the
file that the backfill never pays: 0.8-1.3 s per Phase 4 floor). No ledger, verification, expected-rows
query or partition replace: what is left is the work the SQL itself costs. It is measured
on the warehouse after the backfill, where every upstream input exists, so each processor
reads the same rows it read during the run. The rows each SELECT produced are compared with
the rows the backfill wrote for the same dates (``floor_rows_match``): the floor computed
the same work.

Checksums: ``nbkit.checksums.tables_checksums`` of every processor's output table, every
date, on the full warehouse (two tables' queries at a time, as ``nbkit parity`` runs them).

Results (``results`` keys): ``floor_seconds`` (sum), ``floor_<processor>_seconds``,
``floor_<processor>_dates``, ``floor_rows``, ``floor_rows_match``, ``backfill_over_floor``
(when ``backfill_seconds`` is known); ``checksums_seconds``, ``checksums_tables``,
``checksums_rows``.

Run alone on a small sample (build, backfill, then both measures):

    python bench/floor.py [--as-of 2021-11-08]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nbkit import schema  # noqa: E402
from nbkit.processors import registry  # noqa: E402
from nbkit.warehouse.base import DATES_PARAM  # noqa: E402


def dates_by_processor(plan) -> dict[str, list[dt.date]]:
    """The dates each processor runs in a plan (its runnable tasks), sorted."""
    out: dict[str, set[dt.date]] = {}
    for task in plan.runnable():
        out.setdefault(task.processor, set()).add(task.date)
    return {name: sorted(days) for name, days in out.items()}


def floor_select(proc) -> str:
    """The processor's SELECT over the bound dates: the text ``DuckDBWarehouse._replace``
    translates and stages before its DELETE + INSERT, with the same parameters."""
    part = schema.get_table(proc.TARGET_TABLE).partition_column
    return f"SELECT * FROM ({proc.sql_text()}) WHERE `{part}` IN UNNEST(@{DATES_PARAM})"


def _materialise(con, select, params: dict) -> tuple[float, int]:
    """Seconds to run the translated ``select`` into a DuckDB temp table, and its rows."""
    from nbkit.warehouse.sql import bind

    stage = f"_nbkit_floor_{uuid.uuid4().hex[:12]}"
    try:
        began = time.perf_counter()
        con.execute(f"CREATE TEMP TABLE {stage} AS {select.sql}", bind(select, params))
        seconds = time.perf_counter() - began
        return seconds, int(con.execute(f"SELECT COUNT(*) FROM {stage}").fetchone()[0])
    finally:
        con.execute(f"DROP TABLE IF EXISTS {stage}")


def measure_floor(wh, dates: dict[str, list[dt.date]], results: dict) -> None:
    """Time each processor's SELECT over its ``dates`` into a temp table (see the module doc)."""
    from nbkit.warehouse.sql import to_duckdb

    total, rows_total, match = 0.0, 0, True
    con = wh.cursor()
    for proc in registry.all():
        days = sorted(dates.get(proc.NAME, []))
        results[f"floor_{proc.NAME}_dates"] = len(days)
        if not days or not getattr(proc, "SQL_FILE", None):
            results[f"floor_{proc.NAME}_seconds"] = 0.0
            continue
        params = {"dates": days, DATES_PARAM: days}
        # Translated once, as the backfill's cache does; timed from the DuckDB statement on.
        (select,) = to_duckdb(floor_select(proc), wh.catalog, wh.project, wh.target.datasets)
        seconds, made = _materialise(con, select, params)
        table = schema.get_table(proc.TARGET_TABLE)
        written = int(wh.query(
            f"SELECT COUNT(*) AS n FROM `{wh.project}.{table.id}` "
            f"WHERE `{table.partition_column}` IN UNNEST(@{DATES_PARAM})",
            {DATES_PARAM: days})["n"].iloc[0])
        match = match and made == written
        results[f"floor_{proc.NAME}_seconds"] = seconds
        total += seconds
        rows_total += made
    con.close()
    results["floor_seconds"] = total
    results["floor_rows"] = rows_total
    results["floor_rows_match"] = match
    if results.get("backfill_seconds") and total > 0:
        results["backfill_over_floor"] = results["backfill_seconds"] / total


def measure_checksums(wh, results: dict) -> None:
    """Time in-warehouse content checksums of every processor's output table, all dates."""
    from nbkit.checksums import tables_checksums

    tables = list(dict.fromkeys(p.TARGET_TABLE for p in registry.all()))
    began = time.perf_counter()
    frames = tables_checksums(wh, tables)
    rows = sum(int(frame["rows"].sum()) for frame in frames.values())
    results["checksums_seconds"] = time.perf_counter() - began
    results["checksums_tables"] = len(tables)
    results["checksums_rows"] = rows


def measure(path: Path, dates: dict[str, list[dt.date]], results: dict) -> None:
    """Both measures on the warehouse file at ``path`` (after its backfill)."""
    from nbkit.warehouse import open_warehouse

    with open_warehouse(str(path)) as wh:
        measure_floor(wh, dates, results)
        measure_checksums(wh, results)


def main() -> int:
    from nbkit.backfill import execute, prepare
    from nbkit.executor import RunOptions
    from nbkit.plan import make_request
    from nbkit.sample import build_sample
    from nbkit.warehouse import open_warehouse

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--as-of", default="2021-11-08", type=dt.date.fromisoformat,
                        help="the sample's as-of date (default: a month of the first season)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nbkit-floor-"))
    try:
        path = work / "floor.duckdb"
        results: dict = {}
        with open_warehouse(str(path)) as wh:
            wh.init_schema()
            build_sample(wh, seed=7, as_of=args.as_of)
            request = make_request(start_date="2021-10-01", end_date=args.as_of.isoformat())
            prepared = prepare(wh, request)
            dates = dates_by_processor(prepared.plan)
            began = time.perf_counter()
            run = execute(wh, prepared, RunOptions(progress=False))
            results["backfill_seconds"] = time.perf_counter() - began
            results["backfill_status"] = run.status
            results["tasks"] = len(prepared.plan.runnable())
        measure(path, dates, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for key, value in results.items():
        print(f"{key:<48}{round(value, 3) if isinstance(value, float) else value}")
    return 0 if results.get("floor_rows_match") else 1


if __name__ == "__main__":
    raise SystemExit(main())
