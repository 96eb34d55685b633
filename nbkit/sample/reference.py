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

DIVISIONS = {
    "Atlantic": ("BOS", "BKN", "NYK", "PHI", "TOR"),
    "Central": ("CHI", "CLE", "DET", "IND", "MIL"),
    "Southeast": ("ATL", "CHA", "MIA", "ORL", "WAS"),
    "Northwest": ("DEN", "MIN", "OKC", "POR", "UTA"),
    "Pacific": ("GSW", "LAC", "LAL", "PHX", "SAC"),
    "Southwest": ("DAL", "HOU", "MEM", "NOP", "SAS"),
}
EAST_DIVISIONS = ("Atlantic", "Central", "Southeast")

# team: (arena, city, state, IANA timezone, latitude, longitude, ESPN abbreviation)
ARENAS = {
    "ATL": ("State Farm Arena", "Atlanta", "GA", "America/New_York", 33.757, -84.396, "ATL"),
    "BKN": ("Barclays Center", "Brooklyn", "NY", "America/New_York", 40.683, -73.976, "BKN"),
    "BOS": ("TD Garden", "Boston", "MA", "America/New_York", 42.366, -71.062, "BOS"),
    "CHA": ("Spectrum Center", "Charlotte", "NC", "America/New_York", 35.225, -80.839, "CHA"),
    "CHI": ("United Center", "Chicago", "IL", "America/Chicago", 41.881, -87.674, "CHI"),
    "CLE": ("Rocket Mortgage FieldHouse", "Cleveland", "OH", "America/New_York", 41.496, -81.688,
            "CLE"),
    "DAL": ("American Airlines Center", "Dallas", "TX", "America/Chicago", 32.790, -96.810, "DAL"),
    "DEN": ("Ball Arena", "Denver", "CO", "America/Denver", 39.749, -105.008, "DEN"),
    "DET": ("Little Caesars Arena", "Detroit", "MI", "America/New_York", 42.341, -83.055, "DET"),
    "GSW": ("Chase Center", "San Francisco", "CA", "America/Los_Angeles", 37.768, -122.388, "GS"),
    "HOU": ("Toyota Center", "Houston", "TX", "America/Chicago", 29.751, -95.362, "HOU"),
    "IND": ("Gainbridge Fieldhouse", "Indianapolis", "IN", "America/New_York", 39.764, -86.156,
            "IND"),
    "LAC": ("Crypto.com Arena", "Los Angeles", "CA", "America/Los_Angeles", 34.043, -118.267,
            "LAC"),
    "LAL": ("Crypto.com Arena", "Los Angeles", "CA", "America/Los_Angeles", 34.043, -118.267,
            "LAL"),
    "MEM": ("FedExForum", "Memphis", "TN", "America/Chicago", 35.138, -90.051, "MEM"),
    "MIA": ("Kaseya Center", "Miami", "FL", "America/New_York", 25.781, -80.188, "MIA"),
    "MIL": ("Fiserv Forum", "Milwaukee", "WI", "America/Chicago", 43.045, -87.917, "MIL"),
    "MIN": ("Target Center", "Minneapolis", "MN", "America/Chicago", 44.980, -93.276, "MIN"),
    "NOP": ("Smoothie King Center", "New Orleans", "LA", "America/Chicago", 29.949, -90.082, "NO"),
    "NYK": ("Madison Square Garden", "New York", "NY", "America/New_York", 40.751, -73.993, "NY"),
    "OKC": ("Paycom Center", "Oklahoma City", "OK", "America/Chicago", 35.463, -97.515, "OKC"),
    "ORL": ("Kia Center", "Orlando", "FL", "America/New_York", 28.539, -81.384, "ORL"),
    "PHI": ("Wells Fargo Center", "Philadelphia", "PA", "America/New_York", 39.901, -75.172, "PHI"),
    "PHX": ("Footprint Center", "Phoenix", "AZ", "America/Phoenix", 33.446, -112.071, "PHX"),
    "POR": ("Moda Center", "Portland", "OR", "America/Los_Angeles", 45.532, -122.667, "POR"),
    "SAC": ("Golden 1 Center", "Sacramento", "CA", "America/Los_Angeles", 38.580, -121.500, "SAC"),
    "SAS": ("Frost Bank Center", "San Antonio", "TX", "America/Chicago", 29.427, -98.438, "SA"),
    "TOR": ("Scotiabank Arena", "Toronto", "ON", "America/Toronto", 43.643, -79.379, "TOR"),
    "UTA": ("Delta Center", "Salt Lake City", "UT", "America/Denver", 40.768, -111.901, "UTAH"),
    "WAS": ("Capital One Arena", "Washington", "DC", "America/New_York", 38.898, -77.021, "WSH"),
}
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
    division = {t: d for d, members in DIVISIONS.items() for t in members}
    frame["division"] = frame["team_abbr"].map(division)
    frame["conference"] = frame["division"].map(
        lambda d: "East" if d in EAST_DIVISIONS else "West")
    arena = frame["team_abbr"].map(ARENAS)
    for i, col in enumerate(("arena_name", "arena_city", "arena_state", "timezone", "lat", "lon",
                             "espn_abbr")):
        frame[col] = arena.map(lambda a, i=i: a[i])
    frame["full_name"] = frame["team_city"] + " " + frame["team_name"]
    frame["odds_name"] = frame["team_abbr"].map(ODDS_TEAM_NAMES).fillna(frame["full_name"])
    return frame.sort_values("team_abbr").reset_index(drop=True)


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
