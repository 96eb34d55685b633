"""Shared by the ops tests: the real ``nbkit`` CLI on the toy processors, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from nbkit.checksums import table_checksums
from nbkit.jsonout import validate
from nbkit.warehouse import open_warehouse
from tests.engine.toys import schedule

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "reliability" / "concurrent_backfill.py"  # toys-only nbkit CLI
TABLES = ["nba_analytics.team_offense_game_summary", "nba_precompute.team_defense_zone_analysis"]


def make_duckdb(path: Path, days: int = 60) -> str:
    with open_warehouse(str(path)) as wh:
        wh.init_schema()
        wh.write_frame("nba_raw.nbac_schedule", schedule(days=days))
    return str(path)


def start(args: list[str], *flags: str, env: dict | None = None) -> subprocess.Popen:
    """``nbkit ARGS`` on the toys (``--hold``: pause after the first outcome)."""
    return subprocess.Popen([sys.executable, str(SCRIPT), *flags, "--", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO,
                            env={**os.environ, **(env or {})})


def read_until(stream, tag: str, timeout: float = 120.0) -> tuple[str, list[str]]:
    """Lines of ``stream`` up to the one starting with ``tag``; (that line, all lines)."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith(tag):
            return line, seen
    raise AssertionError(f"no {tag!r} line; got: {''.join(seen)[-3000:]}")


def run_id_from(lines: list[str]) -> str:
    for line in lines:
        if line.startswith("Run ") and "nbkit cancel" in line:
            return line.split()[1].rstrip(":")
    raise AssertionError("the backfill did not print its run id:\n" + "".join(lines))


def nbkit(args: list[str], env: dict | None = None, timeout: float = 300) -> tuple[int, dict]:
    """Run ``nbkit ARGS --json`` on the toys; (exit code, validated JSON document)."""
    proc = subprocess.run([sys.executable, str(SCRIPT), "--", *args, "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=timeout,
                          env={**os.environ, **(env or {})})
    doc = json.loads(proc.stdout)
    validate(doc)
    assert doc["exit_code"] == proc.returncode, proc.stderr
    return proc.returncode, doc


def finish(proc: subprocess.Popen, timeout: float = 60) -> tuple[int, dict, str]:
    out, err = proc.communicate(timeout=timeout)
    doc = json.loads(out)
    validate(doc)
    return proc.returncode, doc, err


def checksums(wh) -> list[pd.DataFrame]:
    return [table_checksums(wh, t) for t in TABLES]
