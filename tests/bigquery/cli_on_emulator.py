"""Subprocess entry: the real ``nbkit`` command (``nbkit.cli.main``) against the emulator.

    NBKIT_BIGQUERY_ENDPOINT=http://127.0.0.1:PORT \\
        python -m tests.bigquery.cli_on_emulator plan --season 2023-24 \\
        --warehouse bigquery://nba-props-platform

Before the command runs, the test setup's emulator-only workarounds (plugin.py) are applied
to every BigQueryWarehouse the command opens, exactly as the fixtures apply them in-process:
the load-job content type and ``for_emulator`` on the SQL of every query. Nothing in nbkit
changes. With $NBKIT_TEST_JOB_LOG set, every job the command sends is appended to that file as
one JSON line (tests/bigquery/jobs.py), as nbkit sent it, when the command exits.
"""

from __future__ import annotations

import atexit
import os
import sys

sys.path.insert(0, __file__.rsplit("/tests/", 1)[0])

from nbkit import cli  # noqa: E402
from nbkit.warehouse.bigquery import BigQueryWarehouse  # noqa: E402
from tests.bigquery.jobs import JobLog  # noqa: E402
from tests.bigquery.plugin import _emulator_client_patch, send_emulator_sql  # noqa: E402

LOG_ENV = "NBKIT_TEST_JOB_LOG"


def main(argv: list[str]) -> int:
    _emulator_client_patch.apply()
    log = JobLog()
    real_init = BigQueryWarehouse.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        send_emulator_sql(self.client)
        log.attach(self)

    BigQueryWarehouse.__init__ = init
    path = os.environ.get(LOG_ENV)
    if path:
        atexit.register(log.write_lines, path)
    return cli.main(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
