"""Progress bars that work in a terminal, in JupyterLab and in executed notebooks, with an
ETA that holds.

The ETA is predicted from what nbkit really does, set-based chunks: seconds per chunk by
processor and chunk size, measured in this run (``EtaModel.measured``), falling back on the
ledger's history of earlier runs before a processor's first chunk. Processors of one level
run side by side on ``workers`` threads, levels one after another; the prediction follows
that schedule, not tqdm's single average (which is what made ETAs wrong by 2-6x).

In an executed notebook (``NBKIT_PROGRESS=text``) no bar is drawn: every refresh would be
saved in the report. One final line says what was done and how long it took.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from typing import Any, Callable

Warehouse = Any  # a nbkit.warehouse.Warehouse (not imported: progress sits below it)

log = logging.getLogger(__name__)
HISTORY_ROWS = 20000


class Progress:
    """A counter of finished tasks with nbkit's ETA; keeps (elapsed, done, eta) samples."""

    def __init__(self, total: int, enabled: bool = True,
                 eta: Callable[[], float | None] | None = None, desc: str = "backfill") -> None:
        self.total, self.eta, self.done, self.desc = total, eta, 0, desc
        self.started = time.monotonic()
        self.samples: list[tuple[float, int, float | None]] = []
        from nbkit import settings

        self.text_mode = settings.current().progress == "text"
        self.enabled = enabled and bool(total)
        self.bar = _make_bar(total, desc) if self.enabled and not self.text_mode else None

    def advance(self, n: int, label: str = "") -> None:
        self.done += n
        seconds = self.eta() if self.eta else None
        self.samples.append((time.monotonic() - self.started, self.done, seconds))
        if self.bar is None:
            return
        self.bar.update(n)
        postfix = {"now": label} if label else {}
        if seconds is not None:
            postfix["eta"] = format_seconds(seconds)
        self.bar.set_postfix(postfix, refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled and self.text_mode:
            print(self.final_line(), flush=True)

    def final_line(self) -> str:
        took = format_seconds(time.monotonic() - self.started)
        return f"{self.desc}: {self.done}/{self.total} tasks in {took}"


class EtaModel:
    """Remaining seconds of a run from its chunks: measured now, else from the ledger.

    Args:
        chunks: processor -> its chunks (lists of dates) still to run, in order.
        levels: processor names per level (levels run one after another).
        workers: processors of one level running side by side.
        history: processor -> [(chunk dates, chunk seconds)] from earlier runs.
    """

    def __init__(self, chunks: dict[str, list[list]], levels: list[list[str]], workers: int,
                 history: dict[str, list[tuple[int, float]]] | None = None) -> None:
        self.left = {p: [len(c) for c in cs] for p, cs in chunks.items()}
        self.levels = [[p for p in lv if p in self.left] for lv in levels]
        self.workers = max(1, workers)
        self.history = history or {}
        self.seen: dict[str, list[tuple[int, float]]] = {}
        self.running: dict[str, list[float]] = {}  # start times of the chunks in flight
        self.side_by_side: dict[str, int] = {}
        self.lock = threading.Lock()

    @classmethod
    def for_run(cls, warehouse: Warehouse, procs: list, chunks: dict[str, list[list]],
                levels: list[list[str]], workers: int, history_table: str) -> EtaModel:
        """A model for a run, with the ledger's history of these processors as fallback."""
        try:
            history = ledger_history(warehouse, procs, history_table)
        except Exception:  # noqa: BLE001 - an ETA is never worth failing a run for
            log.warning("no ledger history for the ETA", exc_info=True)
            history = {}
        return cls(chunks, levels, workers, history)

    def planned(self, processor: str, chunks: list[list]) -> None:
        """The chunks a processor will really run (after quarantine), replacing the plan's."""
        with self.lock:
            self.left[processor] = [len(c) for c in chunks]

    def lanes(self, processor: str, lanes: int) -> None:
        """The processor's chunks run ``lanes`` at a time."""
        with self.lock:
            self.side_by_side[processor] = max(1, lanes)

    def started(self, processor: str) -> None:
        with self.lock:
            self.running.setdefault(processor, []).append(time.monotonic())

    def measured(self, processor: str, dates: int, seconds: float) -> None:
        """One chunk of ``dates`` dates took ``seconds``."""
        with self.lock:
            self.seen.setdefault(processor, []).append((dates, seconds))
            left = self.left.get(processor, [])
            if dates in left:
                left.remove(dates)
            elif left:
                left.pop(0)
            starts = self.running.get(processor)
            if starts:
                starts.pop(0)

    def finished(self, processor: str) -> None:
        with self.lock:
            self.left[processor] = []
            self.running.pop(processor, None)

    def remaining_seconds(self) -> float | None:
        """Predicted wall seconds until the run ends; None before anything is known."""
        with self.lock:
            rem = {}
            for proc, sizes in self.left.items():
                if not sizes:
                    continue
                costs = [self.chunk_seconds(proc, n) for n in sizes]
                if any(c is None for c in costs):
                    return None
                total = sum(costs)
                for began in self.running.get(proc, ()):  # chunks in flight are partly done
                    total -= min(time.monotonic() - began, costs[0])
                rem[proc] = max(total, 0.0) / self.side_by_side.get(proc, 1)
        return sum(max(max(ts), sum(ts) / self.workers)
                   for ts in ([rem[p] for p in lv if p in rem] for lv in self.levels) if ts)

    def chunk_seconds(self, processor: str, dates: int) -> float | None:
        """Seconds one chunk of ``dates`` dates of ``processor`` should take."""
        if self.seen.get(processor):
            return _fit(self.seen[processor], dates)
        if self.history.get(processor):
            return _fit(self.history[processor], dates) * self._pace()
        rates = [s / max(n, 1) for pts in self.seen.values() for n, s in pts]
        return sum(rates) / len(rates) * dates if rates else None


    def _pace(self) -> float:
        """This run's speed against the ledger's history, over the chunks measured so far.

        History comes from another run, on a machine as busy or idle as it was then; once
        this run has timed a few chunks, the history of processors still to come is scaled
        by how much faster or slower the same chunks ran now (bounded: 0.25x to 4x).
        """
        now = then = 0.0
        for proc, points in self.seen.items():
            if self.history.get(proc):
                now += sum(s for _, s in points)
                then += sum(_fit(self.history[proc], n) for n, _ in points)
        return min(max(now / then, 0.25), 4.0) if now > 0 and then > 0 else 1.0


def ledger_history(warehouse: Warehouse, procs: list,
                   table: str) -> dict[str, list[tuple[int, float]]]:
    """processor -> [(chunk dates, chunk seconds)] of its recent successful chunks in the
    run-history ``table`` (the ledger's processor_run_history)."""
    names = {p.RUN_HISTORY_NAME: p.NAME for p in procs}
    if not names:
        return {}
    frame = warehouse.query(
        f"SELECT processor_name, duration_seconds, summary "
        f"FROM `{warehouse.project}.{table}` "
        f"WHERE data_date >= DATE '1900-01-01' AND processor_name IN UNNEST(@names) "
        f"AND status IN ('success', 'partial') ORDER BY processed_at DESC LIMIT {HISTORY_ROWS}",
        {"names": sorted(names)})
    out: dict[str, dict[tuple, tuple[int, float]]] = {}
    for name, seconds, summary in frame.itertuples(index=False):
        try:
            info = json.loads(summary) if isinstance(summary, str) else dict(summary or {})
        except (TypeError, ValueError):
            info = {}
        n = int(info.get("chunk_dates") or 1)
        # rows of one chunk share (chunk dates, jobs): one point per chunk, not per date
        key = (n, tuple(info.get("job_ids") or ()), round(float(seconds or 0), 6))
        out.setdefault(names[name], {})[key] = (n, float(seconds or 0) * n)
    return {p: list(points.values()) for p, points in out.items()}


def _fit(points: list[tuple[int, float]], dates: int) -> float:
    """Seconds for a chunk of ``dates`` from (dates, seconds) points.

    Chunks of about this size say the most, so only those within 2x of it are used when
    there are any. Their seconds per date (total seconds / total dates) scale to ``dates``.
    A fixed cost per chunk (a + b*dates by least squares) is fitted only when the sizes
    span 4x or more: over sizes close together, a slope fitted to timing noise predicted a
    season chunk 20x too long (measured on the full backfill, 2 chunks of 207 and 214 dates).
    """
    near = [(n, s) for n, s in points if max(n, dates) <= 2 * max(min(n, dates), 1)]
    points = near or points
    sizes = [n for n, _ in points]
    if max(sizes) >= 4 * max(min(sizes), 1):
        mean_n = sum(sizes) / len(points)
        mean_s = sum(s for _, s in points) / len(points)
        var = sum((n - mean_n) ** 2 for n in sizes)
        slope = sum((n - mean_n) * (s - mean_s) for n, s in points) / var
        intercept = mean_s - slope * mean_n
        if slope > 0 and intercept >= 0:
            return intercept + slope * dates
    return sum(s for _, s in points) / max(sum(sizes), 1) * dates


def format_seconds(seconds: float) -> str:
    """``75`` -> ``'1m15s'``.

    Example:
        >>> format_seconds(3725)
        '1h02m'
    """
    seconds = max(0, int(round(seconds)))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


def _make_bar(total: int, desc: str):
    from nbkit import settings

    mode = settings.current().progress
    if mode == "auto":
        from tqdm.auto import tqdm
    else:  # "text": plain text bars, readable in an executed notebook's saved output
        from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="task", file=sys.stdout, mininterval=0.5,
                dynamic_ncols=True)
