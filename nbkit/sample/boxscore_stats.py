"""Counting stats of one draw of player box scores (vectorized, one row per appearance)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nbkit.sample.reference import per_season, source_season

STAT_COLUMNS = ["field_goals_made", "field_goals_attempted", "three_pointers_made",
                "three_pointers_attempted", "free_throws_made", "free_throws_attempted",
                "offensive_rebounds", "defensive_rebounds", "total_rebounds", "assists",
                "steals", "blocks", "turnovers", "personal_fouls", "points"]
# Team totals per 48 minutes (regular season, before pace); players share them by role.
_TEAM_PER_48 = {"fga": 88.0, "fta": 22.5, "reb": 44.0, "ast": 25.5, "stl": 7.5, "blk": 5.0,
                "tov": 13.5, "pf": 19.5}
_ALL_STAR_FACTOR = {"fga": 1.25, "fta": 0.3, "reb": 1.2, "ast": 1.5, "stl": 0.8, "blk": 0.4,
                    "tov": 0.9, "pf": 0.3}
# Synthetic seasons take the pace of the real season they copy (reference.source_season).
_SEASON_PACE = {2021: 0.985, 2022: 1.01, 2023: 1.01, 2024: 1.0}


def draw_stats(rng: np.random.Generator, rows: pd.DataFrame, won: np.ndarray,
               game_pace: np.ndarray, boost: np.ndarray | float = 0.0) -> pd.DataFrame:
    """Draw every counting stat for the given appearance rows.

    Team totals (shots, rebounds, assists...) are drawn per team and game, then shared
    among the players who played in proportion to minutes x role, so team totals stay
    realistic whatever the roster; makes are drawn per player from his percentages.

    Args:
        rng: random stream.
        rows: appearances with seconds, usage, skill and the player trait columns.
        won: per row, True if the row's team is the game's designated winner.
        game_pace: pace multiplier per game_idx.
        boost: shooting-percentage edge given to designated winners (and taken from
            losers); grows with each redraw so every game converges.

    Returns:
        A frame with STAT_COLUMNS, same index as ``rows``; zeros for players who did not play.
    """
    minutes = rows["seconds"].to_numpy() / 60.0
    star = (rows["game_type"] == "all_star").to_numpy()
    team = rows["game_idx"].to_numpy() * 2 + rows["is_home"].to_numpy().astype(int)
    pace = (game_pace[rows["game_idx"].to_numpy()]
            * per_season(rows["season_year"], lambda s: _SEASON_PACE[source_season(s)])
            .to_numpy())
    team_minutes = np.bincount(team, weights=minutes)[team] / 240.0
    usage = rows["usage"].to_numpy()

    def share(stat: str, weight: np.ndarray, spread: float | None = None) -> np.ndarray:
        mean = _TEAM_PER_48[stat] * pace * team_minutes * np.where(
            star, _ALL_STAR_FACTOR[stat], 1.0)
        return _allocate(rng, team, weight * minutes, mean, spread)

    fga = share("fga", usage, spread=3.0)
    tpa = rng.binomial(fga, np.clip(rows["three_rate"].to_numpy()
                                    * np.where(star, 1.3, 1.0), 0, 0.85))
    edge = (rng.normal(0, 0.012, int(team.max()) + 1)[team]
            + np.where(won, boost + 0.004, -boost - 0.004) + np.where(star, 0.06, 0.0))
    skill = rows["skill"].to_numpy()
    tpm = rng.binomial(tpa, _p(rows["fg3_pct"].to_numpy() + 0.5 * edge + 0.008 * skill))
    twm = rng.binomial(fga - tpa, _p(rows["fg2_pct"].to_numpy() + edge + 0.012 * skill))
    fta = share("fta", rows["fta_rate"].to_numpy() * usage)
    ftm = rng.binomial(fta, _p(rows["ft_pct"].to_numpy()))
    reb = share("reb", rows["reb36"].to_numpy())
    oreb = rng.binomial(reb, rows["oreb_share"].to_numpy())
    out = {
        "field_goals_made": twm + tpm, "field_goals_attempted": fga,
        "three_pointers_made": tpm, "three_pointers_attempted": tpa,
        "free_throws_made": ftm, "free_throws_attempted": fta,
        "offensive_rebounds": oreb, "defensive_rebounds": reb - oreb, "total_rebounds": reb,
        "assists": share("ast", rows["ast36"].to_numpy() * (0.75 + 0.25 * usage)),
        "steals": share("stl", rows["stl36"].to_numpy()),
        "blocks": share("blk", rows["blk36"].to_numpy()),
        "turnovers": share("tov", rows["tov36"].to_numpy() * np.sqrt(usage)),
        "personal_fouls": np.minimum(share("pf", rows["pf36"].to_numpy()), 6),
        "points": 2 * twm + 3 * tpm + ftm,
    }
    return pd.DataFrame(out, index=rows.index).astype("int64")


def plus_minus(rng: np.random.Generator, rows: pd.DataFrame) -> pd.Series:
    """Player plus-minus; each team's active players sum to 5 x its point margin.

    Inactive and DNP players get NULL.
    """
    keys = [rows["game_idx"], rows["is_home"]]
    team_pts = rows["points"].groupby(keys).transform("sum")
    game_pts = rows["points"].groupby(rows["game_idx"]).transform("sum")
    margin = (2 * team_pts - game_pts).to_numpy()
    active = (rows["player_status"] == "active").to_numpy()
    seconds = rows["seconds"].to_numpy()
    team_secs = pd.Series(seconds).groupby(keys).transform("sum").to_numpy()
    raw = (5 * margin * seconds / np.maximum(team_secs, 1)
           + rng.normal(0, 4.0, len(rows)) * np.sqrt(seconds / 2160.0))
    pm = np.where(active, np.round(raw), 0).astype("int64")
    gap = 5 * margin - pd.Series(pm).groupby(keys).transform("sum").to_numpy()
    top = active & (rows["rotation_rank"].to_numpy() == 1)
    pm = np.where(top, pm + gap, pm)
    return pd.Series(pm, index=rows.index).where(active).astype("Int64")


def _p(values: np.ndarray) -> np.ndarray:
    return np.clip(values, 0.02, 0.98)


def _allocate(rng: np.random.Generator, team: np.ndarray, weight: np.ndarray,
              mean: np.ndarray, spread: float | None) -> np.ndarray:
    """Draw a total per team (Poisson, or normal with ``spread``) and split it among the
    team's rows in proportion to ``weight`` (a multinomial, drawn as binomial chains)."""
    order = np.argsort(team, kind="stable")
    key = team[order]
    starts = np.r_[0, np.flatnonzero(np.diff(key)) + 1]
    counts = np.diff(np.r_[starts, len(key)])
    team_mean = mean[order][starts]
    total = (rng.poisson(team_mean) if spread is None
             else np.maximum(np.round(rng.normal(team_mean, spread)), 0).astype("int64"))
    col = np.arange(len(key)) - np.repeat(starts, counts)
    grid = np.zeros((len(starts), counts.max()))
    grid[np.repeat(np.arange(len(starts)), counts), col] = weight[order]
    sums = grid.sum(axis=1)
    grid /= np.where(sums > 0, sums, 1.0)[:, None]
    left, mass = np.where(sums > 0, total, 0), np.ones(len(starts))
    drawn = np.zeros_like(grid, dtype="int64")
    for j in range(grid.shape[1]):
        p = np.where(mass > 1e-12, np.clip(grid[:, j] / np.maximum(mass, 1e-12), 0, 1), 0)
        p = np.where(j == counts - 1, 1.0, p) * (j < counts)
        drawn[:, j] = rng.binomial(left, p)
        left -= drawn[:, j]
        mass -= grid[:, j]
    out = np.empty(len(key), dtype="int64")
    out[order] = drawn[np.repeat(np.arange(len(starts)), counts), col]
    return out
