"""The CLI as a user meets it: one-line errors that name the fix, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def nbkit(*args, cwd=None, env=None):
    full_env = {k: v for k, v in os.environ.items() if k != "NBKIT_WAREHOUSE"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "nbkit", *args], capture_output=True,
                          text=True, cwd=cwd, env=full_env, timeout=120)


@pytest.mark.parametrize("args", [
    ["status", "--warehouse", "ftp://host/x.duckdb"],
    ["sql", "SELEC 1 FROM", "--warehouse", "WH"],
    ["sample-data", "--seed", "abc", "--warehouse", "WH"],
    ["sample-data", "--seed", "-5", "--warehouse", "WH"],
    ["sample-data", "--as-of", "2030-01-01", "--warehouse", "WH"],
    ["sample-data", "--as-of", "2019-05-01", "--warehouse", "WH"],
    ["sample-data", "--as-of", "29/11/2024", "--warehouse", "WH"],
    ["status", "--warehouse", "bigquery://Bad_Project!"],
    ["status", "--start-date", "2024-02-31", "--warehouse", "WH"],
], ids=["scheme", "bad-sql", "seed-text", "seed-negative", "as-of-future", "as-of-past",
        "as-of-format", "bad-project", "impossible-date"])
def test_bad_input_one_line_error_with_fix_nothing_written(tmp_path, args):
    target = tmp_path / "wh.duckdb"
    args = [str(target) if a == "WH" else a for a in args]
    result = nbkit(*args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nbkit: error:") and "Fix:" in lines[0]
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_sql_on_missing_warehouse_says_how_to_build_it(tmp_path):
    result = nbkit("sql", "SELECT 1 AS one", "--warehouse", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2 and "nbkit sample-data" in result.stderr


def test_init_then_sql_in_csv(tmp_path):
    wh = str(tmp_path / "wh.duckdb")
    assert nbkit("init", "--warehouse", wh).returncode == 0
    out = nbkit("sql", "SELECT COUNT(*) AS n FROM `nba-props-platform.nba_raw.nbac_schedule`",
                "--warehouse", wh, "--format", "csv")
    assert out.returncode == 0 and out.stdout.splitlines() == ["n", "0"]
    # the environment variable is an alternative to --warehouse
    env_out = nbkit("sql", "SELECT 2 AS two", "--format", "csv", env={"NBKIT_WAREHOUSE": wh})
    assert env_out.stdout.splitlines() == ["two", "2"]
