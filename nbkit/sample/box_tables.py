"""Schedule and box-score tables: nbac_schedule, nbac_gamebook_player_stats,
bdl_player_boxscores, nbac_team_boxscore and espn_scoreboard."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from nbkit.sample.common import (as_datetime, data_hash, date_text, gcs_path, mmss,
                                 next_morning, pct)
from nbkit.sample.reference import per_season, season_label, source_season
from nbkit.sample.world import World

_COUNTS = ["points", "field_goals_made", "field_goals_attempted", "three_pointers_made",
           "three_pointers_attempted", "free_throws_made", "free_throws_attempted",
           "offensive_rebounds", "defensive_rebounds", "total_rebounds", "assists", "steals",
           "blocks", "turnovers", "personal_fouls"]
_SEASON_TYPE = {"regular_season": "Regular Season", "play_in": "PlayIn",
                "playoffs": "Playoffs", "all_star": "All Star"}
_ROUND = {1: "first_round", 2: "conf_semifinals", 3: "conf_finals", 4: "finals"}
_BDL_MMSS_FROM = 2023  # Ball Don't Lie reports whole minutes ("34") before 2023-24
# (a synthetic season reports minutes as the real season it copies does)


def final_games(world: World, as_of: dt.date) -> pd.DataFrame:
    """Games played on or before the as-of date."""
    return world.games[world.games["game_date"] <= as_of]


def final_box(world: World, as_of: dt.date) -> pd.DataFrame:
    """Appearances of final games, joined with their game columns."""
    games = final_games(world, as_of)
    cols = ["game_idx", "game_id", "system_game_id", "home", "away", "ot_periods", "round"]
    box = world.box[world.box["game_idx"].isin(games["game_idx"])]
    return box.merge(games[cols], on="game_idx").reset_index(drop=True)


def schedule(world: World, as_of: dt.date) -> pd.DataFrame:
    """nbac_schedule: all 5,299 games; final (3) up to as_of, scheduled (1) after."""
    rng = world.rng("table:schedule")
    g = world.games.reset_index(drop=True)
    final = (g["game_date"] <= as_of).to_numpy()
    scores = world.box.groupby(["game_idx", "is_home"])["points"].sum().unstack()
    tip = g["tip_et"].dt.strftime("%I:%M %p ET").str.lstrip("0").str.lower()
    out = pd.DataFrame({
        "game_id": g["game_id"],
        "game_code": date_text(g["game_date"], "%Y%m%d") + "/" + g["away"] + g["home"],
        "season": g["season_year"].astype(str),
        "season_nba_format": g["season_year"].map(season_label),
        "season_year": g["season_year"], "game_date": g["game_date"],
        "game_date_est": g["tip_et"].dt.tz_localize("UTC"),
        "game_status": np.where(final, 3, 1),
        "game_status_text": np.where(final, np.where(g["ot_periods"] > 0, "Final/OT", "Final"),
                                     tip),
        "home_team_id": g["home_team_id"], "home_team_tricode": g["home"],
        "home_team_name": g["home_name"], "away_team_id": g["away_team_id"],
        "away_team_tricode": g["away"], "away_team_name": g["away_name"],
        "home_team_score": g["game_idx"].map(scores[True]).where(final).astype("Int64"),
        "away_team_score": g["game_idx"].map(scores[False]).where(final).astype("Int64"),
        "winning_team_tricode": g["winner"].where(final), "data_source": "nbac_schedule",
    })
    out = pd.concat([out, _schedule_context(g)], axis=1)
    scraped = pd.Series(np.where(final, g["game_date"], as_of))
    out["processed_at"] = next_morning(scraped, rng, by=scraped)
    out["source_updated_at"] = out["processed_at"] - pd.Timedelta(minutes=3)
    out["scrape_timestamp"] = out["processed_at"] - pd.Timedelta(minutes=1)
    out["created_at"] = out["processed_at"]
    out["source_file_path"] = gcs_path("nba-com/schedule", scraped,
                                       pd.Series("schedule", index=out.index))
    out["data_hash"] = data_hash(out, ["game_id", "game_date", "game_status", "home_team_tricode",
                                       "away_team_tricode", "home_team_score", "away_team_score"])
    return out


def _schedule_context(g: pd.DataFrame) -> pd.DataFrame:
    """Venue, broadcast, game-type and calendar columns of the schedule."""
    day = as_datetime(g["game_date"])
    kind = g["game_type"]
    return pd.DataFrame({
        "arena_name": g["arena_name"], "arena_city": g["arena_city"],
        "arena_state": g["arena_state"], "arena_timezone": g["arena_timezone"],
        "neutral_site_flag": g["neutral_site"], "international_game": False,
        "is_primetime": g["is_primetime"], "has_national_tv": g["network"].notna(),
        "primary_network": g["network"],
        "traditional_networks": g["network"].map(
            lambda n: json.dumps([n] if isinstance(n, str) else [])),
        "streaming_platforms": json.dumps(["NBA League Pass"]),
        "is_regular_season": kind == "regular_season", "is_playoffs": kind == "playoffs",
        "is_play_in": kind == "play_in", "is_all_star": kind == "all_star",
        "is_emirates_cup": False, "game_type": kind, "season_type": kind.map(_SEASON_TYPE),
        "playoff_round": g["round"].map(_ROUND).where(
            kind == "playoffs", np.where(kind == "play_in", "play_in", None)),
        "is_christmas": (day.dt.month == 12) & (day.dt.day == 25),
        "is_mlk_day": ((day.dt.month == 1) & (day.dt.day_of_week == 0)
                       & day.dt.day.between(15, 21)),
        "day_of_week": day.dt.day_name().str.lower(), "is_weekend": day.dt.day_of_week >= 4,
        "time_slot": _time_slot(g["tip_et"]),
    })


def gamebook(world: World, as_of: dt.date) -> pd.DataFrame:
    """nbac_gamebook_player_stats: every rostered player of every final game."""
    rng = world.rng("table:gamebook")
    b = final_box(world, as_of)
    played = (b["player_status"] == "active").to_numpy()
    out = pd.DataFrame({
        "game_id": b["system_game_id"],
        "game_code": date_text(b["game_date"], "%Y%m%d") + "/" + b["away"] + b["home"],
        "game_date": b["game_date"], "season_year": b["season_year"],
        "home_team_abbr": b["home"], "away_team_abbr": b["away"],
        "player_name": b["player_name"], "player_name_original": b["player_name"],
        "player_lookup": b["player_lookup"], "team_abbr": b["team_abbr"],
        "player_status": b["player_status"], "dnp_reason": _dnp_reason(b),
        "name_resolution_status": np.where(b["player_status"] == "inactive", "resolved",
                                           "original"),
        "name_resolution_confidence": 1.0,
        "name_resolution_method": np.where(b["player_status"] == "inactive", "roster_lookup",
                                           "direct"),
        "br_team_abbr_used": b["team_abbr"],
        "minutes": mmss(b["seconds"]).where(played),
        "minutes_decimal": (b["seconds"] / 60.0).round(2).where(played),
    })
    for col in _COUNTS:
        out[col] = b[col].astype("Int64").where(played)
    out["plus_minus"] = b["plus_minus"]
    out["field_goal_percentage"] = pct(out["field_goals_made"], out["field_goals_attempted"])
    out["three_point_percentage"] = pct(out["three_pointers_made"],
                                        out["three_pointers_attempted"])
    out["free_throw_percentage"] = pct(out["free_throws_made"], out["free_throws_attempted"])
    out["processed_by_run_id"] = "gamebook_" + date_text(b["game_date"], "%Y%m%d")
    out["source_file_path"] = gcs_path("nba-com/gamebooks-data", b["game_date"],
                                       b["system_game_id"])
    out["processed_at"] = next_morning(b["game_date"], rng, by=b["system_game_id"])
    out["data_quality_flags"] = [[] for _ in range(len(out))]
    out["requires_manual_review"] = False
    out["data_hash"] = data_hash(out, ["game_id", "player_lookup", "minutes", "field_goals_made",
                                       "field_goals_attempted", "points", "total_rebounds",
                                       "assists"])
    return out


def bdl_boxscores(world: World, as_of: dt.date, holes: list[dt.date]) -> pd.DataFrame:
    """bdl_player_boxscores: players who appeared, minus the hole dates.

    A tiny share of rows (~0.3%) differ from the gamebook by one assist or one defensive
    rebound, as the real feeds occasionally do.
    """
    rng = world.rng("table:bdl")
    b = final_box(world, as_of)
    b = b[(b["player_status"] == "active") & ~b["game_date"].isin(holes)].reset_index(drop=True)
    scores = b.groupby(["game_idx", "is_home"])["points"].transform("sum")
    opp = b.groupby("game_idx")["points"].transform("sum") - scores
    whole = np.floor((b["seconds"] + 30) / 60).astype("int64").astype(str)
    out = pd.DataFrame({
        "game_id": b["system_game_id"], "game_date": b["game_date"],
        "season_year": b["season_year"], "game_status": "Final", "period": 4 + b["ot_periods"],
        "is_postseason": b["game_type"].isin(["playoffs", "play_in"]),
        "home_team_abbr": b["home"], "away_team_abbr": b["away"],
        "home_team_score": np.where(b["is_home"], scores, opp),
        "away_team_score": np.where(b["is_home"], opp, scores),
        "team_abbr": b["team_abbr"], "player_full_name": b["player_name"],
        "player_lookup": b["player_lookup"], "bdl_player_id": b["bdl_player_id"],
        "jersey_number": b["jersey"].astype(str), "position": b["position"],
        "minutes": np.where(per_season(b["season_year"], source_season) >= _BDL_MMSS_FROM,
                            mmss(b["seconds"]), whole),
    })
    for col in _COUNTS:
        out["rebounds" if col == "total_rebounds" else col] = b[col].to_numpy()
    _feed_drift(rng, out)
    out["field_goal_pct"] = pct(out["field_goals_made"], out["field_goals_attempted"])
    out["three_point_pct"] = pct(out["three_pointers_made"], out["three_pointers_attempted"])
    out["free_throw_pct"] = pct(out["free_throws_made"], out["free_throws_attempted"])
    out["source_file_path"] = gcs_path("ball-dont-lie/boxscores", out["game_date"],
                                       date_text(out["game_date"]))
    out["processed_at"] = next_morning(out["game_date"], rng, by=out["game_date"])
    out["created_at"] = out["processed_at"]
    out["data_hash"] = data_hash(out, ["game_id", "player_lookup", "points", "rebounds",
                                       "assists", "field_goals_made", "field_goals_attempted"])
    return out


def team_boxscore(world: World, as_of: dt.date) -> pd.DataFrame:
    """nbac_team_boxscore: 2 rows per final game, sums of the active gamebook rows."""
    rng = world.rng("table:team_box")
    b = final_box(world, as_of)
    b = b[b["player_status"] == "active"]
    keys = ["game_idx", "is_home"]
    t = b.groupby(keys, as_index=False).agg(
        **{c: (c, "sum") for c in _COUNTS + ["seconds"]},
        **{c: (c, "first") for c in ["system_game_id", "game_id", "game_date", "season_year",
                                     "team_abbr"]}).sort_values(keys).reset_index(drop=True)
    opponent = t.groupby("game_idx")["points"].transform("sum") - t["points"]
    games = world.games.set_index("game_idx").loc[t["game_idx"]].reset_index(drop=True)

    def pick(col: str) -> pd.Series:
        return games[f"home_{col}"].where(t["is_home"], games[f"away_{col}"])
    out = pd.DataFrame({
        "game_id": t["system_game_id"], "nba_game_id": t["game_id"], "game_date": t["game_date"],
        "season_year": t["season_year"], "team_id": pick("team_id"),
        "team_abbr": t["team_abbr"], "team_name": pick("name"), "team_city": pick("city"),
        "is_home": t["is_home"], "minutes": mmss(t["seconds"]),
        "fg_made": t["field_goals_made"], "fg_attempted": t["field_goals_attempted"],
        "three_pt_made": t["three_pointers_made"],
        "three_pt_attempted": t["three_pointers_attempted"],
        "ft_made": t["free_throws_made"], "ft_attempted": t["free_throws_attempted"],
        "offensive_rebounds": t["offensive_rebounds"],
        "defensive_rebounds": t["defensive_rebounds"], "total_rebounds": t["total_rebounds"],
        "assists": t["assists"], "steals": t["steals"], "blocks": t["blocks"],
        "turnovers": t["turnovers"], "personal_fouls": t["personal_fouls"],
        "points": t["points"], "plus_minus": t["points"] - opponent,
    })
    out["fg_percentage"] = pct(out["fg_made"], out["fg_attempted"])
    out["three_pt_percentage"] = pct(out["three_pt_made"], out["three_pt_attempted"])
    out["ft_percentage"] = pct(out["ft_made"], out["ft_attempted"])
    out["source_file_path"] = gcs_path("nba-com/team-boxscore", out["game_date"],
                                       out["nba_game_id"])
    out["processed_at"] = next_morning(out["game_date"], rng, by=out["game_id"])
    out["created_at"] = out["processed_at"]
    out["data_hash"] = data_hash(out, ["game_id", "team_abbr", "points", "fg_made",
                                       "fg_attempted", "total_rebounds", "assists"])
    return out


def _feed_drift(rng: np.random.Generator, out: pd.DataFrame) -> None:
    """One extra assist on ~0.15% of rows and one extra defensive rebound on another ~0.15%."""
    drift = rng.random(len(out))
    out.loc[drift < 0.0015, "assists"] += 1
    dreb = (drift >= 0.0015) & (drift < 0.003)
    out.loc[dreb, "defensive_rebounds"] += 1
    out.loc[dreb, "rebounds"] += 1


def _dnp_reason(b: pd.DataFrame) -> pd.Series:
    reason = pd.Series(None, index=b.index, dtype=object)
    reason[b["player_status"] == "dnp"] = "DNP - Coach's Decision"
    inactive = b["player_status"] == "inactive"
    reason[inactive] = "Inactive - " + b.loc[inactive, "inactive_reason"].astype(str)
    return reason


def _time_slot(tip: pd.Series) -> pd.Series:
    hour = tip.dt.hour + tip.dt.minute / 60.0
    return pd.Series(np.select([hour < 17, hour < 19.5, hour < 21.5],
                               ["afternoon", "early_evening", "primetime"], "late_night"),
                     index=tip.index)
