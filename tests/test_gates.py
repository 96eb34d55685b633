"""nbkit.gates on tiny hand-made warehouses: verdicts, Gate 0's preflight, coverage and
success-rate checks, checks that fail closed when their input is missing.

Every value asserted is worked out by hand from the rows each test writes (the toy schedule:
two final games a day among four teams).
"""

from __future__ import annotations

import datetime as dt
import os
import socket

import pandas as pd
import pytest

from nbkit import gates, schema
from nbkit.calendar import SeasonCalendar
from nbkit.errors import WarehouseError
from nbkit.ledger import Ledger, Outcome
from nbkit.processors.team_offense_game_summary import TeamOffenseGameSummary
from nbkit.warehouse import open_warehouse

from .engine.toys import schedule

TOGS = TeamOffenseGameSummary.TARGET_TABLE
T0 = dt.datetime(2023, 11, 2, 12, 0, tzinfo=dt.timezone.utc)
SCHEDULE = schedule(days=5)                     # five game dates, Oct 24-28, two games each
D1, D2, D3, D4, D5 = sorted(set(SCHEDULE["game_date"]))


@pytest.fixture
def wh(duck):
    """A private, writable warehouse with the schema and no rows (a copy of the run's
    empty-schema file: tests/conftest.py)."""
    return duck


