"""Synthetic seasons: copies of the real seasons moved back 4k years, for scaling benchmarks.

Checked on seed 7 with 5 synthetic seasons (2016-17..2020-21: one whole era shifted 4 years
and one season of the era shifted 8), against the default sample of the same seed.
"""

from __future__ import annotations

import datetime as dt
import doctest

import pandas as pd
import pytest

from nbkit import schema
from nbkit.calendar import SeasonCalendar
from nbkit.errors import ParamsError
from nbkit.sample import coverage, reference
from nbkit.sample import era as era_module
from nbkit.sample import (DEFAULT_AS_OF, MAX_SYNTHETIC_SEASONS, build_sample, generate_raw,
                          synthetic_seasons)
from nbkit.sample.coverage import bdl_hole_dates, bettingpros_missing_dates
from nbkit.sample.era import Era, synthetic_eras
from nbkit.sample.props import ODDS_API_FROM
from nbkit.sample.reference import calendar, season_label, shift_date, source_season
from nbkit.sample.writer import write_tables
from nbkit.starting_state import PHASE3_TARGET, WINDOW_START, choose_phase3_dates
from tests.sample.conftest import SYNTHETIC
from tests.sample.helpers import (BDL, BP_PROPS, ESPN, GAMEBOOK, NBA_ID, NBA_TEAMS, ODDS_PROPS,
                                  REGISTRY, SCHEDULE, SYSTEM_ID, TEAM_BOX)

SEASONS = synthetic_seasons(SYNTHETIC)
REAL_START = dt.date(2021, 10, 1)


def season_of(day: dt.date) -> int:
    return day.year if day.month >= 8 else day.year - 1


def synthetic(frame: pd.DataFrame, column: str = "game_date") -> pd.DataFrame:
    return frame[frame[column] < REAL_START]


def test_synthetic_seasons_are_the_ones_just_before_the_real_seasons(synthetic_frames):
    assert SEASONS == [2016, 2017, 2018, 2019, 2020]
    sched = synthetic_frames[SCHEDULE]
    assert sorted(set(synthetic(sched)["season_year"])) == SEASONS
    assert (synthetic(sched)["game_status"] == 3).all()  # the past is all played
    assert set(synthetic(sched)["season_nba_format"]) == {season_label(s) for s in SEASONS}


def test_each_game_is_its_source_game_moved_back_exactly_4k_years(synthetic_frames):
    cal = calendar().set_index("game_id")
    sched = synthetic(synthetic_frames[SCHEDULE])
    source = sched["season_year"].map(source_season)
    shift = source - sched["season_year"]
    assert (shift > 0).all() and (shift % 4 == 0).all()
    assert set(zip(sched["season_year"], shift)) == {(2016, 8), (2017, 4), (2018, 4),
                                                     (2019, 4), (2020, 4)}
    source_id = (sched["game_id"].str[:3] + (source % 100).map("{:02d}".format)
                 + sched["game_id"].str[5:])
    original = cal.loc[source_id]
    moved = [shift_date(d, int(s)) for d, s in zip(original["game_date"], shift)]
    assert list(sched["game_date"]) == moved
    assert list(sched["game_type"]) == list(original["game_type"])
    assert dt.date(2020, 2, 29) in set(sched["game_date"])  # 2024-02-29, four years back


def test_game_ids_are_unique_and_encode_the_season(synthetic_frames):
    sched = synthetic_frames[SCHEDULE]
    assert sched["game_id"].is_unique and sched["game_id"].str.match(NBA_ID).all()
    assert (sched["game_id"].str[3:5].astype(int) == sched["season_year"] % 100).all()
    assert sched["game_id"].str[:3].isin(["002", "003", "004", "005"]).all()
    for table in (GAMEBOOK, BDL, TEAM_BOX, ODDS_PROPS, ESPN):
        assert synthetic_frames[table]["game_id"].str.match(SYSTEM_ID).all(), table
    team = synthetic_frames[TEAM_BOX]
    assert team["nba_game_id"].str.match(NBA_ID).all()
    assert (team.groupby("nba_game_id")["game_id"].nunique() == 1).all()
    assert (team.groupby("game_id")["nba_game_id"].nunique() == 1).all()
    assert synthetic_frames[ESPN]["espn_game_id"].is_unique
    bp = synthetic_frames[BP_PROPS]
    assert (bp.groupby("bp_event_id")["game_date"].nunique() == 1).all()


