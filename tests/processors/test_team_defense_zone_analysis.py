"""team_defense_zone_analysis on tiny hand-built inputs, values computed by hand."""

from __future__ import annotations

import hashlib

import pytest

from nbkit.processors.team_defense_zone_analysis import PROCESSOR
from tests.processors import builders_phase4 as b

D = "2023-10-31"  # day 7 after opening night 2023-10-24: the first non-bootstrap date
TEN_TEAMS = ("ATL", "BKN", "BOS", "CHA", "CHI", "CLE", "DAL", "DEN", "DET", "GSW")


@pytest.fixture
def three_games(duck):
    """BOS's first three games (zones present), league averages on their defaults."""
    b.write(duck, b.SCHEDULE, [b.schedule("2023-10-24", "LAL", "BOS"),
                               b.schedule("2023-10-26", "NYK", "BOS"),
                               b.schedule(D, "MIA", "BOS")])
    b.write(duck, b.TDGS, [
        b.team_defense("2023-10-24", "BOS", "LAL", points_allowed=100, opp_paint_attempts=20,
                       opp_paint_makes=12, opp_mid_range_attempts=10, opp_mid_range_makes=4,
                       opp_three_pt_attempts=30, opp_three_pt_makes=9, points_in_paint_allowed=24,
                       blocks_paint=3, defensive_rating=105.0, opponent_pace=96.0),
        b.team_defense("2023-10-26", "BOS", "NYK", points_allowed=110, opp_paint_attempts=30,
                       opp_paint_makes=15, opp_mid_range_attempts=10, opp_mid_range_makes=5,
                       opp_three_pt_attempts=20, opp_three_pt_makes=8, points_in_paint_allowed=30,
                       blocks_paint=5, defensive_rating=110.0, opponent_pace=100.0),
        b.team_defense(D, "BOS", "MIA", points_allowed=120, opp_paint_attempts=10,
                       opp_paint_makes=3, opp_mid_range_attempts=20, opp_mid_range_makes=8,
                       opp_three_pt_attempts=40, opp_three_pt_makes=16, points_in_paint_allowed=6,
                       blocks_paint=1, defensive_rating=121.5, opponent_pace=101.0)])
    b.run(duck, PROCESSOR, [D])
    return b.output(duck, PROCESSOR)


def test_three_game_sample_formulas(three_games):
    bos = b.row(three_games, team_abbr="BOS")
    assert bos.games_in_sample == 3
    assert bos.paint_pct_allowed_last_15 == pytest.approx(0.5)         # 30 / 60
    assert bos.mid_range_pct_allowed_last_15 == pytest.approx(0.425)   # 17 / 40
    assert bos.three_pt_pct_allowed_last_15 == pytest.approx(0.367)    # 33 / 90
    assert bos.paint_attempts_allowed_per_game == pytest.approx(20.0)
    assert bos.paint_points_allowed_per_game == pytest.approx(20.0)    # (24 + 30 + 6) / 3
    assert bos.paint_blocks_per_game == pytest.approx(3.0)
    assert bos.mid_range_attempts_allowed_per_game == pytest.approx(13.3)
    assert bos.three_pt_attempts_allowed_per_game == pytest.approx(30.0)
    assert bos.opponent_points_per_game == pytest.approx(110.0)
    assert bos.defensive_rating_last_15 == pytest.approx(112.17)       # 336.5 / 3
    assert bos.opponent_pace == pytest.approx(99.0)
    # fewer than 10 teams in the 30-day league window: defaults .580 / .410 / .355
    assert bos.paint_defense_vs_league_avg == pytest.approx(-8.0)
    assert bos.mid_range_defense_vs_league_avg == pytest.approx(1.5)
    assert bos.three_pt_defense_vs_league_avg == pytest.approx(1.17)   # (0.36667 - 0.355) * 100
    assert (bos.strongest_zone, bos.weakest_zone) == ("paint", "mid_range")
    assert "league averages are defaults" in bos.calculation_notes


def test_thin_sample_is_flagged_not_skipped(three_games):
    bos = b.row(three_games, team_abbr="BOS")
    assert bos.data_quality_tier == "low"
    assert bool(bos.early_season_flag) is True
    assert bos.insufficient_data_reason == "Only 3 games available, need 15"
    assert bool(bos.is_production_ready) is False
    assert "thin_sample" in list(bos.data_quality_issues)
    assert (bos.expected_games_count, bos.actual_games_count) == (3, 3)
    assert bos.completeness_percentage == 100.0 and bos.missing_games_count == 0


def test_teams_without_phase3_rows_are_missing_and_expected(duck, three_games):
    # The schedule says LAL, NYK and MIA played too; their Phase 3 rows are absent, so the
    # executor sees 1 row where 4 are expected and records the date as partial.
    assert list(three_games.team_abbr) == ["BOS"]
    assert b.expected_rows(duck, PROCESSOR, [D]) == {b.d(D): 4}


