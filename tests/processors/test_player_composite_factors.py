"""player_composite_factors on hand-built context and Phase 4 rows, values computed by hand."""

from __future__ import annotations

import json

import pytest

from nbkit.processors.player_composite_factors import PROCESSOR
from tests.processors import builders_phase4 as b

D = "2023-11-05"
READY = {"early_season_flag": False, "expected_games_count": 10, "actual_games_count": 10,
         "completeness_percentage": 100.0, "is_production_ready": True}


def _context(player: str, **fields) -> dict:
    return b.player_context(D, player, "BOS", "LAL", is_production_ready=True, **fields)


@pytest.fixture
def world(duck):
    """Opening night, D (BOS v LAL), LAL's team context and defense zones on D."""
    b.write(duck, b.SCHEDULE, [b.schedule(b.OPENING_NIGHT, "NYK", "BOS"),
                               b.schedule(D, "LAL", "BOS")])
    b.write(duck, b.UTGC, [b.team_context(D, "LAL", "BOS", home=False, is_production_ready=True)])
    b.write(duck, b.TDZA, [b.defense_zone(D, "LAL", paint_defense_vs_league_avg=9.0,
                                          mid_range_defense_vs_league_avg=-12.0,
                                          three_pt_defense_vs_league_avg=6.0,
                                          weakest_zone="paint", is_production_ready=True)])
    return duck


def _compute(duck, contexts: list[dict], zones: list[dict]):
    if contexts:
        b.write(duck, b.UPGC, contexts)
    if zones:
        b.write(duck, b.PSZA, zones)
    b.run(duck, PROCESSOR, [D])
    return b.output(duck, PROCESSOR)


def test_brief_example_back_to_back_four_games_age_31(world):
    out = _compute(world, [_context(
        "guard", back_to_back=True, days_rest=0, games_in_last_7_days=4, minutes_in_last_7_days=200,
        avg_minutes_per_game_last_7=30.0, back_to_backs_last_14_days=0, player_age=31,
        pace_differential=7.0, projected_usage_rate=30.0, avg_usage_rate_last_7_games=24.0,
        star_teammates_out=1)],
        [b.shot_zone(D, "guard", primary_scoring_zone="perimeter", three_pt_rate_last_10=40.0,
                     **READY)])
    row = b.row(out, player_lookup="guard")
    assert row.fatigue_score == 70                          # 100 - 15 - 10 - 5
    assert row.shot_zone_mismatch_score == pytest.approx(4.8)  # 6.0 * min(40/50, 1)
    assert row.pace_score == pytest.approx(3.0)             # 7.0 / 2 clamped to 3
    assert row.usage_spike_score == pytest.approx(2.1)      # (30 - 24) * 0.3 * 1.15 = 2.07
    assert row.total_composite_adjustment == pytest.approx(8.4)  # (70-100)/20 + 4.8 + 3 + 2.1
    for deferred in ("referee_favorability_score", "look_ahead_pressure_score",
                     "travel_impact_score", "opponent_strength_score"):
        assert row[deferred] == 0.0
    assert row.calculation_version == "v1_4factors"
    assert row.data_completeness_pct == 100.0 and row.missing_data_fields is None
    assert bool(row.has_warnings) is False and row.warning_details is None
    assert json.loads(row.shot_zone_context_json)["mismatch_type"] == "favorable"
    assert json.loads(row.fatigue_context_json)["final_score"] == 70
    assert json.loads(row.pace_context_json)["pace_environment"] == "fast"
    assert json.loads(row.usage_context_json)["usage_trend"] == "spike"
    assert row.analysis_date.date() == row.game_date and row.opponent_team_abbr == "LAL"
    assert bool(row.is_production_ready) is True and list(row.data_quality_issues) == []


