"""Subprocess entry for the concurrency tests: the real ``nbkit`` CLI on the toy processors.

    python concurrent_backfill.py [--gate open|execute] [--hold] [--stall-lease] -- ARGS...

ARGS are ``nbkit`` arguments (``backfill --warehouse ... --dates ...``), run by
``nbkit.cli.main`` with the default registry holding only the toy processors of
tests/engine/toys.py. Test-side instrumentation, nothing in nbkit changes:

--gate open      print READY, wait for a line on stdin, then run the command;
--gate execute   the same once the plan is prepared, just before execute() takes the lease;
--hold           after the first recorded outcome print HOLDING and wait for a line on
                 stdin: the run is mid-way, its lease held, until the test lets it finish;
--stall-lease    print STALLED before the first writer-lease write and wait for a line on
                 stdin: a writer paused between its lease check and its lease write, as a
                 slow BigQuery job or a descheduled process would pause it.

With $NBKIT_BIGQUERY_ENDPOINT set, the emulator's client patch from
tests/bigquery/plugin.py is applied first (what the emulator needs and BigQuery does not).
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, __file__.rsplit("/tests/", 1)[0])

import nbkit.backfill as backfill  # noqa: E402
from nbkit import cli  # noqa: E402
from nbkit.leases import LEASES  # noqa: E402
from nbkit.processors import registry  # noqa: E402
from nbkit.warehouse.bigquery import ENDPOINT_ENV  # noqa: E402
from tests.engine.toys import ToyDefense, ToyTeamRows  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gate", choices=["open", "execute"])
    parser.add_argument("--hold", action="store_true")
    parser.add_argument("--stall-lease", action="store_true")
    parser.add_argument("nbkit_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    nbkit_args = args.nbkit_args[1:] if args.nbkit_args[:1] == ["--"] else args.nbkit_args
    if os.environ.get(ENDPOINT_ENV):
        from tests.bigquery.plugin import _emulator_client_patch

        _emulator_client_patch.apply()
    registry._loaded = True  # the toys only, no built-ins (as toys.toy_registry does)
    for proc in (ToyTeamRows, ToyDefense):
        registry.register(proc)
    _instrument(args)
    if args.gate == "open":
        _wait("READY")
    return cli.main(nbkit_args)


def _instrument(args) -> None:
    real_execute = backfill.execute

    def execute(warehouse, prepared, options, registry=registry, on_outcome=None):
        if args.stall_lease:
            _stall_first_lease_write(warehouse)
        if args.gate == "execute":
            _wait("READY")
        if args.hold:
            on_outcome = _hold_after_first_outcome()
        return real_execute(warehouse, prepared, options, registry, on_outcome=on_outcome)

    backfill.execute = execute  # the CLI imports it at call time


def _hold_after_first_outcome():
    held = []

    def on_outcome(outcome) -> None:
        if not held:
            held.append(True)
            _wait("HOLDING")
    return on_outcome


def _stall_first_lease_write(warehouse) -> None:
    write_frame = warehouse.write_frame
    stalled = []

    def stalling_write_frame(table_id, frame, *args, **kwargs):
        if table_id == LEASES and not stalled:
            stalled.append(True)
            _wait("STALLED")
        return write_frame(table_id, frame, *args, **kwargs)

    warehouse.write_frame = stalling_write_frame


def _wait(tag: str) -> None:
    print(tag, os.getpid(), flush=True)
    sys.stdin.readline()


if __name__ == "__main__":
    sys.exit(main())
