"""DuckDB-only behaviour of the embedded warehouse (the contract suite covers the rest)."""

from __future__ import annotations

import shutil
import subprocess
import sys

from nbkit.warehouse import open_warehouse


def test_data_version_leaves_the_writers_lock_in_place(empty_schema_path, tmp_path):
    # DuckDB's file lock is a POSIX lock: opening and closing the file anywhere in the
    # writer's process would drop it, and a second writer would get in.
    path = str(shutil.copy(empty_schema_path, tmp_path / "wh.duckdb"))
    second_writer = (f"import duckdb\ntry:\n    duckdb.connect({path!r})\nexcept duckdb.Error "
                     f"as err:\n    print('refused' if 'lock' in str(err).lower() else err)\n"
                     f"else:\n    print('opened')")
    with open_warehouse(path) as wh:
        wh.execute("CREATE TABLE IF NOT EXISTS nba_raw.t AS SELECT 1 AS x")
        before = wh.data_version()
        wh.execute("INSERT INTO nba_raw.t VALUES (2)")
        assert wh.data_version() != before
        result = subprocess.run([sys.executable, "-c", second_writer], capture_output=True,
                                text=True, check=True)
        assert result.stdout.strip() == "refused", result.stdout + result.stderr
