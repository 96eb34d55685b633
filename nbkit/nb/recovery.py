"""Recovery (notebooks/40_recovery.ipynb): retry failed tasks, or re-run chosen dates,
with everything downstream of them, after a preview.

Downstream means both the processors that read the target (same date) and, for
rolling-window features, the later dates of the same season whose lookback
window contains a re-run date (forward invalidation). Nothing is written unless
``apply`` is true; the preview is the same plan the run will execute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from nbkit import gaps
from nbkit.backfill import execute, prepare
from nbkit.calendar import SeasonCalendar
from nbkit import parameters as spec
from nbkit.nb import card
from nbkit.nb.common import current_command, esc, html_table, open_for, record, run_command, \
    run_options, stop_if_cancelled, warehouse_of
from nbkit.nb.tables import empty_as
from nbkit.nb.views import PhaseResult, PlanPreview
from nbkit.parameters.models import RecoveryParams
from nbkit.params import parse_date, parse_season
from nbkit.plan import PlanRequest, make_request
from nbkit.processors import Registry
from nbkit.processors import registry as default_registry
from nbkit.status import DEFAULT_START, load_calendar
from nbkit.calendar import END_OF_TIME, season_bounds


def downstream(targets: dict[str, set[dt.date]], calendar: SeasonCalendar,
               registry: Registry = default_registry) -> dict[str, set[dt.date]]:
    """Targets plus every (processor, date) that reads them, directly or transitively.

    A Phase 4 processor reading a Phase 3 processor over a lookback window is
    affected on every game date of the same season within LOOKBACK_DAYS after a
    target date; a processor reading a Phase 4 processor, on the same date.
    """
    return registry.graph().downstream(targets, calendar)


@dataclass(repr=False)
class RecoveryPreview:
    """What a recovery would run; nothing is written by a preview."""

    mode: str
    targets: pd.DataFrame
    plans: list[PlanPreview] = field(default_factory=list)
    apply_command: str = ""

    @property
    def tasks(self) -> pd.DataFrame:
        frames = [p.tasks for p in self.plans if len(p.tasks)]
        return pd.concat(frames, ignore_index=True) if frames else \
            pd.DataFrame(columns=["processor", "phase", "date", "action", "reason"])

    @property
    def to_run(self) -> pd.DataFrame:
        tasks = self.tasks
        return empty_as(tasks[tasks["action"] == "run"].reset_index(drop=True),
                        "No task to run: nothing failed in the scope.")

    def __repr__(self) -> str:
        return f"<RecoveryPreview {self.mode}: {len(self.to_run)} task(s) to run>"

    def _repr_html_(self) -> str:
        head = (f"<h4>Recovery preview ({esc(self.mode)}): {len(self.to_run)} task(s) to run"
                f"</h4><p>Targets (what failed or was chosen):</p>" + html_table(self.targets))
        body = "".join(p._repr_html_() for p in self.plans)
        return head + body + f"<p>apply: <code>{esc(self.apply_command)}</code></p>"


class Applied(list):
    """The PhaseResults of an applied recovery (displays them all)."""

    def _repr_html_(self) -> str:
        return "".join(r._repr_html_() for r in self) or "<p>Nothing to recover.</p>"


class Recovery:
    """The steps of the recovery notebook: preview(), then apply()."""

    NOTEBOOK = "40_recovery"

    def __init__(self, params=None, /, *, progress: bool = True, **values) -> None:
        """``params``: a RecoveryParams, or the warehouse and the parameters as keywords."""
        self.params = RecoveryParams.of(params, **values)
        self.warehouse, self.progress = warehouse_of(params, self.params), progress
        explicit = self.params.explicit()
        self.command = current_command(run_command(self.NOTEBOOK, explicit))
        self.apply_command = run_command(self.NOTEBOOK, {**explicit, "apply": True})
        self.results: list[PhaseResult] = []
        self._targets: dict[str, set[dt.date]] | None = None

    def preview(self) -> RecoveryPreview:
        """The plan(s) a recovery would run, with each task's reason."""
        with self._open(read_only=True) as wh:
            requests = self._requests(wh)
            if self.params.mode == "retry_failed" and requests:
                combined = replace(requests[0], phases=tuple(default_registry.graph().stages))
                plans = [prepare(wh, combined, self.params.bootstrap_days).plan]
            else:
                plans = [prepare(wh, r, self.params.bootstrap_days).plan for r in requests]
        titles = ["Retry plan (stage by stage)"] if self.params.mode == "retry_failed" \
            else [f"Re-run plan, Phase {r.phases[0]}" for r in requests]
        return RecoveryPreview(self.params.mode, self.targets_frame(),
                               [PlanPreview(p, t) for p, t in zip(plans, titles)],
                               self.apply_command)

    def apply(self) -> Applied:
        """Run the recovery phase by phase (only if apply=True; otherwise say how)."""
        if not self.params.apply:
            return Applied([PhaseResult(0, "preview only", note="nothing written; to apply "
                                        "run: " + self.apply_command)])
        with self._open(read_only=False) as wh:
            for request in self._requests(wh):
                for phase in _phases_of(request):
                    prepared = prepare(wh, replace(request, phases=(phase,)),
                                       self.params.bootstrap_days)
                    result = execute(wh, prepared, self._options())
                    card.note_phase(phase, result.outcomes,
                                    card.bytes_billed(wh, result.run_id))
                    record(ledger_run_id=result.run_id, ledger_status=result.status)
                    stop_if_cancelled(result)
                    self.results.append(PhaseResult.of(phase, result))
        return Applied(self.results)

    def after(self) -> pd.DataFrame:
        """State of every targeted (processor, date) now: should all be done."""
        targets = self._targets or {}
        if not targets:
            return empty_as(pd.DataFrame(columns=["processor", "state", "dates"]),
                            "No targets: nothing was recovered.")
        dates = sorted(set().union(*targets.values()))
        with self._open(read_only=True) as wh:
            procs = [default_registry.get_or_raise(n) for n in targets]
            states = gaps.task_states(wh, dates, procs)
        mine = states[[d in targets[p] for p, d in zip(states["processor"], states["data_date"])]]
        return mine.groupby(["processor", "state"]).size().reset_index(name="dates")

    def targets_frame(self) -> pd.DataFrame:
        rows = [{"processor": p, "dates": len(d), "first": min(d), "last": max(d)}
                for p, d in (self._targets or {}).items() if d]
        return pd.DataFrame(rows, columns=["processor", "dates", "first", "last"])

    # ------------------------------------------------------------------ helpers
    def _requests(self, wh) -> list[PlanRequest]:
        first, last = self._scope()
        calendar = load_calendar(wh, DEFAULT_START, END_OF_TIME,
                                 self.params.bootstrap_days)
        chosen = self._chosen(wh, calendar, first, last)
        self._targets = downstream(chosen, calendar)
        if self.params.mode == "retry_failed":
            stages = tuple(default_registry.graph().stages)
            return [self._request(self._targets, stages, "")] if self._targets else []
        requests = []
        stages = default_registry.graph().stages
        for phase in stages:
            part = {p: d for p, d in (chosen if phase == stages[0] else self._targets).items()
                    if default_registry.get_or_raise(p).PHASE == phase}
            if part:
                requests.append(self._request(part, (phase,), "all"))
        return requests

    def _chosen(self, wh, calendar, first, last) -> dict[str, set[dt.date]]:
        names = spec.split_list(self.params.processors)
        if self.params.mode == "retry_failed":
            failures = gaps.failures_needing_attention(wh, first, last)
            out: dict[str, set[dt.date]] = {}
            for row in failures.itertuples():
                name = row.processor if isinstance(row.processor, str) else \
                    _name_of(row.processor_name)
                if name and (not names or name in names):
                    out.setdefault(name, set()).add(pd.Timestamp(row.data_date).date())
            return out
        days = [d for d in calendar.game_dates() if first <= d <= last]
        if self.params.dates:
            days = [parse_date(d) for d in spec.split_list(self.params.dates)]
        procs = names or [p.NAME for p in default_registry.all()]
        return {p: set(days) for p in procs}

    def _request(self, part: dict, phases: tuple, include: str) -> PlanRequest:
        dates = sorted(set().union(*part.values()))
        return make_request(dates=[d.isoformat() for d in dates], phases=",".join(
            str(p) for p in phases), processors=list(part), include=include or None)

    def _scope(self) -> tuple[dt.date, dt.date]:
        p = self.params
        if p.start_date or p.end_date:
            return (parse_date(p.start_date) if p.start_date else DEFAULT_START,
                    parse_date(p.end_date) if p.end_date else END_OF_TIME)
        if p.season:
            year = parse_season(p.season)
            return season_bounds(year)
        return DEFAULT_START, END_OF_TIME

    def _options(self):
        return run_options(self.params, self.command, self.progress)

    def _open(self, read_only: bool):
        return open_for(self.params, self.warehouse, read_only)


def _phases_of(request: PlanRequest) -> list[int]:
    """The phases of the request that have a selected processor."""
    have = {default_registry.get_or_raise(n).PHASE for n in request.processors}
    return [p for p in request.phases if not request.processors or p in have]


def _name_of(run_history_name: str) -> str | None:
    for proc in default_registry.all():
        if proc.RUN_HISTORY_NAME == run_history_name:
            return proc.NAME
    return None

