"""Tip-off times, venues and national TV for every game.

Local tip-offs are 7:00-8:00 pm in the home arena's time zone (converted to Eastern), with
weekend matinees; national games go to ESPN/TNT/ABC/NBA TV by weekday; postseason games
are staggered through the evening; All-Star weekend is on TNT in the host city.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nbkit.sample.reference import ALL_STAR_ARENAS, home_arenas, per_season, source_season

_WEEKDAY_NETWORK = {0: None, 1: "TNT", 2: "ESPN", 3: "TNT", 4: "ESPN", 5: "ABC", 6: "ABC"}
_POST_SLOTS = {2: ["19:30", "22:00"], 3: ["17:00", "19:30", "22:00"],
               4: ["13:00", "15:30", "18:30", "21:00"]}
_POST_NETWORKS = np.array(["TNT", "ESPN", "ABC", "NBA TV"])


def add_tipoff(rng: np.random.Generator, games: pd.DataFrame) -> pd.DataFrame:
    """Add tip_et (naive Eastern datetime), arena columns, network, is_primetime, neutral."""
    games = games.copy()
    star = games["game_type"] == "all_star"
    host = games["home"].where(~star, per_season(games["season_year"],
                                                 lambda s: ALL_STAR_ARENAS[source_season(s)]))
    arenas = home_arenas()
    for i, col in enumerate(("arena_name", "arena_city", "arena_state", "arena_timezone")):
        games[col] = host.map(lambda t, i=i: arenas[t][i])
    games["neutral_site"] = star.to_numpy()
    games["tip_et"] = _regular_tips(rng, games)
    post = games["game_type"].isin(["play_in", "playoffs"])
    games.loc[post, "tip_et"] = _post_tips(games[post])
    games.loc[star, "tip_et"] = _all_star_tips(games[star])
    games["network"] = _networks(rng, games)
    hour = games["tip_et"].dt.hour + games["tip_et"].dt.minute / 60.0
    games["is_primetime"] = games["network"].isin(["ESPN", "TNT", "ABC"]) & (hour >= 19.5)
    return games


def _regular_tips(rng: np.random.Generator, games: pd.DataFrame) -> pd.Series:
    """Local 7:00/7:30/8:00 pm (weekend matinees, Christmas slate) converted to Eastern."""
    day = pd.to_datetime(games["game_date"].astype(str))
    local = rng.choice([19.0, 19.5, 20.0], len(games), p=[0.55, 0.33, 0.12])
    weekend = day.dt.day_of_week.to_numpy() >= 5
    matinee = weekend & (rng.random(len(games)) < 0.22)
    local = np.where(matinee, rng.choice([13.0, 15.5, 18.0], len(games)), local)
    wall = day + pd.to_timedelta(local, unit="h")
    eastern = pd.Series(pd.NaT, index=games.index, dtype="datetime64[ns]")
    for zone, idx in games.groupby("arena_timezone").groups.items():
        eastern[idx] = (wall[idx].dt.tz_localize(zone).dt.tz_convert("America/New_York")
                        .dt.tz_localize(None))
    out = eastern.where(~matinee, wall)  # matinee slots are already Eastern
    christmas = (day.dt.month == 12) & (day.dt.day == 25)
    if christmas.any():
        slot = games[christmas].groupby("game_date").cumcount()
        hours = np.array([12.0, 14.5, 17.0, 20.0, 22.5])[np.minimum(slot, 4)]
        out[christmas] = day[christmas] + pd.to_timedelta(hours, unit="h")
    return out


def _post_tips(games: pd.DataFrame) -> pd.Series:
    """Postseason games of a date staggered into evening (weekend: afternoon) windows."""
    day = pd.to_datetime(games["game_date"].astype(str))
    count = games.groupby("game_date")["game_id"].transform("size").clip(1, 4)
    order = games.groupby("game_date").cumcount()
    finals = games["round"].eq(4).to_numpy()
    weekend = day.dt.day_of_week.to_numpy() >= 5
    times = []
    for n, i, is_final, is_weekend in zip(count, order, finals, weekend):
        slots = _POST_SLOTS.get(n, ["20:00"]) if not (is_weekend and n >= 3) \
            else _POST_SLOTS[4][4 - n:]
        times.append("20:30" if is_final else slots[min(i, len(slots) - 1)])
    return day + pd.to_timedelta([t + ":00" for t in times])


def _all_star_tips(games: pd.DataFrame) -> pd.Series:
    """Rising Stars from 9:00 pm Friday, the All-Star Game at 8:00 pm Sunday (40 min apart)."""
    day = pd.to_datetime(games["game_date"].astype(str))
    order = games.groupby("game_date").cumcount().to_numpy()
    friday = day.dt.day_of_week.to_numpy() == 4
    start = np.where(friday, 21.0, 20.0) + order * (2.0 / 3.0)
    return day + pd.to_timedelta(start, unit="h")


def _networks(rng: np.random.Generator, games: pd.DataFrame) -> pd.Series:
    """National broadcaster or None (local TV only)."""
    day = pd.to_datetime(games["game_date"].astype(str))
    regular = games["game_type"] == "regular_season"
    weekday = day.dt.day_of_week.map(_WEEKDAY_NETWORK)
    national = regular & weekday.notna() & (rng.random(len(games)) < 0.28)
    national |= regular & (day.dt.month == 12) & (day.dt.day == 25)
    nba_tv = regular & ~national & (rng.random(len(games)) < 0.12)
    out = pd.Series(None, index=games.index, dtype=object)
    out[national] = weekday[national].fillna("ESPN")
    out[nba_tv] = "NBA TV"
    post = games["game_type"].isin(["play_in", "playoffs"])
    out[post] = rng.choice(_POST_NETWORKS, int(post.sum()), p=[0.35, 0.35, 0.15, 0.15])
    out[games["round"].eq(4) & post] = "ABC"
    out[games["game_type"] == "all_star"] = "TNT"
    return out

