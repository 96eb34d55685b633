"""One project id on BigQuery: a non-default project gets every job, and only it does.

On the emulator (which serves any project id): ``nbkit init --warehouse
bigquery://nbkit-other`` creates the datasets there and nowhere else, and a backfill of
opening week on ``nbkit-dev`` with the examples/phase5 project in force writes the ten
built-in tables and the example's stage 5 (two SQL processors, the export script, its
checks) there, while every job nbkit sends names ``nbkit-dev`` alone (tests/bigquery/jobs.py
records them as the client sends them).
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlglot

from nbkit import cli, parity, schema
from nbkit.backfill import execute, prepare
from nbkit.executor import RunOptions
from nbkit.plan import make_request
from nbkit.processors import registry
from nbkit.warehouse import open_warehouse
from nbkit.warehouse.qualify import references
from tests.bigquery import plugin
from tests.bigquery.jobs import JobLog
from tests.examples.helpers import copy_example, project

pytestmark = pytest.mark.bigquery

DEV, OTHER = "nbkit-dev", "nbkit-other"
START, END = dt.date(2021, 10, 19), dt.date(2021, 10, 27)  # Phase 4 and 5 from 10-26 on
BUILTIN_TABLES = [p.TARGET_TABLE for p in registry.all()]  # the default catalogue
STAGE5_TABLES = ["nba_predictions.player_points_baseline", "nba_predictions.prediction_grading",
                 "nba_predictions.prediction_exports"]


def _drop_project(client, project: str) -> None:
    for dataset in list(client.list_datasets(project)):
        client.delete_dataset(dataset.reference, delete_contents=True, not_found_ok=True)


def _production_state(client) -> tuple[set[str], int]:
    """The production project's datasets, and the rows of its processor tables."""
    datasets = {d.dataset_id for d in client.list_datasets(plugin.PROJECT)}
    counts = " UNION ALL ".join(
        f"SELECT COUNT(*) AS n FROM `{plugin.PROJECT}.{table}`" for table in BUILTIN_TABLES)
    rows = sum(r["n"] for r in client.query_and_wait(counts)) if datasets else 0
    return datasets, rows


def test_init_creates_datasets_only_in_the_named_project(bigquery_endpoint, _bigquery_admin,
                                                         monkeypatch, capsys):
    monkeypatch.delenv("NBKIT_BIGQUERY_PROJECT", raising=False)
    before = {d.dataset_id for d in _bigquery_admin.list_datasets(plugin.PROJECT)}
    try:
        assert cli.main(["init", "--warehouse", f"bigquery://{OTHER}"]) == 0
        assert f"Schema ready at bigquery://{OTHER}" in capsys.readouterr().out
        created = {d.dataset_id for d in _bigquery_admin.list_datasets(OTHER)}
        assert created == set(schema.DATASETS)
        tables = {f"{d}.{t.table_id}" for d in created
                  for t in _bigquery_admin.list_tables(f"{OTHER}.{d}")}
        assert tables == set(schema.tables())
        assert {d.dataset_id for d in _bigquery_admin.list_datasets(plugin.PROJECT)} == before
    finally:
        _drop_project(_bigquery_admin, OTHER)


def test_init_refuses_the_implicit_and_the_production_project(bigquery_endpoint,
                                                              _bigquery_admin, capsys):
    before = {d.dataset_id for d in _bigquery_admin.list_datasets(plugin.PROJECT)}
    assert cli.main(["init", "--warehouse", "bigquery://"]) == 2
    assert "needs an explicit project" in capsys.readouterr().err
    assert cli.main(["sample-data", "--warehouse", f"bigquery://{plugin.PROJECT}"]) == 2
    assert "is the production project" in capsys.readouterr().err
    assert {d.dataset_id for d in _bigquery_admin.list_datasets(plugin.PROJECT)} == before


@pytest.fixture(scope="module")
def dev_backfill(bigquery_emulator, _bigquery_admin, seed7_sample, tmp_path_factory):
    """Opening week backfilled on bigquery://nbkit-dev with examples/phase5 in force (the
    built-ins and the example's stage 5), every job recorded."""
    from nbkit.warehouse.bigquery import ENDPOINT_ENV, BigQueryWarehouse

    production_before = _production_state(_bigquery_admin)
    root = copy_example(tmp_path_factory.mktemp("phase5") / "phase5")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENDPOINT_ENV, bigquery_emulator.endpoint)  # before the settings load
        with project(root):
            wh = BigQueryWarehouse(project=DEV)
            plugin.send_emulator_sql(wh.client, patch.setattr)
            log = JobLog().attach(wh, patch.setattr)
            source = open_warehouse(seed7_sample, read_only=True)
            try:
                wh.init_schema()
                parity.copy_inputs(source, wh, parity.input_tables(), START, END)
                request = make_request(start_date=START.isoformat(), end_date=END.isoformat())
                log.step = "backfill"
                run = execute(wh, prepare(wh, request), RunOptions(progress=False))
                written = {p.TARGET_TABLE: int(wh.query(
                    f"SELECT COUNT(*) AS n FROM {p.TARGET_TABLE} WHERE {p.DATE_COLUMN} "
                    "BETWEEN @a AND @b", {"a": START, "b": END})["n"].iloc[0])
                    for p in registry.all()}
                after = _production_state(_bigquery_admin)
                yield run, log, written, production_before, after, root
            finally:
                source.close()
                wh.close()
                _drop_project(_bigquery_admin, DEV)


def test_backfill_on_a_dev_project_writes_all_ten_tables_there(dev_backfill):
    run, _, written, _, _, _ = dev_backfill
    assert run.status == "success", run.alerts
    assert set(written) == set(BUILTIN_TABLES) | set(STAGE5_TABLES)
    assert all(n > 0 for n in written.values()), written


def test_the_example_stage_5_runs_there_with_its_checks_and_export(dev_backfill):
    run, _, written, _, _, root = dev_backfill
    stage5 = run.outcomes[run.outcomes["processor"].isin(
        ["player_points_baseline", "prediction_grading", "prediction_export"])]
    assert set(stage5["status"]) == {"success"}, stage5.to_string()
    assert sorted(stage5["date"].astype(str).unique()) == ["2021-10-26", "2021-10-27"]
    assert written["nba_predictions.prediction_grading"] > 0
    assert sorted(p.name for p in (root / "exports").glob("*.csv")) == [
        "2021-10-26.csv", "2021-10-27.csv"]


def test_no_job_names_another_project(dev_backfill):
    _, log, _, before, after, _ = dev_backfill
    queries = [j for j in log.jobs if j.sql]
    assert len(queries) > 50
    for sql in dict.fromkeys(j.sql for j in queries):  # each distinct text parsed once
        for tree in sqlglot.parse(sql, read="bigquery"):
            projects = {project for _, project, _, _ in references(tree)}
            assert projects <= {DEV}, (projects, sql[:300])
    assert after == before  # the production project: same datasets, no rows written
