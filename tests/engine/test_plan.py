"""Plans are pure values: built from parameters, a calendar and observed states."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nbkit.calendar import SeasonCalendar
from nbkit.errors import ParamsError
from nbkit.plan import build_plan, make_request

from .toys import schedule, toy_registry

REG = toy_registry()
CAL = SeasonCalendar.from_schedule(schedule())
DATES = CAL.game_dates()


def states(**overrides) -> pd.DataFrame:
    rows = []
    for proc in ("toy_team_rows", "toy_defense"):
        for day in DATES:
            rows.append({"processor": proc, "data_date": day,
                         "state": overrides.get(f"{proc}@{day}", "done")})
    return pd.DataFrame(rows)


def test_bootstrap_is_days_0_to_6_from_opening_night():
    assert CAL.opening_night(2023) == dt.date(2023, 10, 24)
    assert CAL.bootstrap_dates() == [d for d in DATES if d <= dt.date(2023, 10, 30)]


def test_everything_done_plans_nothing_and_says_why():
    plan = build_plan(make_request(season="2023-24", registry=REG), CAL, states(), REG)
    assert plan.runnable() == []
    reasons = set(plan.to_frame()["reason"])
    assert reasons == {"done at this code version", "bootstrap"}


def test_reasons_for_each_state_and_include_filter():
    day = DATES[10]
    st = states(**{f"toy_team_rows@{day}": "partial", f"toy_team_rows@{DATES[11]}": "stale",
                   f"toy_team_rows@{DATES[12]}": "failed",
                   f"toy_team_rows@{DATES[13]}": "duplicates"})
    plan = build_plan(make_request(season="2023-24", registry=REG), CAL, st, REG)
    runs = {(t.date, t.reason) for t in plan.runnable() if t.processor == "toy_team_rows"}
    assert runs == {(day, "partial"), (DATES[11], "stale code version"), (DATES[12], "failed"),
                    (DATES[13], "duplicate keys")}
    only_failed = build_plan(make_request(season="2023-24", include="failed", registry=REG),
                             CAL, st, REG)
    assert {t.date for t in only_failed.runnable()} == {DATES[12]}


def test_phase4_blocked_when_upstream_neither_done_nor_planned():
    day = DATES[10]
    st = states(**{f"toy_team_rows@{day}": "partial", f"toy_defense@{DATES[-1]}": "missing"})
    plan = build_plan(make_request(season="2023-24", processors="toy_defense", registry=REG),
                      CAL, st, REG)
    last = [t for t in plan.tasks if t.date == DATES[-1]][0]
    assert last.action == "skip" and last.reason == "upstream incomplete: toy_team_rows"
    both = build_plan(make_request(season="2023-24", registry=REG), CAL, st, REG)
    assert any(t.processor == "toy_defense" and t.date == DATES[-1] for t in both.runnable())


def test_plan_algebra_returns_new_plans():
    plan = build_plan(make_request(season="2023-24", include="all", registry=REG), CAL,
                      states(), REG)
    assert {t.processor for t in plan.only(["toy_defense"]).tasks} == {"toy_defense"}
    window = plan.between(DATES[3], DATES[5])
    assert window.dates() == DATES[3:6] and len(plan.tasks) > len(window.tasks)


@pytest.mark.parametrize("kwargs,fragment", [
    ({}, "No dates selected"),
    ({"season": "2023-25"}, "consecutive years"),
    ({"start_date": "2023-11-05", "end_date": "2023-11-01"}, "after end_date"),
    ({"start_date": "2023-11-01"}, "Both start_date and end_date"),
    ({"season": "2023-24", "dates": "2023-11-01"}, "Choose one of"),
    ({"season": "2023-24", "processors": "toy_defence"}, "did you mean toy_defense"),
    ({"season": "2023-24", "phases": "5"}, "phase '5'"),
    ({"season": "2023-24", "include": "everything"}, "include 'everything'"),
    ({"dates": "2023-11-01,2023-02-30"}, "not a valid date"),
    ({"season": "'; DROP TABLE x; --"}, "is not a season"),
])
def test_bad_parameters_all_reported_with_fix(kwargs, fragment):
    with pytest.raises(ParamsError, match="Fix:") as info:
        make_request(registry=REG, **kwargs)
    assert fragment in str(info.value)


def test_season_outside_schedule_is_refused():
    from nbkit.plan import resolve_dates

    with pytest.raises(ParamsError, match="use one of: 2023-24"):
        resolve_dates(make_request(season="2019-20", registry=REG), CAL)


def test_phase4_done_before_its_upstream_was_rerun_is_planned_again():
    """Forward invalidation: a Phase 3 date rewritten (now, or since) reruns the Phase 4
    dates whose lookback window reads it, and only those."""
    rerun = DATES[10]
    st = states(**{f"toy_team_rows@{rerun}": "stale"})
    plan = build_plan(make_request(season="2023-24", registry=REG), CAL, st, REG)
    defense = {t.date: t for t in plan.tasks if t.processor == "toy_defense"}
    assert {d for d, t in defense.items() if t.action == "run"} == {
        d for d in DATES if d >= rerun and d not in CAL.bootstrap_dates()}
    assert defense[DATES[-1]].reason == f"upstream rerun in this plan: toy_team_rows {rerun}"
    assert defense[DATES[9]].reason == "done at this code version"

    no_stale = build_plan(make_request(season="2023-24", include="missing,partial,failed",
                                       registry=REG), CAL, st, REG)
    assert not [t for t in no_stale.runnable() if t.processor == "toy_defense"]


def test_phase4_older_than_its_upstream_run_is_stale_by_ledger_time():
    st = states()
    st["processed_at"] = pd.Timestamp("2026-01-01 10:00", tz="UTC")
    later = DATES[12]
    st.loc[(st["processor"] == "toy_team_rows") & (st["data_date"] == later),
           "processed_at"] = pd.Timestamp("2026-01-02 10:00", tz="UTC")
    plan = build_plan(make_request(season="2023-24", registry=REG), CAL, st, REG)
    runs = {t.date: t.reason for t in plan.runnable()}
    assert set(runs) == {d for d in DATES if d >= later}
    assert runs[later] == f"upstream rewritten since: toy_team_rows {later}"

    st["processed_at"] = pd.Timestamp("2026-01-03 10:00", tz="UTC")  # Phase 4 reran after
    assert build_plan(make_request(season="2023-24", registry=REG), CAL, st, REG
                      ).runnable() == []
