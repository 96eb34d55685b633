"""The backfill engine on a tiny real warehouse: resume, isolation, quarantine, repair."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nbkit.backfill import execute, prepare
from nbkit.checksums import table_checksums
from nbkit.executor import OnError, RunOptions
from nbkit.leases import LeaseHeldError
from nbkit.ledger import Ledger
from nbkit.plan import make_request

from .toys import ToyDefense, ToyTeamRows, schedule, toy_registry

TOGS = "nba_analytics.team_offense_game_summary"
TDZA = "nba_precompute.team_defense_zone_analysis"
QUIET = dict(progress=False, backoff_seconds=0.01)


@pytest.fixture
def reg():
    return toy_registry()


@pytest.fixture
def wh(duck):
    duck.write_frame("nba_raw.nbac_schedule", schedule())
    return duck


def backfill(wh, reg, **options):
    request = make_request(season="2023-24", registry=reg)
    prepared = prepare(wh, request, registry=reg)
    return execute(wh, prepared, RunOptions(**{**QUIET, **options}), registry=reg)


def history(wh) -> pd.DataFrame:
    return wh.query("SELECT processor_name, data_date, status, skip_reason, run_id "
                    "FROM nba_reference.processor_run_history")


def test_full_run_then_rerun_does_nothing(wh, reg):
    result = backfill(wh, reg)
    assert result.status == "success", result.alerts
    game_dates = sorted(set(schedule()["game_date"]))
    bootstrap = [d for d in game_dates if d < dt.date(2023, 10, 31)]
    summary = result.summary().set_index("processor")
    assert summary.loc["toy_team_rows", "success"] == len(game_dates)
    assert summary.loc["toy_defense", "success"] == len(game_dates) - len(bootstrap)
    assert wh.partitions(TDZA)["partition_date"].min() == dt.date(2023, 10, 31)
    runs_before = len(history(wh))
    again = backfill(wh, reg)
    assert again.status == "nothing to do" and again.run_id is None
    assert len(history(wh)) == runs_before
    run = Ledger(wh).run(result.run_id)
    assert run["status"] == "success" and run["tasks_succeeded"] == runs_before


def test_phase3_rewritten_later_reruns_the_phase4_dates_that_read_it(wh, reg):
    """A Phase 3-only repair run leaves Phase 4 built on the old rows: the next plan
    reruns exactly the Phase 4 dates whose lookback reads the rewritten date."""
    assert backfill(wh, reg).status == "success"
    game_dates = sorted(set(schedule()["game_date"]))
    rewritten = game_dates[len(game_dates) // 2]
    repair = prepare(wh, make_request(dates=rewritten.isoformat(), phases="3", include="all",
                                      registry=reg), registry=reg)
    assert execute(wh, repair, RunOptions(**QUIET), registry=reg).status == "success"

    follow_up = prepare(wh, make_request(season="2023-24", registry=reg), registry=reg)
    runs = {t.date: t.reason for t in follow_up.plan.runnable()}
    assert set(runs) == {d for d in game_dates if d >= rewritten}
    assert runs[rewritten] == f"upstream rewritten since: toy_team_rows {rewritten}"
    assert backfill(wh, reg).status == "success"
    assert prepare(wh, make_request(season="2023-24", registry=reg),
                   registry=reg).plan.runnable() == []


def test_batched_equals_per_date(tmp_path, reg):
    from nbkit.warehouse import open_warehouse

    sums = []
    for chunk in (0, 1):
        wh = open_warehouse(str(tmp_path / f"c{chunk}.duckdb"))
        wh.init_schema()
        wh.write_frame("nba_raw.nbac_schedule", schedule())
        assert backfill(wh, reg, chunk_size=chunk).status == "success"
        sums.append((table_checksums(wh, TOGS), table_checksums(wh, TDZA)))
        wh.close()
    pd.testing.assert_frame_equal(sums[0][0], sums[1][0])
    pd.testing.assert_frame_equal(sums[0][1], sums[1][1])


def test_failing_date_is_isolated_and_quarantines_only_its_downstream(wh, reg):
    frame = schedule()
    bad_day = dt.date(2023, 11, 3)
    frame.loc[frame["game_date"] == bad_day, "home_team_tricode"] = "ERR"
    wh.write_frame("nba_raw.nbac_schedule", frame)
    result = backfill(wh, reg)
    assert result.status == "failed"
    out = result.outcomes
    failed = out[out["status"] == "failed"]
    assert list(zip(failed["processor"], failed["date"])) == [("toy_team_rows", bad_day)]
    ok3 = out[(out["processor"] == "toy_team_rows") & (out["status"] == "success")]
    assert len(ok3) == len(set(frame["game_date"])) - 1
    toy4 = out[out["processor"] == "toy_defense"]
    assert (toy4[toy4["date"] < bad_day]["status"] == "success").all()
    quarantined = toy4[toy4["date"] >= bad_day]
    assert len(quarantined) and (quarantined["status"] == "skipped").all()
    assert quarantined["reason"].str.contains("upstream incomplete").all()
    assert any("QUARANTINED toy_defense" in a for a in result.alerts)
    assert "toy_team_rows" in result.resume_command or "backfill" in result.resume_command
    # the fix: repair the raw data, rerun the same command, everything completes
    wh.write_frame("nba_raw.nbac_schedule", schedule())
    again = backfill(wh, reg)
    assert again.status == "success"
    redone = again.outcomes
    assert set(redone[redone["processor"] == "toy_team_rows"]["date"]) == {bad_day}
    assert set(redone[redone["processor"] == "toy_defense"]["date"]) == set(quarantined["date"])


def test_on_error_stop_stops_scheduling(wh, reg):
    frame = schedule()
    frame.loc[frame["game_date"] == dt.date(2023, 10, 25), "home_team_tricode"] = "ERR"
    wh.write_frame("nba_raw.nbac_schedule", frame)
    result = backfill(wh, reg, on_error=OnError.STOP, workers=1)
    assert result.status == "failed"
    assert "toy_defense" not in set(result.outcomes["processor"])


def test_partial_and_duplicate_dates_are_repaired(wh, reg):
    assert backfill(wh, reg).status == "success"
    day, dup_day = dt.date(2023, 11, 1), dt.date(2023, 11, 2)
    wh.replace_dates(TOGS, [day], f"SELECT * FROM `nba-props-platform.{TOGS}` "
                                  f"WHERE game_date = DATE '{day}' LIMIT 1")
    wh.replace_dates(TOGS, [dup_day], f"SELECT * FROM `nba-props-platform.{TOGS}` "
                                      f"WHERE game_date = DATE '{dup_day}' UNION ALL "
                                      f"SELECT * FROM `nba-props-platform.{TOGS}` "
                                      f"WHERE game_date = DATE '{dup_day}'")
    prepared = prepare(wh, make_request(season="2023-24", registry=reg), registry=reg)
    reasons = prepared.plan.to_frame().set_index(["processor", "date"])["reason"]
    assert reasons[("toy_team_rows", day)] == "partial"
    assert reasons[("toy_team_rows", dup_day)] == "duplicate keys"
    result = execute(wh, prepared, RunOptions(**QUIET), registry=reg)
    assert result.status == "success"
    counts = wh.query(f"SELECT game_date, COUNT(*) AS n, COUNT(DISTINCT CONCAT(game_id, team_abbr))"
                      f" AS k FROM `{TOGS}` GROUP BY 1")
    assert (counts["n"] == counts["k"]).all() and (counts["n"] == 4).all()


def test_override_runs_phase4_on_incomplete_phase3_and_logs_it(wh, reg):
    request = make_request(season="2023-24", phases="4", registry=reg)
    prepared = prepare(wh, request, registry=reg)
    assert prepared.plan.runnable() == []
    assert set(prepared.plan.to_frame()["reason"]) >= {"bootstrap",
                                                      "upstream incomplete: toy_team_rows"}
    forced = execute(wh, prepared, RunOptions(**QUIET), registry=reg)
    assert forced.status == "nothing to do"
    # with the override the planner still refuses (nothing upstream), executor-level
    # override applies to tasks that are planned: plan phase 3 partially, then force
    frame = schedule()
    frame.loc[frame["game_date"] == dt.date(2023, 11, 3), "home_team_tricode"] = "ERR"
    wh.write_frame("nba_raw.nbac_schedule", frame)
    result = backfill(wh, reg, allow_incomplete_upstream=True)
    assert any(a.startswith("OVERRIDE") for a in result.alerts)
    assert Ledger(wh).run(result.run_id)["override_incomplete_upstream"]
    toy4 = result.outcomes[result.outcomes["processor"] == "toy_defense"]
    assert (toy4["status"] != "skipped").all()


def test_second_writer_refused_with_holder_named_nothing_written(wh, reg):
    ledger = Ledger(wh)
    lease = ledger.leases.acquire("other-run", [TOGS], [dt.date(2023, 11, 1)], owner="analyst-a")
    with pytest.raises(LeaseHeldError, match="analyst-a.*other-run"):
        backfill(wh, reg)
    assert wh.query(f"SELECT COUNT(*) AS n FROM `{TOGS}`")["n"].iloc[0] == 0
    # disjoint dates proceed side by side
    ledger.leases.release(lease)
    ledger.leases.acquire("other-season", [TOGS], [dt.date(2024, 11, 1)], owner="analyst-b")
    assert backfill(wh, reg).status == "success"


def test_dead_local_holder_is_not_taken_over_silently(wh, reg):
    ledger = Ledger(wh)
    ledger.leases.acquire("crashed-run", [TOGS], [dt.date(2023, 11, 1)], ttl_seconds=-5)
    with pytest.raises(LeaseHeldError, match="stale"):
        backfill(wh, reg)
    assert backfill(wh, reg, take_over_stale_lease=True).status == "success"


def test_ledger_rows_match_production_columns(wh, reg):
    result = backfill(wh, reg)
    rows = wh.query("SELECT * FROM nba_reference.processor_run_history WHERE run_id = @r",
                    {"r": result.run_id})
    assert set(rows["status"]) == {"success"}
    assert rows["backfill_mode"].all() and rows["phase"].isin(
        ["phase_3_analytics", "phase_4_precompute"]).all()
    assert (rows["cloud_run_revision"] == rows["processor_name"].map(
        {"ToyTeamRowsProcessor": ToyTeamRows.code_version(),
         "ToyDefenseProcessor": ToyDefense.code_version()})).all()
    assert rows.groupby(["processor_name", "data_date"]).size().max() == 1


def test_chunks_pack_whole_seasons_up_to_the_warehouse_and_processor_limits(duck):
    from nbkit.calendar import SeasonCalendar
    from nbkit.executor import _chunks
    from nbkit.processors.player_daily_cache import PlayerDailyCache
    from nbkit.processors.player_shot_zone_analysis import PlayerShotZoneAnalysis

    openings = {2021: dt.date(2021, 10, 19), 2022: dt.date(2022, 10, 18),
                2023: dt.date(2023, 10, 24)}
    days = [o + dt.timedelta(days=i) for o in openings.values() for i in (0, 10, 20)]
    calendar = SeasonCalendar(pd.DataFrame({"game_date": days}))
    assert _chunks(days, 0, calendar, 1) == [days[0:3], days[3:6], days[6:9]]
    assert _chunks(days, 0, calendar, 2) == [days[0:6], days[6:9]]
    assert _chunks(days, 0, calendar, 4) == [days]
    assert _chunks(days, 4, calendar, 4) == [days[0:4], days[4:8], days[8:9]]  # dates, not seasons
    # DuckDB packs four seasons; a processor pinned to one season keeps a statement per season
    assert duck.seasons_per_statement == 4
    assert PlayerShotZoneAnalysis.SEASONS_PER_STATEMENT is None
    assert PlayerDailyCache.SEASONS_PER_STATEMENT == 1
