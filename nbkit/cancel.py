"""Stopping a run cleanly: signals, ``nbkit cancel RUN_ID`` and ``--max-runtime``.

Every stop works the same way: a ``CancelToken`` is set, the executor sees it at its next
chunk boundary, schedules nothing more, records the run ``cancelled`` with what it
finished, and releases its lease. A chunk still running after ``grace_seconds`` is
interrupted (``Warehouse.interrupt``): its replace is one atomic statement, so it either
committed or left its partitions as they were, and its dates stay pending for the rerun.

Where a cancel request is kept (the ledger's "cancel flag"):

- BigQuery: a row in ``nba_reference.nbkit_run_requests``, written by any process on any
  host; the run polls it at chunk boundaries (at most every ``poll_seconds``).
- DuckDB: a file ``<warehouse file>.requests/<run_id>.cancel`` beside the warehouse. The
  running writer holds DuckDB's file lock, so no other process can write into the file
  itself; DuckDB is one host's warehouse, so a file beside it reaches every process. It
  is read at every chunk boundary (a stat costs nothing, unlike BigQuery's query job).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import logging
import re
import signal
import socket
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import pandas as pd

from nbkit.errors import NbkitError, ParamsError

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

log = logging.getLogger(__name__)
REQUESTS = "nba_reference.nbkit_run_requests"
GRACE_SECONDS = 4.0      # a running chunk gets this long to finish before it is interrupted
POLL_SECONDS = 5.0       # the remote flag is read at most this often
_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s?)?\s*$", re.I)


class RunCancelled(NbkitError):
    """Raised by notebook steps after the executor recorded a run as cancelled."""


class CancelToken:
    """Set once, by a signal, a remote request or the deadline; read at chunk boundaries."""

    def __init__(self, max_runtime_seconds: float | None = None) -> None:
        self._event = threading.Event()
        self.reason: str | None = None
        self.deadline = (time.monotonic() + max_runtime_seconds
                         if max_runtime_seconds else None)
        self._remote: Callable[[], bool] | None = None
        self._last_poll = 0.0
        self.poll_seconds = POLL_SECONDS

    def request(self, reason: str) -> None:
        if not self._event.is_set():
            self.reason = reason
            self._event.set()
            log.warning("stopping at the next chunk boundary: %s", reason)

    def watch_remote(self, poll: Callable[[], bool], poll_seconds: float = POLL_SECONDS) -> None:
        """Also stop when ``poll()`` says a cancel was requested (throttled)."""
        self._remote, self.poll_seconds = poll, poll_seconds

    def is_set(self) -> bool:
        """True once stopping; checks the deadline and (throttled) the remote flag."""
        if self._event.is_set():
            return True
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self.request("--max-runtime reached")
        elif self._remote is not None and time.monotonic() - self._last_poll >= self.poll_seconds:
            self._last_poll = time.monotonic()
            try:
                if self._remote():
                    self.request("`nbkit cancel` requested")
            except Exception:  # noqa: BLE001 - a failed poll must not fail the run
                log.warning("could not read the cancel flag; will try again", exc_info=True)
        return self._event.is_set()


@contextlib.contextmanager
def on_signals(token: CancelToken, interrupt: Callable[[], None],
               grace_seconds: float = GRACE_SECONDS) -> Iterator[None]:
    """SIGINT/SIGTERM set ``token``; after ``grace_seconds`` running work is interrupted.

    Only the main thread can take signals; elsewhere (a worker thread) this does nothing.
    A second signal raises KeyboardInterrupt at once (the writes stay atomic regardless).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    timers: list[threading.Timer] = []

    def handler(signum, frame) -> None:
        if token._event.is_set() and timers:
            raise KeyboardInterrupt
        token.request(f"signal {signal.Signals(signum).name}")
        timer = threading.Timer(grace_seconds, _interrupt_quietly, (interrupt,))
        timer.daemon = True
        timers.append(timer)
        timer.start()

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for sig in saved:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for timer in timers:
            timer.cancel()
        for sig, previous in saved.items():
            signal.signal(sig, previous)


def arm_deadline(token: CancelToken, interrupt: Callable[[], None],
                 grace_seconds: float = GRACE_SECONDS) -> threading.Timer | None:
    """Interrupt running work ``grace_seconds`` after the deadline (None without one)."""
    if token.deadline is None:
        return None

    def fire() -> None:
        token.request("--max-runtime reached")
        time.sleep(grace_seconds)
        _interrupt_quietly(interrupt)

    timer = threading.Timer(max(token.deadline - time.monotonic(), 0.0), fire)
    timer.daemon = True
    timer.start()
    return timer


