"""Play-in, playoff and All-Star matchups, seeded from the simulated regular season.

Postseason game ids encode the bracket (``004YY00RSG``: round R, series S, game G), so the
real series lengths are kept and only the teams are simulated: seeds come from the
regular-season standings, series winners from team strength, and each game's winner is
fixed so the series winner takes game G = length and exactly three earlier games.
All-Star squads (12 players each) are drawn from the season's best players (Sunday) and
its rookies and sophomores (Friday Rising Stars); see ``reference.ALL_STAR_SQUADS``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nbkit.sample.era import REAL, Era
from nbkit.sample.players import League
from nbkit.sample.reference import (ALL_STAR_GAME, ALL_STAR_SQUAD_SIZE, RISING_STARS,
                                    source_season, teams)
from nbkit.sample.schedule import game_phase, overtime_periods, win_probability

# Round-1 series s (0-3 East, 4-7 West) pairs seeds (1,8), (2,7), (3,6), (4,5).
_R1_SEEDS = ((1, 8), (2, 7), (3, 6), (4, 5))
# Later rounds: series s is fed by these series of the previous round.
_FEEDERS = {2: {0: (0, 3), 1: (1, 2), 2: (4, 7), 3: (5, 6)}, 3: {0: (0, 1), 1: (2, 3)},
            4: {0: (0, 1)}}


def postseason(seed: int, league: League, regular: pd.DataFrame,
               strength: pd.DataFrame, era: Era = REAL) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Play-in, playoff and All-Star games of the era, plus the All-Star squads.

    Returns:
        (games, squads): games with the columns of ``schedule.regular_season``;
        squads with season_year, team_abbr (squad code), player_idx.
    """
    rng = era.rng(seed, "postseason")
    cal = era.calendar()
    parts, squads = [], []
    for season in sorted(cal["season_year"].unique()):
        power = strength[(strength["season_year"] == season) & (strength["phase"] == 1)]
        power = dict(zip(power["team_abbr"], power["strength"]))
        seeds = _seeds(rng, regular[regular["season_year"] == season], power)
        season_cal = cal[cal["season_year"] == season]
        play_in, seeds = _play_in(rng, season_cal[season_cal["game_type"] == "play_in"],
                                  seeds, power)
        playoffs = _playoffs(rng, season_cal[season_cal["game_type"] == "playoffs"], seeds,
                             power, _wins(regular[regular["season_year"] == season]))
        squad = _squads(rng, league, int(season))
        stars = _all_star(rng, season_cal[season_cal["game_type"] == "all_star"], int(season))
        parts += [play_in, playoffs, stars]
        squads.append(squad)
    games = pd.concat(parts, ignore_index=True)
    games["phase"] = game_phase(games)
    games["ot_periods"] = overtime_periods(rng, len(games))
    return games, pd.concat(squads, ignore_index=True)


def _wins(games: pd.DataFrame) -> dict[str, int]:
    return games["winner"].value_counts().to_dict()


def _seeds(rng: np.random.Generator, games: pd.DataFrame,
           power: dict[str, float]) -> dict[str, list[str]]:
    """Conference -> tricodes ordered 1..15 by wins (ties: strength, then chance)."""
    wins = _wins(games)
    info = teams()
    out = {}
    for conf, rows in info.groupby("conference"):
        codes = list(rows["team_abbr"])
        key = {t: (wins.get(t, 0), power.get(t, 0.0), rng.random()) for t in codes}
        out[conf] = sorted(codes, key=key.get, reverse=True)
    return out


