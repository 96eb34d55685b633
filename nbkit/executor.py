"""The executor: runs a Plan against a warehouse, recording every outcome in the ledger.

Phase 3 processors run concurrently (bounded workers), Phase 4 level by level
in dependency order. Dates go in chunks (default: whole seasons per statement, as
many as the warehouse packs); a failing chunk is split to isolate the failing date.
A date is a success only if its partition holds the expected rows with no duplicate
keys; anything short is recorded as partial. A failed or incomplete date quarantines only
its own downstream work.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import pandas as pd

from nbkit import cancel as cancelling
from nbkit import retry, user_checks, verify
from nbkit.calendar import SeasonCalendar
from nbkit.cancel import CancelToken
from nbkit.errors import NbkitError
from nbkit.ledger import RUN_HISTORY, Ledger, Outcome, new_run_id
from nbkit.plan import Plan, upstream_dates
from nbkit.processors import Registry, registry as default_registry
from nbkit.processors.base import Processor
from nbkit.processors.compute import compute
from nbkit.progress import EtaModel, Progress

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

log = logging.getLogger(__name__)
INJECT_ENV = "NBKIT_INJECT_FAILURE"


class OnError(enum.Enum):
    """What to do after a failed date: keep going with the rest, or stop scheduling."""

    CONTINUE = "continue"
    STOP = "stop"


class InjectedFailure(NbkitError):
    """Raised on purpose by $NBKIT_INJECT_FAILURE (processor@date,...) to rehearse failures."""


@dataclass(frozen=True)
class RunOptions:
    """How to execute a plan.

    Attributes:
        workers: concurrent processors within a phase (Phase 3, and TDZA || PSZA).
        chunk_size: dates per statement; 0 = whole seasons per statement, as many as the
            warehouse packs (``Warehouse.seasons_per_statement``: DuckDB 4, BigQuery 1).
        on_error: continue with other dates, or stop scheduling after a failure.
        retries: extra attempts for transient errors, with exponential backoff and jitter
            (None: the project's ``[retries]`` settings).
        backoff_seconds: first retry delay (None: the settings').
        allow_incomplete_upstream: run Phase 4 even where Phase 3 inputs are incomplete
            (logged as an override in the run and the digest).
        take_over_stale_lease: take over a writer lease whose heartbeat expired.
        command: the command line, shown as the resume command.
        parameters: recorded (secrets redacted) in the run table.
        notebook_path: the executed notebook, when a notebook runs this.
        progress: show progress bars (terminal or Jupyter).
        cancel: stops the run at the next chunk boundary when set (signals, ``nbkit
            cancel``); SIGINT/SIGTERM set it while the run holds the main thread.
        max_runtime_seconds: stop the same way once the run has taken this long.
        handle_signals: take SIGINT/SIGTERM as a cancel (main thread only).
    """

    workers: int = 2
    chunk_size: int = 0
    on_error: OnError = OnError.CONTINUE
    retries: int | None = None
    backoff_seconds: float | None = None
    allow_incomplete_upstream: bool = False
    take_over_stale_lease: bool = False
    command: str = "nbkit backfill"
    parameters: dict = field(default_factory=dict)
    notebook_path: str | None = None
    progress: bool = True
    run_id: str | None = None
    lease_ttl_seconds: int = 900
    max_bytes_billed: int | None = None
    cancel: CancelToken | None = None
    max_runtime_seconds: float | None = None
    handle_signals: bool = True

    def __post_init__(self) -> None:
        # Same ranges as the CLI flags and notebook parameters (one definition, in spec):
        # retries=-1 would run no attempt at all and then verify rows nothing wrote.
        from nbkit.parameters import number

        for name in ("workers", "chunk_size", "retries"):
            if getattr(self, name) is not None:  # retries None: the [retries] settings
                number(name, getattr(self, name))


@dataclass
class RunResult:
    """What a run did: outcomes per processor and date, alerts, and how to resume."""

    run_id: str | None
    status: str
    outcomes: pd.DataFrame
    alerts: list[str]
    seconds: float
    resume_command: str | None = None
    eta_samples: list = field(default_factory=list)  # (elapsed s, tasks done, predicted s)
    bytes_billed: int = 0

    @property
    def ok(self) -> bool:
        return self.status in ("success", "nothing to do")

    def summary(self) -> pd.DataFrame:
        if self.outcomes.empty:
            return pd.DataFrame(columns=["processor", "success", "partial", "failed", "skipped",
                                         "rows"])
        table = self.outcomes.pivot_table(index="processor", columns="status", values="date",
                                          aggfunc="count", fill_value=0)
        for col in ("success", "partial", "failed", "skipped"):
            if col not in table:
                table[col] = 0
        table["rows"] = self.outcomes.groupby("processor")["rows"].sum()
        order = [p for p in dict.fromkeys(self.outcomes["processor"])]
        return table.loc[order, ["success", "partial", "failed", "skipped", "rows"]].reset_index()


def run_plan(plan: Plan, warehouse: Warehouse, calendar: SeasonCalendar,
             options: RunOptions = RunOptions(), registry: Registry = default_registry,
             complete: set[tuple[str, dt.date]] | None = None,
             on_outcome: Callable[[Outcome], None] | None = None) -> RunResult:
    """Execute every runnable task of the plan; return what happened.

    Args:
        plan: the tasks (build it with nbkit.backfill.prepare_plan).
        warehouse: where to compute and write.
        calendar: season calendar (for upstream lookback windows).
        options: execution settings.
        registry: processor lookup.
        complete: (processor, date) pairs already complete before the run.
        on_outcome: called after each recorded outcome (notebooks use it for live views).
    """
    started = time.monotonic()
    tasks = plan.runnable()
    if not tasks:
        return RunResult(None, "nothing to do", _frame([]), [], time.monotonic() - started)
    runner = _Runner(plan, warehouse, calendar, options, registry, set(complete or ()),
                     on_outcome)
    return runner.run(started)


class _Runner:
    def __init__(self, plan, warehouse, calendar, options, registry, complete, on_outcome):
        self.plan, self.wh, self.calendar, self.opt = plan, warehouse, calendar, options
        self.registry, self.complete, self.on_outcome = registry, complete, on_outcome
        self.ledger = Ledger(warehouse)
        self.run_id = options.run_id or new_run_id()
        self.outcomes: list[Outcome] = []
        self.alerts: list[str] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.rates: dict[str, float] = {}
        self.injected = _injected_failures()
        self.todo: dict[str, list[dt.date]] = {}
        for task in plan.runnable():
            self.todo.setdefault(task.processor, []).append(task.date)
        self.cancel = options.cancel or CancelToken()
        if options.max_runtime_seconds and self.cancel.deadline is None:
            self.cancel.deadline = time.monotonic() + options.max_runtime_seconds
        self.retry_policy = retry.RetryPolicy.from_settings(
            attempts=None if options.retries is None else options.retries + 1,
            initial_seconds=options.backoff_seconds)
        self.attempt_of = threading.local()
        self.versions: dict[str, str] = {}
        self.lineage = _lineage(warehouse, self.run_id)  # bad [lineage] settings: refused now

    def run(self, started: float) -> RunResult:
        # Run-level jobs (estimate, ledger, lease) carry the run's label too; each chunk sets
        # its own context, with processor and phase, in its worker thread.
        with self.wh.job_context({"nbkit_run": self.run_id}):
            return self._run(started)

    def _run(self, started: float) -> RunResult:
        procs = [self.registry.get_or_raise(n) for n in self.todo]
        run_started = self._open_run(procs)
        status = "failed"
        self._start_progress(procs)
        self.cancel.watch_remote(cancelling.remote_poller(self.wh, self.run_id),
                                 cancelling.remote_poll_seconds(self.wh))
        deadline = cancelling.arm_deadline(self.cancel, self.wh.interrupt)
        signals = (cancelling.on_signals(self.cancel, self.wh.interrupt)
                   if self.opt.handle_signals else contextlib.nullcontext())
        try:
            with signals:
                for level in self.registry.graph().levels(procs):
                    if self.stop.is_set() or self.cancel.is_set():
                        break
                    # Largest first (estimated bytes read), so the small ones fill in at the end.
                    level = sorted(level, key=lambda p: -self.expected_bytes.get(p.NAME, 0))
                    with ThreadPoolExecutor(max_workers=max(1, self.opt.workers)) as pool:
                        list(pool.map(lambda p, n=len(level): self._run_processor(p, n),
                                      level))
            status = self._status()
        except BaseException:
            status = "interrupted"
            raise
        finally:
            self._close_run(status, run_started, deadline)
        frame = _frame(self.outcomes)
        resume = None if status == "success" else self.opt.command
        return RunResult(self.run_id, status, frame, self.alerts,
                         time.monotonic() - started, resume, list(self.progress.samples),
                         self.bytes_billed)

    def _open_run(self, procs: list[type[Processor]]):
        """Check the budget, take the writer lease and record the run as started."""
        from nbkit import cost

        estimates = cost.estimate(self.wh, self.plan, self.registry)
        bytes_estimated = cost.check_budget(estimates, self.opt.max_bytes_billed)
        self.expected_bytes = dict(zip(estimates["processor"], estimates["bytes"]))
        self.bytes_billed = 0
        tables = sorted({p.TARGET_TABLE for p in procs if p.TARGET_TABLE})
        self.lease = self.ledger.leases.acquire(self.run_id, tables, self.plan.dates(),
                                         ttl_seconds=self.opt.lease_ttl_seconds,
                                         take_over_stale=self.opt.take_over_stale_lease)
        self.last_beat = time.monotonic()
        for old in self.ledger.leases.taken_over:
            self.alerts.append(f"LEASE TAKEN OVER from run {old['run_id']} (pid {old['pid']} on "
                               f"{old['host']}): its holder was dead or its heartbeat expired")
        versions = {p.NAME: self._version(p) for p in procs}
        run_started = self.ledger.start_run(
            self.run_id, self.opt.command, self.opt.parameters, versions,
            notebook_path=self.opt.notebook_path, dates_planned=len(self.plan.dates()),
            tasks_planned=sum(len(d) for d in self.todo.values()),
            override_incomplete_upstream=self.opt.allow_incomplete_upstream,
            bytes_estimated=bytes_estimated)
        if self.opt.allow_incomplete_upstream:
            self.alerts.append("OVERRIDE: Phase 4 allowed to run on incomplete Phase 3 inputs")
        return run_started

    def _start_progress(self, procs: list[type[Processor]]) -> None:
        """The ETA model (from run history) and the progress bars of this run."""
        by_name = {p.NAME: p for p in procs}
        self.eta = EtaModel.for_run(self.wh, procs, {p: self._chunks(by_name[p], sorted(d))
                                                     for p, d in self.todo.items()},
                                    [[p.NAME for p in lv] for lv in self.registry.graph().levels(procs)],
                                    self.opt.workers, RUN_HISTORY)
        self.progress = Progress(sum(len(d) for d in self.todo.values()), self.opt.progress,
                                 self.eta.remaining_seconds)

    def _close_run(self, status: str, run_started, deadline) -> None:
        """Stop the deadline and progress, record the run's end, release the lease."""
        if deadline is not None:
            deadline.cancel()
        self.progress.close()
        if status == "cancelled":
            self.alerts.append(self._cancel_alert())
        counts = _counts(self.outcomes)
        try:
            self.ledger.finish_run(self.run_id, run_started, status, counts, self.alerts,
                                   bytes_billed=self.bytes_billed)
            self.ledger.leases.release(self.lease)
            cancelling.clear_request(self.wh, self.run_id)
        except Exception:  # noqa: BLE001 - never hide the original error
            log.exception("could not close run %s in the ledger", self.run_id)

    # ------------------------------------------------------------ per processor
    def _run_processor(self, proc: type[Processor], level_size: int = 1) -> None:
        # The ledger writes of this worker thread (quarantine, heartbeat) carry the labels too.
        with self.wh.job_context(self._labels(proc)):
            dates = sorted(self.todo.get(proc.NAME, []))
            ready, blocked = self._split_ready(proc, dates)
            if blocked:
                self._quarantine(proc, blocked)
            chunks = self._chunks(proc, ready)
            self.eta.planned(proc.NAME, chunks)
            lanes = self._lanes(proc, level_size, len(chunks))
            self.eta.lanes(proc.NAME, lanes)
            if lanes > 1:
                with ThreadPoolExecutor(max_workers=lanes) as pool:  # longest first
                    list(pool.map(lambda chunk: self._run_next(proc, chunk),
                                  sorted(chunks, key=len, reverse=True)))
            else:
                for chunk in chunks:
                    self._run_next(proc, chunk)
            self.eta.finished(proc.NAME)

    def _run_next(self, proc: type[Processor], chunk: list[dt.date]) -> None:
        if self.stop.is_set() or self.cancel.is_set():
            return
        self._run_chunk(proc, chunk)
        self._heartbeat()

    def _lanes(self, proc: type[Processor], level_size: int, chunks: int) -> int:
        """How many of a processor's chunks run side by side: more than one only where
        workers would idle (fewer processors in the level than workers), the warehouse takes
        concurrent writes to one table, and each chunk stands alone (the processor neither
        reads its own table nor writes by itself, as an external command does)."""
        spare = max(1, self.opt.workers) // max(1, level_size)
        if spare < 2 or chunks < 2 or not self.wh.concurrent_chunks:
            return 1
        if proc.TARGET_TABLE in proc.UPSTREAM_TABLES or \
                getattr(proc.run, "__func__", None) is not Processor.run.__func__:
            return 1
        return min(spare, chunks)

    def _chunks(self, proc, dates: list[dt.date]) -> list[list[dt.date]]:
        seasons = min(self.wh.seasons_per_statement,
                      proc.SEASONS_PER_STATEMENT or self.wh.seasons_per_statement)
        return _chunks(dates, self.opt.chunk_size, self.calendar, seasons)

    def _version(self, proc) -> str:
        """The processor's code version, hashed once per run (not once per date)."""
        version = self.versions.get(proc.NAME)
        if version is None:
            version = self.versions[proc.NAME] = proc.code_version()
        return version

    def _labels(self, proc) -> dict[str, str]:
        return {"nbkit_run": self.run_id, "processor": proc.NAME, "phase": str(proc.PHASE)}

    def _split_ready(self, proc, dates):
        if not proc.UPSTREAM_PROCESSORS or self.opt.allow_incomplete_upstream:
            return dates, {}
        ready, blocked = [], {}
        upstreams = [(u, self.registry.get_or_raise(u)) for u in proc.UPSTREAM_PROCESSORS]
        for day in dates:
            missing = [(u, d) for u, up in upstreams
                       for d in upstream_dates(up, proc, day, self.calendar)
                       if (u, d) not in self.complete]
            if missing:
                blocked[day] = missing[0]
            else:
                ready.append(day)
        return ready, blocked

    def _quarantine(self, proc, blocked: dict) -> None:
        now = _now()
        outcomes = [Outcome(proc.NAME, proc.RUN_HISTORY_NAME, proc.PHASE, proc.TARGET_TABLE, day,
                            "skipped", self._version(proc), now, now,
                            skip_reason=f"upstream incomplete: {u} on {d}")
                    for day, (u, d) in blocked.items()]
        first = sorted(blocked)[0]
        self.alerts.append(f"QUARANTINED {proc.NAME}: {len(blocked)} date(s) from {first} "
                           f"(upstream {blocked[first][0]} incomplete on {blocked[first][1]})")
        self._record(outcomes)

    def _run_chunk(self, proc, dates: list[dt.date]) -> None:
        began = time.monotonic()
        self.eta.started(proc.NAME)
        event = self.lineage.start(proc, dates) if self.lineage else None
        seen = len(self.outcomes)
        with self.wh.job_context(self._labels(proc), self.opt.max_bytes_billed) as jobs:
            self._run_chunk_jobs(proc, dates, jobs)
        with self.lock:
            self.bytes_billed += jobs["bytes_billed"]
            mine = [o for o in self.outcomes[seen:] if o.processor == proc.NAME]
        if mine:  # an interrupted (cancelled) chunk recorded nothing and teaches nothing
            self.eta.measured(proc.NAME, len(dates), time.monotonic() - began)
        if event is not None:
            self.lineage.end(event, mine, cancelled=not mine and self.cancel.is_set())

    def _run_chunk_jobs(self, proc, dates: list[dt.date], jobs: dict) -> None:
        began = _now()
        mark = (len(jobs["job_ids"]), jobs["bytes_billed"])  # this (sub-)chunk's jobs follow
        try:
            self._attempt(proc, dates)
        except Exception as err:  # noqa: BLE001 - isolated below, recorded as the date's failure
            if self.cancel.is_set():  # interrupted on purpose: the replace rolled back whole
                log.warning("%s: %d date(s) left pending by the cancel", proc.NAME, len(dates))
                return
            if len(dates) > 1:
                half = len(dates) // 2
                log.warning("%s failed on %d dates; splitting to isolate: %s", proc.NAME,
                            len(dates), err)
                self._run_chunk_jobs(proc, dates[:half], jobs)
                self._run_chunk_jobs(proc, dates[half:], jobs)
                return
            self._fail(proc, dates[0], began, err)
            return
        self._verify(proc, dates, began, tuple(jobs["job_ids"][mark[0]:]),
                     jobs["bytes_billed"] - mark[1])

    def _attempt(self, proc, dates):
        def once():
            hit = [d for d in dates if (proc.NAME, d) in self.injected]
            if hit:
                raise InjectedFailure(f"Injected failure for {proc.NAME} on {hit[0]}",
                                      f"unset ${INJECT_ENV} and rerun")
            return compute(self.wh, proc, dates)

        def on_retry(attempt: int, err: BaseException, delay: float) -> None:
            self.alerts.append(f"RETRY {proc.NAME} ({len(dates)} dates) after transient "
                               f"error, attempt {attempt + 1}: {_first_line(err)[:120]}")
            self._record_retry(proc, dates, attempt, err)

        self.attempt_of.n = 1
        try:
            value, self.attempt_of.n = retry.call(once, self._transient, self.retry_policy,
                                                  on_retry)
        except BaseException as err:
            self.attempt_of.n = getattr(err, "nbkit_attempts", 1) or 1
            raise
        return value

    def _transient(self, err: BaseException) -> bool:
        return not self.cancel.is_set() and self.wh.is_transient(err)

    def _record_retry(self, proc, dates, attempt: int, err: BaseException) -> None:
        """One ``retried`` history row per date for an attempt that failed transiently."""
        now = _now()
        message = _first_line(err)[:500]
        self._record([Outcome(proc.NAME, proc.RUN_HISTORY_NAME, proc.PHASE, proc.TARGET_TABLE,
                              day, "retried", self._version(proc), now, now, error=message,
                              attempt=attempt, chunk_dates=len(dates)) for day in dates])

    def _verify(self, proc, dates, began, job_ids: tuple[str, ...], bytes_billed: int) -> None:
        verdicts = verify.judge(proc, verify.verify_counts(self.wh, proc, dates), dates)
        finished = _now()
        version, attempt = self._version(proc), getattr(self.attempt_of, "n", 1)
        outcomes = [Outcome(proc.NAME, proc.RUN_HISTORY_NAME, proc.PHASE, proc.TARGET_TABLE,
                            day, v.status, version, began, finished, v.rows, v.expected_rows,
                            error=v.error, chunk_dates=len(dates), job_ids=job_ids,
                            chunk_bytes_billed=bytes_billed, attempt=attempt)
                    for day, v in verdicts.items()]
        outcomes, notes = user_checks.apply(self.wh, self.registry.checks_of(proc.NAME),
                                            outcomes, proc.DATE_COLUMN)
        self.alerts.extend(notes)
        seconds = (finished - began).total_seconds()
        self.rates[proc.NAME] = seconds / max(len(dates), 1)
        bad = [o for o in outcomes if o.status != "success"]
        if bad:
            self.alerts.append(f"PARTIAL {proc.NAME}: {len(bad)} date(s), first {bad[0].data_date}"
                               f" ({bad[0].error})")
            if self.opt.on_error is OnError.STOP:
                self.stop.set()
        self._record(outcomes)

    def _fail(self, proc, day, began, err) -> None:
        message = str(err).splitlines()[0][:500]
        self.alerts.append(f"FAILED {proc.NAME} on {day}: {message}")
        self._record([Outcome(proc.NAME, proc.RUN_HISTORY_NAME, proc.PHASE, proc.TARGET_TABLE,
                              day, "failed", self._version(proc), began, _now(),
                              error=message, attempt=getattr(self.attempt_of, "n", 1))])
        if self.opt.on_error is OnError.STOP:
            self.stop.set()

    def _record(self, outcomes: list[Outcome]) -> None:
        with self.lock:
            self.ledger.record(self.run_id, outcomes)
            if outcomes and outcomes[0].status == "retried":  # history only, not an outcome
                return
            self.outcomes.extend(outcomes)
            for o in outcomes:
                key = (o.processor, o.data_date)
                if o.status == "success":
                    self.complete.add(key)
                else:
                    self.complete.discard(key)
                if self.on_outcome:
                    self.on_outcome(o)
            finished = sum(1 for o in outcomes if o.status != "skipped")
            if finished:  # once per chunk: the ETA is recomputed per advance, not per date
                self.progress.advance(finished, outcomes[0].processor)

    def _heartbeat(self) -> None:
        if time.monotonic() - self.last_beat < self.opt.lease_ttl_seconds / 3:
            return
        with self.lock:
            self.ledger.leases.heartbeat(self.lease, self.opt.lease_ttl_seconds)
            self.last_beat = time.monotonic()

    def _cancel_alert(self) -> str:
        planned = sum(len(d) for d in self.todo.values())
        done = sum(1 for o in self.outcomes if o.status != "skipped")
        return (f"CANCELLED ({self.cancel.reason}): {done} of {planned} task(s) finished, "
                f"the rest left as they were; rerun the same command to resume")

    def _status(self) -> str:
        statuses = {o.status for o in self.outcomes}
        planned = sum(len(d) for d in self.todo.values())
        if self.cancel.is_set() and len({(o.processor, o.data_date)
                                         for o in self.outcomes}) < planned:
            return "cancelled"
        if self.stop.is_set() or "failed" in statuses:
            return "failed"
        if "partial" in statuses or "skipped" in statuses:
            return "partial"
        return "success"


def _chunks(dates: list[dt.date], size: int, calendar: SeasonCalendar,
            seasons: int = 1) -> list[list[dt.date]]:
    """``size`` dates per chunk, or (size 0) ``seasons`` consecutive whole seasons per chunk."""
    if not dates:
        return []
    if size and size > 0:
        return [dates[i:i + size] for i in range(0, len(dates), size)]
    by_season: dict[int, list[dt.date]] = {}
    for day in dates:
        by_season.setdefault(calendar.season_of(day), []).append(day)
    ordered = [by_season[s] for s in sorted(by_season)]
    step = max(1, seasons)
    return [sum(ordered[i:i + step], []) for i in range(0, len(ordered), step)]


def _first_line(err: BaseException) -> str:
    text = str(err)
    return text.splitlines()[0] if text else type(err).__name__


def _lineage(warehouse, run_id: str):
    from nbkit import lineage

    return lineage.emitter(warehouse, run_id)


def _injected_failures() -> set[tuple[str, dt.date]]:
    out = set()
    for item in os.environ.get(INJECT_ENV, "").split(","):
        if "@" in item:
            name, _, day = item.strip().partition("@")
            out.add((name, dt.date.fromisoformat(day)))
    return out


def _counts(outcomes: list[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = {"rows": sum(o.rows for o in outcomes)}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    return counts


def _frame(outcomes: list[Outcome]) -> pd.DataFrame:
    return pd.DataFrame([{"processor": o.processor, "phase": o.phase, "date": o.data_date,
                          "status": o.status, "rows": o.rows, "expected_rows": o.expected_rows,
                          "reason": o.skip_reason or o.error} for o in outcomes],
                        columns=["processor", "phase", "date", "status", "rows",
                                 "expected_rows", "reason"])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
