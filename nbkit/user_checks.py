"""Run the project's checks (``nbkit.processors.checks``) on a warehouse."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from nbkit.processors.checks import Check
    from nbkit.warehouse import Warehouse


def failures(warehouse: Warehouse, check: Check, dates: list[dt.date],
             date_column: str = "game_date") -> dict[dt.date, int]:
    """Failing rows per date of ``dates`` (dates without failures are absent)."""
    frame = warehouse.query(check.sql, {"dates": list(dates)})
    if frame.empty:
        return {}
    column = "data_date" if "data_date" in frame else date_column if date_column in frame \
        else None
    if column is None:
        return {d: len(frame) for d in dates}
    days = pd.to_datetime(frame[column]).dt.date
    counts = days.value_counts()
    return {d: int(counts[d]) for d in dates if d in counts}


def apply(warehouse: Warehouse, checks: list[Check], outcomes: list, date_column: str
          ) -> tuple[list, list[str]]:
    """Outcomes after the processor's checks: a blocking failure turns a successful date
    into a failed one; warnings become alerts. Returns (outcomes, alerts)."""
    done = [o.data_date for o in outcomes if o.status == "success"]
    if not checks or not done:
        return outcomes, []
    alerts: list[str] = []
    failed: dict[dt.date, str] = {}
    for check in checks:
        found = failures(warehouse, check, done, date_column)
        if not found:
            continue
        first = min(found)
        word = "CHECK FAILED" if check.blocking else "CHECK WARNING"
        alerts.append(f"{word} {check.name} ({check.processor}): {len(found)} date(s), first "
                      f"{first} with {found[first]} failing row(s)")
        if check.blocking:
            for day, rows in found.items():
                failed.setdefault(day, f"check {check.name}: {rows} failing row(s). Fix: "
                                       f"correct the data or the SQL, see {check.path.name}")
    out = [replace(o, status="failed", error=failed[o.data_date])
           if o.status == "success" and o.data_date in failed else o for o in outcomes]
    return out, alerts
