"""The sample dataset: the numbers of the issue, consistency, determinism, the warehouse build.

Most tests check the pure generator (``generate_raw``); one module-scoped fixture builds
the default sample into a real DuckDB file through ``build_sample``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlglot
from sqlglot import exp

from nbkit import schema
from nbkit.errors import ParamsError
from nbkit.sample import DEFAULT_AS_OF, TABLES, build_sample, check_as_of, generate_raw
from nbkit.sample.coverage import bdl_hole_dates
from nbkit.schema.columns import render
from nbkit.warehouse import open_warehouse
from tests.sample.helpers import (BDL, BIGDATABALL, BP_PROPS, DATE_COLUMN, ESPN, GAME_LINES,
                                  GAMEBOOK, HASH16, HEX_ID, INJURIES, NBA_ID, NBA_TEAMS,
                                  ODDS_PROPS, PBP, REGISTRY, SCHEDULE, SYSTEM_ID, TEAM_BOX,
                                  TRAVEL, WINDOW, final_schedule, recomputed_points, seconds,
                                  system_ids_of_schedule, window_dates)

EARLY = dt.date(2022, 1, 15)
RAW_DDL = Path(schema.DDL_DIR) / "nba_raw.sql"


@pytest.fixture(scope="module")
def frames(default_frames):
    return default_frames


@pytest.fixture(scope="module")
def early():
    return generate_raw(7, EARLY)


@pytest.fixture(scope="module")
def active(frames):
    gb = frames[GAMEBOOK]
    return gb[gb["player_status"] == "active"]


# ----------------------------------------------------------------------------- schedule

def test_schedule_has_every_calendar_game_with_nba_ids(frames):
    sched = frames[SCHEDULE]
    assert len(sched) == 5299 and sched["game_id"].is_unique
    assert sched["game_id"].str.match(NBA_ID).all()
    assert (min(sched["game_date"]), max(sched["game_date"])) == (dt.date(2021, 10, 19),
                                                                  dt.date(2025, 6, 22))
    assert sched["game_type"].value_counts().to_dict() == {
        "regular_season": 4920, "playoffs": 337, "play_in": 24, "all_star": 18}
    flags = sched[["is_regular_season", "is_playoffs", "is_play_in", "is_all_star"]]
    assert (flags.sum(axis=1) == 1).all()
    assert (sched["season_year"] == sched["game_id"].str[3:5].astype(int) + 2000).all()
    assert (sched["data_source"] == "nbac_schedule").all()


def test_final_games_span_exactly_675_dates_of_the_backfill_window(frames):
    final = final_schedule(frames)
    assert len(window_dates(final)) == 675
    assert len(final) == 4261


def test_status_and_scores_follow_the_as_of_date(frames):
    sched = frames[SCHEDULE]
    after = sched[sched["game_date"] > DEFAULT_AS_OF]
    final = sched[sched["game_date"] <= DEFAULT_AS_OF]
    assert (final["game_status"] == 3).all() and (after["game_status"] == 1).all()
    assert after[["home_team_score", "away_team_score", "winning_team_tricode"]].isna().all().all()
    home_won = final["home_team_score"] > final["away_team_score"]
    winner = np.where(home_won, final["home_team_tricode"], final["away_team_tricode"])
    assert (final["home_team_score"] != final["away_team_score"]).all()
    assert (final["winning_team_tricode"] == winner).all()


def test_regular_season_82_games_41_at_home_never_twice_a_day(frames):
    sched = frames[SCHEDULE]
    nba = sched[~sched["is_all_star"]]
    sides = pd.concat([nba[["game_date", "season_year", "home_team_tricode"]].set_axis(
        ["game_date", "season_year", "team"], axis=1).assign(home=1),
        nba[["game_date", "season_year", "away_team_tricode"]].set_axis(
        ["game_date", "season_year", "team"], axis=1).assign(home=0)])
    assert not sides.duplicated(["game_date", "team"]).any()
    regular = sides[sides.index.isin(nba.index[nba["is_regular_season"]])]
    per_team = regular.groupby(["season_year", "team"]).agg(games=("home", "size"),
                                                            home=("home", "sum"))
    assert per_team["games"].between(80, 84).all() and len(per_team) == 120
    assert per_team["home"].between(39, 43).all()
    assert set(sides["team"]) == NBA_TEAMS


def test_playoff_series_alternate_home_and_are_won_in_four(frames):
    sched = frames[SCHEDULE]
    po = sched[sched["is_playoffs"] & (sched["game_status"] == 3)].copy()
    po["series"] = po["game_id"].str[:9]
    po["game"] = po["game_id"].str[9].astype(int)
    for _, games in po.groupby("series"):
        games = games.sort_values("game")
        teams = set(games["home_team_tricode"]) | set(games["away_team_tricode"])
        assert len(teams) == 2
        better = games["home_team_tricode"].iloc[0]
        at_better = games["game"].isin([1, 2, 5, 7])
        assert ((games["home_team_tricode"] == better) == at_better).all()
        wins = games["winning_team_tricode"].value_counts()
        if len(games) == games["game"].max() and wins.iloc[0] == 4:
            assert games["winning_team_tricode"].iloc[-1] == wins.index[0]
        assert wins.max() <= 4


def test_all_star_games_use_twelve_player_squads_of_real_players(frames):
    sched, gb, registry = frames[SCHEDULE], frames[GAMEBOOK], frames[REGISTRY]
    star = sched[sched["is_all_star"] & (sched["game_status"] == 3)]
    squads = set(star["home_team_tricode"]) | set(star["away_team_tricode"])
    assert squads and not squads & NBA_TEAMS
    rows = gb[gb["team_abbr"].isin(squads)]
    per_side = rows.groupby(["game_id", "team_abbr"])["player_lookup"].nunique()
    assert (per_side == 12).all()
    assert (rows["player_status"] == "active").all()
    assert set(rows["player_lookup"]) <= set(registry["player_lookup"])


# ----------------------------------------------------------------------------- box scores

def test_game_id_formats(frames):
    for table in (GAMEBOOK, BDL, TEAM_BOX, PBP, ODDS_PROPS, INJURIES, ESPN):
        assert frames[table]["game_id"].str.match(SYSTEM_ID).all(), table
    for table in (TEAM_BOX, PBP):
        assert frames[table]["nba_game_id"].str.match(NBA_ID).all(), table
    assert frames[GAME_LINES]["game_id"].str.match(HEX_ID).all()
    assert "game_id" not in frames[BP_PROPS].columns
    final = final_schedule(frames)
    expected = set(system_ids_of_schedule(final))
    assert set(frames[GAMEBOOK]["game_id"]) == expected
    assert set(frames[TEAM_BOX]["game_id"]) == expected


def test_gamebook_statuses_minutes_and_stat_identities(frames, active):
    gb = frames[GAMEBOOK]
    assert set(gb["player_status"]) == {"active", "inactive", "dnp"}
    idle = gb[gb["player_status"] != "active"]
    assert idle["minutes"].isna().all() and idle["points"].isna().all()
    assert idle["dnp_reason"].notna().all()
    assert active["minutes"].str.match(r"^\d{2}:[0-5]\d$").all()
    a = active.astype({c: "int64" for c in ("points", "field_goals_made", "field_goals_attempted",
                                            "three_pointers_made", "three_pointers_attempted",
                                            "free_throws_made", "free_throws_attempted",
                                            "offensive_rebounds", "defensive_rebounds",
                                            "total_rebounds")})
    assert (a["points"] == recomputed_points(a)).all()
    assert (a["field_goals_made"] <= a["field_goals_attempted"]).all()
    assert (a["three_pointers_made"] <= a["three_pointers_attempted"]).all()
    assert (a["three_pointers_attempted"] <= a["field_goals_attempted"]).all()
    assert (a["three_pointers_made"] <= a["field_goals_made"]).all()
    assert (a["free_throws_made"] <= a["free_throws_attempted"]).all()
    assert (a["offensive_rebounds"] + a["defensive_rebounds"] == a["total_rebounds"]).all()
    assert gb["player_lookup"].str.match(r"^[a-z]+$").all()


def test_team_minutes_are_240_plus_25_per_overtime(frames, active):
    per_team = active.assign(s=seconds(active["minutes"])).groupby(["game_id", "team_abbr"])["s"]
    total = per_team.sum()
    assert (((total - 14400) % 1500) == 0).all() and (total >= 14400).all()
    ot_share = (total > 14400).groupby(level=0).any().mean()
    assert 0.03 <= ot_share <= 0.09


def test_rotations_starters_and_bench(frames, active):
    gb = frames[GAMEBOOK]
    nba = gb[gb["team_abbr"].isin(NBA_TEAMS)]
    counts = nba.groupby(["game_id", "team_abbr"])["player_status"].value_counts().unstack(
        fill_value=0)
    assert counts["active"].between(8, 13).all() and 9.5 <= counts["active"].mean() <= 11
    idle = counts["inactive"] + counts["dnp"]
    assert 2 <= idle.mean() <= 5.5
    mins = active[active["team_abbr"].isin(NBA_TEAMS)].assign(m=lambda f: seconds(f["minutes"]))
    top5 = mins.sort_values("m", ascending=False).groupby(["game_id", "team_abbr"]).head(5)
    assert 30 <= top5["m"].mean() / 60 <= 36
    bench = mins.drop(top5.index)
    assert bench["m"].mean() / 60 < 20


def test_scoring_is_plausible(frames, active):
    team = frames[TEAM_BOX]
    nba = team[team["team_abbr"].isin(NBA_TEAMS)]
    assert nba["points"].between(95, 135).mean() >= 0.8
    assert 105 <= nba["points"].mean() <= 120
    per_player = active[active["team_abbr"].isin(NBA_TEAMS)]["points"].astype(float).mean()
    assert 8 <= per_player <= 12


def test_team_boxscore_adds_up_to_active_gamebook_rows(frames, active):
    team = frames[TEAM_BOX]
    assert team.groupby("game_id")["is_home"].agg(["size", "sum"]).eq([2, 1]).all().all()
    sums = active.assign(s=seconds(active["minutes"])).groupby(["game_id", "team_abbr"]).agg(
        pts=("points", "sum"), fgm=("field_goals_made", "sum"),
        fga=("field_goals_attempted", "sum"), tpm=("three_pointers_made", "sum"),
        ftm=("free_throws_made", "sum"), reb=("total_rebounds", "sum"), ast=("assists", "sum"),
        tov=("turnovers", "sum"), s=("s", "sum"))
    joined = team.set_index(["game_id", "team_abbr"]).join(sums, how="inner")
    assert len(joined) == len(team)
    for box_col, sum_col in [("points", "pts"), ("fg_made", "fgm"), ("fg_attempted", "fga"),
                             ("three_pt_made", "tpm"), ("ft_made", "ftm"),
                             ("total_rebounds", "reb"), ("assists", "ast"), ("turnovers", "tov")]:
        assert (joined[box_col] == joined[sum_col]).all(), box_col
    assert (seconds(joined["minutes"]) == joined["s"]).all()
    assert (joined["points"] == recomputed_points(joined, "fg_made", "three_pt_made",
                                                  "ft_made")).all()
    assert (team.groupby("game_id")["plus_minus"].sum() == 0).all()
    pm = active.groupby(["game_id", "team_abbr"])["plus_minus"].sum()
    assert (pm == 5 * joined["plus_minus"].reindex(pm.index)).all()


def test_bdl_matches_gamebook_except_the_seven_hole_dates(frames, active):
    bdl = frames[BDL]
    holes = window_dates(frames[GAMEBOOK]) - window_dates(bdl)
    assert len(holes) == 7 and sorted(holes) == bdl_hole_dates(7)
    assert {"rebounds", "player_full_name"} <= set(bdl.columns)
    assert "total_rebounds" not in bdl.columns
    played = active[~active["game_date"].isin(holes)]
    assert len(bdl) == len(played)
    merged = bdl.merge(played, on=["game_id", "player_lookup"], suffixes=("", "_gb"))
    assert len(merged) == len(bdl)
    assert (merged["points"] == merged["points_gb"]).all()
    differ = (merged["assists"] != merged["assists_gb"]) | (
        merged["rebounds"] != merged["total_rebounds"])
    assert 0 < differ.mean() < 0.01
    assert bdl["minutes"].str.match(r"^\d{1,2}(:[0-5]\d)?$").all()
    assert bdl["minutes"].str.contains(":").any() and (~bdl["minutes"].str.contains(":")).any()


# ----------------------------------------------------------------------------- props, lines

def test_odds_api_props_cover_about_40_percent_of_dates(frames):
    props = frames[ODDS_PROPS]
    dates = window_dates(props)
    assert 250 <= len(dates) <= 290
    assert {"draftkings", "fanduel"} <= set(props["bookmaker"])
    snaps = props.groupby(["game_id", "player_lookup", "bookmaker"])["snapshot_timestamp"].nunique()
    assert (snaps >= 2).mean() > 0.95
    assert props["points_line"].between(0.5, 50).all()
    for col in ("over_price_american", "under_price_american"):
        assert (props[col].abs() >= 100).all() and props[col].between(-400, 400).all()


def test_prop_lines_sit_near_the_players_scoring(frames, active):
    props = frames[ODDS_PROPS]
    joined = props.merge(active[["game_id", "player_lookup", "points"]],
                         on=["game_id", "player_lookup"])
    assert len(joined) == len(props)  # every prop is for a player who played
    diff = joined["points"].astype(float) - joined["points_line"]
    assert abs(diff.mean()) < 1.5 and 0.42 < (diff > 0).mean() < 0.58
    assert diff.abs().median() < 7


def test_bettingpros_covers_673_of_675_dates_with_over_under_rows(frames):
    bp = frames[BP_PROPS]
    assert len(window_dates(bp)) == 673
    assert set(bp["bet_side"]) == {"over", "under"}
    pairs = bp.groupby(["game_date", "player_lookup", "bookmaker"])["bet_side"].nunique()
    assert (pairs == 2).all()
    books = bp.groupby(["game_date", "player_lookup"])["bookmaker"].nunique()
    assert 2.5 <= books.mean() <= 4
    per_team = bp.groupby(["game_date", "validated_team"])["player_lookup"].nunique()
    assert 7 <= per_team.mean() <= 11
    assert bp["is_active"].mean() > 0.9 and bp["is_best_line"].any()
    assert bp["opening_line"].notna().all() and bp["bookmaker_last_update"].notna().all()


def test_game_lines_have_spreads_totals_books_and_snapshots(frames):
    lines = frames[GAME_LINES]
    assert set(lines["market_key"]) == {"spreads", "totals"}
    assert lines.groupby("game_id")["bookmaker_key"].nunique().min() >= 1
    assert lines.groupby("game_id")["bookmaker_key"].nunique().mean() >= 3
    assert (lines.groupby("game_id")["snapshot_timestamp"].nunique() >= 2).all()
    totals = lines[lines["market_key"] == "totals"]
    assert set(totals["outcome_name"]) == {"Over", "Under"}
    assert totals["outcome_point"].between(190, 260).all()
    spreads = lines[lines["market_key"] == "spreads"]
    assert spreads["outcome_name"].isin(set(spreads["home_team"]) | set(spreads["away_team"])).all()


def test_injury_report(frames):
    inj = frames[INJURIES]
    assert set(inj["injury_status"]) == {"out", "questionable", "doubtful", "probable",
                                         "available"}
    assert (inj["report_date"] <= DEFAULT_AS_OF).all()
    assert set(inj["report_hour"]) == {13, 17}
    assert inj["confidence_score"].between(0, 1).all()
    assert (inj["confidence_score"] >= 0.8).mean() > 0.9
    gb = frames[GAMEBOOK].set_index(["game_id", "player_lookup"])["player_status"]
    final = inj[inj["report_hour"] == 17].set_index(["game_id", "player_lookup"])
    status = gb.reindex(final.index)
    assert (status[final["injury_status"] == "out"] == "inactive").all()


def test_play_by_play_for_a_few_games_ends_at_the_final_score(frames):
    pbp = frames[PBP]
    assert pbp["game_id"].nunique() == 4
    shots = pbp[pbp["event_type"] == "fieldgoal"]
    assert set(shots["shot_type"]) == {"2PT", "3PT"} and shots["shot_made"].notna().all()
    assert (shots.loc[shots["shot_type"] == "3PT", "shot_distance"] >= 22).all()
    assert set(pbp.loc[pbp["event_type"] == "freethrow", "shot_type"]) == {"FT"}
    last = pbp.sort_values("event_sequence").groupby("game_id")[["score_home", "score_away"]].last()
    team = frames[TEAM_BOX].set_index(["game_id", "is_home"])["points"].unstack()
    assert (last["score_home"] == team.loc[last.index, True]).all()
    assert (last["score_away"] == team.loc[last.index, False]).all()


def test_bigdataball_is_empty_and_espn_mirrors_final_nba_games(frames):
    assert len(frames[BIGDATABALL]) == 0
    espn, sched = frames[ESPN], final_schedule(frames)
    assert len(espn) == (~sched["is_all_star"]).sum()
    assert espn["is_completed"].all() and (espn["game_status"] == "final").all()


# ----------------------------------------------------------------------------- reference

def test_registry_covers_every_gamebook_player(frames):
    reg, gb = frames[REGISTRY], frames[GAMEBOOK]
    assert set(gb["player_lookup"]) <= set(reg["player_lookup"])
    assert reg["universal_player_id"].str.match(r"^[a-z]+_\d{3}$").all()
    ids = reg.groupby("player_lookup")["universal_player_id"].nunique()
    assert (ids == 1).all()
    assert not reg.duplicated(["player_lookup", "team_abbr", "season"]).any()
    moved = reg.groupby(["player_lookup", "season"])["team_abbr"].nunique()
    assert (moved > 1).sum() >= 20  # trade-deadline moves
    seasons = reg.groupby("player_lookup")["season"].nunique()
    assert (seasons == 1).sum() > 100 and (seasons == 4).sum() > 100  # arrivals, departures


def test_rosters_change_between_seasons(frames):
    reg = frames[REGISTRY]
    by_season = reg.groupby("season")["player_lookup"].apply(set)
    assert 0.6 < len(by_season["2021-22"] & by_season["2022-23"]) / len(by_season["2021-22"]) < 0.95
    per_team = reg.groupby(["season", "team_abbr"])["player_lookup"].nunique()
    assert per_team.between(13, 20).all()


def test_travel_distances(early):
    frame = early[TRAVEL]
    assert len(frame) == 870 and not frame.duplicated(["from_team", "to_team"]).any()
    lookup = frame.set_index(["from_team", "to_team"])["distance_miles"]
    assert 2300 <= lookup[("BOS", "LAL")] <= 2700 and lookup[("LAL", "LAC")] == 0


def test_processed_at_after_the_game_and_hashes(frames):
    for table in (GAMEBOOK, BDL, TEAM_BOX, SCHEDULE, PBP, ESPN):
        f = frames[table]
        f = f[f["game_status"] == 3] if table == SCHEDULE else f
        game_day = pd.to_datetime(f["game_date"].astype(str)).dt.tz_localize("UTC")
        assert (f["processed_at"] > game_day + pd.Timedelta(hours=24)).all(), table
        assert str(f["processed_at"].dt.tz) == "UTC"
    for table in (GAMEBOOK, BDL, SCHEDULE, ODDS_PROPS, BP_PROPS, GAME_LINES, INJURIES):
        assert frames[table]["data_hash"].str.match(HASH16).all(), table
    props = frames[ODDS_PROPS]
    assert (props["snapshot_timestamp"] < props["game_start_time"]).all()


# ----------------------------------------------------------------------------- as-of, seeds

def test_nothing_after_the_as_of_date(frames):
    for table, column in DATE_COLUMN.items():
        if table != SCHEDULE and len(frames[table]):
            assert max(frames[table][column]) <= DEFAULT_AS_OF, table


def test_same_seed_identical_rows_whatever_the_as_of(frames, early):
    """Two independent runs (different as-of dates) give identical rows up to the earlier one."""
    for table, column in DATE_COLUMN.items():
        if table == SCHEDULE:
            continue
        full = frames[table][frames[table][column] <= EARLY].reset_index(drop=True)
        pd.testing.assert_frame_equal(early[table], full, check_dtype=False, obj=table)
    sched = early[SCHEDULE]
    later = sched["game_date"] > EARLY
    assert (sched.loc[later, "game_status"] == 1).all()
    same = ["game_id", "game_date", "home_team_tricode", "away_team_tricode", "game_date_est"]
    pd.testing.assert_frame_equal(sched[same], frames[SCHEDULE][same])
    assert len(early[BDL]) and len(early[ODDS_PROPS]) == 0  # Odds API props start 2023-05-03


@pytest.mark.parametrize("seed", ["7", 7.0, -1, True, None])
def test_bad_seed_names_the_fix(seed):
    with pytest.raises(ParamsError, match="Fix:"):
        generate_raw(seed)


@pytest.mark.parametrize("as_of", [dt.date(2021, 10, 18), dt.date(2025, 6, 23), "2024-11-29"])
def test_as_of_outside_the_calendar_names_the_fix(as_of):
    with pytest.raises(ParamsError, match="Fix: pick a date|Fix: pass a datetime.date"):
        check_as_of(as_of)
    assert check_as_of(dt.date(2025, 6, 22)) == dt.date(2025, 6, 22)


# ----------------------------------------------------------------------------- DDL

def test_frames_use_ddl_columns_and_raw_tables_are_partitioned(frames):
    tables = schema.tables()
    for table_id, frame in frames.items():
        assert set(frame.columns) <= set(tables[table_id].column_names), table_id
    raw = [t for t in tables.values() if t.dataset == "nba_raw"]
    assert {t.name for t in raw} >= {tid.split(".")[1] for tid in TABLES if "nba_raw" in tid}
    for table in raw:
        assert table.partition_column and table.clustering, table.id
        assert {"processed_at", "data_hash"} <= set(table.column_names), table.id
    assert tables[INJURIES].partition_column == "report_date"
    assert tables[REGISTRY].partition_column is None and tables[TRAVEL].partition_column is None


def test_raw_ddl_requires_partition_filters_and_never_expires():
    text = render(RAW_DDL.read_text(), RAW_DDL.name)
    assert not re.search(r"^[^-\n]*partition_expiration_days", text, re.M)
    for tree in sqlglot.parse(text, read="bigquery"):
        options = {p.name.lower(): p.args["value"].sql() for p in tree.find_all(exp.Property)
                   if type(p) is exp.Property}
        assert options.get("require_partition_filter", "").upper() == "TRUE", tree.this.sql()
        assert "description" in options


# ----------------------------------------------------------------------------- warehouse

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    wh = open_warehouse(str(tmp_path_factory.mktemp("sample") / "wh.duckdb"))
    wh.init_schema()
    counts = build_sample(wh, seed=7, as_of=DEFAULT_AS_OF)
    yield wh, counts
    wh.close()


@pytest.mark.slow
def test_build_sample_writes_every_table(built, frames):
    wh, counts = built
    assert counts == {table: len(frame) for table, frame in frames.items()}
    n = wh.query("SELECT COUNT(DISTINCT game_date) AS n "
                 "FROM `nba-props-platform.nba_raw.nbac_schedule` "
                 "WHERE game_status = @s AND game_date BETWEEN @a AND @b",
                 {"s": 3, "a": WINDOW[0], "b": WINDOW[1]})["n"].iloc[0]
    assert n == 675
    rows = wh.query("SELECT player_status, COUNT(*) AS n, COUNT(minutes) AS m "
                    "FROM `nba-props-platform.nba_raw.nbac_gamebook_player_stats` "
                    "WHERE game_date >= @a GROUP BY player_status", {"a": WINDOW[0]})
    rows = rows.set_index("player_status")
    assert rows.loc["active", "m"] == rows.loc["active", "n"] and rows.loc["dnp", "m"] == 0
    flags = wh.query("SELECT data_quality_flags FROM "
                     "`nba-props-platform.nba_raw.nbac_gamebook_player_stats` "
                     "WHERE game_date = @d LIMIT 1", {"d": dt.date(2023, 1, 2)})
    assert list(flags["data_quality_flags"].iloc[0]) == []


@pytest.mark.slow
@pytest.mark.parametrize("table", [GAMEBOOK, BDL, BP_PROPS, ODDS_PROPS, INJURIES])
def test_warehouse_rows_equal_an_independent_generation(built, frames, table):
    """build_sample generated its own frames: the same seed gives the same row hashes."""
    wh, _ = built
    column = DATE_COLUMN[table]
    stored = wh.query(f"SELECT data_hash FROM `nba-props-platform.{table}` "
                      f"WHERE {column} >= @a", {"a": dt.date(2021, 1, 1)})["data_hash"]
    assert sorted(stored) == sorted(frames[table]["data_hash"])


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A warehouse holding stale rows, then built with seed 8 as of EARLY."""
    wh = open_warehouse(str(tmp_path_factory.mktemp("rebuilt") / "wh.duckdb"))
    wh.init_schema()
    wh.write_frame(GAMEBOOK, pd.DataFrame({
        "game_id": ["20240301_BOS_LAL"], "game_date": [dt.date(2024, 3, 1)],
        "season_year": [2023], "player_status": ["active"], "player_lookup": ["stale"],
        "team_abbr": ["BOS"]}))
    wh.execute("INSERT INTO `nba-props-platform.nba_reference.nba_players_registry` "
               "(universal_player_id, player_name, player_lookup, team_abbr, season) "
               "VALUES ('stale_001', 'Stale', 'stale', 'BOS', '2030-31')")
    counts = build_sample(wh, seed=8, as_of=EARLY)
    yield wh, counts
    wh.close()


