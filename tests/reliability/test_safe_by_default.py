"""Issue 15 ("safe by default"), items 2-4: one test per defect found by the hostile-user
sweep; each failed on main before the fix. The CLI runs in-process (``cli.main``) on a toy
warehouse (the toy schedule, schema created) unless the defect needs a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nbkit.errors import NbkitError, ParamsError, WarehouseError
from nbkit.warehouse import open_warehouse

from tests.reliability.helpers import (
    assert_one_line_fix,
    copy_of,
    digest,
    make_toy,
    row_counts,
    run_cli,
)

pytestmark = pytest.mark.reliability
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> Path:
    return make_toy(tmp_path_factory.mktemp("safe") / "toy.duckdb")


@pytest.fixture
def wh_copy(toy, tmp_path) -> Path:
    return copy_of(toy, tmp_path)


# ----------------------------------------------------------------- nbkit sql is read-only

@pytest.mark.parametrize("statement, word", [
    ("DROP TABLE nba_raw.nbac_schedule", "DROP"),
    ("DELETE FROM nba_raw.nbac_schedule WHERE TRUE", "DELETE"),
    ("INSTALL httpfs", "INSTALL"),
    ("LOAD httpfs", "LOAD"),
    ("ATTACH '/tmp/nbkit-other.duckdb' AS other", "ATTACH"),
    ("EXPORT DATABASE '/tmp/nbkit-export'", "EXPORT"),
    ("SET memory_limit = '1GB'", "SET"),
    ("SELECT 1 AS x; DROP TABLE nba_raw.nbac_schedule", "DROP"),
    ("CREATE TEMP TABLE t AS SELECT 1 AS x", "CREATE"),
], ids=lambda v: v.split()[0] if " " in v else v)
def test_sql_refuses_every_non_query_and_says_it_is_read_only(capsys, wh_copy, statement, word):
    before = digest(wh_copy)
    result = run_cli(capsys, "sql", statement, "--warehouse", str(wh_copy))
    assert_one_line_fix(result, word, "read-only", "nbkit backfill")
    assert digest(wh_copy) == before


def test_sql_copy_to_a_file_is_refused_and_no_file_is_written(capsys, wh_copy, tmp_path):
    target = tmp_path / "exfiltrated.csv"
    result = run_cli(capsys, "sql", f"COPY (SELECT * FROM nba_raw.nbac_schedule) TO '{target}'",
                     "--warehouse", str(wh_copy))
    assert_one_line_fix(result, "COPY", "read-only")
    assert not target.exists()


def test_duckdb_lock_down_blocks_files_even_past_the_text_check(wh_copy, tmp_path):
    target = tmp_path / "x.csv"
    with open_warehouse(str(wh_copy), read_only=True) as wh:
        wh.forbid_external_access()
        for sql in (f"COPY (SELECT 1 AS x) TO '{target}'", "SELECT * FROM read_text('/etc/hosts')"):
            with pytest.raises(Exception):
                wh._con.execute(sql)
        assert int(wh.query("SELECT COUNT(*) AS n FROM nba_raw.nbac_schedule")["n"][0]) > 0
    assert not target.exists()


def test_sql_still_answers_queries(capsys, wh_copy):
    result = run_cli(capsys, "sql", "WITH s AS (SELECT game_date FROM nba_raw.nbac_schedule) "
                     "SELECT COUNT(*) AS n FROM s", "--warehouse", str(wh_copy))
    assert result.code == 0, result.err
    assert result.out.split() == ["n", "36"]


def test_refused_write_on_a_read_only_warehouse_does_not_advise_checking_types(wh_copy):
    with open_warehouse(str(wh_copy), read_only=True) as wh:
        with pytest.raises(WarehouseError) as info:
            wh.execute("DELETE FROM `nba-props-platform.nba_raw.nbac_schedule` WHERE TRUE")
    assert "check the types" not in str(info.value)
    assert "nbkit backfill" in info.value.fix


# ----------------------------------------------------------------- no silent acceptance

def test_option_prefixes_are_not_taken_for_safety_overrides(capsys, wh_copy):
    before = digest(wh_copy)
    result = run_cli(capsys, "backfill", "--all", "--season", "2023-24", "--no-progress",
                     "--warehouse", str(wh_copy))
    assert_one_line_fix(result, "unrecognized arguments: --all")
    assert digest(wh_copy) == before


@pytest.mark.parametrize("flag, value", [("--workers", "-3"), ("--workers", "0"),
                                         ("--chunk-size", "-1"), ("--bootstrap-days", "-5"),
                                         ("--retries", "-1"), ("--workers", "2.5"),
                                         ("--retries", "nan")])
def test_negative_or_fractional_numbers_are_refused_by_the_cli(capsys, wh_copy, flag, value):
    before = digest(wh_copy)
    result = run_cli(capsys, "backfill", "--season", "2023-24", flag, value, "--no-progress",
                     "--warehouse", str(wh_copy))
    assert_one_line_fix(result, flag, "from ")
    assert digest(wh_copy) == before


def test_negative_retries_never_record_success(capsys, wh_copy):
    from nbkit.executor import RunOptions

    with pytest.raises(ParamsError, match="retries"):
        RunOptions(retries=-1)
    before = row_counts(wh_copy)
    result = run_cli(capsys, "backfill", "--start-date", "2023-10-24", "--end-date",
                     "2023-10-25", "--retries", "-1", "--no-progress", "--warehouse",
                     str(wh_copy))
    assert result.code == 2
    assert row_counts(wh_copy) == before  # no ledger row, no success recorded


def test_one_range_definition_for_cli_runner_and_notebook_functions(toy):
    from nbkit import nb
    from nbkit import parameters as spec
    from nbkit.runbook import prepare_parameters, resolve_notebook

    messages = []
    for call in (lambda: spec.number("bootstrap_days", -5),
                 lambda: prepare_parameters(resolve_notebook("gaps"),
                                            {"bootstrap_days": "-5", "warehouse": str(toy)}),
                 lambda: nb.gap_analysis(str(toy), bootstrap_days=-5),
                 lambda: nb.validation(str(toy), bootstrap_days=-5),
                 lambda: nb.preflight(str(toy), bootstrap_days=-5)):
        with pytest.raises(ParamsError) as info:
            call()
        messages.append(str(info.value))
    assert all("[0, 60]" in m and "Fix:" in m for m in messages), messages


def test_papermill_alone_refuses_a_negative_bootstrap_days(toy, tmp_path):
    out = tmp_path / "out.ipynb"
    run = subprocess.run([sys.executable, "-m", "papermill", str(REPO / "notebooks" /
                          "20_gap_analysis.ipynb"), str(out), "-p", "warehouse", str(toy),
                          "-p", "bootstrap_days", "-5", "--log-level", "ERROR"],
                         capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert run.returncode != 0
    assert "bootstrap_days '-5' is not a whole number in [0, 60]" in run.stderr + out.read_text()


# ----------------------------------------------------------------- checks that compare nothing

def test_parity_over_a_reversed_range_is_refused(capsys, wh_copy, toy):
    result = run_cli(capsys, "parity", "--other", str(toy), "--start-date", "2023-11-05",
                     "--end-date", "2023-11-01", "--no-compute", "--warehouse", str(wh_copy))
    assert_one_line_fix(result, "is after", "swap")


def test_parity_that_compared_nothing_fails(capsys, wh_copy, toy):
    result = run_cli(capsys, "parity", "--other", str(toy), "--start-date", "2023-11-01",
                     "--end-date", "2023-11-02", "--no-compute", "--warehouse", str(wh_copy))
    assert_one_line_fix(result, "Nothing to compare")
    assert "0/0" not in result.out


# ----------------------------------------------------------------- reversed and empty ranges

@pytest.mark.parametrize("command", [["status"], ["gaps", "--text"], ["validate", "--text"],
                                     ["plan"], ["backfill", "--no-progress"]])
def test_reversed_range_is_one_line_in_every_command(capsys, wh_copy, command):
    result = run_cli(capsys, *command, "--start-date", "2023-11-05", "--end-date", "2023-11-01",
                     "--warehouse", str(wh_copy))
    assert_one_line_fix(result, "is after end_date", "swap")
    assert "max() arg" not in result.err and "Empty DataFrame" not in result.out


@pytest.mark.parametrize("command", [["status"], ["gaps", "--text"], ["validate", "--text"]])
def test_range_without_games_names_the_schedule_span_not_sample_data(capsys, wh_copy, command):
    result = run_cli(capsys, *command, "--start-date", "2025-11-05", "--end-date", "2025-11-06",
                     "--warehouse", str(wh_copy))
    assert_one_line_fix(result, "No final games", "2023-10-24")
    assert "sample-data" not in result.err
    assert "Empty DataFrame" not in result.out and "max() arg" not in result.err


def test_bad_start_date_is_reported_as_a_bad_date_only(capsys, wh_copy):
    result = run_cli(capsys, "plan", "--start-date", "2023-13-05", "--end-date", "2023-11-01",
                     "--warehouse", str(wh_copy))
    assert_one_line_fix(result, "start_date '2023-13-05' is not a valid date")
    assert "Both start_date and end_date" not in result.err


# ----------------------------------------------------------------- warehouse files

@pytest.mark.parametrize("command", [["status"], ["gaps", "--text"], ["sql", "SELECT 1 AS x"],
                                     ["plan", "--season", "2023-24"], ["validate", "--text"],
                                     ["backfill", "--season", "2023-24", "--no-progress"]])
def test_mistyped_warehouse_path_creates_no_file(capsys, tmp_path, command):
    typo = tmp_path / "nba.duckbd"
    result = run_cli(capsys, *command, "--warehouse", str(typo))
    assert_one_line_fix(result, "No warehouse at")
    assert not typo.exists()


def test_parity_other_mistyped_creates_no_file(capsys, wh_copy, tmp_path):
    typo = tmp_path / "other.duckbd"
    result = run_cli(capsys, "parity", "--other", str(typo), "--start-date", "2023-11-01",
                     "--end-date", "2023-11-02", "--warehouse", str(wh_copy))
    assert_one_line_fix(result, "No warehouse at")
    assert not typo.exists()


def _corrupt(kind: str, toy: Path, folder: Path) -> Path:
    path = folder / f"{kind}.duckdb"
    data = toy.read_bytes()
    if kind == "text":
        path.write_text("game_date,points\n2023-11-01,12\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(data[: len(data) // 4])
    elif kind == "scrambled":
        path.write_bytes(data[:4096] + bytes(8192) + data[4096 + 8192:])
    return path


@pytest.mark.parametrize("kind", ["text", "empty", "truncated", "scrambled"])
@pytest.mark.parametrize("command", [["status"], ["sql", "SELECT 1 AS x"], ["init"]])
def test_corrupt_or_truncated_file_is_one_line(capsys, toy, tmp_path, kind, command):
    path = _corrupt(kind, toy, tmp_path)
    before = digest(path)
    result = run_cli(capsys, *command, "--warehouse", str(path))
    assert_one_line_fix(result, "not a complete DuckDB database", "backup")
    assert digest(path) == before


def test_read_only_file_is_refused_for_writes_and_read_for_reads(capsys, wh_copy):
    wh_copy.chmod(0o444)
    try:
        before = digest(wh_copy)
        result = run_cli(capsys, "backfill", "--season", "2023-24", "--no-progress",
                         "--warehouse", str(wh_copy))
        assert_one_line_fix(result, "is read-only", "chmod u+w")
        assert digest(wh_copy) == before
        assert run_cli(capsys, "status", "--warehouse", str(wh_copy)).code == 0
    finally:
        wh_copy.chmod(0o644)


def test_directory_as_warehouse_is_one_line(capsys, tmp_path):
    folder = tmp_path / "nba.duckdb"
    folder.mkdir()
    assert_one_line_fix(run_cli(capsys, "status", "--warehouse", str(folder)), "is a directory")


def test_memory_warehouse_read_only_is_one_line(capsys):
    assert_one_line_fix(run_cli(capsys, "status", "--warehouse", "duckdb://:memory:"),
                        ":memory:", "nothing to read")


# ----------------------------------------------------------------- BigQuery access

def test_missing_credentials_are_one_line(capsys, monkeypatch, tmp_path):
    pytest.importorskip("google.cloud.bigquery")
    for name in ("NBKIT_BIGQUERY_ENDPOINT", "GOOGLE_APPLICATION_CREDENTIALS",
                 "GOOGLE_CLOUD_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no gcloud application-default file
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:9")  # no metadata server either
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:9")
    result = run_cli(capsys, "status", "--warehouse", "bigquery://my-scratch-1")
    assert_one_line_fix(result, "No Google credentials", "gcloud auth application-default login")


def test_bad_key_file_is_one_line_naming_the_file(capsys, monkeypatch, tmp_path):
    pytest.importorskip("google.cloud.bigquery")
    key = tmp_path / "key.json"
    key.write_text("not json")
    monkeypatch.delenv("NBKIT_BIGQUERY_ENDPOINT", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    result = run_cli(capsys, "status", "--warehouse", "bigquery://my-scratch-1")
    assert_one_line_fix(result, str(key), "GOOGLE_APPLICATION_CREDENTIALS")


def test_unreachable_endpoint_fails_fast_naming_it(capsys, monkeypatch):
    pytest.importorskip("google.cloud.bigquery")
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("NBKIT_BIGQUERY_ENDPOINT", endpoint)
    began = time.monotonic()
    result = run_cli(capsys, "status", "--warehouse", "bigquery://my-scratch-1")
    assert time.monotonic() - began < 10
    assert_one_line_fix(result, endpoint, "NBKIT_BIGQUERY_ENDPOINT")


# ----------------------------------------------------------------- dropped tables and columns

@pytest.mark.parametrize("command", [["status"], ["gaps", "--text"], ["validate", "--text"]])
@pytest.mark.parametrize("damage, named", [
    ("DROP TABLE nba_analytics.team_offense_game_summary",
     ("nba_analytics.team_offense_game_summary", "nbkit init")),
    ("ALTER TABLE nba_analytics.player_game_summary DROP COLUMN points",
     ("nba_analytics.player_game_summary.points",)),
], ids=["dropped_output_table", "dropped_column"])
def test_dropped_table_or_column_is_named(capsys, wh_copy, command, damage, named):
    import duckdb

    con = duckdb.connect(str(wh_copy))
    con.execute(damage)
    con.close()
    result = run_cli(capsys, *command, "--warehouse", str(wh_copy))
    assert_one_line_fix(result, *named)


# ----------------------------------------------------------------- disk full, pipes, tracebacks

@pytest.fixture
def small_disk(tmp_path):
    """A 3 MiB tmpfs (needs mount rights: root in a container); skipped elsewhere."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_disk_full_names_the_cause_on_the_last_line(capsys, toy, small_disk):
    path = copy_of(toy, small_disk, "wh.duckdb")
    filler = small_disk / "filler"
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    # 32 KiB left: less than the run's first writes need (keyed ledger writes are small).
    filler.write_bytes(bytes(max(free - 32 * 1024, 0)))
    result = run_cli(capsys, "backfill", "--season", "2023-24", "--no-progress",
                     "--workers", "1", "--warehouse", str(path))
    assert result.code != 0
    assert "Traceback" not in result.err
    last = result.lines[-1]
    assert "No space left on device" in last and "free disk space" in last, result.err


