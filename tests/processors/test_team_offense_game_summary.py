"""team_offense_game_summary on tiny hand-built raw inputs, values computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from nbkit.processors.compute import compute
from nbkit.processors.team_offense_game_summary import PROCESSOR
from tests.processors import builders_phase3 as b

D1, D2 = "2024-01-15", "2024-01-16"

@pytest.fixture
def box_day(duck):
    b.box_and_rebuilt_games(duck, D1)
    # NYK@MIA has no team box score: rebuilt from gamebook players (MIA also lists an inactive)
    b.write(duck, b.GAMEBOOK,
            b.team_players(D1, "NYK", "MIA", "NYK", minutes="48:00", points=20, fgm=8, fga=16,
                           tpm=2, tpa=5, ftm=2, fta=3, oreb=1, dreb=5, ast=4, tov=2, pf=3)
            + b.team_players(D1, "NYK", "MIA", "MIA", n=6, minutes="40:00", points=16, fgm=6,
                             fga=13, ftm=4, fta=5, oreb=2, dreb=4, ast=3, tov=1, pf=2)
            + [b.gamebook(D1, "NYK", "MIA", "MIA", "hurt", minutes=None, status="inactive")])
    b.write(duck, b.PBP, [
        b.shot(D1, "LAL", "BOS", "LAL", 1, "2PT", 3.0, True),
        b.shot(D1, "LAL", "BOS", "LAL", 2, "2PT", 8.0, False),     # 8.0 ft is still paint
        b.shot(D1, "LAL", "BOS", "LAL", 3, "2PT", 15.5, True),
        b.shot(D1, "LAL", "BOS", "LAL", 4, "3PT", 25.0, True),
        b.shot(D1, "LAL", "BOS", "BOS", 5, "2PT", 2.0, True),
    ])
    compute(duck, PROCESSOR, [b.d(D1)])
    return b.output(duck, PROCESSOR)


def test_box_score_formulas(box_day):
    lal = b.row(box_day, team_abbr="LAL")
    assert (lal.game_id, lal.nba_game_id, lal.opponent_team_abbr) == (
        "20240115_LAL_BOS", "0022300500", "BOS")
    assert (lal.points_scored, lal.fg_makes, lal.fg_attempts, lal.rebounds) == (100, 40, 90, 40)
    assert not lal.home_game and not lal.win_flag and lal.margin_of_victory == -10
    # possessions = 90 + 0.44*14 + 12 - 10 = 98.16 -> 98.2
    assert lal.possessions == 98
    assert lal.offensive_rating == 101.83                       # 100 / 98.2 * 100
    assert lal.pace == 98.2                                     # 98.2 * 48 / (240/5)
    assert lal.ts_pct == 0.520                                  # 100 / (2 * (90 + 0.44*14))
    assert lal.overtime_periods == 0
    assert lal.quality_tier == "gold" and lal.quality_score == 100.0
    assert lal.primary_source_used == "nbac_team_boxscore" and not lal.quality_reconstructed
    assert pd.isna(lal.players_inactive)                        # no gamebook for this game

    bos = b.row(box_day, team_abbr="BOS")
    assert bos.home_game and bos.win_flag and bos.margin_of_victory == 10
    # 85 + 0.44*18 + 14 - 8 = 98.92 -> 98.9; 110 / 98.9 * 100 = 111.22
    assert (bos.possessions, bos.offensive_rating, bos.pace) == (99, 111.22, 98.9)


def test_shot_zones_from_play_by_play(box_day):
    lal = b.row(box_day, team_abbr="LAL")
    assert (lal.team_paint_attempts, lal.team_paint_makes) == (2, 1)
    assert (lal.team_mid_range_attempts, lal.team_mid_range_makes) == (1, 1)
    assert lal.points_in_paint_scored == 2
    assert lal.shot_zones_available and lal.shot_zones_source == "nbac_pbp"
    assert list(lal.quality_issues) == []
    assert list(lal.data_sources) == ["nbac_team_boxscore", "nbac_play_by_play"]
    bos = b.row(box_day, team_abbr="BOS")
    assert (bos.team_paint_attempts, bos.team_mid_range_attempts, bos.points_in_paint_scored) == (1, 0, 2)


def test_reconstruction_from_gamebook_players(box_day):
    nyk = b.row(box_day, team_abbr="NYK")
    assert nyk.nba_game_id == "0022300501"                      # mapped through the schedule
    assert (nyk.points_scored, nyk.fg_attempts, nyk.three_pt_makes, nyk.ft_attempts) == (100, 80, 10, 15)
    assert (nyk.rebounds, nyk.assists, nyk.turnovers, nyk.personal_fouls) == (30, 20, 10, 15)
    # 80 + 0.44*15 + 10 - 5 = 91.6; 5 players x 48:00 = 240 minutes
    assert (nyk.possessions, nyk.pace, nyk.offensive_rating) == (92, 91.6, 109.17)
    assert nyk.win_flag and nyk.margin_of_victory == 4           # 100 - 6x16
    assert not nyk.home_game and nyk.opponent_team_abbr == "MIA"
    assert nyk.quality_tier == "silver" and nyk.quality_score == 85.0
    assert nyk.quality_reconstructed and nyk.quality_used_fallback
    assert nyk.primary_source_used == "reconstructed_team_from_players"
    assert list(nyk.quality_issues) == ["reconstructed", "shot_zones_unavailable"]
    assert nyk.quality_sample_size == 5
    assert not nyk.shot_zones_available and pd.isna(nyk.team_paint_attempts)
    assert nyk.players_inactive == 0
    mia = b.row(box_day, team_abbr="MIA")
    assert mia.points_scored == 96 and mia.players_inactive == 1 and mia.home_game


def test_source_tracking(box_day):
    lal = b.row(box_day, team_abbr="LAL")
    assert lal.source_nbac_boxscore_rows_found == 2
    assert lal.source_nbac_boxscore_completeness_pct == 50.0    # 1 of 2 final games
    assert lal.source_play_by_play_rows_found == 5
    assert lal.source_nbac_boxscore_last_updated == b.LOADED


def test_overtime_game(duck):
    b.write(duck, b.BOX, b.box_game(D1, minutes="265:00"))
    compute(duck, PROCESSOR, [b.d(D1)])
    lal = b.row(b.output(duck, PROCESSOR), team_abbr="LAL")
    assert lal.overtime_periods == 1
    assert lal.pace == 88.9                                     # 98.2 * 48 / 53 = 88.94


def test_reconstruction_from_bdl_when_no_gamebook(duck):
    b.write(duck, b.BDL,
            b.team_players(D1, "NYK", "MIA", "NYK", source=b.bdl, minutes="53", points=22,
                           fgm=9, fga=18, fta=2, ftm=2, tov=2)
            + b.team_players(D1, "NYK", "MIA", "MIA", source=b.bdl, minutes="53", points=20,
                             fgm=8, fga=17, fta=4, ftm=4, tov=3))
    compute(duck, PROCESSOR, [b.d(D1)])
    nyk = b.row(b.output(duck, PROCESSOR), team_abbr="NYK")
    # 5 x 53 = 265 summed minutes: one overtime; possessions 90 + 0.44*10 + 10 = 104.4
    assert (nyk.overtime_periods, nyk.possessions, nyk.pace) == (1, 104, 94.6)
    assert list(nyk.quality_issues) == ["reconstructed", "backup_source_used", "shot_zones_unavailable"]
    assert list(nyk.data_sources) == ["bdl_player_boxscores"]


def test_one_sided_box_score_is_rebuilt_and_short_team_is_missing(duck):
    b.write(duck, b.SCHEDULE, [b.schedule(D1, "LAL", "BOS", "0022300500", 100, 110)])
    b.write(duck, b.BOX, b.box_game(D1)[:1])
    b.write(duck, b.GAMEBOOK, b.team_players(D1, "LAL", "BOS", "LAL", points=20)
            + b.team_players(D1, "LAL", "BOS", "BOS", n=4, points=20))
    compute(duck, PROCESSOR, [b.d(D1)])
    # BOS has only 4 players: no pairing, no rows; the expected count reads the date as partial
    assert len(b.output(duck, PROCESSOR)) == 0
    expected = duck.query(PROCESSOR.EXPECTED_ROWS_SQL, {"dates": [b.d(D1)]})
    assert expected.expected_rows.tolist() == [2]


def test_set_based_contract(duck):
    b.two_team_game_dates(duck, D1, D2)
    b.assert_set_based(duck, PROCESSOR, [D1, D2])


def test_declaration():
    b.assert_declaration(PROCESSOR)
