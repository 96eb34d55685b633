"""Plans: dates x processors, a pure value built from parameters and observed state.

No I/O here: the state of each (processor, date) is measured elsewhere
(``nbkit.gaps.task_states``) and passed in. Date ranges are inclusive on both
ends.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Iterable

import numpy as np
import pandas as pd

from nbkit.calendar import SeasonCalendar
from nbkit.errors import ParamsError
from nbkit.graph import Graph
from nbkit.params import parse_date, parse_season, season_label
from nbkit.processors import Registry, registry as default_registry
from nbkit.processors.base import Processor
from nbkit.states import TaskState

INCLUDE_CHOICES = ("missing", "partial", "failed", "stale", "all")
DEFAULT_INCLUDE = ("missing", "partial", "failed", "stale")
# state -> the include option that selects it
_STATE_INCLUDE = {TaskState.MISSING: "missing", TaskState.PARTIAL: "partial",
                  TaskState.DUPLICATES: "partial", TaskState.FAILED: "failed",
                  TaskState.STALE: "stale"}
_DONE_STATES = {TaskState.DONE: "done at this code version",
                TaskState.DONE_NO_HISTORY: "done (data present, no run history)"}


@dataclass(frozen=True)
class PlanRequest:
    """What to backfill. Exactly one of season, start/end or dates selects the dates.

    Attributes:
        season: season start year (2023 for 2023-24).
        start_date / end_date: inclusive range.
        dates: explicit dates.
        phases: phases to run (3, 4).
        processors: processor names (empty = all of the phases).
        include: which task states to (re)run: missing, partial, failed, stale, all.
    """

    season: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    dates: tuple[dt.date, ...] = ()
    phases: tuple[int, ...] = (3, 4)
    processors: tuple[str, ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE


@dataclass(frozen=True)
class Task:
    """One processor on one date, with the reason it runs or is skipped."""

    processor: str
    phase: int
    date: dt.date
    action: str          # run | skip
    reason: str


@dataclass(frozen=True)
class Plan:
    """An ordered set of tasks (dependency order, then date)."""

    tasks: tuple[Task, ...]
    request: PlanRequest = field(default_factory=PlanRequest)
    calendar_days: int = 0

    def runnable(self) -> list[Task]:
        return [t for t in self.tasks if t.action == "run"]

    def dates(self) -> list[dt.date]:
        return sorted({t.date for t in self.tasks})

    def processors(self) -> list[str]:
        return list(dict.fromkeys(t.processor for t in self.tasks))

    def only(self, processors: Iterable[str]) -> Plan:
        keep = set(processors)
        return replace(self, tasks=tuple(t for t in self.tasks if t.processor in keep))

    def between(self, start: dt.date, end: dt.date) -> Plan:
        return replace(self, tasks=tuple(t for t in self.tasks if start <= t.date <= end))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([t.__dict__ for t in self.tasks],
                            columns=["processor", "phase", "date", "action", "reason"])

    def summary(self) -> pd.DataFrame:
        """Per processor: tasks to run and skipped, by reason."""
        frame = self.to_frame()
        if frame.empty:
            return pd.DataFrame(columns=["processor", "phase", "run", "skip", "reasons"])
        rows = []
        for name, group in frame.groupby("processor", sort=False):
            reasons = group.groupby(["action", "reason"]).size()
            rows.append({"processor": name, "phase": int(group["phase"].iloc[0]),
                         "run": int((group["action"] == "run").sum()),
                         "skip": int((group["action"] == "skip").sum()),
                         "reasons": "; ".join(f"{a} {r}: {n}" for (a, r), n in reasons.items())})
        return pd.DataFrame(rows)


def make_request(season=None, start_date=None, end_date=None, dates=None, phases=None,
                 processors=None, include=None, registry: Registry = default_registry
                 ) -> PlanRequest:
    """Validate raw parameters (strings from a CLI or notebook) into a PlanRequest.

    Every problem is collected and reported at once, each with its fix.

    Example:
        >>> make_request(season="2023-24", phases="3").phases
        (3,)
    """
    problems: list[str] = []
    season_year = _collect(problems, lambda: parse_season(season) if season else None)
    start = _collect(problems, lambda: parse_date(start_date, "start_date") if start_date else None)
    end = _collect(problems, lambda: parse_date(end_date, "end_date") if end_date else None)
    date_list = _collect(problems, lambda: tuple(sorted({parse_date(d, "date")
                                                         for d in _split(dates)})))
    phase_list = _collect(problems, lambda: _phases(phases, registry))
    names = tuple(_split(processors))
    for name in names:
        _collect(problems, lambda n=name: registry.get_or_raise(n))
    include_list = tuple(_split(include)) or DEFAULT_INCLUDE
    for value in include_list:
        if value not in INCLUDE_CHOICES:
            problems.append(f"include {value!r} is unknown. Fix: use any of "
                            f"{', '.join(INCLUDE_CHOICES)}")
    selectors = sum(x is not None and x != () for x in
                    (season_year, start or end or None, date_list or None))
    if selectors == 0 and not problems:
        problems.append("No dates selected. Fix: give a season (2023-24), a start and end "
                        "date, or explicit dates")
    elif selectors > 1:
        problems.append("Choose one of season, start/end dates or explicit dates. Fix: "
                        "drop the others")
    # On what was given, not what parsed: a bad start date is reported once, as a bad date.
    if (not start_date) != (not end_date) and not date_list and season_year is None:
        problems.append("Both start_date and end_date are needed. Fix: give both "
                        "(inclusive range)")
    if start and end and start > end:
        problems.append(f"start_date {start} is after end_date {end}. Fix: swap them")
    if problems:
        raise ParamsError.collected("the backfill parameters", problems)
    return PlanRequest(season_year, start, end, date_list or (), phase_list, names, include_list)


def build_plan(request: PlanRequest, calendar: SeasonCalendar, states: pd.DataFrame,
               registry: Registry = default_registry) -> Plan:
    """Tasks for every selected processor x date, each with its run or skip reason.

    Args:
        request: validated parameters.
        calendar: final games by season, from the schedule.
        states: one row per (processor, data_date) with column ``state`` in missing,
            partial, duplicates, failed, stale, done, done_no_history.
        registry: processors to plan over.
    """
    dates, calendar_days = resolve_dates(request, calendar)
    selected = [p for p in registry.all() if (not request.phases or p.PHASE in request.phases)
                and (not request.processors or p.NAME in request.processors)]
    state_of = dict(zip(zip(states["processor"].tolist(), states["data_date"].tolist()),
                        states["state"].tolist())) if len(states) else {}
    bootstrap = set(calendar.bootstrap_dates())
    game_dates = set(calendar.game_dates())
    tasks: list[Task] = []
    planned: set[tuple[str, dt.date]] = set()
    for proc in selected:
        for day in dates:
            task = _task(proc, day, request, state_of, bootstrap, game_dates)
            if task.action == "run":
                planned.add((proc.NAME, day))
            tasks.append(task)
    lookup = _Lookup(registry)  # one registry look-up per name, not one per task and date
    if "stale" in request.include:
        tasks = _rerun_after_upstream(tasks, states, planned, lookup, calendar)
    tasks = _mark_blocked_upstream(tasks, state_of, planned, lookup, calendar)
    return Plan(tuple(tasks), request, calendar_days)


class _Lookup:
    """``get_or_raise`` of a registry, memoised for the length of one plan build."""

    def __init__(self, registry: Registry) -> None:
        self.registry, self.found = registry, {}

    def get_or_raise(self, name: str) -> type[Processor]:
        proc = self.found.get(name)
        if proc is None:
            proc = self.found[name] = self.registry.get_or_raise(name)
        return proc


def resolve_dates(request: PlanRequest, calendar: SeasonCalendar) -> tuple[list[dt.date], int]:
    """Game dates selected by the request, and the calendar days they span."""
    all_dates = calendar.game_dates()
    if not all_dates:
        raise ParamsError("The schedule holds no final games", "run `nbkit sample-data` or "
                          "load nba_raw.nbac_schedule first")
    if request.season is not None:
        dates = calendar.game_dates(request.season)
        if not dates:
            known = ", ".join(season_label(s) for s in calendar.seasons)
            raise ParamsError(f"Season {season_label(request.season)} has no final games",
                              f"use one of: {known}")
    elif request.dates:
        outside = [d for d in request.dates if d < all_dates[0] or d > all_dates[-1]]
        if outside:
            raise ParamsError(f"Date {outside[0]} is outside the schedule's final games "
                              f"({all_dates[0]}..{all_dates[-1]})", "choose dates in that range")
        dates = list(request.dates)
    else:
        if request.end_date < all_dates[0] or request.start_date > all_dates[-1]:
            raise ParamsError(f"{request.start_date}..{request.end_date} has no final games "
                              f"(schedule: {all_dates[0]}..{all_dates[-1]})",
                              "choose a range that overlaps the schedule")
        dates = [d for d in all_dates if request.start_date <= d <= request.end_date]
    span = (max(dates) - min(dates)).days + 1 if dates else 0
    return dates, span


def _task(proc: type[Processor], day: dt.date, request: PlanRequest, state_of: dict,
          bootstrap: set, game_dates: set) -> Task:
    def make(action: str, reason: str) -> Task:
        return Task(proc.NAME, proc.PHASE, day, action, reason)

    if day not in game_dates:
        return make("skip", "no games")
    if proc.SKIPS_BOOTSTRAP and day in bootstrap:
        return make("skip", "bootstrap")
    state = state_of.get((proc.NAME, day), TaskState.MISSING)
    if "all" in request.include:
        return make("run", str(state) if state not in _DONE_STATES else "forced (include=all)")
    if state in _DONE_STATES:
        return make("skip", _DONE_STATES[state])
    option = _STATE_INCLUDE.get(state, "missing")
    if option in request.include:
        return make("run", {TaskState.STALE: "stale code version",
                            TaskState.DUPLICATES: "duplicate keys"}.get(state, str(state)))
    return make("skip", f"{state} (not included)")


def _rerun_after_upstream(tasks: list[Task], states: pd.DataFrame, planned: set,
                          registry: Registry, calendar: SeasonCalendar) -> list[Task]:
    """Rerun done tasks whose inputs changed after them (forward invalidation).

    A Phase 4 row is computed from its upstream rows over a lookback window; once any of
    those is rewritten - earlier (a later ledger timestamp than this task's own) or in
    this very plan - the row is stale even though its own code did not change. Tasks come
    in dependency order, so a rerun propagates to its own downstream (``planned`` grows).
    """
    newest = _newest_runs(states)
    ran = _RunsByDate(newest, set(calendar.game_dates()))
    rerun = _PlannedByDate(planned)
    out = []
    for task in tasks:
        proc = registry.get_or_raise(task.processor)
        if task.action != "skip" or not task.reason.startswith("done") \
                or not proc.UPSTREAM_PROCESSORS:
            out.append(task)
            continue
        own = newest.get((task.processor, task.date))
        if not any(_changed_within(registry.get_or_raise(u), proc, task.date, calendar, own,
                                   ran, rerun) for u in proc.UPSTREAM_PROCESSORS):
            out.append(task)  # the common case, answered by range look-ups
            continue
        cause = None
        for upstream in proc.UPSTREAM_PROCESSORS:
            for day in upstream_dates(registry.get_or_raise(upstream), proc, task.date,
                                      calendar):
                if (upstream, day) in planned:
                    cause = f"upstream rerun in this plan: {upstream} {day}"
                elif own is not None and newest.get((upstream, day), own) > own:
                    cause = f"upstream rewritten since: {upstream} {day}"
                if cause:
                    break
            if cause:
                break
        if cause:
            rerun.add(task.processor, task.date)
            task = replace(task, action="run", reason=cause)
        out.append(task)
    return out


def _changed_within(upstream: type[Processor], proc: type[Processor], day: dt.date,
                    calendar: SeasonCalendar, own: pd.Timestamp | None, ran: _RunsByDate,
                    rerun: _PlannedByDate) -> bool:
    """Whether any date of ``upstream`` that ``proc`` reads on ``day`` is planned, or ran
    after ``own``: the test of the loop above, over the window's range at once."""
    first, last = Graph.upstream_window(upstream, proc, day, calendar)
    if rerun.any_between(upstream.NAME, first, last):
        return True
    latest = ran.latest_between(upstream.NAME, first, last)
    return own is not None and latest is not None and latest > own.value


class _RunsByDate:
    """Per processor: the game dates with a ledger run, in order, and when each ran."""

    def __init__(self, newest: dict[tuple[str, dt.date], pd.Timestamp],
                 game_dates: set[dt.date]) -> None:
        runs: dict[str, list[tuple[dt.date, int]]] = {}
        for (name, day), stamp in newest.items():
            if day in game_dates:  # the dates upstream_dates can return
                runs.setdefault(name, []).append((day, stamp.value))
        self.dates = {n: [d for d, _ in sorted(r)] for n, r in runs.items()}
        self.stamps = {n: np.array([v for _, v in sorted(r)], dtype=np.int64)
                       for n, r in runs.items()}

    def latest_between(self, name: str, first: dt.date, last: dt.date) -> int | None:
        dates = self.dates.get(name, [])
        i, j = bisect.bisect_left(dates, first), bisect.bisect_right(dates, last)
        return int(self.stamps[name][i:j].max()) if j > i else None


class _PlannedByDate:
    """The plan's (processor, date) set, with each processor's dates kept in order."""

    def __init__(self, planned: set[tuple[str, dt.date]]) -> None:
        self.planned, self.dates = planned, {}
        for name, day in sorted(planned):
            self.dates.setdefault(name, []).append(day)

    def add(self, name: str, day: dt.date) -> None:
        self.planned.add((name, day))
        bisect.insort(self.dates.setdefault(name, []), day)

    def any_between(self, name: str, first: dt.date, last: dt.date) -> bool:
        dates = self.dates.get(name, [])
        i = bisect.bisect_left(dates, first)
        return i < len(dates) and dates[i] <= last


def _newest_runs(states: pd.DataFrame) -> dict[tuple[str, dt.date], pd.Timestamp]:
    """(processor, date) -> when its latest ledger run finished (UTC), where recorded."""
    if not len(states) or "processed_at" not in states:
        return {}
    known = states[states["processed_at"].notna()]
    stamps = pd.to_datetime(known["processed_at"], utc=True)
    return dict(zip(zip(known["processor"], known["data_date"]), stamps))


def _mark_blocked_upstream(tasks: list[Task], state_of: dict, planned: set,
                           registry: Registry, calendar: SeasonCalendar) -> list[Task]:
    """Skip tasks (Phase 4 and later) whose upstream is neither complete nor planned."""
    out = []
    for task in tasks:
        if task.action != "run" or not registry.get_or_raise(task.processor).UPSTREAM_PROCESSORS:
            out.append(task)
            continue
        proc = registry.get_or_raise(task.processor)
        blocked = [u for u in proc.UPSTREAM_PROCESSORS
                   if not _upstream_ok(u, task.date, proc, state_of, planned, registry, calendar)]
        out.append(replace(task, action="skip", reason=f"upstream incomplete: {blocked[0]}")
                   if blocked else task)
    return out


def _upstream_ok(upstream: str, day: dt.date, proc: type[Processor], state_of: dict,
                 planned: set, registry: Registry, calendar: SeasonCalendar) -> bool:
    for d in upstream_dates(registry.get_or_raise(upstream), proc, day, calendar):
        if (upstream, d) in planned:
            continue
        if state_of.get((upstream, d), TaskState.MISSING) not in _DONE_STATES:
            return False
    return True


def upstream_dates(upstream: type[Processor], proc: type[Processor], day: dt.date,
                   calendar: SeasonCalendar) -> list[dt.date]:
    """Dates of an upstream processor that a processor's output on ``day`` reads
    (the rule lives on ``nbkit.graph.Graph``)."""
    return Graph.upstream_dates(upstream, proc, day, calendar)


def _phases(value, registry: Registry = default_registry) -> tuple[int, ...]:
    stages = registry.graph().stages or [3, 4]
    if value is None or value == "" or value == ():
        return tuple(stages)
    out = []
    for item in _split(value):
        if str(item) not in {str(s) for s in stages}:
            raise ParamsError(f"phase {item!r} is unknown",
                              f"use any of the catalogue's stages: {','.join(map(str, stages))}")
        out.append(int(item))
    return tuple(sorted(set(out)))


def _split(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        return [v for v in value if v != ""]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _collect(problems: list[str], fn):
    try:
        return fn()
    except Exception as err:  # noqa: BLE001 - collected and re-raised as one ParamsError
        problems.append(str(err))
        return None