def test_zone_mismatch_weighting_amplification_and_clamp(world):
    out = _compute(world, [_context("big"), _context("wing")], [
        b.shot_zone(D, "big", primary_scoring_zone="paint", paint_rate_last_10=60.0, **READY),
        b.shot_zone(D, "wing", primary_scoring_zone="mid_range", mid_range_rate_last_10=25.0,
                    **READY)])
    big, wing = b.row(out, player_lookup="big"), b.row(out, player_lookup="wing")
    assert big.shot_zone_mismatch_score == pytest.approx(10.0)   # 9 * 1.0 * 1.2 = 10.8 -> 10
    assert wing.shot_zone_mismatch_score == pytest.approx(-7.2)  # -12 * 0.5 = -6 -> * 1.2
    assert big.warning_details == "EXTREME_MATCHUP: Unusual zone mismatch"
    assert json.loads(wing.shot_zone_context_json)["mismatch_type"] == "unfavorable"


def test_null_inputs_use_documented_defaults(world):
    # nothing but the keys: no PSZA row, no fatigue/usage/pace fields, opponent without TDZA
    b.write(world, b.UPGC, [b.player_context(D, "rookie", "LAL", "BOS", home=False)])
    out = _compute(world, [], [])
    row = b.row(out, player_lookup="rookie")
    assert row.fatigue_score == 100
    assert (row.shot_zone_mismatch_score, row.pace_score, row.usage_spike_score) == (0.0, 0.0, 0.0)
    assert row.total_composite_adjustment == 0.0
    assert row.data_completeness_pct == 0.0
    assert row.missing_data_fields == ("days_rest, projected_usage_rate, pace_differential, "
                                       "player_shot_zone_analysis, "
                                       "opponent_team_defense_zone_analysis")
    assert bool(row.early_season_flag) is True
    assert "no player_shot_zone_analysis row" in row.insufficient_data_reason
    assert bool(row.is_production_ready) is False
    assert bool(row.all_upstreams_ready) is False
    assert json.loads(row.shot_zone_context_json)["data_available"] is False


def test_fatigue_extremes_and_usage_rules(world):
    out = _compute(world, [
        _context("tired", back_to_back=True, games_in_last_7_days=5, minutes_in_last_7_days=250,
                 avg_minutes_per_game_last_7=36.0, back_to_backs_last_14_days=2, player_age=36),
        _context("rested", days_rest=4, player_age=20, projected_usage_rate=35.0,
                 avg_usage_rate_last_7_games=25.0, star_teammates_out=2),
        _context("bench", back_to_backs_last_14_days=1, projected_usage_rate=20.0,
                 avg_usage_rate_last_7_games=25.0, star_teammates_out=2),
        _context("zero", avg_usage_rate_last_7_games=0.0, projected_usage_rate=30.0)], [])
    tired, rested = b.row(out, player_lookup="tired"), b.row(out, player_lookup="rested")
    bench, zero = b.row(out, player_lookup="bench"), b.row(out, player_lookup="zero")
    assert tired.fatigue_score == 35                       # 100 - 15 - 10 - 10 - 8 - 12 - 10
    assert tired.warning_details == "EXTREME_FATIGUE: Player showing severe fatigue"
    assert tired.total_composite_adjustment == pytest.approx(-3.25)
    assert rested.fatigue_score == 100                     # 105 clamped
    assert rested.usage_spike_score == pytest.approx(3.0)  # 10 * 0.3 * 1.3 = 3.9 -> 3
    assert bench.fatigue_score == 95
    assert bench.usage_spike_score == pytest.approx(-1.5)  # negative: no star boost
    assert zero.usage_spike_score == 0.0                   # zero baseline


def test_early_season_player_is_flagged(world):
    out = _compute(world, [_context("p")], [b.shot_zone(
        D, "p", primary_scoring_zone="paint", paint_rate_last_10=50.0, early_season_flag=True,
        insufficient_data_reason="Only 2 games available, need 10", expected_games_count=2,
        actual_games_count=2, completeness_percentage=100.0, is_production_ready=False)])
    row = b.row(out, player_lookup="p")
    assert bool(row.early_season_flag) is True
    assert row.insufficient_data_reason == "Only 2 games available, need 10"
    assert bool(row.is_production_ready) is False
    assert "upstream_player_shot_incomplete" in list(row.data_quality_issues)
    assert row.shot_zone_mismatch_score == pytest.approx(10.0)  # still computed