def _play_in(rng: np.random.Generator, rows: pd.DataFrame, seeds: dict[str, list[str]],
             power: dict[str, float]) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Seeds 7-10 play for seeds 7 and 8. Series ids: round 1: 0/1 = 7v8, 2/3 = 9v10;
    round 2: loser of 7v8 hosts winner of 9v10; even series East, odd West."""
    rows = rows.sort_values(["round", "series"]).copy()
    result: dict[tuple[int, int], tuple[str, str, str, str]] = {}
    for rnd, series in zip(rows["round"], rows["series"]):
        s = seeds["East" if series % 2 == 0 else "West"]
        if rnd == 1:
            hi, lo = (s[6], s[7]) if series < 2 else (s[8], s[9])
        else:
            hi, lo = result[(1, series)][1], result[(1, series + 2)][0]
        won = _single_game(rng, hi, lo, power)
        result[(rnd, series)] = (won, lo if won == hi else hi, hi, lo)
    keys = list(zip(rows["round"], rows["series"]))
    rows["home"] = [result[k][2] for k in keys]
    rows["away"] = [result[k][3] for k in keys]
    rows["winner"] = [result[k][0] for k in keys]
    final = {c: list(s) for c, s in seeds.items()}
    for conf, series in (("East", 0), ("West", 1)):
        final[conf][6], final[conf][7] = result[(1, series)][0], result[(2, series)][0]
    return rows, final


def _single_game(rng: np.random.Generator, home: str, away: str,
                 power: dict[str, float]) -> str:
    p = win_probability(np.array([power.get(home, 0.0)]), np.array([power.get(away, 0.0)]))[0]
    return home if rng.random() < p else away


def _playoffs(rng: np.random.Generator, rows: pd.DataFrame, seeds: dict[str, list[str]],
              power: dict[str, float], wins: dict[str, int]) -> pd.DataFrame:
    """Assign teams and game winners to every playoff game, round by round."""
    rows = rows.copy()
    rows["away"], rows["home"], rows["winner"] = None, None, None
    seed_of = {t: i + 1 for conf in seeds.values() for i, t in enumerate(conf)}
    advanced: dict[tuple[int, int], str] = {}
    for (rnd, series), games in rows.groupby(["round", "series"], sort=True):
        if rnd == 1:
            conf = "East" if series < 4 else "West"
            hi_seed, lo_seed = _R1_SEEDS[series % 4]
            a, b = seeds[conf][hi_seed - 1], seeds[conf][lo_seed - 1]
        else:
            a, b = (advanced[(rnd - 1, s)] for s in _FEEDERS[rnd][series])
        rank = (lambda t: (-wins.get(t, 0), seed_of[t])) if rnd == 4 else seed_of.get
        better, other = sorted((a, b), key=rank)
        length = len(games)
        champion = _series_winner(rng, better, other, power)
        idx = games.sort_values("game_number").index
        at_better = np.isin(np.arange(1, length + 1), [1, 2, 5, 7])
        rows.loc[idx, "home"] = np.where(at_better, better, other)
        rows.loc[idx, "away"] = np.where(at_better, other, better)
        rows.loc[idx, "winner"] = _series_game_winners(rng, champion,
                                                       other if champion == better else better,
                                                       length)
        advanced[(rnd, series)] = champion
    return rows


def _series_winner(rng: np.random.Generator, better: str, other: str,
                   power: dict[str, float]) -> str:
    edge = 1.6 * (power.get(better, 0.0) - power.get(other, 0.0)) + 0.35
    return better if rng.random() < 1.0 / (1.0 + np.exp(-0.6 * edge)) else other


def _series_game_winners(rng: np.random.Generator, champion: str, loser: str,
                         length: int) -> list[str]:
    """Champion wins the last game and 3 of the first length-1 games."""
    early = np.array([loser] * (length - 1), dtype=object)
    early[rng.choice(length - 1, 3, replace=False)] = champion
    return list(early) + [champion]


def _squads(rng: np.random.Generator, league: League, season: int) -> pd.DataFrame:
    """Season's All-Star and Rising Stars squads, 12 players each."""
    rated = league.ratings[league.ratings["season_year"] == season]
    on_roster = set(league.rosters.loc[league.rosters["season_year"] == season, "player_idx"])
    rated = rated[rated["player_idx"].isin(on_roster)].merge(
        league.players[["player_idx", "debut_season"]], on="player_idx")
    sunday = [c for c in ALL_STAR_GAME[source_season(season)]]
    stars = rated.sort_values("skill", ascending=False).head(len(sunday) * ALL_STAR_SQUAD_SIZE)
    young = rated[(rated["debut_season"] >= season - 1)
                  & ~rated["player_idx"].isin(stars["player_idx"])]
    young = young.sort_values("skill", ascending=False).head(4 * ALL_STAR_SQUAD_SIZE)
    rows = _deal(rng, list(stars["player_idx"]), sunday, season)
    rows += _deal(rng, list(young["player_idx"]), list(RISING_STARS[source_season(season)]),
                  season)
    return pd.DataFrame(rows, columns=["season_year", "team_abbr", "player_idx"])


def _deal(rng: np.random.Generator, ranked: list[int], codes: list[str],
          season: int) -> list[tuple]:
    """Snake draft of ranked players into squads (captains alternate picks)."""
    order = [codes[i] for i in rng.permutation(len(codes))]
    rows = []
    for pick, player in enumerate(ranked):
        rnd, pos = divmod(pick, len(order))
        code = order[pos] if rnd % 2 == 0 else order[-1 - pos]
        rows.append((season, code, int(player)))
    return rows


def _all_star(rng: np.random.Generator, rows: pd.DataFrame, season: int) -> pd.DataFrame:
    """Rising Stars semis (suffix 4, 5) and final (6); All-Star Game (1) or, in 2025,
    a four-squad tournament (11, 21 semis; 31 final) that includes the Rising Stars winner."""
    rows = rows.copy()
    suffix = rows["game_id"].str[-2:].astype(int)
    rs = RISING_STARS[source_season(season)]
    pairs = {4: (rs[0], rs[1]), 5: (rs[2], rs[3])}
    winners = {k: v[int(rng.random() < 0.5)] for k, v in pairs.items()}
    pairs[6] = (winners[4], winners[5])
    winners[6] = pairs[6][int(rng.random() < 0.5)]
    sunday = ALL_STAR_GAME[source_season(season)]
    if len(sunday) == 2:
        pairs[1] = sunday
        winners[1] = sunday[int(rng.random() < 0.5)]
    else:
        pairs[11], pairs[21] = (winners[6], sunday[2]), (sunday[0], sunday[1])
        winners[11] = pairs[11][int(rng.random() < 0.5)]
        winners[21] = pairs[21][int(rng.random() < 0.5)]
        pairs[31] = (winners[11], winners[21])
        winners[31] = pairs[31][int(rng.random() < 0.5)]
    rows["away"] = [pairs[s][0] for s in suffix]
    rows["home"] = [pairs[s][1] for s in suffix]
    rows["winner"] = [winners[s] for s in suffix]
    return rows
