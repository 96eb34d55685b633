"""Game lines (The Odds API spreads and totals) and NBA.com injury reports."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from nbkit.sample.common import (american_odds, data_hash, date_text, decimal_odds, et_to_utc,
                                 minutes_after, odds_event_id)
from nbkit.sample.names import last_first
from nbkit.sample.reference import per_season, season_label, source_season
from nbkit.sample.world import World

_LINE_BOOKS = {"draftkings": ("DraftKings", 0.98), "fanduel": ("FanDuel", 0.96),
               "betmgm": ("BetMGM", 0.85), "williamhill_us": ("Caesars", 0.7)}
_POINTS_PER_STRENGTH = 3.2
_HOME_POINTS = 2.4
_REPORT_HOURS = (13, 17)  # the 1:30 pm and 5:30 pm ET reports
# League scoring level per season (synthetic seasons: that of the season they copy).
_SEASON_TOTALS = {2021: 0.97, 2022: 1.0, 2023: 1.01, 2024: 1.0}


def game_lines(world: World, as_of: dt.date) -> pd.DataFrame:
    """odds_api_game_lines: spreads and totals, 2 snapshots, up to 4 books per NBA game."""
    rng = world.rng("lines:game")
    g = _nba_games(world, as_of)
    spread, total = _market_view(rng, world, g)
    parts = []
    for key, (title, share) in _LINE_BOOKS.items():
        listed = rng.random(len(g)) < share
        sub = g[listed].assign(book=key, book_title=title,
                               spread=spread[listed] + rng.choice([0, 0, 0, -0.5, 0.5],
                                                                  int(listed.sum())),
                               total=total[listed] + rng.choice([0, 0, -0.5, 0.5],
                                                                int(listed.sum())))
        parts.append(sub)
    books = pd.concat(parts, ignore_index=True)
    tip = et_to_utc(books["tip_et"])
    opening = tip - pd.to_timedelta(books["game_idx"].map(_per_game(rng, g, 360, 540)), "min")
    closing = tip - pd.to_timedelta(books["game_idx"].map(_per_game(rng, g, 5, 60)), "min")
    drift = rng.choice([0.0, 0.0, -0.5, 0.5, -1.0, 1.0], len(books))
    snaps = pd.concat([books.assign(snap=opening, prev=pd.NaT, next=closing,
                                    spread=books["spread"] - drift, total=books["total"] - drift),
                       books.assign(snap=closing, prev=opening, next=pd.NaT)], ignore_index=True)
    out = _outcomes(rng, snaps)
    out["processed_at"] = minutes_after(out["snapshot_timestamp"], rng, 2, 30)
    out["created_at"] = out["processed_at"]
    out["data_hash"] = data_hash(out, ["game_id", "snapshot_timestamp", "bookmaker_key",
                                       "market_key", "outcome_name", "outcome_point"])
    return out


def injury_report(world: World, as_of: dt.date) -> pd.DataFrame:
    """nbac_injury_report: two reports per game day listing out and questionable players."""
    rng = world.rng("lines:injury")
    g = _nba_games(world, as_of).set_index("game_idx")
    b = world.box[world.box["game_idx"].isin(g.index)].reset_index(drop=True)
    out_rows = b[b["player_status"] == "inactive"].assign(final="out")
    flagged = b[(b["player_status"] == "active") & (rng.random(len(b)) < 0.04)]
    flagged = flagged.assign(final=np.where(rng.random(len(flagged)) < 0.7, "available",
                                            "probable"), inactive_reason="Injury/Illness - "
                             + rng.choice(["Left Ankle; Soreness", "Right Knee; Soreness",
                                           "Illness", "Lower Back; Tightness"], len(flagged)))
    rows = pd.concat([out_rows, flagged], ignore_index=True)
    early = _early_status(rng, rows)
    reports = pd.concat([rows.assign(report_hour=_REPORT_HOURS[0], injury_status=early),
                         rows.assign(report_hour=_REPORT_HOURS[1], injury_status=rows["final"])],
                        ignore_index=True)
    return _injury_frame(rng, reports, g)


def _nba_games(world: World, as_of: dt.date) -> pd.DataFrame:
    games = world.games
    return games[(games["game_date"] <= as_of)
                 & (games["game_type"] != "all_star")].reset_index(drop=True)


def _market_view(rng: np.random.Generator, world: World,
                 g: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Consensus home spread (negative = home favoured) and total, to the half point."""
    power = world.strength.set_index(["season_year", "phase", "team_abbr"])["strength"]

    def strength(side: str) -> np.ndarray:
        index = pd.MultiIndex.from_arrays([g["season_year"], g["phase"], g[side]])
        return power.reindex(index).fillna(0).to_numpy()

    margin = (_POINTS_PER_STRENGTH * (strength("home") - strength("away")) + _HOME_POINTS
              + rng.normal(0, 1.5, len(g)))
    total = 2 * 114.0 * per_season(g["season_year"],
                                   lambda s: _SEASON_TOTALS[source_season(s)])
    total = total.to_numpy() + rng.normal(0, 5.0, len(g))
    return np.round(-margin * 2) / 2, np.round(total * 2) / 2


