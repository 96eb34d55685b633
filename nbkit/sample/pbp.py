"""NBA.com play-by-play for a handful of games (~0.1%), consistent with their box scores.

Every shot, free throw, rebound, turnover, steal, block and foul of the box score becomes
one event at a random time of the game; the running score therefore ends at the final
score. Shot distances follow the shooter's position (bigs score near the rim).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from nbkit.sample.common import data_hash, date_text, empty_table, next_morning
from nbkit.sample.coverage import era_window, scaled_count
from nbkit.sample.era import REAL
from nbkit.sample.world import World

PBP_GAMES = 4
_PAINT_SHARE = {"G": 0.40, "F": 0.55, "C": 0.78}
# (box column, event_type, event_action_type, shot_type, made, points)
_EVENTS = [
    ("two_made", "fieldgoal", None, "2PT", True, 2),
    ("two_missed", "fieldgoal", None, "2PT", False, 0),
    ("three_pointers_made", "fieldgoal", "Jump Shot", "3PT", True, 3),
    ("three_missed", "fieldgoal", "Jump Shot", "3PT", False, 0),
    ("free_throws_made", "freethrow", "Free Throw", "FT", True, 1),
    ("ft_missed", "freethrow", "Free Throw", "FT", False, 0),
    ("offensive_rebounds", "rebound", "offensive", None, None, 0),
    ("defensive_rebounds", "rebound", "defensive", None, None, 0),
    ("turnovers", "turnover", "bad pass", None, None, 0),
    ("steals", "steal", None, None, None, 0),
    ("blocks", "block", None, None, None, 0),
    ("personal_fouls", "foul", "personal", None, None, 0),
]


def pbp_games(world: World) -> pd.DataFrame:
    """The few regular-season games of the 675-date window that have play-by-play.

    A synthetic era picks among the regular-season games of its whole calendar, as many
    as the same share of them (~0.1%).
    """
    rng = world.rng("pbp:games")
    g = world.games
    regular = g[g["game_type"] == "regular_season"]
    pool = regular[regular["game_date"].between(*era_window(world.era))]
    count = PBP_GAMES if not world.era.shift else scaled_count(
        PBP_GAMES, len(pool), _real_pool_size())
    return pool.iloc[np.sort(rng.choice(len(pool), count, replace=False))]


def play_by_play(world: World, as_of: dt.date) -> pd.DataFrame:
    """nbac_play_by_play rows of the chosen games played on or before as_of."""
    rng = world.rng("pbp:events")
    games = pbp_games(world)
    games = games[games["game_date"] <= as_of]
    if games.empty:
        return empty_table("nba_raw.nbac_play_by_play")
    frames = [_game_events(rng, world, game) for _, game in games.iterrows()]
    out = pd.concat(frames, ignore_index=True)
    out["processed_at"] = next_morning(out["game_date"], rng, by=out["game_id"])
    out["data_hash"] = data_hash(out, ["game_id", "event_id", "period", "game_clock",
                                       "event_type", "score_home", "score_away"])
    return out


def _game_events(rng: np.random.Generator, world: World, game: pd.Series) -> pd.DataFrame:
    box = world.box[(world.box["game_idx"] == game["game_idx"])
                    & (world.box["player_status"] == "active")].reset_index(drop=True)
    box = box.assign(two_made=box["field_goals_made"] - box["three_pointers_made"],
                     two_missed=(box["field_goals_attempted"] - box["three_pointers_attempted"]
                                 - box["field_goals_made"] + box["three_pointers_made"]),
                     three_missed=box["three_pointers_attempted"] - box["three_pointers_made"],
                     ft_missed=box["free_throws_attempted"] - box["free_throws_made"])
    parts = []
    for col, etype, action, shot, made, pts in _EVENTS:
        rows = box.loc[box.index.repeat(box[col])]
        parts.append(pd.DataFrame({"player": rows.index, "event_type": etype,
                                   "event_action_type": action, "shot_type": shot,
                                   "shot_made": made, "points": pts, "order": 0}))
    ev = _shots(rng, pd.concat(parts, ignore_index=True), box)
    ev["elapsed"] = rng.integers(1, 2880 + 300 * int(game["ot_periods"]), len(ev))
    ev = pd.concat([ev, _period_events(int(game["ot_periods"]))], ignore_index=True)
    ev = ev.sort_values(["elapsed", "order"], kind="stable").reset_index(drop=True)
    return _frame(ev, box, game)


def _period_events(ot_periods: int) -> pd.DataFrame:
    """'period' start and end markers (start sorts first, end last at equal times)."""
    bounds = [(p, (p - 1) * 720, p * 720) for p in range(1, 5)]
    bounds += [(5 + i, 2880 + i * 300, 2880 + (i + 1) * 300) for i in range(ot_periods)]
    rows = [(-1, "period", "start", start, -1) for _, start, _ in bounds]
    rows += [(-1, "period", "end", end - 1, 1) for _, _, end in bounds]
    return pd.DataFrame(rows, columns=["player", "event_type", "event_action_type", "elapsed",
                                       "order"]).assign(points=0)


def _shots(rng: np.random.Generator, ev: pd.DataFrame, box: pd.DataFrame) -> pd.DataFrame:
    """Distances and coordinates: paint (<= 8 ft) or mid-range for 2PT, 22-30 ft for 3PT."""
    group = box["group"].to_numpy()[ev["player"].to_numpy()]
    n = len(ev)
    paint = rng.random(n) < np.vectorize(_PAINT_SHARE.get)(group)
    two = np.where(paint, rng.uniform(0.5, 8.0, n), rng.uniform(8.5, 21.5, n))
    three = np.clip(rng.normal(25.0, 1.6, n), 22.0, 34.0)
    dist = np.select([ev["shot_type"] == "2PT", ev["shot_type"] == "3PT",
                      ev["shot_type"] == "FT"], [two, three, np.full(n, 15.0)], np.nan)
    angle = rng.uniform(-np.pi / 2, np.pi / 2, n)
    is_fg = ev["event_type"] == "fieldgoal"
    ev["shot_distance"] = np.round(dist, 1)
    ev["shot_x"] = np.where(is_fg, np.round(dist * np.sin(angle) * 10, 1), np.nan)
    ev["shot_y"] = np.where(is_fg, np.round(dist * np.cos(angle) * 10, 1), np.nan)
    action = np.where(dist <= 3, "Dunk", np.where(dist <= 8, "Layup", "Jump Shot"))
    ev["event_action_type"] = np.where(ev["shot_type"] == "2PT", action, ev["event_action_type"])
    return ev


def _frame(ev: pd.DataFrame, box: pd.DataFrame, game: pd.Series) -> pd.DataFrame:
    player = box.reindex(ev["player"].to_numpy()).reset_index(drop=True)
    home = player["is_home"].fillna(False).to_numpy(dtype=bool)
    pts = ev["points"].to_numpy()
    period = np.where(ev["elapsed"] < 2880, ev["elapsed"] // 720 + 1,
                      5 + (ev["elapsed"] - 2880) // 300)
    period_end = np.where(period <= 4, period * 720, 2880 + (period - 4) * 300)
    clock = period_end - ev["elapsed"]
    verb = np.where(ev["shot_made"].eq(False), "MISS ", "")
    label = ev["event_action_type"].fillna(ev["event_type"]).astype(str)
    desc = np.where(ev["event_type"] == "period", "Period " + pd.Series(period).astype(str)
                    + " " + label, verb + player["player_name"].astype(str) + " " + label
                    + np.where(ev["shot_type"].notna(), " (" + ev["shot_type"].astype(str) + ")",
                               ""))
    return pd.DataFrame({
        "game_id": game["system_game_id"], "nba_game_id": game["game_id"],
        "game_date": game["game_date"], "season_year": int(game["season_year"]),
        "home_team_abbr": game["home"], "away_team_abbr": game["away"],
        "event_id": (np.arange(len(ev)) + 1).astype(str),
        "event_sequence": np.arange(len(ev)) + 1, "period": period,
        "game_clock": [f"{c // 60:02d}:{c % 60:02d}" for c in clock],
        "game_clock_seconds": clock, "time_elapsed_seconds": ev["elapsed"],
        "event_type": ev["event_type"], "event_action_type": ev["event_action_type"],
        "event_description": desc, "score_home": np.cumsum(np.where(home, pts, 0)),
        "score_away": np.cumsum(np.where(home, 0, pts)),
        "player_1_id": player["person_id"].astype("Int64"),
        "player_1_lookup": player["player_lookup"],
        "player_1_team_abbr": player["team_abbr"], "shot_made": ev["shot_made"],
        "shot_type": ev["shot_type"], "shot_x": ev["shot_x"], "shot_y": ev["shot_y"],
        "shot_distance": ev["shot_distance"], "video_available": False,
        "source_file_path": "gs://nba-scraped-data/nba-com/play-by-play/"
        + date_text(pd.Series([game["game_date"]])).iloc[0] + "/" + game["game_id"] + ".json",
    })


def _real_pool_size() -> int:
    """Regular-season games of the real 675-date window."""
    cal = REAL.calendar()
    return int(((cal["game_type"] == "regular_season")
                & cal["game_date"].between(*era_window(REAL))).sum())
