"""End to end on the BigQuery backend: three weeks from opening night through the public API.

Once per module: the seed-7 sample's inputs for 2021-10-19..2021-11-08 (the schedule two
weeks further, for the "next game" columns) are copied into the emulator and into a fresh
DuckDB warehouse; the same ``prepare(make_request(...))`` / ``execute(RunOptions(...))`` runs
on both; then the ledger, the outputs, a rerun, gap analysis and gates 0-3 are read back.
Every job the BigQuery warehouse sends is recorded as the client sends it (tests/bigquery/
jobs.py; the emulator keeps no labels), so the tests can check labels, byte caps, job counts
and the partition filters real BigQuery requires (tests/bigquery/partition_filter.py).
The emulator gets the SQL through the shared emulator-only workarounds (plugin.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd
import pytest

from nbkit import gaps, gates, parity
from nbkit.backfill import execute, prepare
from nbkit.executor import RunOptions
from nbkit.leases import LEASES
from nbkit.ledger import Ledger
from nbkit.plan import make_request
from nbkit.processors import registry
from nbkit.status import load_calendar
from nbkit.warehouse import open_warehouse
from tests.bigquery import plugin
from tests.bigquery.jobs import JobLog, target_table
from tests.bigquery.partition_filter import violations

pytestmark = pytest.mark.bigquery

PROJECT = plugin.PROJECT
START, END = dt.date(2021, 10, 19), dt.date(2021, 11, 8)  # opening night + three weeks
SCHEDULE_AHEAD = dt.timedelta(days=14)
BOOTSTRAP_DAYS = 7
BUDGET = 10 * 2**30
# what BigQueryWarehouse._replace sends when an endpoint reports no dmlStats (the emulator)
DML_STATS_FALLBACK = re.compile(r"SELECT COUNT\(\*\) AS n FROM `[^`]+` "
                                r"WHERE `\w+` IN UNNEST\(@nbkit_dates\)")
PROCS = registry.all()


@dataclass
class Backfill:
    """Everything the module's tests assert on, computed once."""

    game_dates: list[dt.date]
    jobs: JobLog
    run: object = None
    duck_run: object = None
    rerun: object = None
    rerun_plan: object = None
    history: pd.DataFrame | None = None
    run_row: dict = field(default_factory=dict)
    leases: pd.DataFrame | None = None
    active_leases: pd.DataFrame | None = None
    compared: pd.DataFrame | None = None
    analysis: dict[str, dict] = field(default_factory=dict)  # backend -> name -> frame


@pytest.fixture(scope="module")
def backfill(bigquery_emulator, _bigquery_admin, seed7_sample, tmp_path_factory) -> Backfill:
    with plugin.emulator_warehouse(bigquery_emulator, _bigquery_admin) as (bq, patch):
        source = open_warehouse(seed7_sample, read_only=True)
        duck = open_warehouse(str(tmp_path_factory.mktemp("e2e") / "duck.duckdb"))
        log = JobLog().attach(bq, patch.setattr)
        out = Backfill(parity.game_dates(source, START, END), log)
        try:
            _run_all(out, source, duck, bq)
        finally:
            source.close()
            duck.close()
    return out


def _run_all(out: Backfill, source, duck, bq) -> None:
    request = make_request(start_date=START.isoformat(), end_date=END.isoformat())
    options = RunOptions(progress=False, max_bytes_billed=BUDGET)

    def step(name: str) -> None:
        out.jobs.step = name

    def on_duckdb() -> None:
        _copy_inputs(source, duck)
        out.duck_run = execute(duck, prepare(duck, request), options)
        out.analysis["duckdb"] = _gaps_and_gates(duck)

    # The DuckDB run works in this process while the emulator works in its own: overlap them.
    with ThreadPoolExecutor(max_workers=1) as pool:
        duck_done = pool.submit(on_duckdb)
        step("copy")
        _copy_inputs(source, bq)
        step("prepare")
        prepared = prepare(bq, request)
        step("execute")
        out.run = execute(bq, prepared, options)
        step("ledger")
        ledger = Ledger(bq)
        out.history = ledger.history(START, END)
        out.run_row = ledger.run(out.run.run_id)
        out.leases = bq.query(f"SELECT * FROM `{PROJECT}.{LEASES}` WHERE run_id = @r",
                              {"r": out.run.run_id})
        out.active_leases = ledger.leases.active()
        step("rerun_prepare")
        again = prepare(bq, request)
        out.rerun_plan = again.plan
        step("rerun_execute")
        out.rerun = execute(bq, again, options)
        step("gaps_gates")
        out.analysis["bigquery"] = _gaps_and_gates(bq)
        step("wait_duckdb")
        duck_done.result()
    step("compare")
    out.compared = parity.compare(duck, bq, [p.TARGET_TABLE for p in PROCS], START, END)


