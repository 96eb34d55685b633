"""The public backfill API: params -> plan -> executor, in three calls.

    request = make_request(season="2023-24")
    prepared = prepare(warehouse, request)          # plan + the state it was built from
    result = execute(warehouse, prepared, RunOptions())
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from nbkit import gaps
from nbkit.calendar import SeasonCalendar
from nbkit.executor import RunOptions, RunResult, run_plan
from nbkit.plan import Plan, PlanRequest, build_plan, resolve_dates
from nbkit.processors import Registry, registry as default_registry
from nbkit.schema.user import ensure_tables
from nbkit.status import load_calendar
from nbkit.calendar import END_OF_TIME, BEGINNING_OF_TIME

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

DONE_STATES = ("done", "done_no_history")


@dataclass(frozen=True)
class Prepared:
    """A plan with the calendar and the observed state it was built from."""

    plan: Plan
    calendar: SeasonCalendar
    states: pd.DataFrame

    def complete(self) -> set[tuple[str, dt.date]]:
        done = self.states[self.states["state"].isin(DONE_STATES)]
        return set(zip(done["processor"].tolist(), done["data_date"].tolist()))


def prepare(warehouse: Warehouse, request: PlanRequest, bootstrap_days: int | None = None,
            registry: Registry = default_registry) -> Prepared:
    """Measure the state of every processor over the requested seasons and plan."""
    ensure_tables(warehouse)  # the project's own tables, declared in its DDL files
    calendar = load_calendar(warehouse, BEGINNING_OF_TIME, END_OF_TIME,
                             bootstrap_days)
    dates, _ = resolve_dates(request, calendar)
    seasons = {calendar.season_of(d) for d in dates}
    # Upstream lookback windows reach back to each season's first game date.
    state_dates = [d for s in seasons for d in calendar.game_dates(s) if d <= max(dates)]
    states = gaps.task_states(warehouse, state_dates, registry.all(),
                              bootstrap_days=calendar.bootstrap_days)
    return Prepared(build_plan(request, calendar, states, registry), calendar, states)


def execute(warehouse: Warehouse, prepared: Prepared, options: RunOptions = RunOptions(),
            registry: Registry = default_registry, on_outcome=None) -> RunResult:
    """Run a prepared plan."""
    return run_plan(prepared.plan, warehouse, prepared.calendar, options, registry,
                    complete=prepared.complete(), on_outcome=on_outcome)
