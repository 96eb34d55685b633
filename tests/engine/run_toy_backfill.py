"""The kill test's victim: a toy backfill, one statement per date (many kill points).

``backfill(path, conn)`` runs in a child process (tests/engine/test_kill.py starts it from a
forkserver that has nbkit imported, so each of the many short-lived victims does not pay the
imports again). It sends ``"EXECUTE"`` on ``conn`` once the plan is prepared and
``"OUTCOME"`` after each recorded outcome, so the test can kill it at a chosen point of its
progress instead of after a fixed sleep; then the run's status.

    python tests/engine/run_toy_backfill.py WAREHOUSE    # the same run, status on stdout
"""

import sys

from nbkit.backfill import execute, prepare
from nbkit.executor import RunOptions
from nbkit.plan import make_request
from nbkit.warehouse import open_warehouse

sys.path.insert(0, __file__.rsplit("/tests/", 1)[0])
from tests.engine.toys import toy_registry  # noqa: E402


def backfill(path: str, conn=None) -> str:
    def send(message: str) -> None:
        if conn is not None:
            conn.send(message)

    reg = toy_registry()
    with open_warehouse(path) as wh:
        prepared = prepare(wh, make_request(season="2023-24", registry=reg), registry=reg)
        send("EXECUTE")
        result = execute(wh, prepared, RunOptions(chunk_size=1, workers=2, progress=False),
                         registry=reg, on_outcome=lambda outcome: send("OUTCOME"))
    send(result.status)
    return result.status


if __name__ == "__main__":
    print(backfill(sys.argv[1]))
