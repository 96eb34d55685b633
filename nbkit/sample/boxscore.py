"""Player box scores: who dressed, who played how long, and what they did.

One row per rostered player per game ("appearances"). Status: ``inactive`` (injured,
resting, G League, personal), ``dnp`` (healthy, outside the rotation) or ``active``.
Active players share exactly 240 minutes per team (+25 per overtime period), starters
~30-36. Counting stats are drawn per player from his traits and minutes and are
consistent by construction (points = 2*(FGM-3PM) + 3*3PM + FTM, 3PM <= 3PA <= FGA, ...).
Each game is redrawn until its designated winner (``schedule.py``) wins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nbkit.sample.boxscore_stats import draw_stats, plus_minus
from nbkit.sample.common import as_datetime
from nbkit.sample.era import REAL, Era
from nbkit.sample.players import League

# Minutes weight of the n-th player of the rotation (starters first).
_ROTATION_WEIGHTS = np.array([34.5, 33.5, 32.5, 31.0, 30.0, 24.0, 21.0, 18.0, 13.0, 9.0, 6.0,
                              4.5, 3.5, 3.0, 3.0, 3.0])
_ALL_STAR_WEIGHTS = np.array([26.0, 25.0, 24.0, 23.0, 22.0, 20.0, 19.0, 18.0, 17.0, 16.0, 15.0,
                              15.0])
_ROTATION_SIZES = np.array([8, 9, 10, 11, 12, 13])
_ROTATION_P = np.array([0.05, 0.22, 0.33, 0.24, 0.11, 0.05])
_MAX_REDRAWS = 60
_OT_MAX_MARGIN = 12


def appearances(seed: int, games: pd.DataFrame, league: League,
                squads: pd.DataFrame, era: Era = REAL) -> pd.DataFrame:
    """Every rostered player of every game with status, minutes and counting stats.

    Args:
        seed: the sample seed.
        games: all games (regular season and postseason), one row each, with game_idx,
            game_date, season_year, phase, game_type, away, home, winner, ot_periods.
        league: players, ratings, rosters and injuries.
        squads: All-Star squads (season_year, team_abbr, player_idx).
        era: the calendar copy (its random stream).

    Returns:
        One row per (game_idx, player_idx) with team_abbr, is_home, player_status,
        dnp_reason, rotation_rank, seconds and the counting stats.
    """
    rng = era.rng(seed, "boxscore")
    rows = _rostered(games, league, squads)
    rows = _availability(rng, rows, league)
    rows = _rotation(rng, rows)
    rows["seconds"] = _minutes(rng, rows, games)
    return _play(rng, rows, games, league)


def _rostered(games: pd.DataFrame, league: League, squads: pd.DataFrame) -> pd.DataFrame:
    """One row per game side and rostered player (All-Star games use the squads)."""
    cols = ["game_idx", "game_date", "season_year", "phase", "game_type"]
    sides = pd.concat([games[cols + ["away"]].rename(columns={"away": "team_abbr"})
                       .assign(is_home=False),
                       games[cols + ["home"]].rename(columns={"home": "team_abbr"})
                       .assign(is_home=True)], ignore_index=True)
    star = sides["game_type"] == "all_star"
    nba = sides[~star].merge(league.rosters, on=["season_year", "phase", "team_abbr"])
    allstar = sides[star].merge(squads, on=["season_year", "team_abbr"])
    rows = pd.concat([nba, allstar], ignore_index=True)
    rows = rows.merge(league.ratings[["season_year", "player_idx", "skill", "usage", "age"]],
                      on=["season_year", "player_idx"], how="left")
    return rows.sort_values(["game_idx", "is_home", "player_idx"]).reset_index(drop=True)


def _availability(rng: np.random.Generator, rows: pd.DataFrame,
                  league: League) -> pd.DataFrame:
    """Mark inactive players: injury spells, plus one-off rest, illness, personal, G League."""
    rows["date_ts"] = as_datetime(rows["game_date"])
    spells = league.injuries.assign(
        start_ts=pd.to_datetime(league.injuries["start"].astype(str)),
        end_ts=pd.to_datetime(league.injuries["end"].astype(str)))
    ordered = rows.sort_values("date_ts")
    hit = pd.merge_asof(ordered[["date_ts", "player_idx"]].reset_index(),
                        spells[["start_ts", "end_ts", "player_idx", "injury"]].sort_values(
                            "start_ts"), left_on="date_ts", right_on="start_ts",
                        by="player_idx", direction="backward").set_index("index")
    regular = (rows["game_type"] == "regular_season").to_numpy()
    nba = (rows["game_type"] != "all_star").to_numpy()  # All-Star squads are all healthy
    injured = nba & (hit["end_ts"] >= hit["date_ts"]).reindex(rows.index).fillna(False).to_numpy()
    reason = np.where(injured, "Injury/Illness - " + hit["injury"].reindex(rows.index)
                      .fillna("").to_numpy(dtype=object), None)
    draw = rng.random(len(rows))
    oneoff = [
        ("Rest", regular & (rows["age"].to_numpy() >= 31) & (draw < 0.035)),
        ("Injury/Illness - Illness", nba & (draw >= 0.035) & (draw < 0.042)),
        ("Personal Reasons", nba & (draw >= 0.042) & (draw < 0.045)),
        ("G League - On Assignment", regular & (rows["age"].to_numpy() <= 23)
         & (rows["skill"].to_numpy() < -0.9) & (draw >= 0.6)),
    ]
    for text, mask in oneoff:
        reason = np.where(mask & pd.isna(reason), text, reason)
    rows["inactive_reason"] = reason
    rows["healthy"] = pd.isna(reason)
    return rows.drop(columns="date_ts")


def _rotation(rng: np.random.Generator, rows: pd.DataFrame) -> pd.DataFrame:
    """Rank healthy players by skill (+ game noise); the top k play, the rest are DNP."""
    rows["form"] = rows["skill"] + rng.normal(0, 0.35, len(rows))
    rows["rotation_rank"] = (rows["form"].where(rows["healthy"], -99)
                             .groupby([rows["game_idx"], rows["is_home"]])
                             .rank(ascending=False, method="first").astype("int64"))
    team = rows.groupby(["game_idx", "is_home"], sort=False)
    healthy = team["healthy"].transform("sum").to_numpy()
    k = pd.Series(rng.choice(_ROTATION_SIZES, len(rows), p=_ROTATION_P), index=rows.index)
    k = k.groupby([rows["game_idx"], rows["is_home"]]).transform("first").to_numpy()
    star = (rows["game_type"] == "all_star").to_numpy()
    k = np.where(star, 99, np.minimum(k, healthy))
    active = rows["healthy"].to_numpy() & (rows["rotation_rank"].to_numpy() <= k)
    rows["player_status"] = np.where(active, "active",
                                     np.where(rows["healthy"], "dnp", "inactive"))
    return rows


def _minutes(rng: np.random.Generator, rows: pd.DataFrame, games: pd.DataFrame) -> np.ndarray:
    """Seconds played; each team's active players sum to exactly 60*(240 + 25*OT)."""
    active = (rows["player_status"] == "active").to_numpy()
    rank = np.clip(rows["rotation_rank"].to_numpy() - 1, 0, len(_ROTATION_WEIGHTS) - 1)
    star = (rows["game_type"] == "all_star").to_numpy()
    base = np.where(star, _ALL_STAR_WEIGHTS[np.minimum(rank, 11)], _ROTATION_WEIGHTS[rank])
    weight = np.where(active, base * rng.lognormal(0, 0.12, len(rows)), 0.0)
    ot = rows["game_idx"].map(games.set_index("game_idx")["ot_periods"]).to_numpy()
    total = 60 * (240 + 25 * ot)
    keys = [rows["game_idx"], rows["is_home"]]
    share = weight / pd.Series(weight).groupby(keys).transform("sum").to_numpy()
    seconds = np.floor(share * total).astype("int64")
    short = total - pd.Series(seconds).groupby(keys).transform("sum").to_numpy()
    first = active & (rows["rotation_rank"].to_numpy() == 1)
    return np.where(first, seconds + short, seconds)


