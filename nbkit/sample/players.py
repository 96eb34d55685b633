"""The league's people: players, their season ratings, rosters over time and injuries.

Rosters change the way real ones do: every offseason old players retire, about one player
in six changes teams, two rookies join each team; at each trade deadline about ten trades
swap players between teams. A roster is fixed within a (season, phase): phase 0 runs
until the trade deadline, phase 1 after it (including the postseason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nbkit.sample import names as name_gen
from nbkit.sample.era import REAL, Era
from nbkit.sample.reference import teams

POSITIONS = np.array(["G", "G", "G-F", "F", "F", "F-C", "C"])
_GROUP = {"G": "G", "G-F": "G", "F": "F", "F-C": "F", "C": "C"}
_ROSTER_SHAPE = ("G", "G", "G", "G", "G-F", "G-F", "F", "F", "F", "F", "F-C", "C", "C", "C", "G")
_INJURIES = np.array(["Left Ankle; Sprain", "Right Ankle; Sprain", "Right Knee; Soreness",
                      "Left Knee; Soreness", "Lower Back; Tightness", "Left Hamstring; Strain",
                      "Right Hamstring; Strain", "Right Foot; Contusion", "Left Calf; Strain",
                      "Right Hip; Soreness", "Left Wrist; Sprain", "Concussion Protocol",
                      "Right Shoulder; Soreness", "Left Groin; Strain"])
_SERIOUS = np.array(["Left Knee; Surgery", "Right Foot; Fracture", "Left Achilles; Tear",
                     "Right Knee; MCL Sprain", "Left Hand; Fracture"])


@dataclass(frozen=True)
class League:
    """Everything about the people of the sample league.

    Attributes:
        players: one row per player: player_idx, player_name, player_lookup, person_id,
            bdl_player_id, birth_year, position, group ('G'/'F'/'C'), jersey, debut_season
            and per-player shooting/rebounding traits.
        ratings: one row per (season_year, player_idx): skill (league z-score) and usage.
        rosters: one row per (season_year, phase, team_abbr, player_idx).
        injuries: one row per injury spell: player_idx, start, end (dates), reason.
    """

    players: pd.DataFrame
    ratings: pd.DataFrame
    rosters: pd.DataFrame
    injuries: pd.DataFrame


def build_league(seed: int, season_dates: dict[int, tuple[dt.date, dt.date]],
                 era: Era = REAL, taken: frozenset[str] = frozenset()) -> League:
    """Create the players, four seasons of rosters and the injury spells.

    Args:
        seed: the sample seed.
        season_dates: first and last game date of each season (injury spells fall inside).
        era: the calendar copy (its seasons, random stream and player id block).
        taken: player lookups of other eras; this era's players get other names.
    """
    rng = era.rng(seed, "league")
    codes = list(teams()["team_abbr"])
    seasons = era.seasons
    people = _Pool(rng, era.first_player_idx, set(taken))
    roster: dict[str, list[int]] = {t: people.new_team(seasons[0]) for t in codes}
    free_agents = people.new_players(45, seasons[0], rookies=False)
    rows, ratings = [], []
    for season in seasons:
        if season != seasons[0]:
            free_agents = _offseason(rng, people, roster, free_agents, season)
        ratings.append(people.season_ratings(season))
        rows += _roster_rows(roster, season, 0)
        _trade_deadline(rng, roster, people.skill)
        rows += _roster_rows(roster, season, 1)
    rosters = pd.DataFrame(rows, columns=["season_year", "phase", "team_abbr", "player_idx"])
    players = people.frame()
    return League(players, pd.concat(ratings, ignore_index=True), rosters,
                  _injuries(rng, rosters, season_dates))


class _Pool:
    """Mutable registry of players while seasons are simulated (private to this module)."""

    def __init__(self, rng: np.random.Generator, first_idx: int = 0,
                 taken: set[str] | None = None) -> None:
        self.rng = rng
        self.first_idx = first_idx
        self.records: list[dict] = []
        self.skill: dict[int, float] = {}
        self.age: dict[int, int] = {}
        self.taken: set[str] = taken if taken is not None else set()

    def new_players(self, count: int, season: int, rookies: bool,
                    positions: np.ndarray | None = None) -> list[int]:
        rng = self.rng
        start = self.first_idx + len(self.records)
        pos = positions if positions is not None else rng.choice(POSITIONS, count)
        ages = (rng.integers(19, 23, count) if rookies
                else np.clip(19 + rng.gamma(3.0, 2.4, count), 19, 37).astype(int))
        skill = (rng.normal(-0.9, 0.6, count) if rookies
                 else rng.normal(0.0, 1.0, count) + 0.06 * np.minimum(ages - 19, 8))
        for i, name in enumerate(name_gen.draw_names(rng, count, self.taken)):
            idx = start + i
            self.records.append(_traits(rng, idx, name, pos[i], season, int(ages[i]), rookies))
            self.skill[idx] = float(skill[i])
            self.age[idx] = int(ages[i])
        return list(range(start, start + count))

    def new_team(self, season: int) -> list[int]:
        size = int(self.rng.integers(14, 16))
        return self.new_players(size, season, rookies=False,
                                positions=np.array(_ROSTER_SHAPE[:size]))

    def season_ratings(self, season: int) -> pd.DataFrame:
        idx = np.array(list(self.skill))
        skill = np.array([self.skill[i] for i in idx])
        usage = np.clip(1.0 + 0.28 * skill + self.rng.normal(0, 0.15, len(idx)), 0.55, 1.9)
        return pd.DataFrame({"season_year": season, "player_idx": idx, "skill": skill,
                             "usage": usage, "age": [self.age[i] for i in idx]})

    def age_one_year(self) -> None:
        for idx, age in self.age.items():
            growth = 0.25 if age <= 22 else 0.12 if age <= 25 else 0.0 if age <= 29 else (
                -0.12 if age <= 32 else -0.25)
            self.skill[idx] += growth + self.rng.normal(0, 0.22)
            self.age[idx] = age + 1

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.records)


def _traits(rng: np.random.Generator, idx: int, name: str, position: str, season: int,
            age: int, rookie: bool) -> dict:
    group = _GROUP[position]
    big = {"G": 0.0, "F": 0.5, "C": 1.0}[group]
    return {
        "player_idx": idx, "player_name": name, "player_lookup": name_gen.player_lookup(name),
        "person_id": (1630000 if rookie else 1626000) + idx * 3 + int(rng.integers(0, 3)),
        "bdl_player_id": 100 + idx * 7 + int(rng.integers(0, 7)),
        "birth_year": season - age, "position": position, "group": group,
        "jersey": int(rng.choice([0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 20, 21,
                                  22, 23, 24, 25, 30, 31, 32, 33, 34, 35, 41, 44, 55, 77])),
        "debut_season": season if rookie else season - max(age - 20, 0),
        "three_rate": float(np.clip(rng.normal(0.46 - 0.30 * big, 0.07), 0.02, 0.75)),
        "fg2_pct": float(np.clip(rng.normal(0.50 + 0.09 * big, 0.03), 0.40, 0.70)),
        "fg3_pct": float(np.clip(rng.normal(0.365 - 0.03 * big, 0.025), 0.25, 0.44)),
        "ft_pct": float(np.clip(rng.normal(0.81 - 0.12 * big, 0.05), 0.50, 0.94)),
        "fta_rate": float(np.clip(rng.normal(0.23 + 0.08 * big, 0.05), 0.08, 0.45)),
        "reb36": float(np.clip(rng.normal(4.5 + 6.0 * big, 1.0), 2.0, 15.0)),
        "oreb_share": float(np.clip(rng.normal(0.12 + 0.16 * big, 0.04), 0.04, 0.45)),
        "ast36": float(np.clip(rng.normal(5.4 - 3.2 * big, 1.0), 1.0, 10.0)),
        "stl36": float(np.clip(rng.normal(1.2 - 0.3 * big, 0.25), 0.4, 2.4)),
        "blk36": float(np.clip(rng.normal(0.35 + 1.3 * big, 0.3), 0.1, 3.5)),
        "tov36": float(np.clip(rng.normal(1.8, 0.35), 0.8, 3.5)),
        "pf36": float(np.clip(rng.normal(2.8 + 0.8 * big, 0.4), 1.5, 5.0)),
    }


def _offseason(rng: np.random.Generator, people: _Pool, roster: dict[str, list[int]],
               free_agents: list[int], season: int) -> list[int]:
    """Age, retire, free agency, draft and refill for ``season``; return the new FA pool."""
    people.age_one_year()
    retired = {i for i in people.skill if _retires(rng, people.age[i], people.skill[i])}
    pool = [i for i in free_agents if i not in retired and rng.random() < 0.6]
    for team, members in roster.items():
        kept = [i for i in members if i not in retired]
        stars = set(sorted(kept, key=people.skill.get, reverse=True)[:3])
        leaving = [i for i in kept if rng.random() < (0.08 if i in stars else 0.18)]
        pool += leaving
        roster[team] = [i for i in kept if i not in leaving]
    for team in rng.permutation(list(roster)):
        roster[team] += people.new_players(2, season, rookies=True)
    pool += people.new_players(25, season, rookies=False)
    return _refill(rng, roster, pool, people.skill)


def _retires(rng: np.random.Generator, age: int, skill: float) -> bool:
    chance = 0.0 if age < 31 else 0.15 + 0.12 * (age - 31)
    if skill < -1.2:
        chance += 0.15
    return rng.random() < min(chance, 1.0)


def _refill(rng: np.random.Generator, roster: dict[str, list[int]], pool: list[int],
            skill: dict[int, float]) -> list[int]:
    """Cut rosters above their size and sign the best free agents into open spots."""
    sizes = {team: int(rng.integers(14, 16)) for team in sorted(roster)}
    for team, size in sizes.items():
        members = sorted(roster[team], key=skill.get, reverse=True)
        pool += members[size:]
        roster[team] = members[:size]
    noise = rng.normal(0, 0.5, len(pool))
    order = [i for _, i in sorted(zip(noise, pool), key=lambda p: skill[p[1]] + p[0],
                                  reverse=True)]
    for team in rng.permutation(list(sizes)):
        need = max(sizes[team] - len(roster[team]), 0)
        roster[team] += order[:need]
        order = order[need:]
    return order


def _trade_deadline(rng: np.random.Generator, roster: dict[str, list[int]],
                    skill: dict[int, float]) -> None:
    """About ten 1-for-1 or 2-for-2 trades between random pairs of teams."""
    codes = sorted(roster)
    for _ in range(int(rng.integers(8, 13))):
        a, b = rng.choice(codes, 2, replace=False)
        count = 2 if rng.random() < 0.25 else 1
        out_a = _trade_pieces(rng, roster[a], skill, count)
        out_b = _trade_pieces(rng, roster[b], skill, count)
        roster[a] = [i for i in roster[a] if i not in out_a] + out_b
        roster[b] = [i for i in roster[b] if i not in out_b] + out_a


def _trade_pieces(rng: np.random.Generator, members: list[int], skill: dict[int, float],
                  count: int) -> list[int]:
    ranked = sorted(members, key=skill.get, reverse=True)
    candidates = ranked[1:]  # franchise players are not traded
    return [int(i) for i in rng.choice(candidates, count, replace=False)]


def _roster_rows(roster: dict[str, list[int]], season: int, phase: int) -> list[tuple]:
    return [(season, phase, team, int(i)) for team, members in sorted(roster.items())
            for i in members]


def _injuries(rng: np.random.Generator, rosters: pd.DataFrame,
              season_dates: dict[int, tuple[dt.date, dt.date]]) -> pd.DataFrame:
    """Injury spells: ~1.1 per player-season, median ~6 days, a few season-ending."""
    per = rosters[["season_year", "player_idx"]].drop_duplicates().reset_index(drop=True)
    counts = rng.poisson(1.1, len(per))
    spells = per.loc[per.index.repeat(counts)].reset_index(drop=True)
    n = len(spells)
    first = spells["season_year"].map(lambda s: season_dates[s][0])
    last = spells["season_year"].map(lambda s: season_dates[s][1])
    span = np.array([(b - a).days for a, b in zip(first, last)])
    offset = (rng.random(n) * span).astype(int)
    serious = rng.random(n) < 0.04
    length = np.where(serious, rng.integers(40, 200, n),
                      np.clip(np.round(rng.lognormal(np.log(6.0), 0.9, n)), 1, 45)).astype(int)
    spells["start"] = [a + dt.timedelta(days=int(o)) for a, o in zip(first, offset)]
    spells["end"] = [s + dt.timedelta(days=int(d) - 1) for s, d in zip(spells["start"], length)]
    spells["injury"] = np.where(serious, rng.choice(_SERIOUS, n), rng.choice(_INJURIES, n))
    return spells.sort_values(["player_idx", "start"]).reset_index(drop=True)
