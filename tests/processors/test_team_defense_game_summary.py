"""team_defense_game_summary on tiny hand-built raw inputs, values computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from nbkit.processors.compute import compute
from nbkit.processors.team_defense_game_summary import PROCESSOR
from tests.processors import builders_phase3 as b

D1, D2 = "2024-01-15", "2024-01-16"


@pytest.fixture
def box_day(duck):
    b.box_and_rebuilt_games(duck, D1)
    # LAL@BOS defensive actions: BOS from its gamebook players; LAL has no player rows
    b.write(duck, b.GAMEBOOK, b.team_players(D1, "LAL", "BOS", "BOS", points=22, stl=2, dreb=7)
            + [b.gamebook(D1, "LAL", "BOS", "BOS", "hurt", minutes=None, status="inactive")])
    # NYK@MIA: no box score, no gamebook: rebuilt from BDL
    b.write(duck, b.BDL,
            b.team_players(D1, "NYK", "MIA", "NYK", source=b.bdl, minutes="48", points=20,
                           fgm=8, fga=16, tpm=2, tpa=5, ftm=2, fta=3, oreb=1, dreb=5, stl=1,
                           tov=2, pf=3)
            + b.team_players(D1, "NYK", "MIA", "MIA", source=b.bdl, minutes="48", points=19,
                             fgm=7, fga=15, tpm=1, tpa=4, ftm=4, fta=6, oreb=2, dreb=6, stl=2,
                             tov=1, pf=4))
    b.write(duck, b.PBP, [
        b.shot(D1, "LAL", "BOS", "LAL", 1, "2PT", 3.0, True),
        b.shot(D1, "LAL", "BOS", "LAL", 2, "2PT", 12.0, True),
        b.shot(D1, "LAL", "BOS", "LAL", 3, "2PT", 20.0, False),
    ])
    compute(duck, PROCESSOR, [b.d(D1)])
    return b.output(duck, PROCESSOR)


def test_perspective_flip(box_day):
    bos = b.row(box_day, defending_team_abbr="BOS")
    assert (bos.opponent_team_abbr, bos.home_game) == ("LAL", True)
    assert bos.points_allowed == b.LAL_BOX["points"] == 100
    assert (bos.opp_fg_makes, bos.opp_fg_attempts) == (40, 90)
    assert (bos.opp_three_pt_makes, bos.opp_three_pt_attempts, bos.three_pt_points_allowed) == (10, 30, 30)
    assert (bos.opp_ft_makes, bos.opp_ft_attempts) == (10, 14)
    assert (bos.opp_rebounds, bos.opp_assists) == (40, 25)
    assert bos.turnovers_forced == 12 and bos.fouls_committed == b.BOS_BOX["pf"] == 18
    # LAL possessions 90 + 0.44*14 - 10 + 12 = 98.16 -> 98.2
    assert bos.defensive_rating == 101.83                       # 100 / 98.2 * 100
    assert bos.opponent_pace == 98.2                            # regulation: 98.2 * 48 / 48
    assert bos.opponent_ts_pct == 0.520                         # 100 / (2 * (90 + 0.44*14))
    assert bos.win_flag and bos.margin_of_victory == 10
    assert bos.players_inactive == 1
    assert bos.quality_tier == "gold" and bos.quality_score == 100.0


def test_defensive_actions_sources(box_day):
    bos = b.row(box_day, defending_team_abbr="BOS")
    assert (bos.steals, bos.defensive_rebounds) == (10, 35)     # 5 gamebook players x (2, 7)
    assert bos.primary_source_used == "nbac_team_boxscore+nbac_gamebook_player_stats"
    # LAL has no player rows (the gamebook lists the game, BDL is not read for it):
    # the team box score's own steals and defensive rebounds stand in
    lal = b.row(box_day, defending_team_abbr="LAL")
    assert (lal.steals, lal.defensive_rebounds) == (7, 30)
    assert lal.primary_source_used == "nbac_team_boxscore"
    assert not lal.win_flag and lal.margin_of_victory == -10


def test_zones_allowed_from_opponent_shots(box_day):
    bos = b.row(box_day, defending_team_abbr="BOS")
    assert (bos.opp_paint_attempts, bos.opp_paint_makes) == (1, 1)
    assert (bos.opp_mid_range_attempts, bos.opp_mid_range_makes) == (2, 1)
    assert (bos.points_in_paint_allowed, bos.mid_range_points_allowed) == (2, 2)
    assert "shot_zones_unavailable" not in list(bos.quality_issues)
    lal = b.row(box_day, defending_team_abbr="LAL")            # BOS took no logged shots
    assert (lal.opp_paint_attempts, lal.points_in_paint_allowed) == (0, 0)
    assert pd.isna(lal.blocks_paint) and pd.isna(lal.second_chance_points_allowed)


def test_reconstructed_from_bdl(box_day):
    mia = b.row(box_day, defending_team_abbr="MIA")
    assert mia.points_allowed == 100 and mia.opponent_team_abbr == "NYK"   # 5 x 20
    assert (mia.opp_fg_attempts, mia.opp_ft_attempts, mia.turnovers_forced) == (80, 15, 10)
    # NYK possessions 80 + 0.44*15 - 5 + 10 = 91.6
    assert (mia.defensive_rating, mia.opponent_pace) == (109.17, 91.6)
    assert mia.opponent_ts_pct == 0.577                         # 100 / (2 * 86.6)
    assert (mia.steals, mia.defensive_rebounds, mia.fouls_committed) == (10, 30, 20)
    assert not mia.win_flag and mia.margin_of_victory == -5     # 95 - 100
    assert mia.quality_tier == "silver" and mia.quality_score == 85.0 and mia.quality_reconstructed
    assert list(mia.quality_issues) == ["reconstructed", "backup_source_used", "shot_zones_unavailable"]
    assert pd.isna(mia.opp_paint_attempts)


def test_overtime_normalises_opponent_pace(duck):
    b.write(duck, b.BOX, b.box_game(D1, minutes="265:00"))
    compute(duck, PROCESSOR, [b.d(D1)])
    bos = b.row(b.output(duck, PROCESSOR), defending_team_abbr="BOS")
    assert bos.overtime_periods == 1 and bos.opponent_pace == 88.9    # 98.2 * 48 / 53


def test_set_based_contract(duck):
    b.two_team_game_dates(duck, D1, D2)
    b.assert_set_based(duck, PROCESSOR, [D1, D2])


def test_declaration():
    b.assert_declaration(PROCESSOR)
