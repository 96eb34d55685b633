"""Subprocess entry for kill tests: a toy backfill, one statement per date (many kill points)."""

import sys

from nbkit.backfill import execute, prepare
from nbkit.executor import RunOptions
from nbkit.plan import make_request
from nbkit.warehouse import open_warehouse

sys.path.insert(0, __file__.rsplit("/tests/", 1)[0])
from tests.engine.toys import toy_registry  # noqa: E402

if __name__ == "__main__":
    reg = toy_registry()
    with open_warehouse(sys.argv[1]) as wh:
        prepared = prepare(wh, make_request(season="2023-24", registry=reg), registry=reg)
        result = execute(wh, prepared, RunOptions(chunk_size=1, workers=2, progress=False),
                         registry=reg)
    print(result.status)
