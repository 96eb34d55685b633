"""ETA accuracy on the full backfill: |predicted - actual remaining| / actual remaining at
10%, 25% and 50% of tasks (target <= 25% from 25% on).

Runs the full backfill again (``include=all``) on a warehouse that already holds one run's
ledger history, as an operator's next run would: the ETA falls back on that history before
each processor's first chunk and uses this run's own chunks after.

    python -m bench.eta [WAREHOUSE.duckdb]   # standalone: builds a sample first if none given
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

FRACTIONS = (0.10, 0.25, 0.50)
TARGET = 0.25
START, END = dt.date(2021, 10, 1), dt.date(2024, 11, 29)


def measure(results: dict, warehouse_with_history: Path, work: Path) -> None:
    """Add ``eta_error_<pct>`` figures (and ``eta_target_met``) to ``results``."""
    from nbkit.backfill import execute, prepare
    from nbkit.executor import RunOptions
    from nbkit.plan import make_request
    from nbkit.warehouse import open_warehouse

    path = work / "eta.duckdb"
    shutil.copy(warehouse_with_history, path)
    with open_warehouse(str(path)) as wh:
        request = make_request(start_date=START.isoformat(), end_date=END.isoformat(),
                               include="all")
        # The history an operator's next full run has: one earlier run of the same shape
        # (a first backfill on the sample runs Phase 3 only on its few missing dates, in
        # chunks far smaller than a season, which says little about season-sized chunks).
        execute(wh, prepare(wh, request), RunOptions(progress=False))
        run = execute(wh, prepare(wh, request), RunOptions(progress=False))
    results.update(errors(run.eta_samples))
    results["eta_run_seconds"] = round(run.seconds, 3)
    results["eta_run_status"] = run.status


def errors(samples: list[tuple[float, int, float | None]]) -> dict:
    """Relative ETA error at each fraction of tasks, from (elapsed, done, predicted) samples."""
    out: dict = {}
    if not samples:
        return {"eta_error": "no samples"}
    end, total = samples[-1][0], samples[-1][1]
    met = True
    for fraction in FRACTIONS:
        at = next((s for s in samples if s[1] >= fraction * total), None)
        key = f"eta_error_{int(fraction * 100)}pct"
        if at is None or at[2] is None or end - at[0] <= 0:
            out[key] = None
            met = met and fraction < TARGET
            continue
        actual = end - at[0]
        out[key] = round(abs(at[2] - actual) / actual, 3)
        out[f"eta_predicted_{int(fraction * 100)}pct_s"] = round(at[2], 2)
        out[f"eta_actual_{int(fraction * 100)}pct_s"] = round(actual, 2)
        if fraction >= TARGET:
            met = met and out[key] <= TARGET
    out["eta_target_met"] = met
    return out


def main() -> int:
    from nbkit.backfill import execute, prepare
    from nbkit.executor import RunOptions
    from nbkit.plan import make_request
    from nbkit.sample import build_sample
    from nbkit.warehouse import open_warehouse

    work = Path(tempfile.mkdtemp(prefix="nbkit-eta-"))
    try:
        if len(sys.argv) > 1:
            source = Path(sys.argv[1])
        else:
            source = work / "history.duckdb"
            with open_warehouse(str(source)) as wh:
                wh.init_schema()
                build_sample(wh, seed=7)
        results: dict = {}
        measure(results, source, work)
        for key, value in results.items():
            print(f"{key}: {value}")
        return 0 if results.get("eta_target_met") else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