def parse_duration(text: str, name: str = "--max-runtime") -> float:
    """Seconds in ``90``, ``90s``, ``15m``, ``2h`` or ``1h30m``.

    Example:
        >>> parse_duration("1h30m")
        5400.0
    """
    match = _DURATION.match(str(text))
    if not match or not any(match.groups()) or str(text).strip() == "":
        raise ParamsError(f"{name} {text!r} is not a duration",
                          "write it like 90s, 15m, 2h or 1h30m")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = float(hours * 3600 + minutes * 60 + seconds)
    if total <= 0:
        raise ParamsError(f"{name} {text!r} is zero", "give a positive duration, e.g. 30m")
    return total


# ---------------------------------------------------------------- the remote flag

def remote_poll_seconds(warehouse: Warehouse) -> float:
    """How often a run reads its cancel flag: a DuckDB file at every chunk boundary, a
    BigQuery request row at most every ``POLL_SECONDS`` (each read is a query job)."""
    return 0.0 if warehouse.backend == "duckdb" else POLL_SECONDS


def remote_poller(warehouse: Warehouse, run_id: str) -> Callable[[], bool]:
    """A function telling whether ``nbkit cancel RUN_ID`` was requested for this run."""
    path = request_file(warehouse.url, run_id) if warehouse.backend == "duckdb" else None
    if path is not None:
        return path.exists
    if warehouse.backend == "duckdb":  # an in-memory warehouse: no other process can reach it
        return lambda: False
    since = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)

    def poll() -> bool:
        # Its own job context: the poll is the run's job, not the processor chunk's it
        # happens to interrupt (that chunk's labels, byte cap and job count stay its own).
        with warehouse.job_context({"nbkit_run": run_id, "purpose": "cancel_poll"}):
            return _cancel_requested(warehouse, run_id, since)
    return poll


def _cancel_requested(warehouse: Warehouse, run_id: str, since: dt.date) -> bool:
    frame = warehouse.query(
        f"SELECT COUNT(*) AS n FROM `{warehouse.project}.{REQUESTS}` "
        "WHERE request_date >= @since AND run_id = @run_id AND request = 'cancel'",
        {"since": since, "run_id": run_id})
    return bool(len(frame)) and int(frame["n"].iloc[0]) > 0


def request_cancel(warehouse: Warehouse | str, run_id: str, reason: str = "") -> dict:
    """Ask run ``run_id`` to stop at its next chunk boundary; return the request written."""
    now = dt.datetime.now(dt.timezone.utc)
    row = {"run_id": run_id, "request": "cancel", "request_date": now.date(),
           "requested_at": now, "requested_by": _operator(), "host": socket.gethostname(),
           "reason": reason or None}
    if isinstance(warehouse, str):
        path = request_file(warehouse, run_id)
        if path is None:
            raise ParamsError(f"{warehouse} is not a DuckDB file", "pass --warehouse")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(row, default=str))
        return row
    if warehouse.backend == "duckdb":
        return request_cancel(warehouse.url, run_id, reason)
    warehouse.write_frame(REQUESTS, pd.DataFrame([row]), keep=("run_id", "request",
                                                              "requested_at"))
    return row


def request_file(warehouse_url: str, run_id: str) -> Path | None:
    """``<file>.requests/<run_id>.cancel`` for a DuckDB warehouse file, else None."""
    from nbkit.config import parse_warehouse_url

    kind, target = parse_warehouse_url(warehouse_url)
    if kind != "duckdb" or target == ":memory:":
        return None
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", run_id):
        raise ParamsError(f"Run id {run_id!r} has characters a run id never has",
                          "copy the run id from `nbkit runs` or `nbkit leases`")
    file = Path(target).expanduser().resolve()
    return file.with_name(file.name + ".requests") / f"{run_id}.cancel"


def clear_request(warehouse: Warehouse, run_id: str) -> None:
    """Remove a DuckDB cancel file once the run ended (a BigQuery row stays as history)."""
    if warehouse.backend == "duckdb":
        path = request_file(warehouse.url, run_id)
        if path is not None:
            path.unlink(missing_ok=True)


def _interrupt_quietly(interrupt: Callable[[], None]) -> None:
    try:
        interrupt()
    except Exception:  # noqa: BLE001 - best effort; the chunk boundary still stops the run
        log.warning("could not interrupt the running statement", exc_info=True)


def _operator() -> str:
    import os

    try:
        return os.environ.get("NBKIT_OPERATOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
