"""ml_feature_store on hand-built Phase 3 and Phase 4 rows, values computed by hand."""

from __future__ import annotations

import hashlib
import math

import pytest

from nbkit.processors.ml_feature_store import PROCESSOR
from tests.processors import builders_phase4 as b

D = "2023-11-05"
NAMES = ["points_avg_last_5", "points_avg_last_10", "points_avg_season", "points_std_last_10",
         "games_in_last_7_days", "fatigue_score", "shot_zone_mismatch_score", "pace_score",
         "usage_spike_score", "rest_advantage", "injury_risk", "recent_trend", "minutes_change",
         "opponent_def_rating", "opponent_pace", "home_away", "back_to_back", "playoff_game",
         "pct_paint", "pct_mid_range", "pct_three", "pct_free_throw", "team_pace",
         "team_off_rating", "team_win_pct"]
# star (BOS): five games before D; rook (NYK): two last-season games, six this season, one on D
BOS_DAYS = ("2023-10-25", "2023-10-27", "2023-10-29", "2023-10-31", "2023-11-02")
NYK_LAST_SEASON = ("2023-04-05", "2023-04-07")
NYK_DAYS = ("2023-10-24", "2023-10-26", "2023-10-28", "2023-10-30", "2023-11-01", "2023-11-03")


@pytest.fixture
def store(duck):
    games = [(day, "PHI", "BOS") for day in BOS_DAYS] + [(day, "NYK", "PHI") for day in
                                                          NYK_LAST_SEASON + NYK_DAYS]
    games += [(D, "LAL", "BOS"), (D, "NYK", "MIA")]
    b.write(duck, b.SCHEDULE, [b.schedule(*g) for g in games])
    pgs = [b.player_game(day, "star", "BOS", "PHI", points=20 + 2 * i, ft_makes=4)
           for i, day in enumerate(BOS_DAYS)]
    pgs += [b.player_game(day, "rook", "NYK", "PHI", home=False, minutes=10.0, points=0, ft_makes=0)
            for day in NYK_LAST_SEASON]
    pgs += [b.player_game(day, "rook", "NYK", "PHI", home=False, points=pts, ft_makes=3)
            for day, pts in zip(NYK_DAYS, (10, 18, 20, 26, 28, 30))]
    pgs += [b.player_game(D, "rook", "NYK", "MIA", home=False, points=50, ft_makes=10)]
    b.write(duck, b.PGS, pgs)
    b.write(duck, b.TOGS, [b.team_offense(day, "BOS", "PHI", win=i != 2)
                           for i, day in enumerate(BOS_DAYS)])
    b.write(duck, b.UPGC, [
        b.player_context(D, "star", "BOS", "LAL", days_rest=2, opponent_days_rest=0,
                         back_to_back=False, season_phase="playoffs",
                         player_status="Questionable"),
        b.player_context(D, "rook", "NYK", "MIA", home=False)])
    ready = {"is_production_ready": True, "early_season_flag": False}
    b.write(duck, b.PDC, [{"player_lookup": "star", "cache_date": b.d(D),
                           "points_avg_last_5": 25.0, "points_avg_last_10": 24.0,
                           "points_avg_season": 22.5, "points_std_last_10": 6.25,
                           "games_in_last_7_days": 3, "minutes_avg_last_10": 34.0,
                           "team_pace_last_10": 99.5, "team_off_rating_last_10": 115.25,
                           "paint_rate_last_10": 40.0, "three_pt_rate_last_10": 30.0,
                           "processed_at": b.LOADED, **ready}])
    b.write(duck, b.PCF, [{"player_lookup": "star", "game_date": b.d(D),
                           "game_id": b.system_id(D, "LAL", "BOS"), "fatigue_score": 85,
                           "shot_zone_mismatch_score": 2.5, "pace_score": 1.5,
                           "usage_spike_score": 0.9, "processed_at": b.LOADED, **ready}])
    b.write(duck, b.PSZA, [b.shot_zone(D, "star", paint_rate_last_10=45.0,
                                       mid_range_rate_last_10=20.0, three_pt_rate_last_10=35.0,
                                       expected_games_count=5, actual_games_count=5,
                                       completeness_percentage=100.0, **ready)])
    b.write(duck, b.TDZA, [b.defense_zone(D, "LAL", defensive_rating_last_15=108.5,
                                          opponent_pace=101.2, is_production_ready=True)])
    b.run(duck, PROCESSOR, [D])
    return b.output(duck, PROCESSOR)