def _copy_inputs(source, wh) -> None:
    parity.copy_inputs(source, wh, parity.input_tables(), START, END)
    parity.copy_inputs(source, wh, ["nba_raw.nbac_schedule"], END + dt.timedelta(days=1),
                       END + SCHEDULE_AHEAD)


def _gaps_and_gates(wh) -> dict:
    """What bench/run.py times: gap analysis, the shared gate scope, gates 0-3."""
    calendar = load_calendar(wh, START, END)
    status = gaps.table_status(gaps.task_states(wh, calendar.game_dates()), calendar)
    scope = gates.scope(wh, START, END)
    frames = {"coverage": gaps.coverage_by_table(status), "missing": gaps.missing_dates(status),
              "gate0": gates.gate0(wh, START, END), "gate1": gates.gate1(wh, scope),
              "gate2": gates.gate2(wh, scope), "gate3": gates.gate3(wh, scope)}
    return {name: frame.reset_index(drop=True) for name, frame in frames.items()}


def expected_dates(proc, game_dates: list[dt.date]) -> list[dt.date]:
    """Phase 3 runs on every game date, Phase 4 on those after the bootstrap week."""
    if proc.PHASE < 4:
        return game_dates
    return [d for d in game_dates if (d - START).days >= BOOTSTRAP_DAYS]


def processor_jobs(backfill: Backfill, proc) -> list:
    return [j for j in backfill.jobs.of("execute") if j.labels.get("processor") == proc.NAME]


# ----------------------------------------------------------------------------- the run

def test_run_succeeds_on_every_date(backfill):
    assert backfill.run.status == "success", backfill.run.alerts
    assert backfill.duck_run.status == "success", backfill.duck_run.alerts
    assert len(backfill.game_dates) >= 18  # three weeks of game nights
    outcomes = backfill.run.outcomes
    for proc in PROCS:
        mine = outcomes[outcomes["processor"] == proc.NAME]
        assert sorted(mine["date"]) == expected_dates(proc, backfill.game_dates), proc.NAME
        assert (mine["status"] == "success").all() and (mine["rows"] > 0).all(), proc.NAME
    phase4 = expected_dates(PROCS[-1], backfill.game_dates)
    assert phase4 and phase4[0] == dt.date(2021, 10, 26)  # first date after the bootstrap week


def test_ledger_records_every_processor_and_date(backfill):
    history = backfill.history
    history["data_date"] = pd.to_datetime(history["data_date"]).dt.date
    for proc in PROCS:
        rows = history[history["processor_name"] == proc.RUN_HISTORY_NAME]
        assert sorted(rows["data_date"]) == expected_dates(proc, backfill.game_dates), proc.NAME
        assert (rows["status"] == "success").all(), proc.NAME
        assert (rows["run_id"] == backfill.run.run_id).all()
        assert (rows["cloud_run_revision"] == proc.code_version()).all(), proc.NAME
        summaries = [json.loads(s) if isinstance(s, str) else s for s in rows["summary"]]
        assert {s["code_version"] for s in summaries} == {proc.code_version()}
        # the job(s) that computed the chunk, and what they billed (the emulator bills 0)
        assert {len(s["job_ids"]) for s in summaries} <= {1, 2}, proc.NAME
        assert len({tuple(s["job_ids"]) for s in summaries}) == 1, proc.NAME  # one chunk
        assert all(s["chunk_bytes_billed"] == 0 for s in summaries), proc.NAME
    run = backfill.run_row
    assert run["status"] == "success" and run["backend"] == "bigquery"
    assert run["tasks_succeeded"] == len(backfill.run.outcomes)
    versions = run["code_versions"]
    versions = json.loads(versions) if isinstance(versions, str) else versions
    assert versions == {p.NAME: p.code_version() for p in PROCS}


def test_writer_lease_is_released(backfill):
    leases = backfill.leases
    assert len(leases) == 1, leases.to_string()
    assert leases["status"].tolist() == ["released"] and leases["released_at"].notna().all()
    assert backfill.active_leases.empty


# ----------------------------------------------------------------------------- the jobs

def test_every_job_carries_the_run_label(backfill):
    sent = backfill.jobs.of("execute")
    queries = [j for j in sent if j.kind != "load"]
    assert queries
    unlabelled = [j.sql[:120] for j in queries if j.labels.get("nbkit_run") != backfill.run.run_id]
    assert not unlabelled, unlabelled


