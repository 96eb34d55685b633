"""player_game_summary on tiny hand-built raw inputs, values computed by hand."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from nbkit.processors.compute import compute
from nbkit.processors.player_game_summary import PROCESSOR
from tests.processors import builders_phase3 as b

D1, D2 = "2024-01-15", "2024-01-16"
GAMEBOOK = "nba_raw.nbac_gamebook_player_stats"
BDL = "nba_raw.bdl_player_boxscores"
REGISTRY = "nba_reference.nba_players_registry"


def _lal_bos() -> list[dict]:
    """LAL@BOS from the gamebook: LAL 20 + 4x9 = 56 points, BOS 5x12 = 60 points."""
    lal = [b.gamebook(D1, "LAL", "BOS", "LAL", "star", minutes="34:12", points=20, fgm=7, fga=15,
                      tpm=2, tpa=5, ftm=4, fta=4, tov=3, oreb=1, dreb=5, ast=6, stl=2, blk=1,
                      pf=2, plus_minus=-3)]
    lal += [b.gamebook(D1, "LAL", "BOS", "LAL", f"lal{i}", minutes="51:27", points=9, fgm=4,
                       fga=10, ftm=1, fta=5, tov=2) for i in range(4)]
    bos = b.team_players(D1, "LAL", "BOS", "BOS", minutes="48:00", points=12, fgm=5, fga=10,
                         ftm=2, fta=2, tov=1)
    bench = [b.gamebook(D1, "LAL", "BOS", "BOS", "hurt", minutes=None, status="inactive"),
             b.gamebook(D1, "LAL", "BOS", "BOS", "benched", minutes=None, status="dnp")]
    return lal + bos + bench


def _nyk_mia_bdl() -> list[dict]:
    """NYK@MIA, absent from the gamebook: BDL rows with their real shooting numbers."""
    nyk = [b.bdl(D1, "NYK", "MIA", "NYK", "scorer", minutes="36", points=30, fgm=11, fga=20,
                 tpm=3, tpa=8, ftm=5, fta=6, oreb=2, dreb=6, tov=4)]
    nyk += b.team_players(D1, "NYK", "MIA", "NYK", n=4, source=b.bdl, minutes="51", points=10,
                          fgm=4, fga=9, ftm=2, fta=2, tov=1)
    mia = b.team_players(D1, "NYK", "MIA", "MIA", source=b.bdl, minutes="48", points=15, fgm=6,
                         fga=12, ftm=3, fta=4, tov=2)
    dnp = [b.bdl(D1, "NYK", "MIA", "MIA", "bdl_dnp", minutes="00")]
    return nyk + mia + dnp


def _registry(rows: list[dict], *, skip: tuple[str, ...] = ()) -> list[dict]:
    players = {(r["player_lookup"], r["team_abbr"]) for r in rows}
    return [b.registry_row(p, t) for p, t in sorted(players) if p not in skip]


@pytest.fixture
def day_one(duck):
    rows = _lal_bos()
    b.write(duck, GAMEBOOK, rows)
    # BDL also has LAL@BOS: ignored, the gamebook covers that game
    b.write(duck, BDL, _nyk_mia_bdl() + [b.bdl(D1, "LAL", "BOS", "LAL", "star", points=99)])
    b.write(duck, REGISTRY, _registry(rows + _nyk_mia_bdl(), skip=("lal3",)))
    compute(duck, PROCESSOR, [b.d(D1)])
    return b.output(duck, PROCESSOR)


def test_gamebook_row_formulas(day_one):
    star = b.row(day_one, player_lookup="star")
    assert star.game_id == "20240115_LAL_BOS"
    assert (star.team_abbr, star.opponent_team_abbr, star.home_game) == ("LAL", "BOS", False)
    assert star.universal_player_id == "star_001"
    assert star.season_year == 2023
    assert star.minutes_played == 34.2             # 34 + 12/60
    assert star.ts_pct == 0.597                    # 20 / (2 * (15 + 0.44*4))
    assert star.efg_pct == 0.533                   # (7 + 0.5*2) / 15
    # 100 * (15 + 0.44*4 + 3) * (240/5) / (34.2 * (55 + 0.44*24 + 11)) = 36.224
    assert star.usage_rate == 36.22
    assert star.starter_flag                                  # 34.2 minutes > 20
    assert not star.win_flag                                  # LAL 56 - BOS 60
    assert (star.points, star.assists, star.steals, star.blocks, star.turnovers) == (20, 6, 2, 1, 3)
    assert (star.offensive_rebounds, star.defensive_rebounds, star.plus_minus) == (1, 5, -3)
    assert (star.fg_makes, star.fg_attempts, star.three_pt_makes, star.three_pt_attempts) == (7, 15, 2, 5)
    assert (star.ft_makes, star.ft_attempts, star.personal_fouls) == (4, 4, 2)
    assert star.quality_tier == "gold" and star.quality_score == 100.0
    assert list(star.quality_issues) == [] and list(star.data_sources) == ["nbac_gamebook"]
    assert star.primary_source_used == "nbac_gamebook" and not star.quality_used_fallback
    assert star.player_status == "active" and star.is_active
    assert pd.isna(star.paint_attempts) and pd.isna(star.mid_range_makes)


def test_win_flag_and_home_side(day_one):
    bos = b.row(day_one, player_lookup="bos0")
    assert (bos.team_abbr, bos.opponent_team_abbr, bos.home_game) == ("BOS", "LAL", True)
    assert bos.win_flag                                       # BOS 60 - LAL 56


def test_only_players_who_played_and_are_registered(day_one):
    players = set(day_one.player_lookup)
    assert {"hurt", "benched"}.isdisjoint(players)            # inactive / dnp
    assert "bdl_dnp" not in players                           # BDL row with 00 minutes, no stats
    assert "lal3" not in players                              # not in the registry
    teammate = b.row(day_one, player_lookup="lal0")
    # the unregistered lal3 still counts in LAL's totals:
    # 100 * (10 + 0.44*5 + 2) * 48 / (51.45 * 76.56) = 17.30
    assert teammate.usage_rate == 17.30
    assert len(day_one) == 1 + 3 + 5 + 5 + 5                  # star, 3 registered lal, bos, nyk, mia


def test_bdl_fallback_uses_real_values(day_one):
    scorer = b.row(day_one, player_lookup="scorer")
    assert scorer.primary_source_used == "bdl_boxscores"
    assert (scorer.fg_attempts, scorer.three_pt_attempts, scorer.ft_attempts) == (20, 8, 6)
    assert (scorer.offensive_rebounds, scorer.defensive_rebounds) == (2, 6)
    assert pd.isna(scorer.plus_minus)                         # BDL has no plus_minus column
    assert scorer.minutes_played == 36.0           # "MM" form
    assert scorer.ts_pct == 0.663                  # 30 / (2 * (20 + 0.44*6)) = 0.6625
    assert scorer.efg_pct == 0.625                 # (11 + 0.5*3) / 20
    assert not scorer.win_flag                                # NYK 30 + 4x10 = 70, MIA 5x15 = 75
    assert scorer.quality_tier == "silver" and scorer.quality_score == 85.0
    assert list(scorer.quality_issues) == ["backup_source_used"]
    assert scorer.quality_used_fallback and list(scorer.data_sources) == ["bdl_boxscores"]


def test_gamebook_game_ignores_bdl(day_one):
    assert b.row(day_one, player_lookup="star").points == 20  # not BDL's 99


@pytest.mark.parametrize("minutes, expected", [
    ("34:03", 34.1),   # 34.05 rounds half up
    ("0:30", 0.5),
    ("25", 25.0),
    (" 12:06 ", 12.1),
    (None, None), ("", None), ("12:75", None), ("abc", None), ("DNP", None),
])
def test_minutes_parsing(duck, minutes, expected):
    rows = b.team_players(D1, "LAL", "BOS", "LAL") + b.team_players(D1, "LAL", "BOS", "BOS")
    rows.append(b.gamebook(D1, "LAL", "BOS", "LAL", "probe", minutes=minutes, points=4, fgm=2, fga=3))
    b.write(duck, GAMEBOOK, rows)
    b.write(duck, REGISTRY, [b.registry_row("probe", "LAL")])
    compute(duck, PROCESSOR, [b.d(D1)])
    probe = b.row(b.output(duck, PROCESSOR), player_lookup="probe")
    if expected is None:
        assert pd.isna(probe.minutes_played) and pd.isna(probe.usage_rate)
        assert not probe.starter_flag
    else:
        assert probe.minutes_played == expected


def test_points_line_odds_api_preferred_book_and_snapshots(duck):
    rows = _lal_bos()
    b.write(duck, GAMEBOOK, rows)
    b.write(duck, REGISTRY, _registry(rows))
    b.write(duck, "nba_raw.odds_api_player_points_props", [
        b.odds_prop(D1, "LAL", "BOS", "star", "fanduel", 25.5, "2024-01-15 18:00"),
        b.odds_prop(D1, "LAL", "BOS", "star", "draftkings", 18.5, "2024-01-15 09:00"),
        b.odds_prop(D1, "LAL", "BOS", "star", "draftkings", 19.5, "2024-01-15 12:00"),
        b.odds_prop(D1, "LAL", "BOS", "star", "draftkings", 20.0, "2024-01-15 17:00"),
        b.odds_prop(D1, "LAL", "BOS", "lal0", "betmgm", 9.5, "2024-01-15 17:00"),
    ])
    b.write(duck, "nba_raw.bettingpros_player_points_props", [
        b.bp_prop(D1, "star", "LAL", "bet365", 30.5),          # Odds API wins for star
        b.bp_prop(D1, "bos0", "BOS", "bet365", 11.5, opening=10.5, updated="2024-01-15 10:00"),
        b.bp_prop(D1, "bos0", "BOS", "caesars", 12.5, opening=12.0, best=True,
                  updated="2024-01-15 09:00"),
        b.bp_prop(D1, "bos0", "BOS", "caesars", 99.5, side="under", best=True),
        b.bp_prop(D1, "bos1", "BOS", "bet365", 13.5, updated="2024-01-15 09:00"),
        b.bp_prop(D1, "bos1", "BOS", "betmgm", 11.5, updated="2024-01-15 11:00"),
    ])
    compute(duck, PROCESSOR, [b.d(D1)])
    out = b.output(duck, PROCESSOR)

    star = b.row(out, player_lookup="star")                   # DraftKings, latest snapshot
    assert (star.points_line, star.opening_line, star.line_movement) == (
        20.0, 18.5, 1.5)
    assert star.points_line_source == "draftkings" == star.opening_line_source
    assert star.over_under_result == "PUSH" and star.margin == 0  # 20 points on a 20.0 line

    lal0 = b.row(out, player_lookup="lal0")                   # another Odds API book
    assert (lal0.points_line_source, lal0.over_under_result, lal0.margin) == (
        "betmgm", "UNDER", -0.5)                   # 9 < 9.5

    bos0 = b.row(out, player_lookup="bos0")                   # BettingPros best 'over' line
    assert (bos0.points_line, bos0.opening_line, bos0.points_line_source) == (
        12.5, 12.0, "bettingpros")
    assert bos0.over_under_result == "UNDER"                  # 12 < 12.5

    bos1 = b.row(out, player_lookup="bos1")                   # no best line: latest update
    assert bos1.points_line == 11.5 and bos1.over_under_result == "OVER"
    assert pd.isna(bos1.opening_line) and pd.isna(bos1.line_movement)

    bos2 = b.row(out, player_lookup="bos2")
    assert pd.isna(bos2.points_line) and pd.isna(bos2.over_under_result)


def test_data_hash_matches_python_sha256(day_one):
    star = b.row(day_one, player_lookup="star")
    fields = ["20240115_LAL_BOS", "star", "LAL", "nbac_gamebook", "2052", "20", "6", "1", "5",
              "2", "1", "3", "2", "7", "15", "2", "5", "4", "4", "-3", "NULL", "NULL"]
    assert star.data_hash == hashlib.sha256("|".join(fields).encode()).hexdigest()[:16]


def test_source_tracking_per_date(day_one):
    star = b.row(day_one, player_lookup="star")
    assert star.source_nbac_rows_found == 12                  # 5 LAL + 5 BOS + inactive + dnp
    assert star.source_bdl_rows_found == 12                   # 11 NYK/MIA + 1 LAL@BOS
    assert star.source_nbac_last_updated == b.LOADED
    assert pd.isna(star.source_odds_rows_found)               # no props loaded that day


def test_set_based_contract(duck):
    rows = _lal_bos() + [
        b.gamebook(D2, "BOS", "NYK", t, f"{t.lower()}{i}", minutes="48:00", points=p, fga=9, fgm=5)
        for t, p in (("BOS", 20), ("NYK", 18)) for i in range(5)]
    b.write(duck, GAMEBOOK, rows)
    b.write(duck, BDL, _nyk_mia_bdl())
    b.write(duck, REGISTRY, _registry(rows + _nyk_mia_bdl()))
    b.write(duck, "nba_raw.odds_api_player_points_props", [
        b.odds_prop(D2, "BOS", "NYK", "bos0", "draftkings", 19.5, "2024-01-16 12:00")])
    out = b.assert_set_based(duck, PROCESSOR, [D1, D2])
    assert len(out[out.game_date == b.d(D2)]) == 10


def test_declaration():
    b.assert_declaration(PROCESSOR)