def _play(rng: np.random.Generator, rows: pd.DataFrame, games: pd.DataFrame,
          league: League) -> pd.DataFrame:
    """Draw stats until every game's designated winner outscores the loser."""
    rows = rows.merge(league.players, on="player_idx", how="left", suffixes=("", "_p"))
    meta = games.set_index("game_idx")
    won = (rows["team_abbr"] == rows["game_idx"].map(meta["winner"])).to_numpy()
    overtime = (rows["game_idx"].map(meta["ot_periods"]) > 0).to_numpy()
    game_pace = rng.normal(1.0, 0.035, int(games["game_idx"].max()) + 1)
    pending = np.ones(len(rows), dtype=bool)
    stats = None
    for attempt in range(_MAX_REDRAWS):
        boost = np.where(overtime[pending], 0.0, 0.005 * attempt)
        part = draw_stats(rng, rows[pending], won[pending], game_pace, boost=boost)
        stats = part if stats is None else _replace(stats, part)
        pending = _rejected(rows, stats, won, overtime)
        if not pending.any():
            break
    stats = _force_winner(rows, stats, won) if pending.any() else stats
    out = pd.concat([rows, stats], axis=1)
    out["plus_minus"] = plus_minus(rng, out)
    return out


def _replace(stats: pd.DataFrame, part: pd.DataFrame) -> pd.DataFrame:
    stats = stats.copy()
    stats.loc[part.index, part.columns] = part
    return stats


def _rejected(rows: pd.DataFrame, stats: pd.DataFrame, won: np.ndarray,
              overtime: np.ndarray) -> np.ndarray:
    """Row mask of games to redraw: the designated winner did not win, or an overtime
    game was decided by more than 12 points."""
    pts = stats["points"].to_numpy()
    game = rows["game_idx"].to_numpy()
    margin = (np.bincount(game, weights=np.where(won, pts, 0))
              - np.bincount(game, weights=np.where(won, 0, pts)))[game]
    return (margin <= 0) | (overtime & (margin > _OT_MAX_MARGIN))


def _force_winner(rows: pd.DataFrame, stats: pd.DataFrame, won: np.ndarray) -> pd.DataFrame:
    """Last resort (rare): the winner's top scorer makes the free throws it takes to win."""
    stats = stats.copy()
    game = rows["game_idx"].to_numpy()
    pts = stats["points"].to_numpy()
    gap = (np.bincount(game, weights=np.where(won, 0, pts))
           - np.bincount(game, weights=np.where(won, pts, 0)) + 1).clip(0)
    lead = won & (rows["rotation_rank"].to_numpy() == 1)
    extra = np.where(lead, gap[game], 0).astype("int64")
    for col in ("free_throws_made", "free_throws_attempted", "points"):
        stats[col] = stats[col].to_numpy() + extra
    return stats
