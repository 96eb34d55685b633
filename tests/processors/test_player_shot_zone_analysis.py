"""player_shot_zone_analysis on tiny hand-built inputs, values computed by hand."""

from __future__ import annotations

import pytest

from nbkit.processors.player_shot_zone_analysis import PROCESSOR
from tests.processors import builders_phase4 as b

D = "2023-10-31"  # day 7 after opening night 2023-10-24


def _nan(value) -> bool:
    return value != value


@pytest.fixture
def early(duck):
    """p1 (BOS): two games with zones, one without, one 0-minute game that does not count."""
    b.write(duck, b.SCHEDULE, [b.schedule("2023-10-24", "LAL", "BOS"),
                               b.schedule("2023-10-26", "NYK", "BOS"),
                               b.schedule("2023-10-28", "MIA", "BOS"),
                               b.schedule(D, "LAL", "BOS")])
    b.write(duck, b.PGS, [
        b.player_game("2023-10-24", "p1", "BOS", "LAL", fg_attempts=10, fg_makes=5,
                      paint_attempts=4, paint_makes=3, mid_range_attempts=2, mid_range_makes=1,
                      three_pt_attempts=4, three_pt_makes=1, assisted_fg_makes=3,
                      unassisted_fg_makes=2),
        b.player_game("2023-10-26", "p1", "BOS", "NYK", fg_attempts=15, fg_makes=7,
                      paint_attempts=6, paint_makes=3, mid_range_attempts=4, mid_range_makes=2,
                      three_pt_attempts=5, three_pt_makes=2, assisted_fg_makes=4,
                      unassisted_fg_makes=3),
        b.player_game("2023-10-28", "p1", "BOS", "MIA", minutes=0.0, fg_attempts=0, fg_makes=0),
        b.player_game(D, "p1", "BOS", "LAL", fg_attempts=12, fg_makes=6, three_pt_attempts=6,
                      three_pt_makes=3),
        b.player_game("2023-10-28", "p2", "BOS", "MIA", minutes=0.0),
    ])
    b.run(duck, PROCESSOR, [D])
    return b.output(duck, PROCESSOR)


def test_rates_and_efficiency_over_games_with_zone_data(early):
    p1 = b.row(early, player_lookup="p1")
    b.assert_fields(
        p1, games_in_sample_10=3,
        # zoned games only: paint 10, mid 6, three 9 of 25 attempts
        paint_rate_last_10=40.0, mid_range_rate_last_10=24.0, three_pt_rate_last_10=36.0,
        paint_pct_last_10=0.6, mid_range_pct_last_10=0.5,
        # three-point shooting comes from the box score: all three games, 6 / 15
        three_pt_pct_last_10=0.4,
        paint_attempts_per_game=5.0, mid_range_attempts_per_game=3.0,
        three_pt_attempts_per_game=5.0, total_shots_last_10=37,
        assisted_rate_last_10=58.33,    # 7 / 12
        unassisted_rate_last_10=41.67)  # 5 / 12
    assert p1.primary_scoring_zone == "paint"
    assert _nan(p1.paint_rate_last_20) and _nan(p1.paint_pct_last_20)  # needs 15 games


def test_thin_sample_flagged_with_completeness_against_schedule(early):
    p1 = b.row(early, player_lookup="p1")
    assert p1.data_quality_tier == "low"
    assert (p1.sample_quality_10, p1.sample_quality_20) == ("insufficient", "insufficient")
    assert bool(p1.early_season_flag) is True
    assert p1.insufficient_data_reason == "Only 3 games available, need 10"
    # BOS played 4 scheduled games, p1 has 3 qualifying ones (the 0-minute game is missing)
    assert (p1.expected_games_count, p1.actual_games_count, p1.missing_games_count) == (4, 3, 1)
    assert p1.completeness_percentage == pytest.approx(75.0)
    assert bool(p1.is_production_ready) is False


def test_players_without_minutes_get_no_row(early):
    assert list(early.player_lookup) == ["p1"]


@pytest.fixture
def sixteen_games(duck):
    """p1 plays 16 straight days: 6 paint-heavy games, then 10 perimeter-heavy ones."""
    days = [b.days_after(b.OPENING_NIGHT, i) for i in range(16)]
    b.write(duck, b.SCHEDULE, [b.schedule(day, "LAL", "BOS") for day in days])
    rows = []
    for i, day in enumerate(days):
        paint, mid, three = ((8, 4), (1, 0), (1, 0)) if i < 6 else ((2, 1), (3, 1), (5, 2))
        rows.append(b.player_game(day, "p1", "BOS", "LAL", fg_attempts=10,
                                  fg_makes=paint[1] + mid[1] + three[1],
                                  paint_attempts=paint[0], paint_makes=paint[1],
                                  mid_range_attempts=mid[0], mid_range_makes=mid[1],
                                  three_pt_attempts=three[0], three_pt_makes=three[1]))
    b.write(duck, b.PGS, rows)
    b.run(duck, PROCESSOR, [days[-1]])
    return b.row(b.output(duck, PROCESSOR), player_lookup="p1")


def test_last_10_and_last_20_windows(sixteen_games):
    p1 = sixteen_games
    assert (p1.games_in_sample_10, p1.games_in_sample_20) == (10, 16)
    assert p1.paint_rate_last_10 == pytest.approx(20.0)
    assert p1.mid_range_rate_last_10 == pytest.approx(30.0)
    assert p1.three_pt_rate_last_10 == pytest.approx(50.0)
    assert p1.mid_range_pct_last_10 == pytest.approx(0.333)
    assert p1.primary_scoring_zone == "perimeter"
    # 16 games >= 15: paint 68 of 160 attempts, 34 made
    assert p1.paint_rate_last_20 == pytest.approx(42.5)
    assert p1.paint_pct_last_20 == pytest.approx(0.5)
    assert (p1.sample_quality_10, p1.sample_quality_20) == ("excellent", "good")
    assert p1.data_quality_tier == "high" and bool(p1.early_season_flag) is False
    assert (p1.expected_games_count, p1.actual_games_count) == (10, 10)
    assert bool(p1.is_production_ready) is True


def test_two_game_early_season_date_without_zone_data(duck):
    b.write(duck, b.SCHEDULE, [b.schedule("2023-10-24", "LAL", "BOS"), b.schedule(D, "LAL", "BOS")])
    b.write(duck, b.PGS, [b.player_game(day, "p1", "BOS", "LAL", fg_attempts=10, fg_makes=4,
                                        three_pt_attempts=5, three_pt_makes=2)
                          for day in ("2023-10-24", D)])
    b.run(duck, PROCESSOR, [D])
    p1 = b.row(b.output(duck, PROCESSOR), player_lookup="p1")
    assert _nan(p1.paint_rate_last_10) and _nan(p1.three_pt_rate_last_10)
    assert p1.primary_scoring_zone is None
    assert p1.three_pt_pct_last_10 == pytest.approx(0.4)
    assert "zone_data_unavailable" in list(p1.data_quality_issues)
    assert p1.games_in_sample_10 == 2 and p1.data_quality_tier == "low"
    assert bool(p1.early_season_flag) is True and bool(p1.is_production_ready) is False
