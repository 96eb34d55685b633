"""Corrupted raw data meets the real backfill and the gates.

Each corruption must surface as a named failing gate check, a partial/failed
outcome, a data-quality flag or a plan reason; never as an exception escaping
execute() or as a 'success' that hides missing data.

The warehouse is the realistic sample (seed 7) up to 2021-11-10: 23 game dates
of 2021-22, raw data only. Each test copies it, corrupts one date with plain
DuckDB SQL (as a bad loader would), runs Phase 3 over the window, then the gates.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from nbkit import gates
from nbkit.backfill import execute, prepare
from nbkit.errors import WarehouseError
from nbkit.executor import RunOptions
from nbkit.plan import make_request
from nbkit.warehouse import open_warehouse

pytestmark = pytest.mark.reliability

AS_OF = dt.date(2021, 11, 10)
START, END = dt.date(2021, 10, 19), AS_OF
DAY = dt.date(2021, 11, 3)  # 11 games, 22 teams, 320 gamebook rows
GB = "nba_raw.nbac_gamebook_player_stats"
TBS = "nba_raw.nbac_team_boxscore"
PGS = "nba_analytics.player_game_summary"
TOGS = "nba_analytics.team_offense_game_summary"
UPGC = "nba_analytics.upcoming_player_game_context"
ON_DAY = f"game_date = DATE '{DAY}'"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    from tests.shared import seed7_sample_file

    return seed7_sample_file(tmp_path_factory, AS_OF)  # read-only: every test copies it


@pytest.fixture(scope="module")
def clean(sample, tmp_path_factory):
    """The reference: the same backfill on uncorrupted raw data."""
    path = tmp_path_factory.mktemp("clean") / "wh.duckdb"
    shutil.copy(sample, path)
    with open_warehouse(str(path)) as wh:
        result = backfill(wh)
        assert result.status == "success", result.alerts
        checks = pd.concat([gates.gate0(wh, START, END), gates.gate1(wh, gates.scope(wh, START,
                                                                                      END))])
        rows = {t: day_rows(wh, t) for t in (PGS, TOGS, UPGC)}
    return {"result": result, "failing": failing(checks), "rows": rows, "path": path}


@pytest.fixture
def corrupt(sample, tmp_path):
    """corrupt(*statements) -> open warehouse on a copy of the sample with them applied."""
    opened = []

    def make(*statements: str):
        path = tmp_path / "wh.duckdb"
        shutil.copy(sample, path)
        with duckdb.connect(str(path)) as con:
            for statement in statements:
                con.execute(statement)
        wh = open_warehouse(str(path))
        opened.append(wh)
        return wh
    yield make
    for wh in opened:
        wh.close()


def backfill(wh):
    request = make_request(start_date=START.isoformat(), end_date=END.isoformat(), phases="3")
    return execute(wh, prepare(wh, request), RunOptions(progress=False))


def run_and_gate(wh):
    """Backfill (no exception may escape), then gates 0 and 1."""
    result = backfill(wh)
    assert result.status in ("success", "partial", "failed"), result.status
    sc = gates.scope(wh, START, END)
    checks = pd.concat([gates.gate0(wh, START, END), gates.gate1(wh, sc)], ignore_index=True)
    return result, checks


def failing(checks: pd.DataFrame) -> set[str]:
    return set(checks[checks["verdict"] == gates.FAIL]["check"])


def outcome(result, processor: str) -> pd.Series:
    out = result.outcomes
    return out[(out["processor"] == processor) & (out["date"] == DAY)].iloc[0]


def day_rows(wh, table: str) -> int:
    return int(wh.query(f"SELECT COUNT(*) AS n FROM `nba-props-platform.{table}` "
                        f"WHERE {ON_DAY}")["n"][0])


# ----------------------------------------------------------------- the baseline

def test_clean_sample_is_the_baseline(clean):
    # The only baseline gate failure is props coverage (no props on opening night).
    assert clean["failing"] == {"phase 2 player props (Odds API or BettingPros)"}
    assert clean["rows"] == {PGS: 233, TOGS: 22, UPGC: 320}


# ----------------------------------------------------------------- duplicates

def test_duplicate_gamebook_rows_are_deduplicated_not_doubled(corrupt, clean):
    wh = corrupt(f"INSERT INTO {GB} SELECT * FROM {GB} WHERE {ON_DAY}")
    assert day_rows(wh, GB) == 640
    result, checks = run_and_gate(wh)
    # nbkit's choice: the processor keeps the latest row per player; the output is the
    # clean output (no duplicate keys, same row counts), and the gates agree.
    assert result.status == "success"
    assert {t: day_rows(wh, t) for t in (PGS, TOGS, UPGC)} == clean["rows"]
    assert failing(checks) == clean["failing"]
    dup_checks = checks[checks["check"].str.startswith("no duplicate keys")]
    assert (dup_checks["verdict"] == gates.PASS).all()


# ----------------------------------------------------------------- NULL keys

def test_null_not_null_key_is_refused_by_the_warehouse_with_its_fix(corrupt):
    wh = corrupt()
    frame = wh.query(f"SELECT * FROM `nba-props-platform.{GB}` WHERE {ON_DAY} LIMIT 3")
    frame["game_id"] = None
    before = day_rows(wh, GB)
    with pytest.raises(WarehouseError) as info:
        wh.write_frame(GB, frame, keep="all")
    text = str(info.value)
    assert "game_id" in text and "NOT NULL" in text and "Fix:" in text
    assert day_rows(wh, GB) == before


NULL_LOOKUP = (f"UPDATE {GB} SET player_lookup = NULL WHERE {ON_DAY} AND team_abbr = "
               f"(SELECT MIN(team_abbr) FROM {GB} WHERE {ON_DAY})")


def test_null_player_lookup_does_not_crash_the_run(corrupt, clean):
    wh = corrupt(NULL_LOOKUP)  # player_lookup is nullable in the DDL: the write is accepted
    result, checks = run_and_gate(wh)
    assert result.status == "success"
    # what nbkit does today: the players without a lookup are dropped from the date
    assert day_rows(wh, PGS) < clean["rows"][PGS]
    assert outcome(result, "player_game_summary")["expected_rows"] == day_rows(wh, PGS)


# ----------------------------------------------------------------- malformed minutes

def test_malformed_minutes_fail_the_minutes_null_rate_check(corrupt, clean):
    wh = corrupt(f"UPDATE {GB} SET minutes = CASE WHEN hash(player_lookup) % 2 = 0 "
                 f"THEN '3x:61' ELSE '-5:00' END WHERE {ON_DAY} AND player_status = 'active'")
    result, checks = run_and_gate(wh)
    assert result.status == "success"  # rows are written; the values are what is wrong
    new = failing(checks) - clean["failing"]
    assert new == {"minutes_played NULL rate 2021-22"}
    row = checks[checks["check"] == "minutes_played NULL rate 2021-22"].iloc[0]
    assert float(row["value"].rstrip("%")) > 1.0
    nulls = wh.query(f"SELECT COUNTIF(minutes_played IS NULL) AS n FROM "
                     f"`nba-props-platform.{PGS}` WHERE {ON_DAY}")["n"][0]
    assert nulls > 100  # the bad strings became NULL, not garbage numbers


# ----------------------------------------------------------------- short dates

TEAM_BOX_2_OF_22 = (f"DELETE FROM {TBS} WHERE {ON_DAY} AND team_abbr NOT IN (SELECT team_abbr "
                    f"FROM {TBS} WHERE {ON_DAY} ORDER BY team_abbr LIMIT 2)")


def test_team_box_score_with_2_of_22_rows_is_reconstructed_and_flagged(corrupt, clean):
    wh = corrupt(TEAM_BOX_2_OF_22)
    assert day_rows(wh, TBS) == 2
    result, checks = run_and_gate(wh)
    togs = outcome(result, "team_offense_game_summary")
    assert togs["status"] == "success" and togs["rows"] == 22
    flags = wh.query(f"""SELECT primary_source_used, quality_tier,
                                source_nbac_boxscore_completeness_pct AS pct
                         FROM `nba-props-platform.{TOGS}` WHERE {ON_DAY}""")
    # the 20 teams without a box score are rebuilt from player rows and say so
    assert (flags["primary_source_used"] == "reconstructed_team_from_players").sum() >= 20
    assert (flags["quality_tier"] == "silver").sum() >= 20
    assert flags["pct"].max() < 20


def test_team_box_score_with_2_of_22_rows_fails_gate0(corrupt, clean):
    wh = corrupt(TEAM_BOX_2_OF_22)
    checks = gates.gate0(wh, START, END)
    assert "phase 2 nba_raw.nbac_team_boxscore rows per game" in failing(checks)


GAMEBOOK_2_TEAMS = (f"DELETE FROM {GB} WHERE {ON_DAY} AND team_abbr NOT IN (SELECT team_abbr "
                    f"FROM {GB} WHERE {ON_DAY} GROUP BY 1 ORDER BY 1 LIMIT 2)")


def test_gamebook_with_2_of_22_teams_does_not_crash(corrupt, clean):
    wh = corrupt(GAMEBOOK_2_TEAMS)
    result, checks = run_and_gate(wh)
    # player_game_summary falls back to BDL box scores for the missing teams
    assert outcome(result, "player_game_summary")["status"] == "success"
    assert day_rows(wh, PGS) >= 0.85 * clean["rows"][PGS]
    assert day_rows(wh, UPGC) < 0.2 * clean["rows"][UPGC]


@pytest.mark.parametrize("damage, processor", [
    (NULL_LOOKUP, "player_game_summary"),
    (GAMEBOOK_2_TEAMS, "upcoming_player_game_context"),
], ids=["null_player_lookup", "gamebook_with_2_of_22_teams"])
def test_damage_that_runs_through_surfaces(corrupt, clean, damage, processor):
    """Rows written without an error must still say so: the processor's outcome is not a
    success, or a gate check fails that did not on the clean sample."""
    wh = corrupt(damage)
    result, checks = run_and_gate(wh)
    assert outcome(result, processor)["status"] != "success" or failing(checks) - clean["failing"]


def test_phase3_date_left_with_2_of_22_rows_is_partial_in_gate_and_plan(clean, tmp_path):
    """The incident itself: a 'complete' date holding 2 of 22 team rows."""
    path = tmp_path / "wh.duckdb"
    shutil.copy(clean["path"], path)
    with duckdb.connect(str(path)) as con:
        con.execute(f"DELETE FROM {TOGS} WHERE {ON_DAY} AND team_abbr NOT IN (SELECT team_abbr "
                    f"FROM {TOGS} WHERE {ON_DAY} ORDER BY team_abbr LIMIT 2)")
    with open_warehouse(str(path)) as wh:
        checks = gates.gate1(wh, gates.scope(wh, START, END))
        row = checks[checks["check"] == f"coverage {TOGS}"].iloc[0]
        assert row["verdict"] == gates.FAIL and "1 partial" in row["detail"]
        prepared = prepare(wh, make_request(start_date=START.isoformat(),
                                            end_date=END.isoformat(), phases="3"))
        plan = prepared.plan.to_frame()
        runs = plan[plan["action"] == "run"]
        assert list(zip(runs["processor"], runs["date"], runs["reason"])) == [
            ("team_offense_game_summary", DAY, "partial")]
        result = execute(wh, prepared, RunOptions(progress=False))
        assert result.status == "success" and day_rows(wh, TOGS) == 22