def test_broken_pipe_exits_quietly(toy):
    env = {**os.environ, "NBKIT_WAREHOUSE": str(toy)}
    run = subprocess.run(f"{sys.executable} -m nbkit plan --season 2023-24 --detail | head -1",
                         shell=True, capture_output=True, text=True, env=env, timeout=120)
    assert run.stdout.startswith("Plan:")
    assert run.stderr == "", run.stderr


def test_unexpected_errors_are_one_line_and_debug_shows_the_traceback():
    from nbkit.failures import one_line

    try:
        try:
            raise OSError(28, "No space left on device")
        except OSError as cause:
            raise RuntimeError("cannot rollback - no transaction is active") from cause
    except RuntimeError as err:
        text = one_line(err)
    assert text.startswith("No space left on device") and text.endswith("atomic")
    assert one_line(KeyError("x")).endswith("Fix: rerun with --debug for the traceback, and "
                                            "report it if the cause is unclear")


def test_debug_flag_shows_the_traceback(capsys):
    from nbkit import cli

    with pytest.raises(NbkitError):
        cli.main(["status", "--warehouse", "duckdb://:memory:", "--debug"])


def test_errors_keep_their_fix_through_pickling():
    import pickle

    from nbkit.warehouse.readonly import ReadOnlyError

    err = ReadOnlyError("DROP statements are refused", "use SELECT")
    assert str(pickle.loads(pickle.dumps(err))) == str(err)
