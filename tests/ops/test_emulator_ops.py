"""On the BigQuery emulator: SIGTERM and `nbkit cancel` mid-run, and retries that classify."""

from __future__ import annotations

import signal
import time

import pandas as pd
import pytest

from nbkit.backfill import execute, prepare
from nbkit.exitcodes import ExitCode
from nbkit.executor import RunOptions
from nbkit.ledger import RUN_HISTORY, Ledger
from nbkit.plan import make_request
from nbkit.warehouse.bigquery import ENDPOINT_ENV
from tests.bigquery.plugin import PROJECT, reset
from tests.engine.toys import schedule, toy_registry

from .helpers import checksums, finish, nbkit, read_until, run_id_from, start

pytestmark = [pytest.mark.reliability, pytest.mark.bigquery]
URL = "bigquery://nba-props-platform"
ARGS = ["backfill", "--warehouse", URL, "--season", "2023-24", "--chunk-size", "1",
        "--no-progress"]
DAYS = 10


@pytest.fixture
def bq(bigquery_warehouse):
    bigquery_warehouse.init_schema()
    bigquery_warehouse.write_frame("nba_raw.nbac_schedule", schedule(days=DAYS))
    return bigquery_warehouse


def _stop_mid_run(how: str) -> tuple[int, dict, str, float]:
    proc = start(ARGS + ["--json"], "--hold")
    _, lines = read_until(proc.stderr, "HOLDING")
    run_id = run_id_from(lines)
    sent = time.monotonic()
    if how == "sigterm":
        proc.send_signal(signal.SIGTERM)
    else:
        code, doc = nbkit(["cancel", run_id, "--warehouse", URL])
        assert code == 0 and doc["data"]["run_status"] == "running"
    proc.stdin.write("go\n")
    proc.stdin.flush()
    code, doc, err = finish(proc, timeout=120)
    return code, doc, run_id, time.monotonic() - sent


@pytest.fixture(scope="module")
def uninterrupted(bigquery_emulator, _bigquery_admin) -> list[pd.DataFrame]:
    """The checksums of one uninterrupted run on the emulator, for both ways of stopping
    (the same schedule and toys each time: one reference instead of one per test). Read
    as the tests read theirs (a plain warehouse, no emulator SQL rewrites)."""
    from nbkit.warehouse.bigquery import BigQueryWarehouse

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENDPOINT_ENV, bigquery_emulator.endpoint)
        wh = BigQueryWarehouse(project=PROJECT)
        try:
            wh.init_schema()
            wh.write_frame("nba_raw.nbac_schedule", schedule(days=DAYS))
            code, doc = nbkit(ARGS)
            assert code == 0 and doc["data"]["status"] == "success", doc
            return checksums(wh)
        finally:
            try:
                wh.close()
            finally:
                reset(_bigquery_admin)


@pytest.mark.parametrize("how", ["sigterm", "nbkit-cancel"])
def test_stop_mid_run_on_the_emulator_then_resume_matches_uninterrupted(uninterrupted, bq, how):
    expected = uninterrupted

    code, doc, run_id, seconds = _stop_mid_run(how)
    assert code == ExitCode.CANCELLED, doc
    if how == "sigterm":
        assert seconds < 10
    ledger = Ledger(bq)
    assert ledger.run(run_id)["status"] == "cancelled"
    assert ledger.leases.active().empty
    code, doc = nbkit(ARGS)
    assert code == 0 and doc["data"]["status"] == "success", doc
    for got, want in zip(checksums(bq), expected):
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


def _fault(wh, monkeypatch, error, times: int):
    """A fault hook in the test setup: the first ``times`` MERGE jobs raise ``error``."""
    real = wh.client.query
    raised = []

    def query(sql, *args, **kwargs):
        if sql.lstrip().startswith("MERGE `nba-props-platform.nba_analytics") \
                and len(raised) < times:
            raised.append(sql)
            raise error
        return real(sql, *args, **kwargs)

    monkeypatch.setattr(wh.client, "query", query)
    return raised


def _toy_run(wh, dates: str):
    reg = toy_registry()
    prepared = prepare(wh, make_request(dates=dates, phases="3", registry=reg), registry=reg)
    return execute(wh, prepared, RunOptions(chunk_size=1, progress=False, retries=2,
                                            backoff_seconds=0.05), registry=reg)


def _history(wh, run_id: str) -> pd.DataFrame:
    return wh.query(f"SELECT status, retry_attempt, errors FROM `nba-props-platform.{RUN_HISTORY}`"
                    " WHERE data_date >= DATE '1900-01-01' AND run_id = @r "
                    "ORDER BY retry_attempt", {"r": run_id})


def test_injected_transient_error_is_retried_and_every_attempt_recorded(bq, monkeypatch):
    from google.api_core.exceptions import ServiceUnavailable

    raised = _fault(bq, monkeypatch, ServiceUnavailable("injected 503 backend unavailable"), 1)
    result = _toy_run(bq, "2023-10-24")
    assert result.status == "success" and len(raised) == 1
    rows = _history(bq, result.run_id)
    assert rows[["status", "retry_attempt"]].values.tolist() == [["retried", 1], ["success", 2]]
    assert any(a.startswith("RETRY toy_team_rows") for a in result.alerts)


def test_reason_code_decides_a_403_rate_limit_is_transient(bq, monkeypatch):
    from google.api_core.exceptions import Forbidden

    err = Forbidden("injected", errors=[{"reason": "rateLimitExceeded", "message": "x"}])
    _fault(bq, monkeypatch, err, 1)
    assert _toy_run(bq, "2023-10-24").status == "success"


def test_injected_permanent_error_fails_its_chunk_on_the_first_attempt(bq, monkeypatch):
    from google.api_core.exceptions import BadRequest

    err = BadRequest("injected: Unrecognized name", errors=[{"reason": "invalidQuery"}])
    raised = _fault(bq, monkeypatch, err, 99)
    result = _toy_run(bq, "2023-10-24")
    assert result.status == "failed" and len(raised) == 1, "a permanent error is not retried"
    rows = _history(bq, result.run_id)
    assert rows[["status", "retry_attempt"]].values.tolist() == [["failed", 1]]
