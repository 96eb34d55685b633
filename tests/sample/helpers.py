"""Shared expectations and small helpers of the sample-dataset tests."""

from __future__ import annotations

import datetime as dt

import pandas as pd

SCHEDULE = "nba_raw.nbac_schedule"
GAMEBOOK = "nba_raw.nbac_gamebook_player_stats"
BDL = "nba_raw.bdl_player_boxscores"
TEAM_BOX = "nba_raw.nbac_team_boxscore"
PBP = "nba_raw.nbac_play_by_play"
BIGDATABALL = "nba_raw.bigdataball_play_by_play"
ODDS_PROPS = "nba_raw.odds_api_player_points_props"
BP_PROPS = "nba_raw.bettingpros_player_points_props"
GAME_LINES = "nba_raw.odds_api_game_lines"
INJURIES = "nba_raw.nbac_injury_report"
ESPN = "nba_raw.espn_scoreboard"
REGISTRY = "nba_reference.nba_players_registry"
TRAVEL = "nba_static.travel_distances"

WINDOW = (dt.date(2021, 10, 1), dt.date(2024, 11, 29))
SYSTEM_ID = r"^\d{8}_[A-Z]{3}_[A-Z]{3}$"
NBA_ID = r"^\d{10}$"
HEX_ID = r"^[0-9a-f]{32}$"
HASH16 = r"^[0-9a-f]{16}$"
NBA_TEAMS = {"ATL", "BKN", "BOS", "CHA", "CHI", "CLE", "DAL", "DEN", "DET", "GSW", "HOU", "IND",
             "LAC", "LAL", "MEM", "MIA", "MIL", "MIN", "NOP", "NYK", "OKC", "ORL", "PHI", "PHX",
             "POR", "SAC", "SAS", "TOR", "UTA", "WAS"}

# Partition column of each frame: the column "dates present" are read from.
DATE_COLUMN = {SCHEDULE: "game_date", GAMEBOOK: "game_date", BDL: "game_date",
               TEAM_BOX: "game_date", PBP: "game_date", BIGDATABALL: "game_date",
               ODDS_PROPS: "game_date", BP_PROPS: "game_date", GAME_LINES: "game_date",
               INJURIES: "report_date", ESPN: "game_date"}


def window_dates(frame: pd.DataFrame, column: str = "game_date") -> set[dt.date]:
    """Distinct dates of a frame inside the 675-date backfill window."""
    dates = set(frame[column])
    return {d for d in dates if WINDOW[0] <= d <= WINDOW[1]}


def seconds(minutes: pd.Series) -> pd.Series:
    """'MM:SS' (or 'MM') strings -> seconds."""
    parts = minutes.str.split(":", expand=True)
    secs = parts[1].astype(float) if parts.shape[1] > 1 else 0.0
    return parts[0].astype(float) * 60 + (pd.Series(secs, index=minutes.index).fillna(0))


def recomputed_points(frame: pd.DataFrame, fgm: str = "field_goals_made",
                      tpm: str = "three_pointers_made", ftm: str = "free_throws_made") -> pd.Series:
    """points = 2 * (FGM - 3PM) + 3 * 3PM + FTM."""
    return 2 * (frame[fgm] - frame[tpm]) + 3 * frame[tpm] + frame[ftm]


def final_schedule(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    sched = frames[SCHEDULE]
    return sched[sched["game_status"] == 3]


def system_ids_of_schedule(sched: pd.DataFrame) -> pd.Series:
    day = pd.to_datetime(sched["game_date"].astype(str)).dt.strftime("%Y%m%d")
    return day + "_" + sched["away_team_tricode"] + "_" + sched["home_team_tricode"]
