"""The run ledger, in the warehouse itself: processor_run_history and nbkit_runs.

Resume needs no state outside the warehouse: what succeeded, at which code
version, is read back from ``nba_reference.processor_run_history``. Every
write here goes through the warehouse's atomic replace (append/upsert of a
date partition), like every other write nbkit makes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

import pandas as pd

from nbkit.secrets import SECRET_WORDS, redact  # noqa: F401 - re-exported
from nbkit.calendar import season_of_date
from nbkit.errors import NbkitError
from nbkit.leases import Leases, is_missing, operator_name, utc_now

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

RUN_HISTORY = "nba_reference.processor_run_history"
RUNS = "nba_reference.nbkit_runs"
PHASE_NAMES = {3: "phase_3_analytics", 4: "phase_4_precompute"}
# One outcome per processor, date, status and attempt within a run.
HISTORY_IDENTITY = ("run_id", "processor_name", "data_date", "status", "retry_attempt")


@dataclass(frozen=True)
class Outcome:
    """The result of one processor on one date within a run."""

    processor: str
    run_history_name: str
    phase: int
    output_table: str
    data_date: dt.date
    status: str                      # success | partial | failed | skipped
    code_version: str
    started_at: dt.datetime
    finished_at: dt.datetime
    rows: int = 0
    expected_rows: int | None = None
    skip_reason: str | None = None
    error: str | None = None
    attempt: int = 1
    chunk_dates: int = 1
    job_ids: tuple[str, ...] = ()    # the warehouse jobs that computed this date's chunk
    chunk_bytes_billed: int = 0      # what those jobs billed, for the whole chunk


def new_run_id(prefix: str = "nbkit") -> str:
    return f"{prefix}_{utc_now():%Y%m%d_%H%M%S}_{uuid.uuid4().hex[:8]}"


def git_revision() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True,
                             text=True, timeout=5, cwd=os.path.dirname(__file__))
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


class Ledger:
    """Reads and writes the run ledger of one warehouse."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse
        self.project = warehouse.project
        self.leases = Leases(warehouse)

    # ------------------------------------------------------------------ runs
    def start_run(self, run_id: str, command: str, parameters: dict,
                  code_versions: dict[str, str], notebook_path: str | None = None,
                  dates_planned: int = 0, tasks_planned: int = 0,
                  override_incomplete_upstream: bool = False,
                  bytes_estimated: int | None = None) -> dt.datetime:
        started = utc_now()
        row = {
            "run_id": run_id, "run_date": started.date(), "started_at": started,
            "status": "running", "command": command,
            "parameters": json.dumps(redact(parameters), default=str),
            "code_versions": json.dumps(code_versions), "git_revision": git_revision(),
            "nbkit_version": _version(), "backend": self.warehouse.backend,
            "host": socket.gethostname(), "pid": os.getpid(), "operator": operator_name(),
            "notebook_path": notebook_path, "dates_planned": dates_planned,
            "tasks_planned": tasks_planned,
            "override_incomplete_upstream": override_incomplete_upstream,
            "bytes_estimated": bytes_estimated, "processed_at": started,
        }
        self.warehouse.write_frame(RUNS, pd.DataFrame([row]), keep=("run_id",))
        return started

    def finish_run(self, run_id: str, started_at: dt.datetime, status: str,
                   counts: dict[str, int], alerts: list[str],
                   gate_verdicts: dict | None = None, **extra) -> None:
        current = self.run(run_id)
        row = {**current, "run_date": started_at.date(), "status": status,
               "finished_at": utc_now(), "processed_at": utc_now(),
               "tasks_succeeded": counts.get("success", 0),
               "tasks_failed": counts.get("failed", 0) + counts.get("partial", 0),
               "tasks_skipped": counts.get("skipped", 0),
               "rows_written": counts.get("rows", 0),
               "alerts": json.dumps(alerts), "gate_verdicts": json.dumps(gate_verdicts or {}),
               **extra}
        self.warehouse.write_frame(RUNS, pd.DataFrame([_clean(row)]), keep=("run_id",))

    def run(self, run_id: str) -> dict:
        frame = self.warehouse.query(
            f"SELECT * FROM `{self.project}.{RUNS}` WHERE run_id = @run_id", {"run_id": run_id})
        if frame.empty:
            raise NbkitError(f"No run {run_id!r} in the ledger",
                             "list runs with: nbkit sql \"SELECT run_id, status FROM "
                             "nba_reference.nbkit_runs ORDER BY started_at DESC\"")
        return {k: (None if is_missing(v) else v) for k, v in frame.iloc[0].to_dict().items()}

    def runs(self, limit: int = 50) -> pd.DataFrame:
        return self.warehouse.query(
            f"SELECT * FROM `{self.project}.{RUNS}` ORDER BY started_at DESC LIMIT {int(limit)}")

    # ------------------------------------------------------------------ history
    def record(self, run_id: str, outcomes: Iterable[Outcome], trigger: str = "backfill") -> int:
        """Add one processor_run_history row per outcome (one atomic write).

        Written as an upsert on the row's identity, not a blind append, so a write that
        reaches the warehouse twice (a client resending a job whose reply was lost)
        still leaves one row.
        """
        rows = [_history_row(run_id, o, trigger) for o in outcomes]
        if not rows:
            return 0
        self.warehouse.write_frame(RUN_HISTORY, pd.DataFrame(rows), keep=HISTORY_IDENTITY)
        return len(rows)

    def latest(self, processors: Iterable[str], start: dt.date, end: dt.date) -> pd.DataFrame:
        """Latest run-history row per (processor_name, data_date) in [start, end].

        Columns: processor_name, data_date, status, code_version, run_id, processed_at.
        """
        names = sorted(set(processors))
        if not names:
            return pd.DataFrame(columns=["processor_name", "data_date", "status",
                                         "code_version", "run_id", "processed_at"])
        sql = f"""
            SELECT processor_name, data_date, status, cloud_run_revision AS code_version,
                   run_id, processed_at
            FROM `{self.project}.{RUN_HISTORY}`
            WHERE data_date BETWEEN @start AND @end AND processor_name IN UNNEST(@names)
              AND status NOT IN ('running', 'retried')
            QUALIFY ROW_NUMBER() OVER (PARTITION BY processor_name, data_date
                                       ORDER BY processed_at DESC, run_id DESC) = 1"""
        frame = self.warehouse.query(sql, {"start": start, "end": end, "names": names})
        frame["data_date"] = pd.to_datetime(frame["data_date"]).dt.date
        return frame

    def history(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        sql = f"""SELECT * FROM `{self.project}.{RUN_HISTORY}`
                  WHERE data_date BETWEEN @start AND @end"""
        return self.warehouse.query(sql, {"start": start, "end": end})

def _history_row(run_id: str, o: Outcome, trigger: str) -> dict:
    dataset, table = o.output_table.split(".")
    errors = [{"error_type": "ProcessorError", "error_message": o.error,
               "timestamp": o.finished_at.isoformat()}] if o.error else None
    return {
        "processor_name": o.run_history_name, "run_id": run_id,
        "season_year": season_of_date(o.data_date),
        "status": o.status, "duration_seconds": (o.finished_at - o.started_at).total_seconds()
        / max(o.chunk_dates, 1),
        "records_processed": o.rows, "records_created": o.rows, "records_updated": 0,
        "records_skipped": 0, "backfill_mode": True, "force_reprocess": False,
        "test_mode": False, "execution_host": socket.gethostname(), "triggered_by": "nbkit",
        "errors": json.dumps(errors) if errors else None,
        "summary": json.dumps({"code_version": o.code_version, "expected_rows": o.expected_rows,
                               "rows": o.rows, "chunk_dates": o.chunk_dates,
                               "processor": o.processor, "job_ids": list(o.job_ids),
                               "chunk_bytes_billed": o.chunk_bytes_billed}),
        "data_date": o.data_date, "started_at": o.started_at, "processed_at": o.finished_at,
        "phase": PHASE_NAMES.get(o.phase, f"phase_{o.phase}"), "output_table": table,
        "output_dataset": dataset, "trigger_source": trigger,
        "cloud_run_revision": o.code_version, "retry_attempt": o.attempt,
        "skipped": o.status == "skipped", "skip_reason": o.skip_reason,
        "dependency_check_passed": o.status != "skipped" or o.skip_reason is None,
    }


def _clean(row: dict) -> dict:
    return {k: v for k, v in row.items() if k in _RUN_COLUMNS}


def _version() -> str:
    from nbkit import __version__

    return __version__


_RUN_COLUMNS = {
    "run_id", "run_date", "started_at", "finished_at", "status", "command", "parameters",
    "code_versions", "git_revision", "nbkit_version", "backend", "host", "pid", "operator",
    "notebook_path", "dates_planned", "tasks_planned", "tasks_succeeded", "tasks_failed",
    "tasks_skipped", "rows_written", "bytes_estimated", "bytes_billed",
    "override_incomplete_upstream", "alerts", "gate_verdicts", "processed_at"}
