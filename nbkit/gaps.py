"""Gap analysis: what each table holds per date against what the schedule implies.

Every function reads the warehouse and returns a DataFrame. Expected rows come
from each processor's EXPECTED_ROWS_SQL (itself derived from the schedule and
the sources), never from hard-coded numbers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from nbkit.calendar import (SeasonCalendar, bootstrap_days_or_default, load_calendar,
                            season_bounds, season_of_date)
from nbkit.ledger import Ledger
from nbkit.states import DONE_STATES, TODO_STATES, UNSUCCESSFUL, TableStatus, TaskState
from nbkit.verify import dated as _dated, verify_counts
from nbkit.processors import registry as default_registry
from nbkit.processors.base import Processor

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

STATE_COLUMNS = ["processor", "phase", "table", "data_date", "rows", "expected_rows",
                 "duplicate_rows", "ledger_status", "ledger_code_version", "code_version",
                 "processed_at", "state", "skips_bootstrap"]


def partition_counts(warehouse: Warehouse, proc: type[Processor],
                     dates: list[dt.date]) -> pd.DataFrame:
    """Rows and duplicate-key rows per date of a processor's output table."""
    keys = ", ".join(f"`{k}`" for k in proc.KEY_COLUMNS)
    sql = f"""
        SELECT d AS data_date, SUM(c) AS rows, SUM(IF(c > 1, c - 1, 0)) AS duplicate_rows
        FROM (SELECT `{proc.DATE_COLUMN}` AS d, {keys}, COUNT(*) AS c
              FROM `{warehouse.project}.{proc.TARGET_TABLE}`
              WHERE `{proc.DATE_COLUMN}` IN UNNEST(@dates)
              GROUP BY d, {keys})
        GROUP BY d"""
    return _dated(warehouse.query(sql, {"dates": dates}))


def expected_counts(warehouse: Warehouse, proc: type[Processor],
                    dates: list[dt.date]) -> pd.DataFrame:
    """Expected rows per date from the processor's EXPECTED_ROWS_SQL."""
    if not proc.EXPECTED_ROWS_SQL:
        return pd.DataFrame(columns=["data_date", "expected_rows"])
    return _dated(warehouse.query(proc.EXPECTED_ROWS_SQL, {"dates": dates}))


def task_states(warehouse: Warehouse, dates: Iterable[dt.date],
                processors: Iterable[type[Processor]] | None = None,
                bootstrap_days: int | None = None) -> pd.DataFrame:
    """State of every (processor, date): missing, partial, duplicates, failed, stale,
    done, done_no_history or bootstrap, with the counts behind it.

    ``bootstrap`` is a date that holds nothing inside a season's bootstrap window
    (``SeasonCalendar.bootstrap_dates``, ``bootstrap_days`` long, default the length in
    force) of a processor that skips it (``SKIPS_BOOTSTRAP``): the planner skips it too,
    so it is not missing."""
    dates = sorted(set(dates))
    procs = list(processors or default_registry.all())
    if not dates or not procs:
        return pd.DataFrame(columns=STATE_COLUMNS)
    # A season's steps ask for the same states several times (plan, each phase, each gate):
    # measured once, reused while the warehouse's data_version says nothing was written.
    version = warehouse.data_version()
    key = None if version is None else (version, tuple(dates), bootstrap_days_or_default(
        bootstrap_days), tuple(
        (p.NAME, p.RUN_HISTORY_NAME, p.PHASE, bool(p.SKIPS_BOOTSTRAP), p.code_version())
        for p in procs))
    with _MEASURED_LOCK:
        kept = _MEASURED.get(key)
        if kept is not None:
            _MEASURED.move_to_end(key)
            return kept.copy()
    frame = _measure_states(warehouse, dates, procs, bootstrap_days)
    if key is not None and warehouse.data_version() == version:
        with _MEASURED_LOCK:
            _MEASURED[key] = frame.copy()
            while len(_MEASURED) > _MEASURED_KEPT:
                _MEASURED.popitem(last=False)
    return frame


_MEASURED: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_MEASURED_KEPT = 8
_MEASURED_LOCK = threading.Lock()


