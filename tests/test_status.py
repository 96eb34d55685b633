"""nbkit status: coverage of each table against the dates the schedule implies."""

from __future__ import annotations

import pandas as pd

from nbkit.status import coverage, format_coverage

from .engine.toys import schedule


def test_coverage_counts_expected_dates_and_games(duck):
    sched = schedule()
    duck.write_frame("nba_raw.nbac_schedule", sched)
    dates = sorted(set(sched["game_date"]))
    box = sched[sched["game_date"].isin(dates[:-2])][["game_date"]].copy()
    box["game_id"] = [f"{d:%Y%m%d}_X{i}" for i, d in enumerate(box["game_date"])]
    box["team_abbr"], box["is_home"], box["season_year"] = "ATL", True, 2023
    box["nba_game_id"] = box["game_id"]
    duck.write_frame("nba_raw.nbac_team_boxscore", box)
    frame = coverage(duck).set_index("table")
    row = frame.loc["nba_raw.nbac_team_boxscore"]
    assert (row["dates"], row["expected_dates"]) == (len(dates) - 2, len(dates))
    assert row["games"] == len(box) and row["expected_games"] == len(sched)
    sched_row = frame.loc["nba_raw.nbac_schedule"]
    assert sched_row["dates"] == len(dates) and sched_row["date_pct"] == 100.0
    # Phase 4 tables expect no rows in the 7-day bootstrap window
    bootstrap = [d for d in dates if (d - dates[0]).days < 7]
    tdza = frame.loc["nba_precompute.team_defense_zone_analysis"]
    assert tdza["expected_dates"] == len(dates) - len(bootstrap)
    text = format_coverage(frame.reset_index())
    assert "nba_raw.nbac_team_boxscore" in text and f"{len(dates) - 2}/{len(dates)}" in text


def test_empty_warehouse_says_what_to_do(duck):
    assert "nbkit sample-data" in format_coverage(coverage(duck))
