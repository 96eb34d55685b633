"""Player points props: The Odds API (multi-book, multi-snapshot) and BettingPros.

Lines sit near each player's season-to-date scoring average before the game (shrunk
towards a role-based prior early in the season), rounded to a half point; books differ by
a point now and then and lines move between snapshots. Prices are American odds around
-110 with a ~4.5% hold.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from nbkit.sample.common import (american_odds, data_hash, date_text, decimal_odds,
                                 empty_table, et_to_utc, minutes_after, odds_event_id)
from nbkit.sample.reference import per_season, trade_deadline
from nbkit.sample.world import World

ODDS_API_FROM = dt.date(2023, 5, 3)  # first date of The Odds API's historical player props
_ODDS_BOOKS = {"draftkings": 0.97, "fanduel": 0.95, "betmgm": 0.75, "williamhill_us": 0.6,
               "betrivers": 0.45}
_BP_BOOKS = {"BettingPros Consensus": (0, 1.0), "DraftKings": (12, 0.92),
             "FanDuel": (10, 0.90), "BetMGM": (19, 0.55)}
_ODDS_RANK_P = np.array([0.97, 0.97, 0.97, 0.97, 0.95, 0.8, 0.6, 0.3, 0.0])
_BP_RANK_P = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 0.9, 0.8, 0.6, 0.0])
_ROLE_PRIOR = np.array([21.0, 18.0, 15.5, 13.5, 12.0, 10.0, 8.5, 7.0, 6.0, 5.0])


def prop_candidates(world: World, as_of: dt.date) -> pd.DataFrame:
    """Active players of final games with their pre-game scoring base and consensus line."""
    rng = world.rng("props:lines")
    box = world.box[world.box["player_status"] == "active"].sort_values(
        ["player_idx", "game_date", "game_idx"])
    keys = [box["player_idx"], box["season_year"]]
    prev_sum = box.groupby(keys)["points"].cumsum() - box["points"]
    prev_n = box.groupby(keys).cumcount()
    prior = _ROLE_PRIOR[np.minimum(box["rotation_rank"].to_numpy(), 10) - 1]
    base = (prev_sum + 3 * prior) / (prev_n + 3)
    line = np.floor(base + rng.normal(0, 0.8, len(box))) + 0.5
    keep = ["game_idx", "game_date", "season_year", "game_type", "team_abbr", "is_home",
            "player_idx", "player_name", "player_lookup", "position", "rotation_rank"]
    out = box[keep].assign(base=base, line=np.clip(line, 3.5, 45.5))
    out = out[out["game_date"] <= as_of]
    games = world.games.set_index("game_idx")
    for col in ("game_id", "system_game_id", "home", "away", "tip_et", "phase"):
        out[col] = out["game_idx"].map(games[col])
    return out.sort_values(["game_idx", "is_home", "rotation_rank"]).reset_index(drop=True)


def odds_api_props(world: World, cands: pd.DataFrame) -> pd.DataFrame:
    """odds_api_player_points_props: NBA games from 2023-05-03 on, 2 snapshots per game.

    A synthetic era has props where the real season it copies has them: from 2023-05-03
    moved back by the era's shift.
    """
    rng = world.rng("props:odds_api")
    since = world.era.back(ODDS_API_FROM)
    c = cands[(cands["game_date"] >= since) & (cands["game_type"] != "all_star")]
    keep = rng.random(len(c)) < _ODDS_RANK_P[np.minimum(c["rotation_rank"], 9) - 1]
    c = c[keep].reset_index(drop=True)
    if c.empty:  # as-of date before The Odds API's historical props begin
        return empty_table("nba_raw.odds_api_player_points_props")
    snaps = _snapshots(rng, _expand(rng, c, _ODDS_BOOKS))
    over_p = 0.5 + rng.normal(0, 0.025, len(snaps))
    over_am = american_odds(over_p * 1.045)
    under_am = american_odds((1 - over_p) * 1.045)
    tip_all = et_to_utc(snaps["tip_et"])
    out = pd.DataFrame({
        "game_id": snaps["system_game_id"], "odds_api_event_id": odds_event_id(snaps["game_id"]),
        "game_date": snaps["game_date"], "game_start_time": tip_all,
        "home_team_abbr": snaps["home"], "away_team_abbr": snaps["away"],
        "snapshot_timestamp": snaps["snap"],
        "snapshot_tag": "snap-" + date_text(snaps["snap"], "%H%M"),
        "minutes_before_tipoff": ((tip_all - snaps["snap"]).dt.total_seconds() // 60)
        .astype("int64"),
        "bookmaker": snaps["book"], "player_name": snaps["player_name"],
        "player_lookup": snaps["player_lookup"], "points_line": snaps["points_line"],
        "over_price": decimal_odds(over_am), "over_price_american": over_am,
        "under_price": decimal_odds(under_am), "under_price_american": under_am,
        "data_source": "historical",
    })
    out["capture_timestamp"] = minutes_after(out["snapshot_timestamp"], rng, 1, 5)
    out["bookmaker_last_update"] = minutes_after(out["snapshot_timestamp"], rng, -30, -1)
    out["processed_at"] = minutes_after(out["capture_timestamp"], rng, 2, 20)
    out["source_file_path"] = ("gs://nba-scraped-data/odds-api/player-props-history/"
                               + date_text(out["game_date"]) + "/" + out["odds_api_event_id"]
                               + "-" + out["snapshot_tag"] + ".json")
    out["data_hash"] = data_hash(out, ["player_lookup", "game_date", "game_id", "bookmaker",
                                       "points_line", "snapshot_timestamp"])
    return out


def bettingpros_props(world: World, cands: pd.DataFrame,
                      missing: list[dt.date]) -> pd.DataFrame:
    """bettingpros_player_points_props: over and under rows per player x book, no game_id."""
    rng = world.rng("props:bettingpros")
    c = cands[~cands["game_date"].isin(missing)]
    keep = rng.random(len(c)) < _BP_RANK_P[np.minimum(c["rotation_rank"], 10) - 1]
    rows = _expand(rng, c[keep].reset_index(drop=True), {k: v[1] for k, v in _BP_BOOKS.items()})
    rows = _bp_offers(rng, _bp_teams(world, rows), world.era.first_game_idx)
    over_p = 0.5 + rng.normal(0, 0.025, len(rows))
    sides = pd.concat([rows.assign(bet_side="over", odds_american=american_odds(over_p * 1.045)),
                       rows.assign(bet_side="under",
                                   odds_american=american_odds((1 - over_p) * 1.045))],
                      ignore_index=True)
    return _bp_frame(rng, sides)


def _bp_offers(rng: np.random.Generator, rows: pd.DataFrame,
               first_game_idx: int = 0) -> pd.DataFrame:
    """Ids, opening line and activity of each player x book offer (shared by both sides).

    ``first_game_idx`` (the era's game block) keeps event ids unique across eras; player
    ids already are (each era has its own block of player_idx).
    """
    book_id = rows["book"].map({k: v[0] for k, v in _BP_BOOKS.items()})
    bp_event = 20000 + first_game_idx + rows["game_idx"]
    bp_player = 100000 + rows["player_idx"] * 3
    offer = bp_event.astype(str) + "-" + bp_player.astype(str)
    return rows.assign(
        book_id=book_id, bp_event_id=bp_event, bp_player_id=bp_player, offer_id=offer,
        line_id=book_id.astype(str) + "-" + offer,
        opening_line=rows["line"] + rng.choice([0.0, 0.0, 0.0, -0.5, 0.5, -1.0, 1.0], len(rows)),
        opening_odds=american_odds((0.5 + rng.normal(0, 0.015, len(rows))) * 1.045),
        opening_book_id=np.where(rng.random(len(rows)) < 0.5, 12, 10),
        is_active=rng.random(len(rows)) >= 0.03)


def _bp_frame(rng: np.random.Generator, sides: pd.DataFrame) -> pd.DataFrame:
    tip = et_to_utc(sides["tip_et"])
    out = sides[["game_date", "bp_event_id", "offer_id", "bet_side", "bp_player_id",
                 "player_name", "player_lookup", "player_team", "has_team_issues",
                 "validation_notes", "player_complications", "book_id", "line_id",
                 "odds_american", "is_active", "opening_line", "opening_odds",
                 "opening_book_id"]].assign(
        market_type="points", market_id=156, player_position=sides["position"],
        team_source="bettingpros", validated_team=sides["team_abbr"],
        validation_confidence=np.where(sides["has_team_issues"], 0.6, 0.95),
        validation_method="box_score_match", bookmaker=sides["book"],
        points_line=sides["book_line"], is_best_line=_best_line(sides))
    out["bookmaker_last_update"] = minutes_after(tip, rng, -240, -15)
    out["opening_timestamp"] = minutes_after(tip.dt.normalize(), rng, -10 * 60, -4 * 60)
    out["processed_at"] = minutes_after(out["bookmaker_last_update"], rng, 5, 60)
    out["created_at"] = out["processed_at"]
    out["source_file_path"] = ("gs://nba-scraped-data/bettingpros/player-props/points/"
                               + date_text(out["game_date"]) + "/props.json")
    out["data_hash"] = data_hash(out, ["player_lookup", "game_date", "market_type", "bookmaker",
                                       "bet_side", "points_line", "is_best_line"])
    return out


def _expand(rng: np.random.Generator, cands: pd.DataFrame,
            books: dict[str, float]) -> pd.DataFrame:
    """One row per (candidate, book) for the books that list him; book_line near the line."""
    parts = []
    for book, share in books.items():
        listed = cands[rng.random(len(cands)) < share]
        shift = rng.choice([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0, 1.0, -0.5, 0.5], len(listed))
        parts.append(listed.assign(book=book, book_line=np.maximum(listed["line"] + shift, 0.5)))
    return pd.concat(parts, ignore_index=True)


def _snapshots(rng: np.random.Generator, rows: pd.DataFrame) -> pd.DataFrame:
    """Each offer at two snapshots per game (~6 h and ~1 h before tip); 20% of lines move."""
    tip = et_to_utc(rows["tip_et"])
    early = _game_offset(rng, rows["game_idx"], 300, 420)
    late = _game_offset(rng, rows["game_idx"], 30, 90)
    snaps = pd.concat([rows.assign(snap=tip - early, step=0),
                       rows.assign(snap=tip - late, step=1)], ignore_index=True)
    move = (snaps["step"] == 1) & (rng.random(len(snaps)) < 0.2)
    shift = np.where(move, rng.choice([-1.0, -0.5, 0.5, 1.0], len(snaps)), 0.0)
    return snaps.assign(points_line=snaps["book_line"] + shift)


def _game_offset(rng: np.random.Generator, game: pd.Series, low: int,
                 high: int) -> pd.Series:
    """A per-game snapshot lead time (minutes, multiple of 5) as a Timedelta per row."""
    uniq = game.unique()
    lead = pd.Series(rng.integers(low // 5, high // 5, len(uniq)) * 5, index=uniq)
    return pd.to_timedelta(game.map(lead), unit="min")


def _bp_teams(world: World, rows: pd.DataFrame) -> pd.DataFrame:
    """BettingPros' own team label: the NBA team, stale for 3 days after a trade."""
    old = _team_in_phase(world, rows, 0)
    deadline = per_season(rows["season_year"], trade_deadline)
    star = rows["game_type"] == "all_star"
    stale = ((rows["phase"] == 1) & (rows["game_date"] <= deadline + dt.timedelta(days=3))
             & old.notna() & (old != rows["team_abbr"]) & ~star).to_numpy()
    nba_team = _team_in_phase(world, rows, 1).fillna("FA")
    rows["player_team"] = np.where(star, nba_team, np.where(stale, old, rows["team_abbr"]))
    rows["has_team_issues"] = rows["player_team"] != rows["team_abbr"]
    rows["player_complications"] = np.where(stale, "traded_recently",
                                            np.where(star, "all_star_game", None))
    issues = rows["has_team_issues"].to_numpy()
    notes = pd.Series(None, index=rows.index, dtype=object)
    notes[issues] = ("bettingpros team " + rows.loc[issues, "player_team"].astype(str)
                     + " != box score " + rows.loc[issues, "team_abbr"])
    rows["validation_notes"] = notes
    return rows


def _team_in_phase(world: World, rows: pd.DataFrame, phase: int) -> pd.Series:
    """Each row's player's NBA team in the given phase of the row's season (NaN if none)."""
    roster = world.league.rosters[world.league.rosters["phase"] == phase]
    key = roster.set_index(["season_year", "player_idx"])["team_abbr"]
    index = pd.MultiIndex.from_arrays([rows["season_year"], rows["player_idx"]])
    return pd.Series(key.reindex(index).to_numpy(), index=rows.index)


def _best_line(sides: pd.DataFrame) -> np.ndarray:
    """True for the best-priced sportsbook row per (game, player, side); consensus excluded."""
    books = sides.loc[sides["book_id"] != 0, ["game_idx", "player_idx", "bet_side",
                                              "odds_american"]]
    best = books.groupby(["game_idx", "player_idx", "bet_side"])["odds_american"].idxmax()
    flag = np.zeros(len(sides), dtype=bool)
    flag[best.to_numpy()] = True
    return flag
