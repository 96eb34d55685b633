"""The ten built-in tables' per-date checksums after a full backfill of the seed-7 sample.

``tests/data/builtin_checksums.json`` was recorded from the processors' SQL of commit
d769345 (before any rewrite), with ``nbkit.checksums.table_checksums``. To record again
(only when a change of output is intended, and say so in the commit):

    python -m tests.builtin_checksums record
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path

FIXTURE = Path(__file__).parent / "data" / "builtin_checksums.json"
START, END = dt.date(2021, 10, 1), dt.date(2024, 11, 29)


def full_backfill(warehouse) -> str:
    """Backfill every processor over the whole sample range from the raw tables."""
    from nbkit.backfill import execute, prepare
    from nbkit.executor import RunOptions
    from nbkit.plan import make_request

    request = make_request(start_date=START.isoformat(), end_date=END.isoformat())
    return execute(warehouse, prepare(warehouse, request), RunOptions(progress=False)).status


def builtin_checksums(warehouse) -> dict[str, dict[str, list]]:
    """{table: {date: [rows, checksum]}} for the ten built-in output tables."""
    from nbkit.checksums import table_checksums
    from nbkit.processors import registry

    out = {}
    for proc in registry.all():
        frame = table_checksums(warehouse, proc.TARGET_TABLE)
        out[proc.TARGET_TABLE] = {d.isoformat(): [int(n), c] for d, n, c in
                                  zip(frame["data_date"], frame["rows"], frame["checksum"])}
    return out


def differences(expected: dict, actual: dict, limit: int = 20) -> list[str]:
    """Readable differences, table by table and date by date."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table, {}), actual.get(table, {})
        for day in sorted(set(want) | set(got)):
            if want.get(day) != got.get(day):
                problems.append(f"{table} {day}: recorded {want.get(day)}, now {got.get(day)}")
    return problems[:limit] + ([f"... {len(problems) - limit} more"] if len(problems) > limit
                               else [])


def write_fixture(sums: dict) -> None:
    """One line per table and date, so a diff names exactly what changed."""
    lines = []
    for table in sorted(sums):
        days = [f'  {json.dumps(d)}: {json.dumps(v)}' for d, v in sorted(sums[table].items())]
        lines.append(f' {json.dumps(table)}: {{\n' + ",\n".join(days) + "\n }")
    FIXTURE.write_text("{\n" + ",\n".join(lines) + "\n}\n")


def load_fixture() -> dict:
    return json.loads(FIXTURE.read_text())


def _record() -> None:
    from nbkit.sample import build_sample
    from nbkit.warehouse import open_warehouse

    work = Path(tempfile.mkdtemp(prefix="nbkit-checksums-"))
    try:
        with open_warehouse(str(work / "wh.duckdb")) as wh:
            wh.init_schema()
            build_sample(wh, seed=7)
            assert full_backfill(wh) == "success"
            sums = builtin_checksums(wh)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_fixture(sums)
    print(f"wrote {FIXTURE}: {sum(len(v) for v in sums.values())} table-dates")


if __name__ == "__main__":
    if sys.argv[1:] != ["record"]:
        sys.exit(__doc__)
    _record()