def _measure_states(warehouse: Warehouse, dates: list[dt.date], procs: list[type[Processor]],
                    bootstrap_days: int | None) -> pd.DataFrame:
    latest = Ledger(warehouse).latest([p.RUN_HISTORY_NAME for p in procs], dates[0], dates[-1])
    bootstrap = _bootstrap_dates(warehouse, dates, bootstrap_days) \
        if any(p.SKIPS_BOOTSTRAP for p in procs) else set()
    ledger_of = {(n, d): (s, v, i) for i, (n, d, s, v) in enumerate(zip(
        latest["processor_name"].tolist(), latest["data_date"].tolist(),
        latest["status"].tolist(), latest["code_version"].tolist()))}
    columns: dict[str, list] = {c: [] for c in STATE_COLUMNS}
    ledger_row: list[int] = []  # each task's row of ``latest``, -1 for none
    for proc in procs:
        # Rows, duplicate-key rows and expected rows of every date in one query (one job).
        counts = verify_counts(warehouse, proc, dates)
        found = {d: (r, u, e) for d, r, u, e in zip(counts["data_date"], counts["rows"],
                                                     counts["duplicate_rows"],
                                                     counts["expected_rows"])}
        version = proc.code_version()
        for day in dates:
            rows, dups, want = found.get(day, (0, 0, None))
            rows, dups = _int(rows), _int(dups)
            # No expectation declared: what is there is complete.
            want = _int(want) if proc.EXPECTED_ROWS_SQL else rows
            status, ledger_version, row = ledger_of.get(
                (proc.RUN_HISTORY_NAME, day), (None, None, -1))
            ledger_row.append(row)
            state = classify(_Row(rows, want, dups, status, ledger_version, version))
            if state == TaskState.MISSING and proc.SKIPS_BOOTSTRAP and day in bootstrap:
                state = TaskState.BOOTSTRAP
            for column, value in zip(STATE_COLUMNS, (
                    proc.NAME, proc.PHASE, proc.TARGET_TABLE, day, rows, want, dups, status,
                    ledger_version, version, None, state, bool(proc.SKIPS_BOOTSTRAP))):
                columns[column].append(value)
    frame = pd.DataFrame(columns, columns=STATE_COLUMNS)
    # The ledger's own columns and dtypes, taken by row (NaN/NaT where a date has none).
    rows = np.asarray(ledger_row, dtype=np.int64)
    for column, source in (("ledger_status", "status"), ("ledger_code_version", "code_version"),
                           ("processed_at", "processed_at")):
        frame[column] = pd.Series(latest[source].array.take(rows, allow_fill=True),
                                  index=frame.index)
    return frame


@dataclass(frozen=True)
class _Row:
    rows: int
    expected_rows: int
    duplicate_rows: int
    ledger_status: str | None
    ledger_code_version: str | None
    code_version: str


def _int(value) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _bootstrap_dates(warehouse: Warehouse, dates: list[dt.date],
                     bootstrap_days: int | None) -> set[dt.date]:
    """Bootstrap-window dates of the seasons of ``dates``: the calendar is read from the
    first season's start, so each season's opening night is its own (as the planner's)."""
    first = season_bounds(season_of_date(dates[0]))[0]
    return set(load_calendar(warehouse, first, dates[-1], bootstrap_days).bootstrap_dates())


def classify(row) -> TaskState:
    """The state of one (processor, date) from its counts and latest ledger row."""
    if row.duplicate_rows > 0:
        return TaskState.DUPLICATES
    if row.rows == 0 and row.expected_rows > 0:
        return TaskState.MISSING
    if row.rows != row.expected_rows:
        return TaskState.PARTIAL
    if isinstance(row.ledger_status, str) and row.ledger_status in UNSUCCESSFUL:
        return TaskState.FAILED
    if not isinstance(row.ledger_status, str):
        return TaskState.DONE_NO_HISTORY if row.rows > 0 else TaskState.MISSING
    if row.ledger_code_version != row.code_version:
        return TaskState.STALE
    return TaskState.DONE


def table_status(states: pd.DataFrame, calendar: SeasonCalendar) -> pd.DataFrame:
    """Per table and date: complete, partial, missing or expected-empty (bootstrap).

    A task done (or stale) is complete even with 0 rows: its rows equal the rows
    expected and its latest run succeeded, as the planner sees it."""
    frame = states.copy()
    bootstrap = set(calendar.bootstrap_dates())

    def status(state, skips_bootstrap, day) -> TableStatus:
        if state == TaskState.BOOTSTRAP or (skips_bootstrap and day in bootstrap):
            return TableStatus.EXPECTED_EMPTY
        if state in DONE_STATES or state == TaskState.STALE:
            return TableStatus.COMPLETE
        if state == TaskState.MISSING:
            return TableStatus.MISSING
        return TableStatus.PARTIAL  # partial, duplicates, or a failed latest run

    # Plain lists: iterating pandas' Arrow-backed columns element by element is ~10x slower.
    frame["status"] = [status(*row) for row in zip(
        frame["state"].tolist(), frame["skips_bootstrap"].tolist(), frame["data_date"].tolist())]
    return frame[["table", "processor", "phase", "data_date", "rows", "expected_rows",
                  "duplicate_rows", "state", "status"]]


