"""Files built once per test run, shared by every pytest-xdist worker.

A sample warehouse takes 10-30 s to build. Under xdist each worker is its own process with
its own session fixtures, so without this every worker would build every sample again. The
first worker to ask takes an exclusive file lock and builds; the others wait on the lock and
then reuse the finished file. Without xdist it is simply a session-scoped build.

Rule: the built file is read-only for tests. Copy it (``shutil.copy``) to write to it, or
open it with ``read_only=True``; several processes may read it at once.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path


def shared_root(tmp_path_factory) -> Path:
    """The run's temp root: the same folder for all xdist workers of one run."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None],
               filename: str = "wh.duckdb") -> Path:
    """Path of ``<shared root>/shared-<name>/<filename>``, made by ``build(path)`` once per run.

    A build that fails leaves no marker, so the next worker that asks tries again (and fails
    with its own traceback) instead of reading a half-written file.
    """
    folder = shared_root(tmp_path_factory) / f"shared-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    target, done = folder / filename, folder / ".done"
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                for stale in (target, target.with_name(target.name + ".wal")):
                    stale.unlink(missing_ok=True)
                build(target)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


def seed7_sample_file(tmp_path_factory, as_of=None) -> Path:
    """The seed-7 sample warehouse (schema + ``build_sample``; games up to ``as_of`` final,
    the default sample without it), built once per run for every suite that asks for it."""
    def build(path: Path) -> None:
        from nbkit.sample import build_sample
        from nbkit.warehouse import open_warehouse

        with open_warehouse(str(path)) as wh:
            wh.init_schema()
            build_sample(wh, seed=7, **({"as_of": as_of} if as_of is not None else {}))

    return built_once(tmp_path_factory, f"seed7-{as_of or 'default'}", build)
