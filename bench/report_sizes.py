"""Report sizes: each report's HTML (shared assets excluded), the assets, the index at 100 runs.

Targets (issue 11): each report <= 400 KB without the shared assets, plotly.js stored once,
reports/index.html <= 150 KB with 100 runs. ``measure(results)`` adds the figures to the
bench results (bench/run.py calls it after the demo stage, which fills reports/); run alone,
``python bench/report_sizes.py [REPORTS_DIR]`` prints them as JSON.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT_LIMIT_KIB = 400
INDEX_LIMIT_KIB = 150
INDEX_RUNS = 100


def measure(results: dict, reports_dir: Path = ROOT / "reports") -> dict:
    """Add report_* figures to results (sizes in KiB); returns results."""
    latest: dict[str, float] = {}
    for html in sorted(Path(reports_dir).glob("runs/*/*.html")):
        latest[html.stem] = round(html.stat().st_size / 1024, 1)  # runs sort oldest first
    assets = sorted(Path(reports_dir, "assets").glob("*"))
    results["report_kib"] = latest
    results["report_max_kib"] = max(latest.values(), default=0.0)
    results["report_over_limit"] = sorted(k for k, v in latest.items() if v > REPORT_LIMIT_KIB)
    results["report_assets"] = {a.name: round(a.stat().st_size / 1024, 1) for a in assets}
    results["report_plotly_copies"] = sum(a.name.startswith("plotly-") for a in assets)
    results["index_kib_100_runs"] = index_size(INDEX_RUNS)
    return results


def index_size(runs: int) -> float:
    """KiB of reports/index.html listing ``runs`` season runs with a coverage grid each."""
    from nbkit.report import write_index

    with tempfile.TemporaryDirectory(prefix="nbkit-index-") as tmp:
        for n in range(runs):
            folder = Path(tmp, "runs", f"20261101T{n // 60:02d}{n % 60:02d}00Z_10_season_2023-24")
            folder.mkdir(parents=True)
            (folder / "run.json").write_text(json.dumps(_season_run(n)))
        return round(write_index(tmp).stat().st_size / 1024, 1)


def _season_run(n: int) -> dict:
    tables = [f"nba_analytics.table_{i}" for i in range(10)]
    dates = [f"2023-11-{d:02d}" for d in range(1, 22)]
    return {"notebook": "10_season", "status": "failed" if n % 7 == 0 else "success",
            "started_at": f"2026-11-01T{n // 60:02d}:{n % 60:02d}:00+00:00",
            "parameters": {"season": "2023-24", "warehouse": "/srv/warehouse/nba.duckdb"},
            "gate_verdicts": {"gate1": "PASS", "gate2": "FAIL" if n % 7 == 0 else "PASS"},
            "ledger_run_ids": [f"nbkit_20261101_0000{n:02d}_{n:08x}", f"nbkit_x_{n:08x}"],
            "ledger_runs": {}, "duration_seconds": 95.2, "html": "10_season.html",
            "executed_notebook": "10_season.ipynb",
            "error": {"ename": "GateFailed", "evalue": "Gate 2 FAILED " * 10} if n % 7 == 0
            else None,
            "detail": {"numbers": {"Phase 3 tasks": "105 done, 0 failed or partial",
                                   "Phase 4 tasks": "70 done", "bytes billed": "0"},
                       "checkpoint": [{"table": t, "complete": 21, "expected_dates": 21}
                                      for t in tables],
                       "coverage": {"dates": dates, "tables": tables,
                                    "status": [["complete"] * 21 for _ in tables]}}}


if __name__ == "__main__":
    print(json.dumps(measure({}, Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "reports"),
                     indent=2))