def coverage_by_table(status: pd.DataFrame) -> pd.DataFrame:
    """Complete dates per table against the dates expected to hold data."""
    rows = []
    for (table, phase), group in status.groupby(["table", "phase"], sort=False):
        expected = group[group["status"] != "expected-empty"]
        rows.append({"table": table, "phase": int(phase),
                     "complete": int((expected["status"] == "complete").sum()),
                     "partial": int((expected["status"] == "partial").sum()),
                     "missing": int((expected["status"] == "missing").sum()),
                     "expected_dates": len(expected),
                     "duplicate_rows": int(group["duplicate_rows"].sum())})
    frame = pd.DataFrame(rows)
    if len(frame):
        frame["pct"] = (100.0 * frame["complete"] / frame["expected_dates"].clip(lower=1)).round(1)
    return frame


def missing_dates(status: pd.DataFrame) -> pd.DataFrame:
    """Dates that are missing or partial, per table."""
    bad = status[status["status"].isin(["missing", "partial"])]
    return bad[["table", "data_date", "status", "rows", "expected_rows", "duplicate_rows"]] \
        .sort_values(["table", "data_date"]).reset_index(drop=True)


def monthly_summary(status: pd.DataFrame) -> pd.DataFrame:
    """Per month and phase: complete dates against expected dates."""
    frame = status[status["status"] != "expected-empty"].copy()
    frame["month"] = pd.to_datetime(frame["data_date"]).dt.strftime("%Y-%m")
    out = frame.groupby(["month", "phase"]).agg(
        table_dates=("status", "size"),
        complete=("status", lambda s: int((s == "complete").sum()))).reset_index()
    out["pct"] = (100.0 * out["complete"] / out["table_dates"]).round(1)
    return out


def failures_needing_attention(warehouse: Warehouse, start: dt.date,
                               end: dt.date) -> pd.DataFrame:
    """Latest outcome per processor and date that is failed or partial (never succeeded since)."""
    sql = f"""
        SELECT processor_name, data_date, status, run_id, processed_at, errors,
               JSON_VALUE(summary, '$.processor') AS processor
        FROM `{warehouse.project}.nba_reference.processor_run_history`
        WHERE data_date BETWEEN @start AND @end AND status IN ('success', 'failed', 'partial')
        QUALIFY ROW_NUMBER() OVER (PARTITION BY processor_name, data_date
                                   ORDER BY processed_at DESC, run_id DESC) = 1"""
    frame = warehouse.query(sql, {"start": start, "end": end})
    frame = frame[frame["status"].isin(list(UNSUCCESSFUL))]
    return frame.sort_values(["data_date", "processor_name"]).reset_index(drop=True)


def retry_list(states: pd.DataFrame) -> pd.DataFrame:
    """(processor, dates) that a default backfill would run again, with the command."""
    todo = states[states["state"].isin(list(TODO_STATES))]
    rows = []
    for name, group in todo.groupby("processor", sort=False):
        dates = sorted(group["data_date"])
        rows.append({"processor": name, "dates": len(dates),
                     "command": f"nbkit backfill --processors {name} --dates "
                                + ",".join(d.isoformat() for d in dates)})
    return pd.DataFrame(rows, columns=["processor", "dates", "command"])


def throughput(warehouse: Warehouse, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Measured seconds per date per processor (successful runs), the basis of ETAs."""
    sql = f"""
        SELECT JSON_VALUE(summary, '$.processor') AS processor, COUNT(*) AS dates,
               AVG(duration_seconds) AS seconds_per_date, SUM(records_processed) AS rows
        FROM `{warehouse.project}.nba_reference.processor_run_history`
        WHERE data_date BETWEEN @start AND @end AND status = 'success'
        GROUP BY 1 ORDER BY 1"""
    return warehouse.query(sql, {"start": start, "end": end})