def test_players_of_an_era_are_people_of_their_own(synthetic_frames):
    """No player lookup or source id is shared by two eras (or two people)."""
    reg = synthetic_frames[REGISTRY]
    era = (2024 - reg["season"].str[:4].astype(int)) // 4
    assert (era.groupby(reg["player_lookup"]).nunique() == 1).all()
    bdl = synthetic_frames[BDL]
    assert (bdl.groupby("bdl_player_id")["player_lookup"].nunique() == 1).all()
    assert (bdl.groupby("player_lookup")["bdl_player_id"].nunique() == 1).all()
    bp = synthetic_frames[BP_PROPS]
    assert (bp.groupby("bp_player_id")["player_lookup"].nunique() == 1).all()


def test_synthetic_seasons_have_the_shape_of_their_source(synthetic_frames, default_frames):
    sched = synthetic_frames[SCHEDULE]
    cal = calendar()
    for season in SEASONS:
        mine = sched[sched["season_year"] == season]
        theirs = cal[cal["season_year"] == source_season(season)]
        assert (sorted(mine.groupby("game_date").size())
                == sorted(theirs.groupby("game_date").size())), season
        assert mine["game_type"].value_counts().equals(theirs["game_type"].value_counts())
        nba = mine[~mine["is_all_star"]]
        assert set(nba["home_team_tricode"]) | set(nba["away_team_tricode"]) == NBA_TEAMS
        regular = nba[nba["is_regular_season"]]
        per_team = pd.concat([regular["home_team_tricode"], regular["away_team_tricode"]])
        assert per_team.value_counts().between(80, 84).all() and per_team.nunique() == 30
    team = synthetic(synthetic_frames[TEAM_BOX])
    assert (team.groupby("game_id").size() == 2).all()
    assert set(team["game_id"]) == set(synthetic(synthetic_frames[GAMEBOOK])["game_id"])
    def rows_per_game(frame: pd.DataFrame) -> pd.Series:
        star = ~frame["home_team_abbr"].isin(NBA_TEAMS)
        return frame.groupby([frame["season_year"], star, frame["game_id"]]).size()

    ours, real = (rows_per_game(synthetic_frames[GAMEBOOK]),
                  rows_per_game(default_frames[GAMEBOOK]))
    for season in SEASONS:
        mine, src = ours.loc[(season, False)], real.loc[(source_season(season), False)]
        assert (mine.min(), mine.max()) == (src.min(), src.max()) == (28, 30), season
        assert abs(mine.mean() - src.mean()) < 0.5, season
        assert (ours.loc[(season, True)] == 24).all()  # All-Star squads of 12
    reg = synthetic_frames[REGISTRY]
    teams = reg[reg["season"].isin([season_label(s) for s in SEASONS])]
    assert teams.groupby(["season", "team_abbr"])["player_lookup"].nunique().between(13, 20).all()


def test_holes_and_props_coverage_follow_the_real_rules(synthetic_frames):
    final = synthetic(synthetic_frames[SCHEDULE])
    star_only = final.groupby("game_date")["is_all_star"].all()
    nba_dates = {d for d, only in star_only.items() if not only}
    # Holes are drawn per era, at the real rate: 7 BDL and 2 BettingPros dates per 669
    # candidate dates of the window; a whole era has 845 (9 and 3).
    assert (len(bdl_hole_dates(7, Era(4))), len(bettingpros_missing_dates(7, Era(4)))) == (9, 3)
    first = min(final["game_date"])
    eras = [era for era, _ in synthetic_eras(SYNTHETIC)]
    for table, picked in ((BDL, bdl_hole_dates), (BP_PROPS, bettingpros_missing_dates)):
        holes = nba_dates - set(synthetic(synthetic_frames[table])["game_date"])
        assert holes == {d for era in eras for d in picked(7, era) if d >= first}, table
        assert holes and holes.isdisjoint(set(picked(7)))
    # Odds API props where the source season has them: from 2023-05-03 moved back.
    odds = set(synthetic(synthetic_frames[ODDS_PROPS])["game_date"])
    since = {s: shift_date(ODDS_API_FROM, source_season(s) - s) for s in SEASONS}
    assert odds == {d for d in nba_dates if d >= since[season_of(d)]}
    assert {season_of(d) for d in odds} == {2016, 2018, 2019, 2020}
    bdl = synthetic(synthetic_frames[BDL])
    mmss = bdl["minutes"].str.contains(":")
    assert (mmss == bdl["season_year"].map(source_season).ge(2023)).all()


