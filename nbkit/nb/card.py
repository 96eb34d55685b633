"""The few numbers a report's header card shows, recorded by the notebook steps.

Each step adds what it knows (``numbers``: label -> text, merged over the run) and,
where it measured coverage, the latest date x table grid (``coverage``) that the run
browser shows above its list. A no-op when a notebook is run by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from nbkit.nb.common import RECORD_ENV, record

GRID_DATES = 21  # the latest game dates shown in the run browser's coverage grid


def note(**numbers) -> None:
    """Add label -> value pairs to the card (later steps add to earlier ones)."""
    path = os.environ.get(RECORD_ENV)
    if not path:
        return
    current = _read(Path(path)).get("numbers", {})
    current.update({str(k).replace("_", " "): _text(v) for k, v in numbers.items()})
    record(numbers=current)


def note_phase(phase: int, outcomes: pd.DataFrame, bytes_billed: int | None) -> None:
    """A phase's counts: dates and tasks done, failed or partial, quarantined, bytes billed."""
    if not os.environ.get(RECORD_ENV):
        return
    counts = outcomes["status"].value_counts().to_dict() if len(outcomes) else {}
    dates = outcomes["date"].nunique() if len(outcomes) else 0
    label = f"Phase {phase}" if phase else "recovery"
    numbers = {f"{label} tasks": f"{counts.get('success', 0):,} done, "
                                 f"{counts.get('failed', 0) + counts.get('partial', 0):,} "
                                 f"failed or partial, {counts.get('skipped', 0):,} quarantined "
                                 f"({dates:,} dates)"}
    if bytes_billed is not None:
        billed = _read(Path(os.environ[RECORD_ENV])).get("numbers", {}).get("bytes billed", "0")
        numbers["bytes billed"] = f"{_bytes(bytes_billed) + _bytes(billed):,}"
    note(**numbers)


def note_coverage(status: pd.DataFrame) -> None:
    """Dates complete per phase, and the latest dates x table grid, from a table_status frame."""
    if not os.environ.get(RECORD_ENV) or status is None or status.empty:
        return
    numbers = {}
    for phase, part in status.groupby("phase"):
        counted = part[part["status"] != "expected-empty"]
        per_date = counted.groupby("data_date")["status"].apply(lambda s: (s == "complete").all())
        numbers[f"Phase {phase} dates complete"] = f"{int(per_date.sum()):,}/{len(per_date):,}"
    note(**numbers)
    days = sorted(status["data_date"].unique())[-GRID_DATES:]
    recent = status[status["data_date"].isin(days)]
    tables = list(dict.fromkeys(recent.sort_values("phase", kind="stable")["table"]))
    cells = {(r.table, str(r.data_date)): r.status for r in recent.itertuples()}
    record(coverage={"dates": [str(d) for d in days], "tables": tables,
                     "status": [[cells.get((t, str(d)), "") for d in days] for t in tables]})


def bytes_billed(warehouse, run_id: str | None) -> int | None:
    """What a ledger run billed (None when the ledger does not say)."""
    if not run_id:
        return None
    from nbkit.ledger import Ledger

    try:
        value = Ledger(warehouse).run(run_id).get("bytes_billed")
    except Exception:  # noqa: BLE001 - the card is informative; never fail a run for it
        return None
    return None if value is None else int(value)


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text()) if path.exists() else {}
    except (OSError, ValueError):
        return {}


def _bytes(value) -> int:
    try:
        return int(str(value).replace(",", ""))
    except ValueError:
        return 0


def _text(value) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
