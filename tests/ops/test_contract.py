"""The scheduler contract: --json documents validated against their schemas, exit codes
documented in the README exactly as coded, the digest and lineage at local servers."""

from __future__ import annotations

import http.server
import json
import re
import threading
from pathlib import Path

import pytest

from nbkit import cli, jsonout, notify
from nbkit.exitcodes import ExitCode, for_error, markdown_table
from nbkit.settings import LineageSettings, NotificationSettings

from .helpers import REPO, make_duckdb, nbkit

SECRET_URL_PATH = "/hooks/T000/B000/s3cr3t-token-path"


def test_readme_exit_code_table_is_the_code():
    text = (REPO / "README.md").read_text()
    block = re.search(r"<!-- exit-codes:start -->\n(.*?)\n<!-- exit-codes:end -->", text, re.S)
    assert block and block.group(1).strip() == markdown_table()
    schema_codes = jsonout.schema("result")["properties"]["exit_code"]["enum"]
    assert sorted(schema_codes) == sorted(int(c) for c in ExitCode)


def test_errors_map_to_their_codes():
    from nbkit.cost import BudgetExceededError
    from nbkit.errors import ParamsError, WarehouseBusyError
    from nbkit.leases import LeaseHeldError

    assert for_error(LeaseHeldError("x", "y")) == ExitCode.LEASE_HELD
    assert for_error(WarehouseBusyError("x", "y")) == ExitCode.LEASE_HELD
    assert for_error(BudgetExceededError("x", "y")) == ExitCode.OVER_BUDGET
    assert for_error(ParamsError("x", "y")) == ExitCode.BAD_INPUT
    assert for_error(RuntimeError("bug")) == ExitCode.INTERNAL_ERROR


def _json(capfd, *argv) -> tuple[int, dict]:
    code = cli.main([*argv, "--json"])
    out, _ = capfd.readouterr()
    doc = json.loads(out)  # exactly one document on stdout
    jsonout.validate(doc)
    assert doc["exit_code"] == code
    return code, doc


@pytest.fixture
def toy_wh(tmp_path, monkeypatch):
    from nbkit.processors import registry
    from tests.engine.toys import ToyDefense, ToyTeamRows

    monkeypatch.setattr(registry, "_loaded", True)
    for proc in (ToyTeamRows, ToyDefense):
        if proc.NAME not in registry.names():
            registry.register(proc)
    monkeypatch.chdir(tmp_path)
    return make_duckdb(tmp_path / "wh.duckdb", days=10)


def test_every_warehouse_command_json_validates(tmp_path):
    w = ["--warehouse", make_duckdb(tmp_path / "wh.duckdb", days=10)]
    assert nbkit(["init", *w])[0] == 0
    assert nbkit(["sql", "SELECT 1 AS one", *w])[1]["data"]["rows"] == [{"one": 1}]
    assert nbkit(["plan", "--season", "2023-24", *w])[0] == 0
    code, doc = nbkit(["ready", "--season", "2023-24", "--phase", "3", *w])
    assert doc["data"]["tasks"] > 0
    code, doc = nbkit(["backfill", "--season", "2023-24", "--no-progress", *w])
    assert code == 0 and doc["data"]["status"] == "success", doc["data"]["alerts"]
    run_id = doc["data"]["run_id"]
    assert nbkit(["leases", *w])[1]["data"]["leases"] == []
    code, doc = nbkit(["runs", *w, "--reports", str(tmp_path / "reports")])
    assert [r["id"] for r in doc["data"]["runs"]] == [run_id]
    assert nbkit(["runs", "show", run_id, *w])[1]["data"]["run"]["status"] == "success"
    code, doc = nbkit(["runs", "prune", "--keep", "0", "--reports", str(tmp_path / "reports")])
    assert code == 0 and doc["data"]["removed"] == []
    code, doc = nbkit(["cancel", run_id, *w])
    assert code == ExitCode.BAD_INPUT and doc["error"]["fix"]
    assert nbkit(["status", *w])[0] == 0
    assert nbkit(["gaps", "--text", *w])[0] == 0
    assert nbkit(["validate", "--text", *w])[0] in (0, 3)
    assert nbkit(["sql", "--show", "toy_team_rows"])[0] == 0


def test_bad_arguments_still_give_one_json_document(capfd):
    code, doc = _json(capfd, "backfill", "--no-such-flag")
    assert code == ExitCode.BAD_INPUT and doc["exit_name"] == "bad_input"


def test_notebook_run_json_and_exit_code(capfd, tmp_path):
    code, doc = _json(capfd, "run", "no_such_notebook", "--reports", str(tmp_path))
    assert code == ExitCode.BAD_INPUT and doc["error"]["type"] == "NotebookRunError"


# ------------------------------------------------------------------ local servers
class _Sink(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, json.loads(body)))
        self.send_response(200 if "fail" not in self.path else 500)
        self.end_headers()

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def server():
    _Sink.received = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", _Sink.received
    httpd.shutdown()


