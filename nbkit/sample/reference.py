"""Fixed reference data of the sample: the real calendar, teams, arenas and All-Star squads.

Everything here is a constant or read from ``nbkit/data``; nothing is random.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Callable

import pandas as pd

from nbkit.config import package_data

FIRST_GAME_DATE = dt.date(2021, 10, 19)
LAST_GAME_DATE = dt.date(2025, 6, 22)
SEASONS = (2021, 2022, 2023, 2024)

# Real trade deadlines: rosters switch to their post-deadline version the day after.
TRADE_DEADLINES = {2021: dt.date(2022, 2, 10), 2022: dt.date(2023, 2, 9),
                   2023: dt.date(2024, 2, 8), 2024: dt.date(2025, 2, 6)}

ALL_STAR_ARENAS = {2021: "CLE", 2022: "UTA", 2023: "IND", 2024: "GSW"}

# All-Star squads are not NBA franchises; these 3-letter codes are ours (modelled on the real
# team names of each weekend) and never collide with an NBA tricode. Friday = Rising Stars
# (young players, a 4-squad mini tournament); Sunday = the All-Star Game (best players).
# game-id suffix -> (away code, home code); None = decided by an earlier game of the weekend.
ALL_STAR_SQUADS = {
    2021: {"BRY": "Team Barry", "ISH": "Team Isiah", "PAY": "Team Payton", "WTY": "Team Worthy",
           "DRT": "Team Durant", "LBN": "Team LeBron"},
    2022: {"DKE": "Team Deke", "JSN": "Team Jason", "JOK": "Team Joakim", "PAU": "Team Pau",
           "GNS": "Team Giannis", "LBN": "Team LeBron"},
    2023: {"DTL": "Team Detlef", "JLN": "Team Jalen", "PAU": "Team Pau", "TIM": "Team Tim",
           "EST": "East", "WST": "West"},
    2024: {"CND": "Team Candace", "MTC": "Team Mitch", "TRC": "Team Tracy", "GLG": "Team G League",
           "CHK": "Team Chuck", "KNY": "Team Kenny", "SHQ": "Team Shaq"},
}
RISING_STARS = {2021: ("BRY", "ISH", "PAY", "WTY"), 2022: ("DKE", "JSN", "JOK", "PAU"),
                2023: ("DTL", "JLN", "PAU", "TIM"), 2024: ("CND", "MTC", "TRC", "GLG")}
ALL_STAR_GAME = {2021: ("DRT", "LBN"), 2022: ("GNS", "LBN"), 2023: ("EST", "WST"),
                 2024: ("CHK", "KNY", "SHQ")}
ALL_STAR_SQUAD_SIZE = 12

# The Odds API names teams in full; the Clippers are "Los Angeles", not "LA".
ODDS_TEAM_NAMES = {"LAC": "Los Angeles Clippers"}


@functools.lru_cache(maxsize=1)
def teams() -> pd.DataFrame:
    """The 30 teams with conference, division and arena columns, sorted by tricode."""
    frame = pd.read_csv(package_data("nba_teams.csv"), dtype={"team_id": "int64"})
    frame = frame.merge(_arenas(), on="team_abbr", how="left", validate="one_to_one")
    frame["full_name"] = frame["team_city"] + " " + frame["team_name"]
    frame["odds_name"] = frame["team_abbr"].map(ODDS_TEAM_NAMES).fillna(frame["full_name"])
    return frame.sort_values("team_abbr").reset_index(drop=True)


@functools.lru_cache(maxsize=1)
def home_arenas() -> dict[str, tuple[str, str, str, str]]:
    """Team tricode -> (arena_name, arena_city, arena_state, timezone) of its home arena."""
    frame = _arenas()
    return {t: (n, c, s, z) for t, n, c, s, z in zip(
        frame["team_abbr"], frame["arena_name"], frame["arena_city"], frame["arena_state"],
        frame["timezone"])}


@functools.lru_cache(maxsize=1)
def _arenas() -> pd.DataFrame:
    # team_abbr, division, conference, arena_name, arena_city, arena_state, timezone,
    # lat, lon, espn_abbr: one row per team (nbkit/data/nba_arenas.csv).
    return pd.read_csv(package_data("nba_arenas.csv"))


@functools.lru_cache(maxsize=1)
def calendar() -> pd.DataFrame:
    """The real 2021-22..2024-25 calendar: game_id, game_date, season_year, game_type, ...

    Adds ``season_year`` (start year), ``round``, ``series`` and ``game_number`` parsed
    from postseason ids (``004YY00RSG``: round R, series S, game G).
    """
    frame = pd.read_csv(package_data("nba_game_calendar_2021_2025.csv"), dtype=str)
    frame["game_date"] = pd.to_datetime(frame["game_date"]).dt.date
    frame["season_year"] = frame["season"].str[:4].astype("int64")
    post = frame["game_type"].isin(["playoffs", "play_in"])
    frame["round"] = frame["game_id"].str[7].astype("int64").where(post, 0)
    frame["series"] = frame["game_id"].str[8].astype("int64").where(post, 0)
    frame["game_number"] = frame["game_id"].str[9].astype("int64").where(post, 0)
    order = frame.sort_values(["game_date", "game_id"], kind="stable")
    return order.reset_index(drop=True)


def season_label(season_year: int) -> str:
    """``2023`` -> ``"2023-24"``."""
    return f"{season_year}-{(season_year + 1) % 100:02d}"


def source_season(season_year: int) -> int:
    """The real season a season copies: itself for 2021-2024, else the one 4k years later.

    Synthetic seasons (``nbkit.sample.era``) are the real ones moved back by multiples of
    4 years, so every table keyed on the season (trade deadline, pace, All-Star squads...)
    reads the value of the real season a synthetic one copies.

    Example:
        >>> source_season(2023), source_season(2017), source_season(2020), source_season(2009)
        (2023, 2021, 2024, 2021)
    """
    return SEASONS[0] + (season_year - SEASONS[0]) % len(SEASONS)


def shift_date(day: dt.date, years: int) -> dt.date:
    """``day`` moved back by ``years`` (a multiple of 4, so Feb 29 stays valid after 1900).

    Example:
        >>> shift_date(dt.date(2024, 2, 29), 4)
        datetime.date(2020, 2, 29)
    """
    return day.replace(year=day.year - years)


def trade_deadline(season_year: int) -> dt.date:
    """The trade deadline of a season: the real one, or its source season's moved back."""
    source = source_season(season_year)
    return shift_date(TRADE_DEADLINES[source], source - season_year)


def per_season(seasons: pd.Series, value: Callable[[int], object]) -> pd.Series:
    """``value(season_year)`` for each row, computed once per distinct season."""
    return seasons.map({s: value(int(s)) for s in pd.unique(seasons)})
