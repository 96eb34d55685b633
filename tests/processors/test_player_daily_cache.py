"""player_daily_cache on tiny hand-built inputs, values computed by hand."""

from __future__ import annotations

import pytest

from nbkit.processors.player_daily_cache import PROCESSOR
from tests.processors import builders_phase4 as b

D = "2023-10-31"
BOS_GAMES = (("2023-04-07", "NYK", "BOS"), ("2023-04-09", "BOS", "LAL"),  # previous season
             ("2023-10-24", "LAL", "BOS"), ("2023-10-26", "NYK", "BOS"),
             ("2023-10-28", "MIA", "BOS"), (D, "LAL", "BOS"))
PACE = (90, 92, 100, 102, 98, 104)
RATING = (100, 104, 110, 112, 108, 114)


@pytest.fixture
def cache(duck):
    """p1 played 3 of BOS's 4 games this season; p0 is in the context with no game yet."""
    b.write(duck, b.SCHEDULE, [b.schedule(*g) for g in BOS_GAMES])
    b.write(duck, b.TOGS, [b.team_offense(day, "BOS", home if home != "BOS" else away,
                                          home == "BOS", pace=pace, offensive_rating=rating)
                           for (day, away, home), pace, rating in zip(BOS_GAMES, PACE, RATING)])
    b.write(duck, b.PGS, [
        b.player_game("2023-04-09", "p1", "BOS", "LAL", home=False, points=50, fg_makes=20),
        b.player_game("2023-10-24", "p1", "BOS", "LAL", minutes=30.0, points=10, usage_rate=20.0,
                      ts_pct=0.5, fg_makes=4, assisted_fg_makes=2),
        b.player_game("2023-10-26", "p1", "BOS", "NYK", minutes=20.0, points=20, usage_rate=25.0,
                      ts_pct=0.6, fg_makes=6, assisted_fg_makes=3),
        b.player_game(D, "p1", "BOS", "LAL", minutes=40.0, points=30, usage_rate=30.0,
                      ts_pct=0.7, fg_makes=5)])
    b.write(duck, b.UPGC, [
        b.player_context(D, "p1", "BOS", "LAL", games_in_last_7_days=2, games_in_last_14_days=3,
                         minutes_in_last_7_days=50, minutes_in_last_14_days=90,
                         back_to_backs_last_14_days=0, avg_minutes_per_game_last_7=25.0,
                         fourth_quarter_minutes_last_7=12, player_age=29),
        b.player_context(D, "p0", "BOS", "LAL")])
    b.write(duck, b.PSZA, [b.shot_zone(D, "p1", primary_scoring_zone="paint",
                                       paint_rate_last_10=45.0, three_pt_rate_last_10=30.0)])
    b.run(duck, PROCESSOR, [D])
    return b.output(duck, PROCESSOR)


def test_season_stats_same_season_only(cache):
    p1 = b.row(cache, player_lookup="p1")
    assert p1.games_played_season == 3                 # the April game is last season
    assert p1.points_avg_last_5 == pytest.approx(20.0)
    assert p1.points_avg_last_10 == pytest.approx(20.0)
    assert p1.points_avg_season == pytest.approx(20.0)
    assert p1.points_std_last_10 == pytest.approx(10.0)  # sample std of 10, 20, 30
    assert p1.minutes_avg_last_10 == pytest.approx(30.0)
    assert p1.usage_rate_last_10 == pytest.approx(25.0)
    assert p1.player_usage_rate_season == pytest.approx(25.0)
    assert p1.ts_pct_last_10 == pytest.approx(0.6)
    assert p1.assisted_rate_last_10 == pytest.approx(0.5)  # fraction: 5 of 10 makes with data


def test_team_last_10_crosses_seasons_and_copies(cache):
    p1 = b.row(cache, player_lookup="p1")
    assert p1.team_pace_last_10 == pytest.approx(97.7)          # 586 / 6
    assert p1.team_off_rating_last_10 == pytest.approx(108.0)   # 648 / 6
    assert (p1.games_in_last_7_days, p1.games_in_last_14_days) == (2, 3)
    assert (p1.minutes_in_last_7_days, p1.minutes_in_last_14_days) == (50, 90)
    assert p1.avg_minutes_per_game_last_7 == pytest.approx(25.0)
    assert (p1.fourth_quarter_minutes_last_7, p1.player_age) == (12, 29)
    assert p1.primary_scoring_zone == "paint"
    assert (p1.paint_rate_last_10, p1.three_pt_rate_last_10) == (45.0, 30.0)
    assert p1.cache_version == "v1"


def test_completeness_windows_and_early_season_flag(cache):
    p1 = b.row(cache, player_lookup="p1")
    # BOS played 4 games this season, all within [D-14, D] and [D-7, D]; p1 has 3
    for window in ("l5", "l10", "l7d", "l14d"):
        assert p1[f"{window}_completeness_pct"] == pytest.approx(75.0)
        assert bool(p1[f"{window}_is_complete"]) is False
    assert (p1.expected_games_count, p1.actual_games_count, p1.missing_games_count) == (4, 3, 1)
    assert (p1.quality_tier, p1.quality_score) == ("silver", 75.0)
    assert bool(p1.early_season_flag) is True
    assert p1.insufficient_data_reason == "Only 3 games played, need 10 minimum"
    assert bool(p1.is_production_ready) is False


def test_player_without_games_gets_a_flagged_row(cache):
    p0 = b.row(cache, player_lookup="p0")
    assert p0.games_played_season == 0
    assert p0.points_avg_season != p0.points_avg_season  # NULL
    assert p0.team_pace_last_10 == pytest.approx(97.7)
    assert p0.insufficient_data_reason == "Only 0 games played, need 10 minimum"
    assert {"below_minimum_games", "missing_player_shot_zone_analysis"} <= set(p0.data_quality_issues)
    assert p0.l10_completeness_pct == 0.0 and p0.quality_tier == "unusable"
    assert bool(p0.is_production_ready) is False


def test_full_sample_is_production_ready(duck):
    days = [b.days_after(b.OPENING_NIGHT, i) for i in range(12)]
    b.write(duck, b.SCHEDULE, [b.schedule(day, "LAL", "BOS") for day in days])
    b.write(duck, b.PGS, [b.player_game(day, "p1", "BOS", "LAL", points=i + 1)
                          for i, day in enumerate(days)])
    b.write(duck, b.UPGC, [b.player_context(days[-1], "p1", "BOS", "LAL")])
    b.write(duck, b.PSZA, [b.shot_zone(days[-1], "p1")])
    b.run(duck, PROCESSOR, [days[-1]])
    p1 = b.row(b.output(duck, PROCESSOR), player_lookup="p1")
    assert p1.points_avg_last_5 == pytest.approx(10.0)     # 8..12
    assert p1.points_avg_last_10 == pytest.approx(7.5)     # 3..12
    assert p1.points_avg_season == pytest.approx(6.5)
    assert p1.points_std_last_10 == pytest.approx(3.03)    # sample std of 10 consecutive ints
    assert bool(p1.early_season_flag) is False and p1.insufficient_data_reason is None
    assert bool(p1.all_windows_complete) is True and p1.quality_tier == "gold"
    assert bool(p1.is_production_ready) is True
    assert list(p1.data_quality_issues) == ["missing_team_offense"]  # no TOGS rows here
