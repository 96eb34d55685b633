"""Run records: what ran, from the reports folder and the ledger; pruning old reports.

A run is either a notebook run (a folder ``reports/runs/<id>/`` with its run.json, which
names the ledger runs it made) or a ledger run with no report (``nbkit backfill``). Pruning
removes report folders and their index entries, never a ledger row: the ledger's history
is what resume and the gates read.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from nbkit.errors import ParamsError
from nbkit.leases import as_list
from nbkit.ledger import redact

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

COLUMNS = ["id", "kind", "what", "status", "started_at", "duration_seconds", "parameters",
           "gate_verdicts", "ledger_run_ids"]


def list_runs(reports_dir: Path, warehouse: Warehouse | None = None,
              limit: int = 50) -> pd.DataFrame:
    """Newest first: notebook runs from reports/, and ledger runs no report claims."""
    from nbkit.report import load_runs

    rows, claimed = [], set()
    for run in load_runs(reports_dir):
        ids = list(run.get("ledger_run_ids") or [])
        claimed.update(ids)
        rows.append({"id": run["_dir"], "kind": "notebook", "what": run.get("notebook"),
                     "status": run.get("status"), "started_at": run.get("started_at"),
                     "duration_seconds": run.get("duration_seconds"),
                     "parameters": redact(run.get("parameters") or {}),
                     "gate_verdicts": run.get("gate_verdicts") or {}, "ledger_run_ids": ids})
    if warehouse is not None:
        from nbkit.ledger import Ledger

        for run in Ledger(warehouse).runs(limit).to_dict("records"):
            if run["run_id"] in claimed:
                continue
            rows.append(_ledger_row(run))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    frame["_sort"] = pd.to_datetime(frame["started_at"], utc=True, errors="coerce")
    return frame.sort_values("_sort", ascending=False).drop(columns="_sort") \
        .head(limit).reset_index(drop=True)


def show_run(run_id: str, reports_dir: Path, warehouse: Warehouse | None = None) -> dict:
    """Everything recorded about one run (a report folder name or a ledger run id)."""
    folder = Path(reports_dir) / "runs" / run_id
    if (folder / "run.json").is_file():
        data = json.loads((folder / "run.json").read_text())
        data["kind"], data["id"], data["folder"] = "notebook", run_id, str(folder)
        if warehouse is not None:
            data["ledger"] = [_ledger_row(_ledger(warehouse, r))
                              for r in data.get("ledger_run_ids") or []]
        return data
    if warehouse is None:
        raise ParamsError(f"No report folder {run_id!r} under {reports_dir}/runs",
                          "list runs with `nbkit runs`")
    return {**_ledger_row(_ledger(warehouse, run_id)), "detail": _ledger(warehouse, run_id)}


def prune(reports_dir: Path, keep: int | None = None, older_than_days: float | None = None,
          now: dt.datetime | None = None, dry_run: bool = False) -> list[str]:
    """Remove report folders beyond the newest ``keep`` and/or older than N days; return them.

    Never touches the ledger. Rewrites reports/index.html afterwards.
    """
    from nbkit.report import load_runs, write_index

    if keep is None and older_than_days is None:
        raise ParamsError("Nothing to prune by", "give --keep N or --older-than DAYS")
    if (keep is not None and keep < 0) or (older_than_days is not None and older_than_days < 0):
        raise ParamsError("--keep and --older-than must not be negative",
                          "give a count or a number of days >= 0")
    now = now or dt.datetime.now(dt.timezone.utc)
    runs = load_runs(reports_dir)  # newest first
    doomed = []
    for index, run in enumerate(runs):
        started = pd.to_datetime(run.get("started_at"), utc=True, errors="coerce")
        too_many = keep is not None and index >= keep
        too_old = (older_than_days is not None and not pd.isna(started)
                   and (now - started.to_pydatetime()).total_seconds() > older_than_days * 86400)
        if too_many or too_old:
            doomed.append(run["_dir"])
    if not dry_run:
        for name in doomed:
            shutil.rmtree(Path(reports_dir) / "runs" / name, ignore_errors=True)
        if Path(reports_dir).is_dir():
            write_index(reports_dir)
    return doomed


def compact_leases(leases: pd.DataFrame, game_dates: list[dt.date] | None = None) -> pd.DataFrame:
    """One row per lease: holder, run, tables, and its dates as collapsed ranges.

    Consecutive dates (consecutive game dates of the schedule when given, else consecutive
    days) collapse into ``first..last (n)``.
    """
    rows = []
    for lease in leases.to_dict("records"):
        dates = sorted({pd.Timestamp(d).date() for d in as_list(lease.get("dates"))})
        tables = sorted(as_list(lease.get("tables")))
        rows.append({"lease_id": lease["lease_id"], "run_id": lease.get("run_id"),
                     "holder": f"{lease.get('owner')}@{lease.get('host')} pid {lease.get('pid')}",
                     "status": lease.get("status"), "expires_at": lease.get("expires_at"),
                     "tables": tables, "dates": len(dates),
                     "date_ranges": date_ranges(dates, game_dates)})
    return pd.DataFrame(rows, columns=["lease_id", "run_id", "holder", "status", "expires_at",
                                       "tables", "dates", "date_ranges"])


def date_ranges(dates: list[dt.date], calendar: list[dt.date] | None = None) -> list[str]:
    """``['2023-10-24..2023-10-26 (3)', '2023-11-01']`` for the given dates.

    Example:
        >>> d = dt.date
        >>> date_ranges([d(2024, 1, 1), d(2024, 1, 2), d(2024, 1, 3), d(2024, 1, 9)])
        ['2024-01-01..2024-01-03 (3)', '2024-01-09']
    """
    if not dates:
        return []
    position = {day: i for i, day in enumerate(sorted(set(calendar or [])))}
    runs: list[list[dt.date]] = [[dates[0]]]
    for day in dates[1:]:
        prev = runs[-1][-1]
        if day in position and prev in position:
            adjacent = position[day] == position[prev] + 1
        else:
            adjacent = (day - prev).days == 1
        if adjacent:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [f"{r[0]}..{r[-1]} ({len(r)})" if len(r) > 1 else str(r[0]) for r in runs]


def _ledger(warehouse: Warehouse, run_id: str) -> dict:
    from nbkit.ledger import Ledger

    return Ledger(warehouse).run(run_id)


def _ledger_row(run: dict) -> dict:
    started = pd.to_datetime(run.get("started_at"), utc=True, errors="coerce")
    finished = pd.to_datetime(run.get("finished_at"), utc=True, errors="coerce")
    seconds = None if pd.isna(started) or pd.isna(finished) else \
        round((finished - started).total_seconds(), 3)
    return {"id": run["run_id"], "kind": "ledger", "what": run.get("command"),
            "status": run.get("status"),
            "started_at": None if pd.isna(started) else started.isoformat(),
            "duration_seconds": seconds, "parameters": redact(_json(run.get("parameters"))),
            "gate_verdicts": _json(run.get("gate_verdicts")), "ledger_run_ids": [run["run_id"]]}


def _json(value) -> dict:
    if isinstance(value, dict):
        return value
    try:
        return json.loads(value) if isinstance(value, str) and value else {}
    except ValueError:
        return {}
