"""A read-only notebook during a batch write: a short wait, or a clear message; never a crash."""

from __future__ import annotations

import subprocess
import sys

from nbkit.runbook import run_notebook

from .conftest import read_nb

HOLDER = """
import sys, time
from nbkit.warehouse import open_warehouse
wh = open_warehouse(sys.argv[1])          # takes DuckDB's write lock, like a batch run
print("held", flush=True)
time.sleep(float(sys.argv[2]))
wh.close()
"""


def _hold(path: str, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, path, str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_gap_analysis_waits_for_a_short_write(copy_of, reports):
    wh = copy_of("busy_short")
    holder = _hold(wh, 7)
    try:
        report = run_notebook("gaps", {"start_date": "2023-10-01", "wait_seconds": 60},
                              reports_dir=reports, warehouse=wh)
    finally:
        holder.wait(timeout=30)
    assert report.ok, report.error
    assert report.duration_seconds >= 6  # it waited for the writer instead of failing


def test_gap_analysis_says_who_holds_the_warehouse(copy_of, reports):
    wh = copy_of("busy_long")
    holder = _hold(wh, 120)
    try:
        report = run_notebook("gaps", {"wait_seconds": 1}, reports_dir=reports, warehouse=wh)
    finally:
        holder.terminate()
        holder.wait(timeout=30)
    assert report.status == "failed" and report.error["ename"] == "WarehouseBusyError"
    top = read_nb(report.executed_notebook).cells[0].source
    assert f"held for writing by process {holder.pid}" in top
    assert "wait for that run to finish" in top and "In [" in top
    assert report.html.exists() and report.run_json.exists()