def test_digest_reaches_webhooks_once_per_run_and_the_url_stays_secret(
        server, tmp_path, caplog):
    base, received = server
    toml = tmp_path / "nbkit.toml"
    toml.write_text(f"""
[[notifications.webhooks]]
name = "team-slack"
format = "slack"
url = "{base}{SECRET_URL_PATH}"

[[notifications.webhooks]]
name = "generic"
format = "json"
url_env = "NBKIT_TEST_HOOK"

[[notifications.webhooks]]
name = "broken"
url = "{base}/fail{SECRET_URL_PATH}"
""")
    wh = make_duckdb(tmp_path / "wh.duckdb", days=10)
    env = {"NBKIT_TEST_HOOK": f"{base}/generic{SECRET_URL_PATH}", "NBKIT_LOG": "INFO",
           "NBKIT_PROJECT": str(toml)}
    code, doc = nbkit(["backfill", "--season", "2023-24", "--no-progress", "--warehouse", wh],
                      env=env)
    assert code == 0
    paths = sorted(p for p, _ in received)
    assert len(received) == 3, "one message per webhook per run, never one per date"
    slack = next(body for path, body in received if path == SECRET_URL_PATH)
    generic = next(body for path, body in received if path.startswith("/generic"))
    assert "SUCCESS" in slack["text"] and slack["blocks"][0]["type"] == "section"
    assert generic["schema"] == "nbkit.digest" and generic["run_id"] == doc["data"]["run_id"]
    assert generic["stages"]["phase 3"]["success"] > 0 and "phase 4" in generic["stages"]
    assert generic["status"] == "success" and generic["duration_seconds"] > 0
    assert paths  # and the secret appears in no ledger row and no file but the project file
    from nbkit.warehouse import open_warehouse

    with open_warehouse(wh, read_only=True) as w:
        for table in ("nbkit_runs", "processor_run_history", "nbkit_writer_leases"):
            frame = w.query(f"SELECT * FROM nba_reference.{table}")
            assert "s3cr3t" not in frame.to_json(date_format="iso"), table
    for path in tmp_path.rglob("*"):
        if path.is_file() and path != toml and path.suffix not in (".duckdb", ".wal"):
            assert "s3cr3t" not in path.read_text(errors="ignore"), path


def test_failed_delivery_is_logged_without_the_url_and_never_raises(caplog):
    config = NotificationSettings(webhooks=[{"name": "down", "url":
                                             "http://127.0.0.1:9" + SECRET_URL_PATH}],
                                  timeout_seconds=2)
    message = notify.digest("r1", "backfill", "failed", 1.0, {})
    results = notify.send(message, config)
    assert results[0]["delivered"] is False
    assert "s3cr3t" not in caplog.text and "down" in caplog.text
    assert "s3cr3t" not in repr(config)


def _lineage_events(tmp_path, config: LineageSettings, backend="duckdb"):
    from nbkit.backfill import execute, prepare
    from nbkit.executor import RunOptions
    from nbkit.plan import make_request
    from nbkit.warehouse import open_warehouse
    from tests.engine.toys import toy_registry

    import nbkit.executor as executor

    reg = toy_registry()
    path = make_duckdb(tmp_path / "wh.duckdb", days=10)
    real = executor._lineage
    from nbkit import lineage

    executor._lineage = lambda wh, run_id: lineage.emitter(wh, run_id, config)
    try:
        with open_warehouse(path) as wh:
            prepared = prepare(wh, make_request(season="2023-24", registry=reg), registry=reg)
            return execute(wh, prepared, RunOptions(progress=False, chunk_size=3),
                           registry=reg), path
    finally:
        executor._lineage = real


def test_openlineage_file_transport_start_complete_per_chunk(tmp_path):
    events_file = tmp_path / "lineage" / "events.jsonl"
    result, path = _lineage_events(tmp_path, LineageSettings(enabled=True, transport="file",
                                                             file=events_file))
    assert result.status == "success"
    events = [json.loads(line) for line in events_file.read_text().splitlines()]
    kinds = [e["eventType"] for e in events]
    assert kinds.count("START") == kinds.count("COMPLETE") > 0 and "FAIL" not in kinds
    first = events[0]
    assert first["job"]["name"] == "nbkit.toy_team_rows"
    assert first["run"]["facets"]["nbkit"]["ledgerRunId"] == result.run_id
    assert first["run"]["facets"]["parent"]["job"]["name"] == "nbkit.run"
    assert first["inputs"][0]["name"] == "nba_raw.nbac_schedule"
    assert first["outputs"][0]["name"] == "nba_analytics.team_offense_game_summary"
    assert first["outputs"][0]["namespace"].startswith("duckdb://")
    complete = next(e for e in events if e["eventType"] == "COMPLETE")
    assert complete["outputs"][0]["outputFacets"]["outputStatistics"]["rowCount"] > 0


def test_openlineage_http_transport_reaches_a_local_server(tmp_path, server):
    base, received = server
    result, _ = _lineage_events(tmp_path, LineageSettings(enabled=True, transport="http",
                                                          url=base))
    assert result.status == "success"
    assert {p for p, _ in received} == {"/api/v1/lineage"}
    kinds = [body["eventType"] for _, body in received]
    assert "START" in kinds and "COMPLETE" in kinds
    assert all(b["run"]["facets"]["nbkit"]["ledgerRunId"] == result.run_id for _, b in received)
