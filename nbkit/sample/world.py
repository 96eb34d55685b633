"""The simulated league of one seed: people, every game, every box score.

The simulation always covers the whole calendar (2021-10-19..2025-06-22) so the data of
any date is the same whatever the as-of date; tables are cut at the as-of date later.
A synthetic era (``era.py``) is simulated the same way on its moved copy of the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nbkit.sample.boxscore import appearances
from nbkit.sample.common import system_game_id
from nbkit.sample.era import REAL, Era
from nbkit.sample.players import League, build_league
from nbkit.sample.postseason import postseason
from nbkit.sample.reference import ALL_STAR_SQUADS, teams
from nbkit.sample.schedule import regular_season, season_bounds, team_strength
from nbkit.sample.tipoff import add_tipoff


@dataclass(frozen=True)
class World:
    """Everything simulated for one seed.

    Attributes:
        seed: the seed.
        league: players, ratings, rosters, injuries.
        games: one row per calendar game (5,299) with game_idx, game_id (NBA 10-digit),
            system_game_id, teams, winner, ot_periods, tip_et, venue and TV columns.
        squads: All-Star squads (season_year, team_abbr, player_idx).
        box: one row per rostered player per game (see ``boxscore.appearances``).
        strength: team strength per (season_year, phase, team_abbr).
        era: the calendar copy simulated (``era.REAL`` for the real seasons).
    """

    seed: int
    league: League
    games: pd.DataFrame
    squads: pd.DataFrame
    box: pd.DataFrame
    strength: pd.DataFrame
    era: Era = REAL

    def rng(self, stream: str) -> np.random.Generator:
        """The random stream of a component in this world's era."""
        return self.era.rng(self.seed, stream)


def simulate(seed: int, era: Era = REAL, taken: frozenset[str] = frozenset(),
             league: League | None = None) -> World:
    """Simulate the league for ``seed`` (deterministic) on the era's calendar.

    Args:
        seed: the sample seed.
        era: which copy of the calendar (default: the real seasons).
        taken: player lookups of other eras, never reused for this era's players.
        league: the era's league if already built (``build_league`` with the same seed,
            era and taken); ``taken`` is then not used.
    """
    if league is None:
        league = build_league(seed, season_bounds(era), era, taken)
    strength = team_strength(league)
    regular = regular_season(seed, league, era)
    post, squads = postseason(seed, league, regular, strength, era)
    games = pd.concat([regular, post], ignore_index=True)
    games = games.sort_values(["game_date", "game_id"], kind="stable").reset_index(drop=True)
    games["game_idx"] = np.arange(len(games))
    games["system_game_id"] = system_game_id(games["game_date"], games["away"], games["home"])
    games = _team_names(add_tipoff(era.rng(seed, "tipoff"), games))
    box = appearances(seed, games, league, squads, era)
    return World(seed, league, games, squads, box, strength, era)


def _team_names(games: pd.DataFrame) -> pd.DataFrame:
    """Franchise id, city, nickname and full names of both sides (squads: their names)."""
    info = teams().set_index("team_abbr")
    squad_names = {code: name for season in ALL_STAR_SQUADS.values()
                   for code, name in season.items()}
    for side in ("home", "away"):
        code = games[side]
        games[f"{side}_team_id"] = code.map(info["team_id"]).astype("Int64")
        games[f"{side}_city"] = code.map(info["team_city"])
        games[f"{side}_name"] = code.map(info["team_name"]).fillna(code.map(squad_names))
        games[f"{side}_full_name"] = code.map(info["full_name"]).fillna(code.map(squad_names))
        games[f"{side}_odds_name"] = code.map(info["odds_name"])
    return games
