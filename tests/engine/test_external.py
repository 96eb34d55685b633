"""External processors: a command template and a Python callable, in the same ledger."""

from __future__ import annotations

import sys
import textwrap

import pytest

from nbkit.backfill import execute, prepare
from nbkit.executor import RunOptions
from nbkit.plan import make_request
from nbkit.processors.external import ExternalProcessor

from .toys import ToyTeamRows, schedule, toy_registry

TOGS = "nba_analytics.team_offense_game_summary"


def _external(name, **attrs):
    base = {k: getattr(ToyTeamRows, k) for k in (
        "PHASE", "TARGET_TABLE", "DATE_COLUMN", "KEY_COLUMNS", "EXPECTED_ROWS_SQL")}
    return type(name, (ExternalProcessor,), {**base, "NAME": "toy_team_rows",
                                             "RUN_HISTORY_NAME": name, **attrs})


@pytest.fixture
def wh(duck):
    duck.write_frame("nba_raw.nbac_schedule", schedule(days=10))
    return duck


def test_callable_processor_lands_in_ledger(wh):
    seen = []

    def write(warehouse, dates):
        seen.append(list(dates))
        warehouse.replace_dates(TOGS, dates, ToyTeamRows.sql_text(), {"dates": dates})

    proc = _external("CallableToy", CALLABLE=staticmethod(write))
    reg = toy_registry()
    reg.register(proc)
    prepared = prepare(wh, make_request(season="2023-24", phases="3", registry=reg),
                       registry=reg)
    result = execute(wh, prepared, RunOptions(progress=False), registry=reg)
    assert result.status == "success" and len(seen) == 1
    rows = wh.query("SELECT status FROM nba_reference.processor_run_history "
                    "WHERE processor_name = 'CallableToy'")
    assert len(rows) == len(seen[0]) and set(rows["status"]) == {"success"}


def test_command_template_failure_is_recorded_not_raised(wh, tmp_path):
    script = tmp_path / "legacy_backfill.py"
    script.write_text(textwrap.dedent("""
        import sys
        dates = sys.argv[sys.argv.index('--dates') + 1].split(',')
        sys.exit(3 if '2023-10-26' in dates else 0)
    """))
    proc = _external("CommandToy", COMMAND=f"{sys.executable} {script} --dates {{dates}}")
    assert proc.command_args([__import__("datetime").date(2023, 10, 26)])[-1] == "2023-10-26"
    reg = toy_registry()
    reg.register(proc)
    prepared = prepare(wh, make_request(season="2023-24", phases="3", registry=reg),
                       registry=reg)
    result = execute(wh, prepared, RunOptions(progress=False, retries=0), registry=reg)
    failed = result.outcomes[result.outcomes["status"] == "failed"]
    assert [str(d) for d in failed["date"]] == ["2023-10-26"]
    assert failed["reason"].str.contains("exited 3").all()
    # the script exits 0 on the other dates but writes nothing: never a silent success
    others = result.outcomes[result.outcomes["status"] != "failed"]
    assert len(others) and (others["status"] == "partial").all()
    assert others["reason"].str.startswith("incomplete: 0 of").all()


def test_command_placeholders_cannot_inject_shell(tmp_path):
    proc = _external("Inject", COMMAND="echo {dates}")
    args = proc.command_args([__import__("datetime").date(2023, 10, 26)])
    assert args == ["echo", "2023-10-26"]  # run without a shell, one argv element per token
