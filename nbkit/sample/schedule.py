"""Who plays whom, where and when: matchups for the real calendar.

The calendar fixes each game's id, date and type but not its teams. Regular-season
matchups come from a day-by-day scheduler that keeps every team near 82 games (41 at
home), never twice on a date, and weights division and conference rivals like the NBA
formula. Postseason and All-Star matchups are in ``postseason.py``. Each game also gets
a designated winner (from team strength, home court) that the box scores then honour.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from nbkit.sample.era import REAL, Era
from nbkit.sample.players import League
from nbkit.sample.reference import per_season, teams, trade_deadline

HOME_EDGE = 0.22      # logit of the home-court advantage (~55% home wins)
STRENGTH_SLOPE = 0.5  # logit per standard deviation of team strength
OT_SHARE = 0.06


def regular_season(seed: int, league: League, era: Era = REAL) -> pd.DataFrame:
    """Regular-season games with away/home tricodes and a designated winner.

    Returns one row per calendar regular-season game of the era: game_id, game_date,
    season_year, game_type, away, home, winner, phase, ot_periods.
    """
    rng = era.rng(seed, "schedule")
    cal = era.calendar()
    games = cal[cal["game_type"] == "regular_season"].copy()
    codes = np.array(teams()["team_abbr"])
    parts = []
    for season, rows in games.groupby("season_year", sort=True):
        pairs = _schedule_season(rng, rows["game_date"].to_numpy(), codes)
        part = rows.copy()
        part["away"], part["home"] = pairs[:, 0], pairs[:, 1]
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["phase"] = game_phase(out)
    strength = team_strength(league)
    out["winner"] = designate_winners(rng, out, strength)
    out["ot_periods"] = overtime_periods(rng, len(out))
    return out


def game_phase(games: pd.DataFrame) -> np.ndarray:
    """0 before (and on) the season's trade deadline, 1 after it."""
    deadline = per_season(games["season_year"], trade_deadline)
    return (games["game_date"] > deadline).to_numpy().astype("int64")


def team_strength(league: League) -> pd.DataFrame:
    """Strength z-score per (season_year, phase, team_abbr): mean skill of the top 8."""
    merged = league.rosters.merge(league.ratings[["season_year", "player_idx", "skill"]],
                                  on=["season_year", "player_idx"])
    top = (merged.sort_values("skill", ascending=False)
           .groupby(["season_year", "phase", "team_abbr"]).head(8)
           .groupby(["season_year", "phase", "team_abbr"], as_index=False)["skill"].mean())
    grp = top.groupby(["season_year", "phase"])["skill"]
    top["strength"] = (top["skill"] - grp.transform("mean")) / grp.transform("std")
    return top[["season_year", "phase", "team_abbr", "strength"]]


def win_probability(home_strength: np.ndarray, away_strength: np.ndarray,
                    neutral: np.ndarray | bool = False) -> np.ndarray:
    """Probability that the home side wins."""
    edge = np.where(neutral, 0.0, HOME_EDGE)
    return 1.0 / (1.0 + np.exp(-(STRENGTH_SLOPE * (home_strength - away_strength) + edge)))


def designate_winners(rng: np.random.Generator, games: pd.DataFrame,
                      strength: pd.DataFrame) -> np.ndarray:
    """The tricode of each game's winner, drawn from the strength-based probability."""
    key = ["season_year", "phase"]
    home = games[key + ["home"]].merge(strength, how="left", left_on=key + ["home"],
                                       right_on=key + ["team_abbr"])["strength"]
    away = games[key + ["away"]].merge(strength, how="left", left_on=key + ["away"],
                                       right_on=key + ["team_abbr"])["strength"]
    p_home = win_probability(home.fillna(0).to_numpy(), away.fillna(0).to_numpy())
    home_wins = rng.random(len(games)) < p_home
    return np.where(home_wins, games["home"].to_numpy(), games["away"].to_numpy())


def overtime_periods(rng: np.random.Generator, count: int) -> np.ndarray:
    """~6% of games go to overtime; a few of those to a second or third period."""
    extra = rng.choice([1, 2, 3], count, p=[0.86, 0.12, 0.02])
    return np.where(rng.random(count) < OT_SHARE, extra, 0).astype("int64")


def _schedule_season(rng: np.random.Generator, dates: np.ndarray,
                     codes: np.ndarray) -> np.ndarray:
    """(away, home) tricode pairs for each game slot of one regular season, in date order."""
    n = len(codes)
    target = _pair_targets(codes)
    met = np.zeros((n, n))
    remaining = np.full(n, 2 * len(dates) / n)
    home_games = np.zeros(n)
    last_day = np.full(n, -10)
    day_before = np.full(n, -10)  # the game before the last one
    out = np.empty((len(dates), 2), dtype=object)
    slot = 0
    for day, count in pd.Series(dates).value_counts(sort=False).sort_index().items():
        ordinal = day.toordinal()
        rested = ordinal - last_day
        three_in_three = (rested <= 1) & (ordinal - day_before <= 2)  # the NBA never does this
        score = (remaining + rng.uniform(0, 0.6, n) - 0.55 * (rested <= 1) - 0.2 * (rested == 2)
                 - 5.0 * three_in_three)
        chosen = list(np.argsort(-score, kind="stable")[: 2 * count])
        for away, home in _pair_up(rng, chosen, target - met, home_games):
            out[slot] = codes[away], codes[home]
            met[away, home] += 1
            met[home, away] += 1
            home_games[home] += 1
            remaining[[away, home]] -= 1
            day_before[[away, home]] = last_day[[away, home]]
            last_day[[away, home]] = ordinal
            slot += 1
    return out


def _pair_up(rng: np.random.Generator, chosen: list[int], need: np.ndarray,
             home_games: np.ndarray) -> list[tuple[int, int]]:
    """Pair the chosen teams, preferring opponents still owed games; (away, home) pairs."""
    pool = [chosen[i] for i in rng.permutation(len(chosen))]
    pairs = []
    while pool:
        team = pool.pop(0)
        noise = rng.uniform(0, 0.5, len(pool))
        partner = pool.pop(int(np.argmax(need[team, pool] + noise)))
        if home_games[team] < home_games[partner] or (
                home_games[team] == home_games[partner] and rng.random() < 0.5):
            pairs.append((partner, team))
        else:
            pairs.append((team, partner))
    return pairs


def _pair_targets(codes: np.ndarray) -> np.ndarray:
    """Games owed per pair under the NBA formula: division 4, conference 3.6, other 2."""
    frame = teams().set_index("team_abbr").loc[codes]
    div = frame["division"].to_numpy()
    conf = frame["conference"].to_numpy()
    same_div = div[:, None] == div[None, :]
    same_conf = conf[:, None] == conf[None, :]
    target = np.where(same_div, 4.0, np.where(same_conf, 3.6, 2.0))
    np.fill_diagonal(target, -100.0)
    return target


def season_bounds(era: Era = REAL) -> dict[int, tuple[dt.date, dt.date]]:
    """First and last calendar game date of each season of the era."""
    cal = era.calendar()
    grouped = cal.groupby("season_year")["game_date"]
    return {int(s): (lo, hi) for s, lo, hi in zip(grouped.min().index, grouped.min(),
                                                  grouped.max())}
