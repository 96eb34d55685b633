"""upcoming_player_game_context on tiny hand-built raw inputs, values computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from nbkit.processors.compute import compute
from nbkit.processors.upcoming_player_game_context import PROCESSOR
from tests.processors import builders_phase3 as b

D = "2024-01-15"
SCHEDULE = "nba_raw.nbac_schedule"
GAMEBOOK = "nba_raw.nbac_gamebook_player_stats"
BDL = "nba_raw.bdl_player_boxscores"

# BOS's final games before D (alpha sat out 01-03) and alpha's points in the ones he played.
BOS_GAMES = [("2024-01-03", "BOS", "ATL"), ("2024-01-05", "BOS", "CHI"), ("2024-01-07", "BOS", "DET"),
             ("2024-01-09", "BOS", "HOU"), ("2024-01-10", "BOS", "IND"), ("2024-01-12", "BOS", "NYK"),
             ("2024-01-14", "BOS", "ORL")]
ALPHA_POINTS = {"2024-01-05": 10, "2024-01-07": 12, "2024-01-09": 14, "2024-01-10": 16,
                "2024-01-12": 18, "2024-01-14": 20}


def _schedule() -> list[dict]:
    rows = [b.schedule(day, away, home, f"h{i}", 100, 101) for i, (day, away, home) in enumerate(BOS_GAMES)]
    rows += [
        b.schedule("2024-01-13", "LAL", "PHX", "l1", 99, 98),
        b.schedule(D, "LAL", "BOS", "0022300600", 100, 110),
        b.schedule("2024-01-16", "LAL", "DEN", "l2", None, None, status=1),
        b.schedule("2024-01-17", "MIA", "BOS", "n1", None, None, status=1, is_primetime=True),
        b.schedule("2024-01-20", "BOS", "UTA", "n2", None, None, status=1),
    ]
    return rows


def _gamebook() -> list[dict]:
    rows = []
    for day, away, home in BOS_GAMES:
        if day in ALPHA_POINTS and day != "2024-01-05":      # 01-05 is only in BDL
            rows.append(b.gamebook(day, away, home, "BOS", "alpha", minutes="30:30",
                                   points=ALPHA_POINTS[day]))
        if day == "2024-01-03":
            rows.append(b.gamebook(day, away, home, "BOS", "alpha", minutes=None, status="dnp"))
    rows += [
        b.gamebook(D, "LAL", "BOS", "BOS", "alpha", minutes="33:00", points=25),
        b.gamebook(D, "LAL", "BOS", "BOS", "beta", minutes=None, status="inactive"),
        b.gamebook(D, "LAL", "BOS", "LAL", "gamma", minutes=None, status="dnp"),
        b.gamebook(D, "LAL", "BOS", "LAL", "delta", minutes="25:00", points=8),
    ]
    return rows


@pytest.fixture
def day(duck):
    b.write(duck, SCHEDULE, _schedule())
    b.write(duck, GAMEBOOK, _gamebook())
    b.write(duck, BDL, [
        b.bdl("2024-01-05", "BOS", "CHI", "BOS", "alpha", minutes="30:30", points=10),
        b.bdl("2024-01-14", "BOS", "ORL", "BOS", "alpha", minutes="40:00", points=99),  # gamebook game
    ])
    b.write(duck, "nba_reference.nba_players_registry", [b.registry_row("alpha", "BOS")])
    b.write(duck, "nba_raw.odds_api_player_points_props", [
        b.odds_prop(D, "LAL", "BOS", "alpha", "fanduel", 20.5, "2024-01-15 10:00"),
        b.odds_prop(D, "LAL", "BOS", "alpha", "fanduel", 19.5, "2024-01-15 18:00"),
        b.odds_prop(D, "LAL", "BOS", "alpha", "draftkings", 22.5, "2024-01-14 20:00"),
        b.odds_prop(D, "LAL", "BOS", "alpha", "draftkings", 21.5, "2024-01-15 18:00"),
    ])
    b.write(duck, "nba_raw.bettingpros_player_points_props", [
        b.bp_prop(D, "alpha", "BOS", "bet365", 30.5),
        b.bp_prop(D, "beta", "BOS", "bet365", 8.5, opening=9.5),
    ])
    b.write(duck, "nba_raw.odds_api_game_lines", [
        b.game_line(D, "LAL", "BOS", "draftkings", "spreads", "BOS Full", -3.5, "2024-01-15 17:00"),
        b.game_line(D, "LAL", "BOS", "draftkings", "spreads", "LAL Full", 3.5, "2024-01-15 17:00"),
        b.game_line(D, "LAL", "BOS", "draftkings", "totals", "Over", 230.5, "2024-01-15 17:00"),
    ])
    b.write(duck, "nba_raw.nbac_injury_report", [
        b.injury(D, "LAL", "BOS", "BOS", "beta", "Out"),
        b.injury(D, "LAL", "BOS", "BOS", "epsilon", "Questionable"),
        b.injury(D, "LAL", "BOS", "BOS", "zeta", "Probable"),
        b.injury(D, "LAL", "BOS", "LAL", "eta", "Questionable"),
    ])
    compute(duck, PROCESSOR, [b.d(D)])
    return b.output(duck, PROCESSOR)


def test_one_row_per_rostered_player_game(day):
    # all rostered statuses, one row each, although alpha has six lines from three books (D4)
    assert sorted(day.player_lookup) == ["alpha", "beta", "delta", "gamma"]
    assert set(day.game_id) == {"20240115_LAL_BOS"}
    assert not day.duplicated(["game_id", "player_lookup"]).any()


def test_matchup_from_schedule(day):
    alpha = b.row(day, player_lookup="alpha")
    assert (alpha.team_abbr, alpha.opponent_team_abbr, alpha.home_game) == ("BOS", "LAL", True)
    delta = b.row(day, player_lookup="delta")
    assert (delta.team_abbr, delta.opponent_team_abbr, delta.home_game) == ("LAL", "BOS", False)
    assert alpha.season_phase == "mid"
    assert "schedule_game_not_found" not in list(alpha.quality_issues)
    assert "nbac_schedule" in list(alpha.data_sources)
    assert alpha.universal_player_id == "alpha_001" and pd.isna(delta.universal_player_id)


def test_points_line(day):
    alpha = b.row(day, player_lookup="alpha")                  # DraftKings beats FanDuel
    assert (alpha.current_points_line, alpha.opening_points_line, alpha.line_movement) == (21.5, 22.5, -1.0)
    assert alpha.current_points_line_source == "draftkings" == alpha.opening_points_line_source
    assert alpha.has_prop_line
    beta = b.row(day, player_lookup="beta")                    # BettingPros fallback
    assert (beta.current_points_line, beta.opening_points_line) == (8.5, 9.5)
    assert beta.current_points_line_source == "bettingpros" and beta.quality_used_fallback
    delta = b.row(day, player_lookup="delta")
    assert not delta.has_prop_line and pd.isna(delta.current_points_line)


def test_game_lines_by_date_and_teams(day):
    alpha = b.row(day, player_lookup="alpha")
    assert (alpha.game_spread, alpha.game_total, alpha.game_spread_source) == (-3.5, 230.5, "draftkings")
    assert b.row(day, player_lookup="delta").game_spread == 3.5
    assert "missing_game_spread" not in list(alpha.quality_issues)


def test_fatigue_from_prior_games(day):
    alpha = b.row(day, player_lookup="alpha")
    assert alpha.days_rest == 1 and alpha.back_to_back             # played 01-14 (fix of D15)
    assert alpha.days_rest_before_last_game == 2                   # 01-12 -> 01-14
    assert alpha.days_since_2_plus_days_rest == 1                  # 01-14 came after a 2-day gap
    assert (alpha.games_in_last_7_days, alpha.games_in_last_14_days) == (4, 6)
    assert (alpha.minutes_in_last_7_days, alpha.minutes_in_last_14_days) == (122, 183)  # 4 and 6 x 30.5
    assert alpha.avg_minutes_per_game_last_7 == 30.5
    assert alpha.back_to_backs_last_14_days == 1                   # 01-09, 01-10
    assert alpha.points_avg_last_5 == 16.0                         # 20 18 16 14 12 (not BDL's 99)
    assert alpha.points_avg_last_10 == 15.0                        # 6 games, 90 points
    assert alpha.primary_source_used == "nbac_gamebook_player_stats+bdl_player_boxscores"


def test_no_history_is_unknown_not_zero(day):
    delta = b.row(day, player_lookup="delta")
    assert pd.isna(delta.days_rest) and pd.isna(delta.back_to_back)
    assert delta.games_in_last_7_days == 0 and pd.isna(delta.points_avg_last_5)
    assert "thin_sample:0/3" in list(delta.quality_issues) and delta.quality_tier == "bronze"


def test_schedule_calendar(day):
    alpha = b.row(day, player_lookup="alpha")
    assert alpha.next_game_days_rest == 2 and alpha.games_in_next_7_days == 2
    assert alpha.next_game_is_primetime
    assert alpha.opponent_days_rest == 2                           # LAL played 01-13
    assert (alpha.opponent_next_game_days_rest, alpha.opponent_games_in_next_7_days) == (1, 1)


def test_injuries(day):
    assert b.row(day, player_lookup="beta").player_status == "out"
    assert b.row(day, player_lookup="beta").injury_report == "Injury/Illness"
    alpha = b.row(day, player_lookup="alpha")
    assert pd.isna(alpha.player_status)
    assert (alpha.questionable_teammates, alpha.probable_teammates) == (1, 1)
    assert b.row(day, player_lookup="delta").questionable_teammates == 1


def test_completeness_windows(day):
    alpha = b.row(day, player_lookup="alpha")
    # BOS's final games in the 30 days before: 7; alpha played 6 (not 01-03)
    assert (alpha.l5_completeness_pct, alpha.l7d_completeness_pct) == (100.0, 100.0)
    assert (alpha.l10_completeness_pct, alpha.l14d_completeness_pct, alpha.l30d_completeness_pct) == (85.7, 85.7, 85.7)
    assert (alpha.expected_games_count, alpha.actual_games_count, alpha.missing_games_count) == (7, 6, 1)
    assert alpha.l5_is_complete and not alpha.l10_is_complete and not alpha.all_windows_complete
    assert not alpha.is_production_ready                           # January: no boundary exemption
    assert alpha.quality_tier == "silver" and alpha.quality_score == 75.0
    assert alpha.quality_sample_size == 6


def test_season_phase_from_schedule(duck):
    b.write(duck, SCHEDULE, [
        b.schedule("2024-04-10", "LAL", "BOS", "r1", 100, 101),
        b.schedule("2024-04-22", "MIA", "NYK", "p1", 100, 101, is_regular_season=False,
                   is_playoffs=True),
    ])
    b.write(duck, GAMEBOOK, [b.gamebook("2024-04-10", "LAL", "BOS", "BOS", "alpha"),
                             b.gamebook("2024-04-22", "MIA", "NYK", "NYK", "omega")])
    compute(duck, PROCESSOR, [b.d("2024-04-10"), b.d("2024-04-22")])
    out = b.output(duck, PROCESSOR)
    assert b.row(out, player_lookup="alpha").season_phase == "late"
    omega = b.row(out, player_lookup="omega")
    assert omega.season_phase == "playoffs" and omega.season_boundary_detected


def test_duplicate_gamebook_rows_do_not_fan_out(duck):
    b.write(duck, GAMEBOOK, [b.gamebook(D, "LAL", "BOS", "BOS", "alpha")])
    again = b.gamebook(D, "LAL", "BOS", "BOS", "alpha", minutes="31:00")
    again["processed_at"] = b.LOADED + pd.Timedelta(hours=1)
    b.write(duck, GAMEBOOK, [again])
    compute(duck, PROCESSOR, [b.d(D)])
    out = b.output(duck, PROCESSOR)
    assert len(out) == 1 and "schedule_game_not_found" in list(out.iloc[0].quality_issues)


def test_set_based_contract(duck):
    b.write(duck, SCHEDULE, _schedule())
    b.write(duck, GAMEBOOK, _gamebook())
    b.write(duck, "nba_raw.odds_api_player_points_props", [
        b.odds_prop(D, "LAL", "BOS", "alpha", "draftkings", 21.5, "2024-01-15 18:00")])
    b.assert_set_based(duck, PROCESSOR, ["2024-01-12", "2024-01-14", D])


def test_declaration():
    b.assert_declaration(PROCESSOR)
