"""The interactive stepper, driven through its widgets (no browser)."""

from __future__ import annotations

import datetime as dt

import pytest

from nbkit.leases import Leases
from nbkit.ledger import Ledger
from nbkit.nb import Stepper
from nbkit.warehouse import open_warehouse

from .conftest import SEASON, WINDOW

TOGS = "nba_analytics.team_offense_game_summary"


@pytest.fixture
def stepper(copy_of, monkeypatch, capsys):
    monkeypatch.setenv("NBKIT_OPERATOR", "analyst-ann")
    wh = copy_of("stepper")
    s = Stepper(wh, season=SEASON)
    s.start_date.value, s.end_date.value = WINDOW["start_date"], WINDOW["end_date"]
    yield s
    capsys.readouterr()  # outside a kernel, display() prints; keep the log quiet


def enabled(s: Stepper) -> set[str]:
    return {name for name, button in s.buttons.items() if not button.disabled}


def test_steps_unlock_in_order_and_write_the_shared_ledger(stepper):
    s = stepper
    assert s.season.options == ("2021-22", "2022-23", "2023-24")
    assert enabled(s) == {"preview"}
    s.buttons["preview"].click()
    assert "11 game dates" in s.status.value and enabled(s) == {"preview", "phase3", "gate1"}
    s.buttons["phase3"].click()
    assert s.done["phase3"] == "success"
    assert s.progress.value == s.progress.max == 55  # 5 processors x 11 dates, live
    assert s.figure is not None and len(s.figure.data[0].y) == 10  # heatmap refreshed
    s.buttons["gate1"].click()
    assert s.done["gate1"] == "PASS" and "phase4" in enabled(s)
    s.buttons["phase4"].click()
    s.buttons["gate2"].click()
    assert s.done == {"preview": "ok", "phase3": "success", "gate1": "PASS",
                      "phase4": "success", "gate2": "PASS"}
    with open_warehouse(s.warehouse, read_only=True) as wh:
        runs = Ledger(wh).runs()
        leases = Leases(wh).active()
    assert len(runs) == 2 and set(runs["operator"]) == {"analyst-ann"}
    assert set(runs["status"]) == {"success"}
    assert all(c.startswith("nbkit run notebooks/10_season.ipynb -p season 2023-24")
               for c in runs["command"])
    assert leases.empty  # released after each step


def test_changing_the_selection_resets_the_steps(stepper):
    stepper.buttons["preview"].click()
    stepper.season.value = "2022-23"
    assert enabled(stepper) == {"preview"} and "preview the plan again" in stepper.status.value


def test_a_held_lease_is_refused_and_shown_not_raised(stepper):
    s = stepper
    with open_warehouse(s.warehouse) as wh:  # another writer on the same tables and dates
        ledger = Ledger(wh)
        lease = ledger.leases.acquire("batch_run_1", [TOGS], [dt.date(2023, 10, 25)],
                               owner="batch-bob")
    s.buttons["preview"].click()
    s.buttons["phase3"].click()
    assert s.done["phase3"] == "error"
    assert "LeaseHeldError" in s.status.value and "batch-bob" in s.status.value
    with open_warehouse(s.warehouse) as wh:
        ledger = Ledger(wh)
        # a read first: DuckDBWarehouse.__init__ leaves a fetchone() result open, which makes a
        # write as the very first call fail on duckdb 2.0 (reported to the engine owner)
        assert len(ledger.leases.active()) == 1
        ledger.leases.release(lease)
    s.buttons["phase3"].click()
    assert s.done["phase3"] == "success"


def test_phase4_stays_locked_after_a_failed_gate_unless_overridden(stepper):
    s = stepper
    s.buttons["preview"].click()
    s.buttons["gate1"].click()  # Phase 3 not run yet: Gate 1 fails closed
    assert s.done["gate1"] == "FAIL" and "phase4" not in enabled(s)
    s.override.value = True
    assert "phase4" in enabled(s)
