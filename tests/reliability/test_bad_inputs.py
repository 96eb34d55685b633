"""Bad inputs: each is refused with a message that names the fix, and nothing is written.

Covers make_request fields, CLI flags (one stderr line, exit code 2), schema
identifiers, warehouse URLs and project ids, and notebook parameters (refused
before a kernel starts).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nbkit import schema
from nbkit.config import parse_warehouse_url, resolve_project
from nbkit.errors import NbkitError, ParamsError, SchemaError
from nbkit.plan import make_request
from nbkit.warehouse import open_warehouse

from tests.reliability.helpers import digest, make_toy, row_counts

pytestmark = pytest.mark.reliability

INJECTIONS = ["2023-24'; DROP TABLE x; --", "`nba_raw.x`", "1; DELETE FROM nba_raw.nbac_schedule"]
REQUEST_FIELDS = ["season", "start_date", "end_date", "dates", "phases", "processors", "include"]
@pytest.fixture(scope="module")
def toy_wh(tmp_path_factory) -> Path:
    """A small warehouse: the toy schedule (2023-10-24 .. 2023-11-13), schema created."""
    return make_toy(tmp_path_factory.mktemp("badinputs") / "wh.duckdb")


def assert_fix(err: BaseException, *words: str) -> None:
    text = str(err)
    assert "Fix:" in text, text
    for word in words:
        assert word in text, (word, text)


# ----------------------------------------------------------------- make_request (pure)

@pytest.mark.parametrize("kwargs, words", [
    ({"season": "2023"}, ["not a season", "2023-24"]),
    ({"season": "2023-25"}, ["not a season", "consecutive"]),
    ({"season": "abcd-ef"}, ["not a season"]),
    ({"season": ""}, ["No dates selected"]),
    ({"season": "   "}, ["not a season"]),
    ({"start_date": "2023-11-05", "end_date": "2023-11-01"}, ["is after end_date", "swap"]),
    ({"start_date": "2023-02-30", "end_date": "2023-03-02"}, ["not a valid date", "YYYY-MM-DD"]),
    ({"start_date": "2023-11-01", "end_date": "2023-13-01"}, ["not a valid date"]),
    ({"dates": "2023-11-01,2023-02-30"}, ["not a valid date"]),
    ({"dates": "11/01/2023"}, ["not a valid date"]),
    ({"start_date": "2023-11-01"}, ["Both start_date and end_date"]),
    ({"season": "2023-24", "dates": "2023-11-01"}, ["Choose one of"]),
    ({"season": "2023-24", "processors": "player_game_sumary"},
     ["did you mean player_game_summary?"]),
    ({"season": "2023-24", "processors": "no_such_processor"}, ["no_such_processor"]),
    ({"season": "2023-24", "phases": "5"}, ["phase '5' is unknown", "3,4"]),
    ({"season": "2023-24", "phases": "3,phase4"}, ["unknown"]),
    ({"season": "2023-24", "include": "everything"}, ["include 'everything' is unknown"]),
    ({"season": "2023-24", "include": "missing,faild"}, ["'faild'"]),
], ids=lambda v: str(v)[:40])
def test_make_request_refuses_with_fix(kwargs, words):
    with pytest.raises(ParamsError) as info:
        make_request(**kwargs)
    assert_fix(info.value, *words)


@pytest.mark.parametrize("field", REQUEST_FIELDS)
@pytest.mark.parametrize("evil", INJECTIONS, ids=["drop", "backticks", "delete"])
def test_make_request_refuses_injection_in_every_field(field, evil):
    base = {} if field in ("season", "start_date", "end_date", "dates") else {"season": "2023-24"}
    if field == "start_date":
        base["end_date"] = "2023-11-01"
    if field == "end_date":
        base["start_date"] = "2023-11-01"
    with pytest.raises(ParamsError) as info:
        make_request(**{**base, field: evil})
    assert_fix(info.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ParamsError) as info:
        make_request(start_date="2023-02-30", end_date="x", processors="pgs", include="nope")
    assert str(info.value).startswith("4 problem(s)")
    assert_fix(info.value)


def test_dates_outside_the_schedule_are_refused_before_any_write(toy_wh):
    from nbkit.backfill import prepare

    before = row_counts(toy_wh)
    with open_warehouse(str(toy_wh)) as wh:
        for request in (make_request(dates="2030-01-01"),
                        make_request(start_date="2019-01-01", end_date="2019-02-01"),
                        make_request(season="2019-20")):
            with pytest.raises(ParamsError) as info:
                prepare(wh, request)
            assert_fix(info.value, "choose" if request.season is None else "use one of")
    assert row_counts(toy_wh) == before


# ----------------------------------------------------------------- identifiers and URLs

@pytest.mark.parametrize("table_id", [
    "nba_raw.x; DROP TABLE nba_raw.nbac_schedule", "`nba_raw.x`", "nba_raw.nbac_schedul",
    "1; DELETE FROM nba_raw.nbac_schedule", "", "nba_raw.nbac_schedule'--"])
def test_get_table_refuses_unknown_or_injected_ids(table_id):
    with pytest.raises(SchemaError) as info:
        schema.get_table(table_id)
    assert_fix(info.value)


@pytest.mark.parametrize("name", ["x; DROP TABLE y", "`x`", "1abc", "", "a b", "a.b",
                                  "x'--", None])
def test_check_identifier_refuses(name):
    with pytest.raises(SchemaError) as info:
        schema.check_identifier(name, "column")
    assert_fix(info.value, "letters, digits and underscores")


def test_get_table_refuses_garbage_project_prefix():
    with pytest.raises(SchemaError):
        schema.get_table("x; DROP TABLE t.nba_raw.nbac_schedule")


@pytest.mark.parametrize("table_id", ["nba_raw.x; DROP", "nba_raw.nbac_schedule; DROP TABLE y",
                                      "`nba_raw.x`"])
def test_warehouse_partitions_refuses_injection(toy_wh, table_id):
    before = row_counts(toy_wh)
    with open_warehouse(str(toy_wh)) as wh:
        with pytest.raises(NbkitError) as info:
            wh.partitions(table_id)
        assert_fix(info.value, "Unknown table")
    assert row_counts(toy_wh) == before


@pytest.mark.parametrize("url", ["bigquery://Bad_Project!", "bigquery://x;y",
                                 "ftp://host/x.duckdb", "postgres://u@h/db", "duckdb://"])
def test_bad_warehouse_urls(url):
    with pytest.raises(NbkitError) as info:
        parse_warehouse_url(url)
    assert_fix(info.value)


@pytest.mark.parametrize("project", ["x;y", "Bad_Project!", "a", "nba-props'; DROP--"])
def test_bad_project_ids(project):
    with pytest.raises(NbkitError) as info:
        resolve_project(project)
    assert_fix(info.value, "lowercase letters")


# ----------------------------------------------------------------- the CLI

def nbkit(*args, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NBKIT_")}
    return subprocess.run([sys.executable, "-m", "nbkit", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=60)


CLI_CASES = [
    ["backfill", "--season", INJECTIONS[0]],
    ["backfill", "--season", INJECTIONS[2]],
    ["backfill", "--season", "2023"],
    ["backfill", "--processors", INJECTIONS[0], "--season", "2023-24"],
    ["backfill", "--processors", INJECTIONS[1], "--season", "2023-24"],
    ["backfill", "--processors", "player_game_sumary", "--season", "2023-24"],
    ["backfill", "--dates", INJECTIONS[2]],
    ["backfill", "--dates", "2023-02-30"],
    ["backfill", "--start-date", INJECTIONS[0], "--end-date", "2023-11-01"],
    ["backfill", "--start-date", "2023-11-05", "--end-date", "2023-11-01"],
    ["backfill", "--phase", "5", "--season", "2023-24"],
    ["backfill", "--include", "everything", "--season", "2023-24"],
    ["backfill", "--dates", "2030-01-01"],
    ["backfill", "--start-date", "2019-01-01", "--end-date", "2019-02-01"],
    ["plan", "--season", "abcd-ef"],
    ["plan", "--season", "2019-20"],
    ["backfill", "--season", "2023-24", "--bigquery-project", "x;y"],
    ["status", "--bigquery-project", "Bad_Project!"],
    ["status", "--project", "no/such/project"],
]


@pytest.mark.parametrize("args", CLI_CASES, ids=lambda a: " ".join(a)[:50])
def test_cli_bad_input_one_line_with_fix_nothing_written(toy_wh, tmp_path, args):
    before_counts, before_digest = row_counts(toy_wh), digest(toy_wh)
    result = nbkit(*args, "--warehouse", str(toy_wh), cwd=tmp_path)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nbkit: error:") and "Fix:" in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert row_counts(toy_wh) == before_counts
    assert digest(toy_wh) == before_digest
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["bigquery://Bad_Project!", "ftp://host/x.duckdb",
                                 "bigquery://x;y"])
def test_cli_bad_warehouse_url(tmp_path, url):
    result = nbkit("backfill", "--season", "2023-24", "--warehouse", url, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nbkit: error:") and "Fix:" in lines[0]
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------- notebook parameters

@pytest.mark.parametrize("notebook, params, words", [
    ("20_gap_analysis", {"seasn": "2023-24"}, ["no parameter 'seasn'"]),
    ("20_gap_analysis", {"start_dat": "2023-11-01"}, ["did you mean start_date?"]),
    ("20_gap_analysis", {"start_date": "2023-02-30"}, ["not a valid date"]),
    ("20_gap_analysis", {"start_date": INJECTIONS[0]}, ["not a valid date"]),
    ("20_gap_analysis", {"end_date": INJECTIONS[2]}, ["not a valid date"]),
    ("20_gap_analysis", {"start_date": "2023-11-05", "end_date": "2023-11-01"}, ["swap"]),
    ("00_preflight", {"sample_date": "2023-13-01"}, ["not a valid date"]),
    ("00_preflight", {"strict": "perhaps"}, ["strict"]),
    ("00_preflight", {"bootstrap_days": "1; DROP"}, ["bootstrap_days"]),
    ("10_season", {"season": "abcd-ef"}, ["not a season"]),
    ("10_season", {"season": INJECTIONS[0]}, ["not a season"]),
    ("10_season", {"season": "2023-24", "processors": INJECTIONS[1]}, ["processor"]),
    ("10_season", {"season": "2023-24", "phases": "5"}, ["3,4"]),
    ("10_season", {"season": "2023-24", "include": "everything"}, ["include"]),
    ("10_season", {"season": "2023-24", "dates": "2023-02-30"}, ["not a valid date"]),
], ids=lambda v: str(v)[:40])
def test_notebook_parameters_refused_before_a_kernel_starts(toy_wh, tmp_path, notebook, params,
                                                           words):
    import time

    from nbkit.runbook import run_notebook

    before = digest(toy_wh)
    started = time.monotonic()
    with pytest.raises(NbkitError) as info:
        run_notebook(notebook, params, reports_dir=tmp_path / "reports", warehouse=str(toy_wh))
    assert time.monotonic() - started < 5  # no kernel was started
    assert_fix(info.value, *words)
    assert not (tmp_path / "reports").exists()
    assert digest(toy_wh) == before