def test_real_seasons_are_unchanged(synthetic_frames, default_frames):
    real = {season_label(s) for s in (2021, 2022, 2023, 2024)}
    for table_id, frame in default_frames.items():
        ours = synthetic_frames[table_id]
        column = schema.get_table(table_id).partition_column
        if column is not None:
            ours = ours[ours[column] >= REAL_START]
        elif table_id == REGISTRY:
            ours = ours[ours["season"].isin(real)]
        pd.testing.assert_frame_equal(ours.reset_index(drop=True), frame, obj=table_id)


def test_a_synthetic_season_does_not_depend_on_how_many_are_asked(synthetic_frames):
    one = generate_raw(7, DEFAULT_AS_OF, synthetic_seasons=1)
    assert sorted(set(one[SCHEDULE]["season_year"])) == [2020, 2021, 2022, 2023, 2024]
    for table_id in (SCHEDULE, GAMEBOOK, BDL, BP_PROPS, ODDS_PROPS, REGISTRY):
        column = schema.get_table(table_id).partition_column
        frames = []
        for source in (one, synthetic_frames):
            frame = source[table_id]
            if column is None:
                frame = frame[frame["season"] == "2020-21"]
            else:
                frame = frame[frame[column].between(dt.date(2020, 10, 1), dt.date(2021, 9, 30))]
            frames.append(frame.reset_index(drop=True))
        assert len(frames[0])
        pd.testing.assert_frame_equal(frames[0], frames[1], obj=table_id)


def test_starting_state_stays_on_the_real_seasons(synthetic_frames, default_frames):
    with_synthetic = SeasonCalendar.from_schedule(synthetic_frames[SCHEDULE])
    real_only = SeasonCalendar.from_schedule(default_frames[SCHEDULE])
    chosen = choose_phase3_dates(with_synthetic, DEFAULT_AS_OF)
    assert chosen == choose_phase3_dates(real_only, DEFAULT_AS_OF)
    assert len(chosen) == PHASE3_TARGET and min(chosen) >= WINDOW_START


@pytest.mark.parametrize("count", [-1, 1.5, "4", True, None, MAX_SYNTHETIC_SEASONS + 1])
def test_bad_synthetic_seasons_names_the_fix(count, duck):
    with pytest.raises(ParamsError, match=r"synthetic_seasons .*Fix: pass"):
        generate_raw(7, synthetic_seasons=count)
    with pytest.raises(ParamsError, match="Fix:"):
        build_sample(duck, seed=7, synthetic_seasons=count)
    rows = duck.query("SELECT COUNT(*) AS n FROM `nba-props-platform.nba_raw.nbac_schedule` "
                      "WHERE game_date >= @a", {"a": dt.date(1900, 1, 1)})["n"].iloc[0]
    assert rows == 0


def test_writing_replaces_synthetic_dates_too(duck):
    """A build writes synthetic dates and a later build removes them (no stale seasons)."""
    old = pd.DataFrame({"game_id": ["20170105_BOS_LAL"], "game_date": [dt.date(2017, 1, 5)],
                        "season_year": [2016], "player_status": ["active"],
                        "player_lookup": ["someone"], "team_abbr": ["BOS"]})
    sql = ("SELECT COUNT(*) AS n FROM `nba-props-platform.nba_raw.nbac_gamebook_player_stats` "
           "WHERE game_date >= @a")
    counts = write_tables(duck, {GAMEBOOK: old}, lambda message: None)
    assert counts == {GAMEBOOK: 1}
    assert duck.query(sql, {"a": dt.date(1900, 1, 1)})["n"].iloc[0] == 1
    write_tables(duck, {GAMEBOOK: old.iloc[:0]}, lambda message: None)
    assert duck.query(sql, {"a": dt.date(1900, 1, 1)})["n"].iloc[0] == 0


@pytest.mark.parametrize("module", [era_module, reference, coverage], ids=lambda m: m.__name__)
def test_doctests(module):
    failures, tried = doctest.testmod(module)
    assert tried > 0 and failures == 0