def test_processor_jobs_carry_processor_phase_and_byte_cap(backfill):
    for proc in PROCS:
        mine = [j for j in processor_jobs(backfill, proc) if j.kind != "load"]
        assert mine, proc.NAME
        assert {j.labels["phase"] for j in mine} == {str(proc.PHASE)}
        assert {j.maximum_bytes_billed for j in mine} == {BUDGET}, proc.NAME
        writes = [j for j in backfill.jobs.of("execute")
                  if j.kind == "query" and j.sql and target_table(j.sql) == proc.TARGET_TABLE]
        assert writes and all(j.labels.get("processor") == proc.NAME for j in writes), proc.NAME


def test_fewer_than_three_jobs_per_processor_per_chunk(backfill):
    """One chunk per processor (chunk_size=0: a season per statement, and the window is one
    season): its MERGE and its verification query, never one per date. Also labelled with
    the processor but not counted: the ledger write of its outcomes (a load job and a MERGE
    into processor_run_history) and, on the emulator only, the row count after each MERGE
    that stands in for the dmlStats BigQuery reports (nbkit/warehouse/bigquery.py _replace)."""
    for proc in PROCS:
        mine = processor_jobs(backfill, proc)
        ledger = [j for j in mine if j.kind == "load" or j.sql and (
            (target_table(j.sql) or "").startswith("nba_reference."))]
        work = [j for j in mine if j not in ledger and not DML_STATS_FALLBACK.fullmatch(j.sql)]
        merges = [j for j in work if target_table(j.sql) == proc.TARGET_TABLE]
        dates = len(expected_dates(proc, backfill.game_dates))
        assert len(merges) == 1, [j.sql[:80] for j in work]
        assert len(work) < 3, (proc.NAME, [j.sql[:80] for j in work])
        assert len(mine) <= 6 < dates, (proc.NAME, len(mine), dates)


def test_jobs_filter_every_partition_filtered_table(backfill):
    """Real BigQuery refuses a read of a require_partition_filter table without a filter
    on its partition column; the emulator does not, so every job's SQL is checked."""
    steps = ("prepare", "execute", "rerun_prepare", "rerun_execute", "gaps_gates")
    checked = [j for j in backfill.jobs.of(*steps) if j.sql]
    assert len(checked) > 100
    bad = {str(v) for j in checked for v in violations(j.sql)}
    assert not bad, "\n".join(sorted(bad))


# ----------------------------------------------------------------------------- the data

def test_outputs_match_duckdb_per_table_and_date(backfill):
    frame = backfill.compared
    for proc in PROCS:
        rows = frame[frame["table"] == proc.TARGET_TABLE]
        assert sorted(rows["data_date"]) == expected_dates(proc, backfill.game_dates), proc.NAME
        assert (rows["rows_a"] > 0).all() and rows["match"].all(), \
            rows[~rows["match"]].to_string()


def test_no_duplicate_keys(backfill):
    """Gap analysis on the emulator counts rows sharing each table's key, per date."""
    coverage = backfill.analysis["bigquery"]["coverage"].set_index("table")["duplicate_rows"]
    assert coverage.to_dict() == {p.TARGET_TABLE: 0 for p in PROCS}


def test_rerun_runs_nothing_and_writes_nothing(backfill):
    assert backfill.rerun.status == "nothing to do" and backfill.rerun.run_id is None
    assert backfill.rerun_plan.runnable() == []
    assert backfill.jobs.of("rerun_execute") == []
    reads = backfill.jobs.of("rerun_prepare")
    assert reads and not [j for j in reads if j.writes]


# ----------------------------------------------------------------------------- analysis

@pytest.mark.parametrize("name", ["coverage", "missing", "gate0", "gate1", "gate2", "gate3"])
def test_gap_analysis_and_gates_equal_duckdb(backfill, name):
    bq, duck = backfill.analysis["bigquery"][name], backfill.analysis["duckdb"][name]
    if name.startswith("gate"):
        assert gates.verdict(bq) == gates.verdict(duck)
    assert bq.astype(str).to_dict("records") == duck.astype(str).to_dict("records")


def test_gap_analysis_finds_the_window_complete(backfill):
    coverage = backfill.analysis["bigquery"]["coverage"]
    assert len(coverage) == len(PROCS)
    assert (coverage["complete"] == coverage["expected_dates"]).all(), coverage.to_string()
    assert backfill.analysis["bigquery"]["missing"].empty
