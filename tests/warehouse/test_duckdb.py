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


def test_keyed_write_touches_only_the_rows_it_names(duck):
    import datetime as dt

    import pandas as pd

    from nbkit.ledger import RUN_HISTORY

    day = dt.date(2024, 1, 15)
    rows = pd.DataFrame({"processor_name": ["A", "B", "C"], "run_id": "r1", "data_date": day,
                         "status": "success", "retry_attempt": 1, "records_processed": 1,
                         "started_at": pd.Timestamp("2024-01-15 08:00", tz="UTC")})
    keys = ("run_id", "processor_name", "data_date", "status", "retry_attempt")
    assert duck.write_frame(RUN_HISTORY, rows, keep=keys).inserted == 3
    again = rows.iloc[[1]].assign(records_processed=7)
    result = duck.write_frame(RUN_HISTORY, again, keep=keys)
    # Replacing the date whole would delete and rewrite all three rows of the date.
    assert (result.deleted, result.inserted) == (1, 1)
    kept = duck.query(f"SELECT processor_name, records_processed FROM `{RUN_HISTORY}` "
                      "ORDER BY processor_name")
    assert kept.values.tolist() == [["A", 1], ["B", 7], ["C", 1]]
