"""upcoming_team_game_context on a tiny hand-built schedule, values computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from nbkit.processors.compute import compute
from nbkit.processors.upcoming_team_game_context import PROCESSOR
from tests.processors import builders_phase3 as b

SCHEDULE = "nba_raw.nbac_schedule"
LINES = "nba_raw.odds_api_game_lines"
INJURY = "nba_raw.nbac_injury_report"
TRAVEL = "nba_static.travel_distances"

# BOS: W 01-10 (home), W 01-12 (at NYK), L 01-13 (home), then 01-15 home vs LAL.
GAMES = [
    b.schedule("2023-04-09", "BOS", "ATL", "0022201230", 120, 114),   # last season: ignored
    b.schedule("2024-01-10", "LAL", "BOS", "001", 100, 110),
    b.schedule("2024-01-12", "BOS", "NYK", "002", 120, 100),
    b.schedule("2024-01-13", "MIA", "BOS", "003", 99, 95),
    b.schedule("2024-01-15", "LAL", "BOS", "004", 100, 101),
    b.schedule("2024-01-15", "NYK", "MIA", "005", 99, 98),
    b.schedule("2024-01-16", "BOS", "CHI", "006", None, None, status=1),  # not final: no rows
]


@pytest.fixture
def day(duck):
    b.write(duck, SCHEDULE, GAMES)
    b.write(duck, TRAVEL, [{"from_team": "MIA", "to_team": "NYK", "distance_miles": 1090},
                           {"from_team": "BOS", "to_team": "MIA", "distance_miles": 1260}])
    b.write(duck, LINES, [
        b.game_line("2024-01-15", "LAL", "BOS", "fanduel", "spreads", "BOS Full", -7.0, "2024-01-15 18:00"),
        b.game_line("2024-01-15", "LAL", "BOS", "draftkings", "spreads", "BOS Full", -5.5, "2024-01-14 09:00"),
        b.game_line("2024-01-15", "LAL", "BOS", "draftkings", "spreads", "BOS Full", -6.5, "2024-01-15 17:00"),
        b.game_line("2024-01-15", "LAL", "BOS", "draftkings", "spreads", "LAL Full", 6.5, "2024-01-15 17:00"),
        b.game_line("2024-01-15", "LAL", "BOS", "draftkings", "totals", "Over", 224.5, "2024-01-14 09:00"),
        b.game_line("2024-01-15", "LAL", "BOS", "draftkings", "totals", "Over", 221.5, "2024-01-15 17:00"),
        b.game_line("2024-01-15", "LAL", "BOS", "draftkings", "totals", "Under", 999.0, "2024-01-15 17:00"),
    ])
    b.write(duck, INJURY, [
        b.injury("2024-01-15", "LAL", "BOS", "BOS", "p1", "Out"),
        b.injury("2024-01-15", "LAL", "BOS", "BOS", "p2", "Questionable"),
        b.injury("2024-01-15", "LAL", "BOS", "BOS", "p3", "Doubtful"),
        # p4 was out yesterday, available in the latest report
        b.injury("2024-01-15", "LAL", "BOS", "BOS", "p4", "Out", report_date="2024-01-14"),
        b.injury("2024-01-15", "LAL", "BOS", "BOS", "p4", "Available", report_hour=18),
        b.injury("2024-01-15", "LAL", "BOS", "BOS", "p5", "Out", confidence=0.5),  # unreadable
        b.injury("2024-01-15", "LAL", "BOS", "LAL", "p6", "Out"),
    ])
    compute(duck, PROCESSOR, [b.d("2024-01-13"), b.d("2024-01-15")])
    return b.output(duck, PROCESSOR)


def test_two_rows_per_final_game_keyed_by_schedule_id(day):
    assert len(day) == 6
    assert set(day.game_id) == {"003", "004", "005"}
    assert set(day[day.game_id == "004"].team_abbr) == {"BOS", "LAL"}


def test_rest_and_game_number(day):
    bos = b.row(day, game_id="004", team_abbr="BOS")
    assert (bos.home_game, bos.opponent_team_abbr) == (True, "LAL")
    assert bos.days_since_last_game == 2 and bos.team_days_rest == 1
    assert not bos.team_back_to_back and not bos.is_back_to_back
    assert bos.game_number_in_season == 4                       # last season's game not counted
    assert (bos.games_in_last_7_days, bos.games_in_last_14_days) == (3, 3)
    bos13 = b.row(day, game_id="003", team_abbr="BOS")
    assert bos13.team_days_rest == 0 and bos13.team_back_to_back and bos13.is_back_to_back
    mia = b.row(day, game_id="003", team_abbr="MIA")            # first game of the season
    assert pd.isna(mia.team_days_rest) and pd.isna(mia.days_since_last_game)
    assert mia.game_number_in_season == 1 and not mia.team_back_to_back
    assert mia.early_season_flag and mia.insufficient_data_reason == "first_game_of_season"


def test_momentum(day):
    bos = b.row(day, game_id="004", team_abbr="BOS")
    assert (bos.last_game_result, bos.last_game_margin) == ("L", -4)
    assert (bos.team_win_streak_entering, bos.team_loss_streak_entering) == (0, 1)
    bos13 = b.row(day, game_id="003", team_abbr="BOS")
    assert (bos13.last_game_result, bos13.team_win_streak_entering) == ("W", 2)
    lal = b.row(day, game_id="004", team_abbr="LAL")
    assert (lal.last_game_result, lal.team_loss_streak_entering) == ("L", 1)


def test_travel(day):
    assert b.row(day, game_id="004", team_abbr="BOS").travel_miles == 0      # home
    assert b.row(day, game_id="004", team_abbr="LAL").travel_miles == 0      # still in Boston
    nyk = b.row(day, game_id="005", team_abbr="NYK")           # from its home game vs BOS to MIA
    assert nyk.travel_miles == 0 and "travel_distance_unknown" in list(nyk.quality_issues)
    mia13 = b.row(day, game_id="003", team_abbr="MIA")         # season opener: from home
    assert mia13.travel_miles == 0                              # MIA -> BOS not loaded (BOS -> MIA is)
    assert "travel_distance_unknown" in list(mia13.quality_issues)


def test_betting_lines_by_teams_not_event_id(day):
    bos = b.row(day, game_id="004", team_abbr="BOS")
    assert bos.game_spread == -6.5 and bos.game_spread_source == "draftkings"
    assert bos.spread_movement == -1.0                          # -6.5 - (-5.5)
    assert bos.game_total == 221.5 and bos.total_movement == -3.0
    assert bos.betting_lines_updated_at == pd.Timestamp("2024-01-15 17:00", tz="UTC")
    lal = b.row(day, game_id="004", team_abbr="LAL")
    assert lal.game_spread == 6.5 and lal.game_total == 221.5
    mia = b.row(day, game_id="005", team_abbr="MIA")
    assert pd.isna(mia.game_spread) and pd.isna(mia.game_total)


def test_injuries_latest_confident_report(day):
    bos = b.row(day, game_id="004", team_abbr="BOS")
    assert bos.starters_out_count == 1                          # p1 (p4 available, p5 unreadable)
    assert bos.questionable_players_count == 2                  # p2 questionable, p3 doubtful
    lal = b.row(day, game_id="004", team_abbr="LAL")
    assert (lal.starters_out_count, lal.questionable_players_count) == (1, 0)
    assert b.row(day, game_id="005", team_abbr="NYK").starters_out_count == 0


def test_completeness_and_quality(day):
    bos = b.row(day, game_id="004", team_abbr="BOS")
    # final games in [D-14, D], all scored
    assert (bos.expected_games_count, bos.actual_games_count, bos.missing_games_count) == (4, 4, 0)
    assert bos.l7d_completeness_pct == 100.0 and bos.l14d_is_complete and bos.all_windows_complete
    assert bos.quality_tier == "gold" and bos.quality_score == 95.0 and bos.is_production_ready
    assert list(bos.data_sources) == ["nbac_schedule", "odds_api_game_lines", "nbac_injury_report"]
    assert not bos.season_boundary_detected and not bos.backfill_bootstrap_mode
    assert bos.source_odds_lines_rows_found == 7
    assert bos.source_odds_lines_completeness_pct == 50.0       # lines for 1 of 2 games


def test_missing_scores_lower_completeness(duck):
    games = [b.schedule("2024-01-10", "LAL", "BOS", "001"),   # final, scores missing
             b.schedule("2024-01-15", "LAL", "BOS", "004", 100, 101)]
    b.write(duck, SCHEDULE, games)
    compute(duck, PROCESSOR, [b.d("2024-01-15")])
    bos = b.row(b.output(duck, PROCESSOR), team_abbr="BOS")
    assert (bos.l14d_completeness_pct, bos.l7d_completeness_pct) == (50.0, 50.0)
    assert bos.quality_tier == "bronze" and not bos.is_production_ready
    assert list(bos.quality_issues)[:2] == ["l7d_incomplete:50%", "l14d_incomplete:50%"]
    assert pd.isna(bos.last_game_result) and bos.team_win_streak_entering == 0


def test_travel_between_arenas(duck):
    b.write(duck, SCHEDULE, [b.schedule("2024-01-12", "BOS", "NYK", "002", 120, 100),
                             b.schedule("2024-01-14", "BOS", "MIA", "003", 100, 90)])
    b.write(duck, TRAVEL, [{"from_team": "NYK", "to_team": "MIA", "distance_miles": 1090}])
    compute(duck, PROCESSOR, [b.d("2024-01-14")])
    bos = b.row(b.output(duck, PROCESSOR), team_abbr="BOS")
    assert bos.travel_miles == 1090 and "travel_distance_unknown" not in list(bos.quality_issues)


def test_set_based_contract(duck):
    b.write(duck, SCHEDULE, GAMES)
    b.assert_set_based(duck, PROCESSOR, ["2024-01-12", "2024-01-13", "2024-01-15"])


def test_declaration():
    b.assert_declaration(PROCESSOR)