def _features(row) -> dict[str, float]:
    assert list(row.feature_names) == NAMES and row.feature_count == 25
    values = [float(v) for v in row.features]
    assert len(values) == 25 and not any(math.isnan(v) for v in values)
    return dict(zip(NAMES, values))


def test_phase4_sources_and_calculated_features(store):
    star = b.row(store, player_lookup="star")
    expected = [25.0, 24.0, 22.5, 6.25, 3.0, 85.0, 2.5, 1.5, 0.9,
                2.0,                      # rest 2 - 0
                2.0,                      # questionable
                2.0,                      # newest 3 (28, 26, 24) - older 2 (22, 20) = 5
                1.0,                      # minutes 34 (cache) vs season 30: +13 %
                108.5, 101.2, 1.0, 0.0, 1.0,
                0.45, 0.20, 0.35,         # shot-zone rates / 100
                20 / 120,                 # free throws 20 of 120 points
                99.5, 115.25, 0.8]        # BOS 4-1 before D
    assert list(_features(star).values()) == pytest.approx(expected)
    assert star.feature_quality_score == pytest.approx(97.0)   # (16*100 + 3*75 + 6*100) / 25
    assert (star.data_source, star.quality_tier) == ("phase4_partial", "gold")
    assert star.feature_version == "v1_baseline_25"
    assert (star.opponent_team_abbr, bool(star.is_home), star.days_rest) == ("LAL", True, 2)
    assert bool(star.is_production_ready) is True and bool(star.early_season_flag) is False
    assert list(star.data_quality_issues) == []


def test_phase3_fallbacks_and_defaults(store):
    rook = b.row(store, player_lookup="rook")
    f = _features(rook)
    assert f["points_avg_last_5"] == pytest.approx(24.4)   # 30 28 26 20 18; D's game excluded
    assert f["points_avg_last_10"] == pytest.approx(16.5)  # 8 games across seasons: 132 / 8
    assert f["points_avg_season"] == pytest.approx(22.0)   # this season only: 132 / 6
    assert f["recent_trend"] == 2.0                        # improving: 28 - 19 = 9
    assert f["minutes_change"] == -1.0                     # last 10 avg 25 vs season 30
    assert f["pct_free_throw"] == pytest.approx(18 / 132)
    defaults = {"points_std_last_10": 5.0, "games_in_last_7_days": 3.0, "fatigue_score": 50.0,
                "shot_zone_mismatch_score": 0.0, "pace_score": 0.0, "usage_spike_score": 0.0,
                "rest_advantage": 0.0, "injury_risk": 0.0, "opponent_def_rating": 112.0,
                "opponent_pace": 100.0, "home_away": 0.0, "back_to_back": 0.0,
                "playoff_game": 0.0, "pct_paint": 0.30, "pct_mid_range": 0.20, "pct_three": 0.35,
                "team_pace": 100.0, "team_off_rating": 112.0, "team_win_pct": 0.5}
    assert {k: f[k] for k in defaults} == pytest.approx(defaults)
    assert rook.feature_quality_score == pytest.approx(62.8)  # (6*75 + 13*40 + 6*100) / 25
    assert (rook.data_source, rook.quality_tier) == ("mixed", "bronze")
    assert bool(rook.early_season_flag) is True and bool(rook.is_production_ready) is False
    assert "features_defaulted" in list(rook.data_quality_issues)


def test_data_hash_uses_features_in_thousandths(store):
    star = b.row(store, player_lookup="star")
    ints = [round(v * 1000) for v in _features(star).values()]
    text = "|".join([f"data_source:phase4_partial", "features_x1000:" + ",".join(map(str, ints)),
                     "feature_version:v1_baseline_25", f"game_date:{D}",
                     f"game_id:{b.system_id(D, 'LAL', 'BOS')}", "player_lookup:star"])
    assert star.data_hash == hashlib.sha256(text.encode()).hexdigest()[:16]


def test_early_season_rows_are_flagged(duck):
    b.mini_season(duck)
    b.run_phase4(duck, b.MINI_DATES, upto="ml_feature_store")
    out = b.output(duck, PROCESSOR, ["2023-10-31"])
    assert len(out) == 8 and out.early_season_flag.all()
    assert not out.is_production_ready.any()
