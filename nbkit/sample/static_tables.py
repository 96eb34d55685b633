"""Reference tables: espn_scoreboard, nba_players_registry and travel_distances."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from nbkit.sample.common import as_datetime, data_hash, date_text, gcs_path, next_morning
from nbkit.sample.reference import per_season, season_label, teams
from nbkit.sample.world import World

# ESPN's own team ids (stable since 2008).
_ESPN_IDS = {"ATL": 1, "BOS": 2, "NOP": 3, "CHI": 4, "CLE": 5, "DAL": 6, "DEN": 7, "DET": 8,
             "GSW": 9, "HOU": 10, "IND": 11, "LAC": 12, "LAL": 13, "MIA": 14, "MIL": 15,
             "MIN": 16, "BKN": 17, "NYK": 18, "ORL": 19, "PHI": 20, "PHX": 21, "POR": 22,
             "SAC": 23, "SAS": 24, "OKC": 25, "UTA": 26, "WAS": 27, "TOR": 28, "MEM": 29,
             "CHA": 30}
# First ESPN event id of each season (invented, in ESPN's 4013...-4017... range). Earlier
# (synthetic) seasons count back 100,000 ids a season, under the 2021-22 base.
_ESPN_EVENT_BASE = {2021: 401360000, 2022: 401468000, 2023: 401584000, 2024: 401704000}
_ESPN_IDS_PER_SEASON = 100_000
_UTC_OFFSET = {"America/New_York": -5, "America/Toronto": -5, "America/Chicago": -6,
               "America/Denver": -7, "America/Phoenix": -7, "America/Los_Angeles": -8}
_BUILT = pd.Timestamp("2021-10-01 12:00:00", tz="UTC")


def espn_scoreboard(world: World, as_of: dt.date) -> pd.DataFrame:
    """espn_scoreboard: one row per final NBA game (All-Star exhibitions excluded)."""
    rng = world.rng("table:espn")
    g = world.games[(world.games["game_date"] <= as_of)
                    & (world.games["game_type"] != "all_star")].reset_index(drop=True)
    scores = world.box.groupby(["game_idx", "is_home"])["points"].sum().unstack()
    home_pts = g["game_idx"].map(scores[True]).astype("int64")
    away_pts = g["game_idx"].map(scores[False]).astype("int64")
    espn = teams().set_index("team_abbr")["espn_abbr"]
    order = g.groupby("season_year").cumcount()
    out = pd.DataFrame({
        "game_id": g["system_game_id"],
        "espn_game_id": (per_season(g["season_year"], _espn_event_base) + order + 1).astype(str),
        "game_date": g["game_date"], "season_year": g["season_year"],
        "home_team_abbr": g["home"], "away_team_abbr": g["away"],
        "home_team_name": g["home_full_name"], "away_team_name": g["away_full_name"],
        "home_team_espn_id": g["home"].map(_ESPN_IDS).astype(str),
        "away_team_espn_id": g["away"].map(_ESPN_IDS).astype(str),
        "home_team_espn_abbr": g["home"].map(espn), "away_team_espn_abbr": g["away"].map(espn),
        "game_status": "final",
        "game_status_detail": np.where(g["ot_periods"] > 0, "Final/OT", "Final"),
        "espn_status_id": "3", "espn_state": "post", "is_completed": True,
        "scheduled_start_time": (g["tip_et"].dt.tz_localize("America/New_York")
                                 .dt.tz_convert("UTC")),
        "home_team_score": home_pts, "away_team_score": away_pts,
        "home_team_winner": home_pts > away_pts, "away_team_winner": away_pts > home_pts,
        "processing_confidence": 1.0, "data_quality_flags": "[]",
    })
    out["processed_at"] = next_morning(out["game_date"], rng, by=out["game_date"])
    out["scrape_timestamp"] = out["processed_at"] - pd.Timedelta(minutes=2)
    out["created_at"] = out["processed_at"]
    out["source_file_path"] = gcs_path("espn/scoreboard", out["game_date"],
                                       date_text(out["game_date"], "%Y%m%d"))
    out["data_hash"] = data_hash(out, ["game_id", "game_status", "home_team_score",
                                       "away_team_score", "home_team_abbr", "away_team_abbr"])
    return out


def _espn_event_base(season_year: int) -> int:
    first = min(_ESPN_EVENT_BASE)
    return _ESPN_EVENT_BASE.get(season_year,
                                _ESPN_EVENT_BASE[first]
                                - (first - season_year) * _ESPN_IDS_PER_SEASON)


def players_registry(world: World, gamebook: pd.DataFrame) -> pd.DataFrame:
    """nba_players_registry: one row per player x team x season seen in the gamebook."""
    rows = gamebook[gamebook["team_abbr"].isin(set(teams()["team_abbr"]))]
    status = rows["player_status"]
    rows = rows.assign(active=status.eq("active"), inactive=status.eq("inactive"),
                       dnp=status.eq("dnp"),
                       played_on=as_datetime(rows["game_date"]).where(status.eq("active")))
    reg = rows.groupby(["player_lookup", "team_abbr", "season_year"], as_index=False).agg(
        player_name=("player_name", "first"), first_game_date=("played_on", "min"),
        last_game_date=("played_on", "max"), first_seen=("game_date", "min"),
        last_seen=("game_date", "max"), games_played=("active", "sum"),
        total_appearances=("player_status", "size"),
        inactive_appearances=("inactive", "sum"), dnp_appearances=("dnp", "sum"))
    people = world.league.players.set_index("player_lookup")
    reg["universal_player_id"] = reg["player_lookup"] + "_001"
    reg["season"] = reg["season_year"].map(season_label)
    reg["jersey_number"] = reg["player_lookup"].map(people["jersey"]).astype("int64")
    reg["position"] = reg["player_lookup"].map(people["position"])
    reg["last_roster_update"] = reg["last_seen"]
    reg["source_priority"] = "nba_gamebook"
    reg["confidence_score"] = 1.0
    reg["last_processor"] = "gamebook"
    reg["last_gamebook_activity_date"] = reg["last_seen"]
    reg["last_roster_activity_date"] = reg["last_seen"]
    reg["gamebook_update_count"] = reg["total_appearances"]
    reg["roster_update_count"] = 0
    reg["created_by"] = "nbkit_sample"
    rng = world.rng("table:registry")
    reg["created_at"] = next_morning(reg["first_seen"], rng)
    reg["processed_at"] = next_morning(reg["last_seen"], rng)
    for col in ("first_game_date", "last_game_date"):
        reg[col] = reg[col].dt.date
    return reg.drop(columns=["season_year", "first_seen", "last_seen"])


def travel_distances() -> pd.DataFrame:
    """travel_distances: great-circle miles between every ordered pair of home arenas."""
    info = teams()
    pairs = info.merge(info, how="cross", suffixes=("_from", "_to"))
    pairs = pairs[pairs["team_abbr_from"] != pairs["team_abbr_to"]].reset_index(drop=True)
    miles = _haversine_miles(pairs["lat_from"], pairs["lon_from"], pairs["lat_to"],
                             pairs["lon_to"])
    shift = pairs["timezone_to"].map(_UTC_OFFSET) - pairs["timezone_from"].map(_UTC_OFFSET)
    direction = np.select([shift > 0, shift < 0], ["east", "west"], "neutral")
    return pd.DataFrame({
        "from_team": pairs["team_abbr_from"], "to_team": pairs["team_abbr_to"],
        "from_city": pairs["team_city_from"], "to_city": pairs["team_city_to"],
        "distance_miles": np.round(miles).astype("int64"),
        "time_zones_crossed": shift.abs().astype("int64"), "travel_direction": direction,
        "jet_lag_factor": shift.abs() * np.where(shift > 0, 1.5, 1.0),
        "created_at": _BUILT, "updated_at": _BUILT,
    })


def _haversine_miles(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float))
                              for v in (lat1, lon1, lat2, lon2))
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 3958.8 * 2 * np.arcsin(np.sqrt(a))