@pytest.fixture
def sixteen_days(duck):
    """10 teams, one game a day for 16 days; ATL's first game allowed nothing."""
    days = [b.days_after(b.OPENING_NIGHT, i) for i in range(16)]
    games = [(day, TEN_TEAMS[k], TEN_TEAMS[k + 1]) for day in days for k in range(0, 10, 2)]
    b.write(duck, b.SCHEDULE, [b.schedule(*g) for g in games])
    rows = []
    for day, away, home in games:
        for team, opp in ((home, away), (away, home)):
            shutout = team == "ATL" and day == days[0]
            rows.append(b.team_defense(day, team, opp, team == home, points_allowed=100,
                                       opp_paint_attempts=20, opp_paint_makes=0 if shutout else 10,
                                       opp_mid_range_attempts=10,
                                       opp_mid_range_makes=0 if shutout else 4,
                                       opp_three_pt_attempts=10,
                                       opp_three_pt_makes=0 if shutout else 3,
                                       defensive_rating=100.0, opponent_pace=95.0))
    b.write(duck, b.TDGS, rows)
    b.run(duck, PROCESSOR, [days[-1]])
    return days[-1], b.output(duck, PROCESSOR)


def test_window_keeps_last_15_games_and_league_average(sixteen_days):
    day, out = sixteen_days
    assert len(out) == 10
    atl = b.row(out, team_abbr="ATL")
    # last 15 games drop ATL's shutout game: 150/300, 60/150, 45/150
    b.assert_fields(atl, games_in_sample=15, paint_pct_allowed_last_15=0.5,
                    mid_range_pct_allowed_last_15=0.4, three_pt_pct_allowed_last_15=0.3,
                    # league over [D-30, D] keeps the shutout: ATL .46875/.375/.28125,
                    # nine teams .5/.4/.3 -> league .496875 / .3975 / .298125
                    paint_defense_vs_league_avg=0.31, mid_range_defense_vs_league_avg=0.25,
                    three_pt_defense_vs_league_avg=0.19)
    assert (atl.strongest_zone, atl.weakest_zone) == ("perimeter", "paint")
    assert atl.calculation_notes is None
    assert atl.data_quality_tier == "high" and bool(atl.early_season_flag) is False
    assert atl.insufficient_data_reason is None
    assert (atl.expected_games_count, atl.actual_games_count) == (15, 15)
    assert bool(atl.is_production_ready) is True
    assert list(atl.data_quality_issues) == []


def test_data_hash_is_sha256_of_sorted_integer_and_text_fields(sixteen_days):
    day, out = sixteen_days
    atl = b.row(out, team_abbr="ATL")
    text = "|".join([
        "actual_games_count:15", f"analysis_date:{day}", "data_quality_tier:high",
        "expected_games_count:15", "games_in_sample:15", "mid_range_attempts:150",
        "mid_range_makes:60", "paint_attempts:300", "paint_makes:150", "points_allowed:1500",
        "strongest_zone:perimeter", "team_abbr:ATL", "three_pt_attempts:150",
        "three_pt_makes:45", "weakest_zone:paint"])
    assert atl.data_hash == hashlib.sha256(text.encode()).hexdigest()[:16]


def test_two_game_early_season_date_is_flagged_low(duck):
    b.write(duck, b.SCHEDULE, [b.schedule("2023-10-24", "LAL", "BOS"), b.schedule(D, "MIA", "BOS")])
    b.write(duck, b.TDGS, [b.team_defense(day, "BOS", opp, points_allowed=100,
                                          opp_three_pt_attempts=30, opp_three_pt_makes=12)
                           for day, opp in (("2023-10-24", "LAL"), (D, "MIA"))])
    b.run(duck, PROCESSOR, [D])
    bos = b.row(b.output(duck, PROCESSOR), team_abbr="BOS")
    assert bos.paint_pct_allowed_last_15 != bos.paint_pct_allowed_last_15  # NaN = NULL
    assert bos.mid_range_defense_vs_league_avg != bos.mid_range_defense_vs_league_avg
    assert bos.three_pt_pct_allowed_last_15 == pytest.approx(0.4)
    assert bos.three_pt_defense_vs_league_avg == pytest.approx(4.5)
    assert (bos.strongest_zone, bos.weakest_zone) == ("perimeter", "perimeter")
    assert "zone_data_unavailable" in list(bos.data_quality_issues)
    assert bos.games_in_sample == 2 and bos.data_quality_tier == "low"
    assert bool(bos.early_season_flag) is True and bool(bos.is_production_ready) is False


def test_mini_season_previous_season_and_bootstrap(duck):
    b.mini_season(duck)
    b.run(duck, PROCESSOR, b.MINI_DATES)
    out = b.output(duck, PROCESSOR)
    assert set(out.analysis_date) == {b.d(x) for x in b.MINI_COMPUTABLE}
    # BOS on 10-31: 10-24, 10-27, 10-31; the 2023-04-09 game belongs to the previous season
    assert b.row(out, team_abbr="BOS", analysis_date="2023-10-31").games_in_sample == 3
