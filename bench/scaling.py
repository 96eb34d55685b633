"""How backfill cost grows with the number of seasons: 4 real, 8 (2x) and 16 (4x).

The real calendar has four seasons (675 game dates to 2024-11-29). The larger sizes add
synthetic seasons from the sample generator (``build_sample(..., synthetic_seasons=K)``:
the real seasons copied back 4k years, every game final), so 2x holds the 4 real seasons
plus 2017-18..2020-21 and 4x goes back to 2009-10. For each size, in a fresh process (so
peak memory is that size's own):

  sample     build the raw sample into a new DuckDB file (no starting state)
  backfill   prepare + execute every Phase 3 and Phase 4 task over all final game dates,
             from raw, with RunOptions(progress=False)

Results (``results`` keys): ``scale_seasons_{N}_*`` for N in 4, 8, 16 (seasons,
synthetic_seasons, game_dates, tasks, sample_seconds, seconds, ms_per_date, status,
peak_rss_mib, db_mib), plus ``scale_time_2x_over_1x``, ``scale_time_4x_over_1x``,
``scale_per_date_2x_over_1x`` and ``scale_per_date_4x_over_1x``.

Run alone: ``python bench/scaling.py`` prints the table (``--out FILE`` also saves JSON).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = {4: 0, 8: 4, 16: 12}  # seasons -> synthetic seasons added to the 4 real ones
FIRST = dt.date(1900, 1, 1)   # the backfill covers every final game date of the schedule
LAST = dt.date(2024, 11, 29)  # the sample's as-of date: the last final game


def measure(results: dict, work: Path) -> None:
    """Measure the 1x, 2x and 4x backfills and add their figures to ``results``.

    Each size runs in a child process with its warehouse file in ``work`` (deleted after).
    """
    for seasons in SIZES:
        figures = _run_child(seasons, work)
        results.update({f"scale_seasons_{seasons}_{key}": value
                        for key, value in figures.items()})
    one = results["scale_seasons_4_seconds"]
    one_per_date = results["scale_seasons_4_ms_per_date"]
    for label, seasons in (("2x", 8), ("4x", 16)):
        results[f"scale_time_{label}_over_1x"] = results[f"scale_seasons_{seasons}_seconds"] / one
        results[f"scale_per_date_{label}_over_1x"] = (
            results[f"scale_seasons_{seasons}_ms_per_date"] / one_per_date)


def measure_one(seasons: int, work: Path) -> dict:
    """Build the sample with ``seasons`` seasons and time a full backfill (this process)."""
    from nbkit.backfill import execute, prepare
    from nbkit.executor import RunOptions
    from nbkit.plan import make_request
    from nbkit.sample import build_sample
    from nbkit.warehouse import open_warehouse

    path = work / f"scale_{seasons}.duckdb"
    out: dict = {"seasons": seasons, "synthetic_seasons": SIZES[seasons]}
    try:
        with open_warehouse(str(path)) as wh:
            wh.init_schema()
            began = time.perf_counter()
            build_sample(wh, seed=7, synthetic_seasons=SIZES[seasons])
            out["sample_seconds"] = time.perf_counter() - began
            out["sample_peak_rss_mib"] = _peak_rss_mib()
            began = time.perf_counter()
            prepared = prepare(wh, make_request(start_date=FIRST.isoformat(),
                                                end_date=LAST.isoformat()))
            run = execute(wh, prepared, RunOptions(progress=False))
            out["seconds"] = time.perf_counter() - began
            out["game_dates"] = len(prepared.plan.dates())
            out["tasks"] = len(prepared.plan.runnable())
            out["status"] = run.status
        out["ms_per_date"] = 1000 * out["seconds"] / out["game_dates"]
        out["peak_rss_mib"] = _peak_rss_mib()
        out["db_mib"] = path.stat().st_size / 2**20
    finally:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="also save the figures as JSON to this file")
    parser.add_argument("--one", type=int, choices=sorted(SIZES), help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # child process of measure(): one size, figures as JSON on stdout
        print(json.dumps(measure_one(args.one, Path(args.work))))
        return 0
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="nbkit-scaling-") as work:
        measure(results, Path(work))
    _print(results)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2))
    return 0


def _run_child(seasons: int, work: Path) -> dict:
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--one", str(seasons),
                           "--work", str(work)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise RuntimeError(f"scaling run with {seasons} seasons failed (exit "
                           f"{done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _print(results: dict) -> None:
    columns = [("seasons", "seasons", "{:d}"), ("game_dates", "game dates", "{:d}"),
               ("sample_seconds", "sample s", "{:.1f}"), ("seconds", "backfill s", "{:.1f}"),
               ("ms_per_date", "ms/date", "{:.1f}"), ("peak_rss_mib", "peak MiB", "{:.0f}"),
               ("db_mib", "db MiB", "{:.0f}"), ("status", "status", "{}")]
    print("  ".join(f"{title:>10}" for _, title, _ in columns))
    for seasons in SIZES:
        row = [fmt.format(results[f"scale_seasons_{seasons}_{key}"]) for key, _, fmt in columns]
        print("  ".join(f"{cell:>10}" for cell in row))
    for label in ("2x", "4x"):
        print(f"{label}: time x{results[f'scale_time_{label}_over_1x']:.2f}, "
              f"per date x{results[f'scale_per_date_{label}_over_1x']:.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