def _per_game(rng: np.random.Generator, g: pd.DataFrame, low: int, high: int) -> pd.Series:
    return pd.Series(rng.integers(low // 5, high // 5, len(g)) * 5, index=g["game_idx"])


def _outcomes(rng: np.random.Generator, snaps: pd.DataFrame) -> pd.DataFrame:
    """Four outcome rows per snapshot: home/away spread, Over/Under total."""
    n = len(snaps)
    p = 0.5 + rng.normal(0, 0.02, (4, n))
    rows = [("spreads", snaps["home_odds_name"], snaps["spread"], p[0]),
            ("spreads", snaps["away_odds_name"], -snaps["spread"], 1 - p[0]),
            ("totals", pd.Series("Over", index=snaps.index), snaps["total"], p[1]),
            ("totals", pd.Series("Under", index=snaps.index), snaps["total"], 1 - p[1])]
    parts = []
    for market, name, point, prob in rows:
        parts.append(pd.DataFrame({
            "snapshot_timestamp": snaps["snap"], "previous_snapshot_timestamp": snaps["prev"],
            "next_snapshot_timestamp": snaps["next"], "game_id": odds_event_id(snaps["game_id"]),
            "sport_key": "basketball_nba", "sport_title": "NBA",
            "commence_time": et_to_utc(snaps["tip_et"]), "game_date": snaps["game_date"],
            "home_team": snaps["home_odds_name"], "away_team": snaps["away_odds_name"],
            "home_team_abbr": snaps["home"], "away_team_abbr": snaps["away"],
            "bookmaker_key": snaps["book"], "bookmaker_title": snaps["book_title"],
            "market_key": market, "outcome_name": name, "outcome_point": point.astype(float),
            "outcome_price": decimal_odds(american_odds(prob * 1.045)),
            "data_source": "historical"}))
    out = pd.concat(parts, ignore_index=True)
    out["bookmaker_last_update"] = minutes_after(out["snapshot_timestamp"], rng, -45, -1)
    out["market_last_update"] = out["bookmaker_last_update"]
    out["source_file_path"] = ("gs://nba-scraped-data/odds-api/game-lines-history/"
                               + date_text(out["game_date"]) + "/" + out["game_id"] + "-snap-"
                               + date_text(out["snapshot_timestamp"], "%H%M") + ".json")
    return out


def _early_status(rng: np.random.Generator, rows: pd.DataFrame) -> np.ndarray:
    """Status on the early report: most 'out' players already out; flagged ones uncertain."""
    draw = rng.random(len(rows))
    injury = rows["inactive_reason"].astype(str).str.startswith("Injury")
    early_out = np.where(injury & (draw < 0.1), "doubtful",
                         np.where(injury & (draw < 0.15), "questionable", "out"))
    early_flag = np.where(draw < 0.6, "questionable", "probable")
    return np.where(rows["final"] == "out", early_out, early_flag)


def _category(reason: pd.Series) -> np.ndarray:
    text = reason.astype(str)
    return np.select([text.str.contains("Illness$"), text.str.startswith("Injury"),
                      text.str.startswith("G League"), text.str.startswith("Rest")],
                     ["illness", "injury", "g_league", "rest"], "personal")


def _injury_frame(rng: np.random.Generator, r: pd.DataFrame, g: pd.DataFrame) -> pd.DataFrame:
    game = g.loc[r["game_idx"]].reset_index(drop=True)
    report_et = (pd.to_datetime(date_text(r["game_date"])) + pd.to_timedelta(
        r["report_hour"] + 0.5, unit="h"))
    confidence = np.where(rng.random(len(r)) < 0.04, rng.uniform(0.55, 0.85, len(r)),
                          rng.uniform(0.95, 1.0, len(r))).round(3)
    out = pd.DataFrame({
        "report_date": r["game_date"], "report_hour": r["report_hour"].astype("int64"),
        "season": r["season_year"].map(season_label), "game_date": r["game_date"],
        "game_time": game["tip_et"].dt.strftime("%I:%M (ET)"), "game_id": game["system_game_id"],
        "matchup": game["away"] + "@" + game["home"], "away_team": game["away"],
        "home_team": game["home"], "team": r["team_abbr"],
        "player_name_original": r["player_name"].map(last_first),
        "player_full_name": r["player_name"], "player_lookup": r["player_lookup"],
        "injury_status": r["injury_status"], "reason": r["inactive_reason"],
        "reason_category": _category(r["inactive_reason"]), "confidence_score": confidence,
    })
    keys = [out["report_date"], out["report_hour"]]
    out["overall_report_confidence"] = out["confidence_score"].groupby(keys).transform(
        "mean").round(3)
    stamp = et_to_utc(report_et)
    out["processed_at"] = minutes_after(stamp, rng, 10, 40)
    out["scrape_time"] = (report_et + pd.Timedelta(minutes=5)).dt.strftime("%Y-%m-%d %H:%M:%S")
    out["run_id"] = "injury_report_" + report_et.dt.strftime("%Y%m%d_%H%M")
    out["source_file_path"] = ("gs://nba-scraped-data/nba-com/injury-report-data/"
                               + date_text(out["report_date"]) + "/"
                               + out["report_hour"].astype(str) + ".json")
    out["data_hash"] = data_hash(out, ["player_lookup", "team", "game_date", "game_id",
                                       "injury_status", "reason", "reason_category"])
    return out.sort_values(["report_date", "report_hour", "game_id", "team"]).reset_index(
        drop=True)
