"""Project safety (issue 15 item 1): init and sample-data write only where they are told to."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from nbkit import cli, settings
from nbkit.config import resolve_warehouse
from nbkit.errors import ConfigError
from nbkit.project_safety import check_write_target, refuse_if_in_use, sample_conflicts
from nbkit.warehouse import open_warehouse

PROD = settings.PRODUCTION_PROJECT
AS_OF = "2021-10-22"  # three days of games: a small raw-only sample


@pytest.fixture(autouse=True)
def _no_project_env(monkeypatch, tmp_path):
    for name in ("NBKIT_BIGQUERY_PROJECT", "NBKIT_PROJECT", "NBKIT_ALLOW_PRODUCTION",
                 "NBKIT_WAREHOUSE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no project file found upward


@pytest.mark.parametrize("url", ["bigquery://", "bigquery:///"])
def test_bigquery_without_an_explicit_project_is_refused(url):
    with pytest.raises(ConfigError, match="needs an explicit project") as err:
        check_write_target(resolve_warehouse(url), "init")
    assert "--bigquery-project" in err.value.fix


def test_the_production_project_is_refused_without_the_override():
    where = resolve_warehouse(f"bigquery://{PROD}")
    with pytest.raises(ConfigError, match="production project") as err:
        check_write_target(where, "sample-data")
    assert "--i-mean-production" in err.value.fix
    check_write_target(where, "sample-data", i_mean_production=True)


def test_allow_production_in_the_project_file(tmp_path):
    (tmp_path / "nbkit.toml").write_text("allow_production = true\n")
    settings.use(settings.load_settings(tmp_path))
    try:
        check_write_target(resolve_warehouse(f"bigquery://{PROD}"), "init")
    finally:
        settings.use(None)


def test_explicit_projects_are_accepted(monkeypatch):
    check_write_target(resolve_warehouse("bigquery://nbkit-dev"), "init")
    monkeypatch.setenv("NBKIT_BIGQUERY_PROJECT", "nbkit-dev")
    where = resolve_warehouse("bigquery://")
    assert where.project == "nbkit-dev" and where.explicit_project
    check_write_target(where, "init")


def test_cli_init_refuses_production_before_connecting(capsys):
    assert cli.main(["init", "--warehouse", f"bigquery://{PROD}"]) == 2
    err = capsys.readouterr().err
    assert "production project" in err and err.strip().endswith(
        "allow_production = true in nbkit.toml)")


def _sample(path, *extra) -> int:
    return cli.main(["sample-data", "--warehouse", str(path), "--raw-only", "--as-of", AS_OF,
                     *extra])


def _schedule_rows(path) -> int:
    with open_warehouse(str(path), read_only=True) as wh:
        return int(wh.query("SELECT COUNT(*) AS n FROM nba_raw.nbac_schedule")["n"].iloc[0])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A raw-only sample built by the CLI (one ~45 s build for the module)."""
    path = tmp_path_factory.mktemp("sample") / "wh.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("NBKIT_WAREHOUSE", raising=False)
        assert _sample(path) == 0
    return path


@pytest.fixture
def copy(built, tmp_path) -> Path:
    target = tmp_path / "copy.duckdb"
    shutil.copy(built, target)
    return target


def test_its_own_sample_is_rebuilt_without_force(copy):
    with open_warehouse(str(copy)) as wh:
        assert sample_conflicts(wh, raw_only=True) == []
        refuse_if_in_use(wh, raw_only=True, force=False)


def test_rows_no_sample_build_wrote_are_refused_then_replaced_with_force(copy, capsys):
    before = _schedule_rows(copy)
    with open_warehouse(str(copy)) as wh:
        wh.write_frame("nba_raw.nbac_schedule", pd.DataFrame({
            "game_id": ["x1"], "game_date": [dt.date(2022, 1, 5)], "season_year": [2021],
            "home_team_tricode": ["LAL"], "away_team_tricode": ["BOS"]}), keep="all")
    capsys.readouterr()
    assert _sample(copy) == 2
    err = capsys.readouterr().err
    assert f"nba_raw.nbac_schedule holds {before + 1:,} rows (the last sample build left " \
           f"{before:,})" in err and err.strip().endswith("add --force to replace them")
    assert _schedule_rows(copy) == before + 1  # nothing replaced
    assert _sample(copy, "--force") == 0
    assert _schedule_rows(copy) == before


def test_run_history_is_refused(copy, capsys):
    with open_warehouse(str(copy)) as wh:
        wh.execute("INSERT INTO nba_reference.nbkit_runs (run_id, run_date, started_at, status)"
                   " VALUES ('r1', DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00', "
                   "'success')")
    capsys.readouterr()
    assert _sample(copy) == 2
    assert "nba_reference.nbkit_runs holds 1 rows of run history" in capsys.readouterr().err


def test_rows_of_a_warehouse_never_built_as_a_sample_are_refused(tmp_path, capsys):
    path = tmp_path / "wh.duckdb"
    with open_warehouse(str(path)) as wh:
        wh.init_schema()
        wh.write_frame("nba_raw.espn_scoreboard", pd.DataFrame({
            "game_id": ["x1"], "game_date": [dt.date(2023, 1, 1)], "season_year": [2022]}))
    assert _sample(path) == 2
    assert "nba_raw.espn_scoreboard holds 1 rows (no sample build is recorded)" in \
        capsys.readouterr().err