def by_check(checks: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    """check -> (value, verdict, detail)."""
    assert checks["check"].is_unique, checks["check"].tolist()
    return {r.check: (r.value, r.verdict, r.detail) for r in checks.itertuples()}


def games(day: dt.date):
    return SCHEDULE[SCHEDULE["game_date"] == day].itertuples()


def sides(day: dt.date) -> list[dict]:
    """Both teams of each of the day's final games."""
    return [{"game_id": g.game_id, "game_date": day, "season_year": 2023, "team_abbr": team,
             "opponent_team_abbr": other, "home": home}
            for g in games(day) for team, other, home in (
                (g.home_team_tricode, g.away_team_tricode, True),
                (g.away_team_tricode, g.home_team_tricode, False))]


# --------------------------------------------------------------------------- verdict

@pytest.mark.parametrize("verdicts, expected", [
    ([], "FAIL"),                       # no check at all is not a pass
    (["PASS", "PASS"], "PASS"),
    (["PASS", "WARN"], "WARN"),
    (["WARN", "FAIL", "PASS"], "FAIL"),
    (["FAIL"], "FAIL"),
])
def test_verdict(verdicts, expected):
    checks = pd.DataFrame([{"gate": "g", "check": f"c{i}", "value": "", "threshold": "",
                            "verdict": v, "detail": ""} for i, v in enumerate(verdicts)],
                          columns=gates.COLUMNS)
    assert gates.verdict(checks) == expected


# --------------------------------------------------------------------------- gate 0

def test_gate0_on_an_empty_warehouse_fails_and_names_the_fix(wh):
    ledger = Ledger(wh)
    ledger.leases.acquire("run_live", [TOGS], [D1], owner="ana")
    ledger.leases.acquire("run_gone", [TOGS], [D2], owner="bob", ttl_seconds=-5)  # expired
    checks = gates.gate0(wh, D1, D5)
    assert list(checks.columns) == gates.COLUMNS and set(checks["gate"]) == {"gate0"}
    got = by_check(checks)
    n = len(schema.tables())
    assert got["schema: every production table exists"] == (str(n), "PASS",
                                                            "all tables present")
    assert got["schedule has final games"] == ("0", "FAIL", "run nbkit sample-data")
    assert not [c for c in got if c.startswith("phase 2")]   # nothing to compare against
    assert got["catalogue: every target table exists"][:2] == ("0", "PASS")
    # the live lease is named; the expired one is not
    assert got["no writer lease held"] == (
        "1", "FAIL", f"ana@{socket.gethostname()} pid {os.getpid()} run run_live")
    assert sorted(checks[checks["verdict"] == "FAIL"]["check"]) == [
        "no writer lease held", "schedule has final games"]
    assert gates.verdict(checks) == "FAIL"


def test_gate0_without_the_schema_refuses_and_names_nbkit_init(tmp_path):
    with open_warehouse(str(tmp_path / "bare.duckdb")) as bare:
        with pytest.raises(WarehouseError) as err:
            gates.gate0(bare, D1, D5)
    assert "nbkit init" in err.value.fix


def test_gate0_phase2_sources_against_the_schedule(wh):
    wh.write_frame("nba_raw.nbac_schedule", SCHEDULE.iloc[:8])   # D1-D4: 8 games
    box = [{**s, "nba_game_id": s["game_id"], "is_home": s["home"]}
           for d in (D1, D2, D3, D4) for s in sides(d)][:-1]     # D4 lacks one team
    wh.write_frame("nba_raw.nbac_team_boxscore",
                   pd.DataFrame(box).drop(columns=["home", "opponent_team_abbr"]))
    book = [{"game_id": s["game_id"], "game_date": s["game_date"], "season_year": 2023,
             "team_abbr": s["team_abbr"], "player_lookup": f"p{s['team_abbr'].lower()}",
             "player_status": "active"} for d in (D1, D2, D3) for s in sides(d)]
    book.append({**book[0], "player_lookup": None})               # one unnamed player on D1
    wh.write_frame("nba_raw.nbac_gamebook_player_stats", pd.DataFrame(book))
    wh.write_frame("nba_raw.bdl_player_boxscores", pd.DataFrame(
        [{k: r[k] for k in ("game_id", "game_date", "season_year", "team_abbr",
                            "player_lookup")} for r in book[:-1] if r["game_date"] != D3]
        + [{"game_id": "x", "game_date": D4, "season_year": 2023, "team_abbr": "ATL",
            "player_lookup": "patl"}]))                           # bdl misses only D3
    wh.write_frame("nba_raw.odds_api_player_points_props", pd.DataFrame(
        [{"game_id": "x", "game_date": d, "snapshot_timestamp": T0, "bookmaker": "b",
          "points_line": 10.5} for d in (D1, D2)]))
    wh.write_frame("nba_raw.bettingpros_player_points_props", pd.DataFrame(
        [{"game_date": d, "bet_side": "over", "player_lookup": "patl", "bookmaker": "b",
          "points_line": 10.5} for d in (D2, D3)]))

    got = by_check(gates.gate0(wh, D1, D5))
    assert got["phase 2 nba_raw.nbac_team_boxscore"] == ("4/4", "PASS", "critical source")
    assert got["phase 2 nba_raw.nbac_gamebook_player_stats"] == ("3/4", "FAIL",
                                                                 "critical source")
    # bdl misses D3, which the gamebook has: not a hole
    assert got["phase 2 nba_raw.bdl_player_boxscores"] == (
        "3/4", "PASS", "1 missing date(s) all covered by the gamebook (PGS primary source)")
    # props: Odds API on D1-D2, BettingPros on D2-D3, neither on D4
    assert got["phase 2 player props (Odds API or BettingPros)"] == (
        "3/4", "FAIL", "Odds API 2 dates (50.0%), gaps filled by BettingPros 2 dates (50.0%)")
    assert got["phase 2 nba_raw.nbac_team_boxscore rows per game"] == (
        "1", "FAIL", "2023-10-27 3/4")
    # the gamebook has no row at all on D4: a missing date, not a short one
    assert got["phase 2 nba_raw.nbac_gamebook_player_stats teams per game"][:2] == ("0",
                                                                                    "PASS")
    assert got["phase 2 gamebook rows with NULL player_lookup/team_abbr"][:2] == ("1", "FAIL")
    assert got["phase 2 play-by-play (optional)"][:2] == ("0/4", "PASS")


def test_gate0_null_player_check_on_an_empty_gamebook_is_zero(wh):
    """COUNTIF over no rows is NULL on DuckDB (0 on BigQuery): the check counts 0, and the
    play-by-play row after it is still added."""
    wh.write_frame("nba_raw.nbac_schedule", SCHEDULE)
    checks = gates.gate0(wh, D1, D5)
    assert "error" not in set(checks["value"]), checks[checks["value"] == "error"].to_dict(
        "records")
    got = by_check(checks)
    assert got["phase 2 gamebook rows with NULL player_lookup/team_abbr"][:2] == ("0", "PASS")
    assert got["phase 2 play-by-play (optional)"][:2] == ("0/5", "PASS")
    # no source row at all: the uncovered dates are listed as plain ISO dates
    assert got["phase 2 nba_raw.bdl_player_boxscores"] == (
        "0/5", "FAIL", "uncovered: " + ", ".join(d.isoformat() for d in (D1, D2, D3, D4, D5)))


def test_a_check_that_cannot_run_fails_closed_under_its_own_name():
    out = gates._Checks("gate9")
    out.run("composite adjustment range", lambda: 1 / 0)
    assert out.frame().to_dict("records") == [{
        "gate": "gate9", "check": "composite adjustment range", "value": "error",
        "threshold": "computable", "verdict": "FAIL",
        "detail": "ZeroDivisionError: division by zero"}]


# --------------------------------------------------------------------------- gates 1 and 2

def togs_outcome(day, status, hours=0) -> Outcome:
    at = T0 + dt.timedelta(hours=hours)
    p = TeamOffenseGameSummary
    return Outcome(p.NAME, p.RUN_HISTORY_NAME, p.PHASE, p.TARGET_TABLE, day, status,
                   p.code_version(), at, at + dt.timedelta(seconds=1))


def test_gate1_coverage_duplicates_and_success_rate_of_the_latest_outcome(wh):
    wh.write_frame("nba_raw.nbac_schedule", SCHEDULE)
    rows = [{**{k: v for k, v in s.items() if k != "home"}, "home_game": s["home"],
             "win_flag": s["home"]} for d in (D1, D2, D4, D5) for s in sides(d)]
    rows = [r for r in rows if not (r["game_date"] == D2 and r["team_abbr"] == "ATL")]
    rows += [r for r in rows if r["game_date"] == D4][:1]   # D4: one key twice
    wh.write_frame(TOGS, pd.DataFrame(rows))
    ledger = Ledger(wh)
    ledger.record("run_a", [togs_outcome(D1, "failed"), togs_outcome(D1, "success", hours=1),
                            togs_outcome(D2, "partial")])

    sc = gates.scope(wh, D1, D5)
    got = by_check(gates.gate1(wh, sc))
    # D1 and D5 complete; D2 short by one team, D4 duplicated: partial; D3 missing
    assert got[f"coverage {TOGS}"] == ("2/5", "FAIL", "2 partial, 1 missing")
    assert got[f"no duplicate keys {TOGS}"][:2] == ("1", "FAIL")
    # latest per date: D1 success (its failure was recovered), D2 partial
    assert got["success rate team_offense_game_summary"] == (
        "50.00%", "FAIL", "2 dates; 33.3% of 3 attempts succeeded")
    value, verdict, detail = got["phase 3: no unresolved failures"]
    assert (value, verdict) == ("1", "FAIL")
    assert "TeamOffenseGameSummaryProcessor 2023-10-25" in detail
    assert got["success rate player_game_summary"][:2] == ("no runs", "WARN")

    ledger.record("run_b", [togs_outcome(D2, "success", hours=2)])
    got = by_check(gates.gate1(wh, sc))
    assert got["success rate team_offense_game_summary"] == (
        "100.00%", "PASS", "2 dates; 50.0% of 4 attempts succeeded")
    assert got["phase 3: no unresolved failures"] == ("0", "PASS", "none")


def test_gate2_composite_adjustment_range_fails_closed_without_rows(wh):
    wh.write_frame("nba_raw.nbac_schedule", SCHEDULE)
    sc = gates.scope(wh, D1, D5)
    check = "composite adjustment range"
    assert by_check(gates.gate2(wh, sc))[check][:2] == ("no rows", "FAIL")

    def composite(*values):
        wh.write_frame("nba_precompute.player_composite_factors", pd.DataFrame(
            [{"player_lookup": f"p{i}", "game_date": D5, "game_id": "g",
              "total_composite_adjustment": v} for i, v in enumerate(values)]))

    composite(-20.0, 5.0)
    assert by_check(gates.gate2(wh, sc))[check] == (
        "[-20.00, 5.00] mean -7.50", "FAIL", "2 player_composite_factors rows")
    composite(-2.0, 4.0)   # same key: replaces the two rows
    assert by_check(gates.gate2(wh, sc))[check][:2] == ("[-2.00, 4.00] mean 1.00", "PASS")


def test_stage_gate_with_no_dates_in_scope_fails(wh):
    wh.write_frame("nba_raw.nbac_schedule", SCHEDULE)
    checks = gates.stage_gate(wh, gates.scope(wh, D1, D5), 5)   # no Phase 5 processor
    assert by_check(checks)["phase 5 coverage"] == ("0", "FAIL", "no dates in scope")
    assert set(checks["gate"]) == {"stage5"} and gates.verdict(checks) == "FAIL"


# --------------------------------------------------------------------------- gate 3

def test_gate3_current_season_and_overall_coverage():
    calendar = SeasonCalendar.from_schedule(SCHEDULE, bootstrap_days=2)   # D1, D2 bootstrap

    def table(name, phase, statuses):
        return [{"table": name, "phase": phase, "data_date": d, "status": s,
                 "duplicate_rows": 0} for d, s in zip((D1, D2, D3, D4, D5), statuses)]

    def gate3(*tables):
        status = pd.DataFrame([r for t in tables for r in t])
        sc = gates.Scope(D1, D5, calendar, pd.DataFrame(), status)
        return by_check(gates.gate3(None, sc))

    done3 = table("a.done", 3, ["complete"] * 5)
    behind2 = table("a.behind2", 3, ["complete"] * 3 + ["missing"] * 2)
    bootstrap = ["expected-empty"] * 2
    behind3 = table("p.behind3", 4, bootstrap + ["partial", "missing", "missing"])
    done4 = table("p.done", 4, bootstrap + ["complete"] * 3)

    got = gate3(done3, behind2, behind3)
    assert got["phase 3: season 2023-24 current"] == ("3/5", "PASS",
                                                     "worst table is 2 date(s) behind")
    assert got["phase 4: season 2023-24 current"] == ("0/3", "FAIL",
                                                     "worst table is 3 date(s) behind")
    assert got["phase 3: overall coverage"][:2] == ("3/5", "FAIL")
    assert got["phase 4: overall coverage"][:2] == ("0/3", "FAIL")

    got = gate3(done3, done4)
    assert {c: v[:2] for c, v in got.items()} == {
        "phase 3: season 2023-24 current": ("5/5", "PASS"),
        "phase 4: season 2023-24 current": ("3/3", "PASS"),
        "phase 3: overall coverage": ("5/5", "PASS"),
        "phase 4: overall coverage": ("3/3", "PASS")}