@pytest.mark.slow
def test_rebuilding_leaves_nothing_of_a_previous_build(rebuilt):
    wh, counts = rebuilt
    gamebook = wh.query("SELECT COUNT(*) AS n, MAX(game_date) AS last, COUNTIF(player_lookup = "
                        "'stale') AS stale FROM "
                        "`nba-props-platform.nba_raw.nbac_gamebook_player_stats` "
                        "WHERE game_date >= @a", {"a": dt.date(2021, 1, 1)}).iloc[0]
    assert gamebook["n"] == counts[GAMEBOOK] and gamebook["stale"] == 0
    assert pd.Timestamp(gamebook["last"]).date() <= EARLY
    registry = wh.query("SELECT COUNT(*) AS n, COUNTIF(player_lookup = 'stale') AS stale "
                        "FROM `nba-props-platform.nba_reference.nba_players_registry`").iloc[0]
    assert registry["n"] == counts[REGISTRY] and registry["stale"] == 0


@pytest.mark.slow
def test_other_seed_other_data(rebuilt, early):
    wh, counts = rebuilt
    assert list(counts) == list(early) == list(TABLES)
    for table in (GAMEBOOK, BDL, TEAM_BOX, BP_PROPS, GAME_LINES, INJURIES, SCHEDULE):
        column = DATE_COLUMN[table]
        stored = wh.query(f"SELECT data_hash FROM `nba-props-platform.{table}` "
                          f"WHERE {column} >= @a", {"a": dt.date(2021, 1, 1)})["data_hash"]
        assert set(stored) != set(early[table]["data_hash"]), table
    ids = wh.query("SELECT game_id, home_team_tricode FROM "
                   "`nba-props-platform.nba_raw.nbac_schedule` WHERE game_date >= @a",
                   {"a": dt.date(2021, 1, 1)})
    assert set(ids["game_id"]) == set(early[SCHEDULE]["game_id"])
    mine = early[SCHEDULE].set_index("game_id")["home_team_tricode"]
    assert (ids.set_index("game_id")["home_team_tricode"] != mine.reindex(ids["game_id"])).any()
    assert bdl_hole_dates(8) != bdl_hole_dates(7)
