"""Coverage of every table against the dates the schedule says it should hold."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from nbkit import schema
from nbkit.calendar import (  # noqa: F401 - DEFAULT_START, load_calendar re-exported
    DEFAULT_START, END_OF_TIME, load_calendar)

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

PHASE_OF_DATASET = {"nba_raw": 2, "nba_analytics": 3, "nba_precompute": 4, "nba_predictions": 4}


def coverage(warehouse: Warehouse, start: dt.date = DEFAULT_START,
             end: dt.date | None = None, bootstrap_days: int | None = None) -> pd.DataFrame:
    """Per table: expected game dates covered, and games covered where the table has game_id.

    Expected dates are the schedule's final game dates in [start, end] (end defaults
    to the last final game); Phase 4 tables exclude each season's bootstrap window.

    Returns:
        DataFrame with phase, table, dates, expected_dates, date_pct, games,
        expected_games, game_pct, rows.
    """
    calendar = load_calendar(warehouse, start, end or END_OF_TIME, bootstrap_days)
    all_dates = calendar.game_dates()
    if not all_dates:
        return pd.DataFrame(columns=["phase", "table", "dates", "expected_dates", "date_pct",
                                     "games", "expected_games", "game_pct", "rows"])
    end = end or all_dates[-1]
    present = set(warehouse.list_tables()["table_id"])
    tables = [t for t in schema.tables().values()
              if t.dataset in PHASE_OF_DATASET and t.partition_column and t.id in present]
    found = _dates_and_games(warehouse, tables, start, end)
    expected_games = len(calendar.games[calendar.games["game_date"] <= end])
    rows = []
    for table in tables:
        phase = PHASE_OF_DATASET[table.dataset]
        expected = set(calendar.expected_dates(phase))
        mine = found[found["table_id"] == table.id]
        covered = len(expected & set(mine["d"]))
        has_games = "game_id" in table.column_names
        games = int(mine["games"].sum()) if has_games else None
        rows.append({
            "phase": phase, "table": table.id, "dates": covered,
            "expected_dates": len(expected),
            "date_pct": round(100.0 * covered / len(expected), 1) if expected else None,
            "games": games, "expected_games": expected_games if has_games else None,
            "game_pct": round(100.0 * games / expected_games, 1) if has_games and expected_games
            else None,
            "rows": int(mine["n"].sum()),
        })
    return pd.DataFrame(rows).sort_values("phase", kind="stable").reset_index(drop=True)


def _dates_and_games(warehouse: Warehouse, tables: list[schema.Table], start: dt.date,
                     end: dt.date) -> pd.DataFrame:
    parts = []
    for table in tables:
        games = "COUNT(DISTINCT game_id)" if "game_id" in table.column_names else "0"
        parts.append(
            f"SELECT '{table.id}' AS table_id, {table.partition_column} AS d, "
            f"{games} AS games, COUNT(*) AS n "
            f"FROM `{table.id}` "
            f"WHERE {table.partition_column} BETWEEN @start_date AND @end_date GROUP BY 2")
    if not parts:
        return pd.DataFrame(columns=["table_id", "d", "games", "n"])
    frame = warehouse.query("\nUNION ALL\n".join(parts), {"start_date": start, "end_date": end})
    frame["d"] = pd.to_datetime(frame["d"]).dt.date
    return frame


def format_coverage(frame: pd.DataFrame) -> str:
    """Render coverage as a fixed-width table for terminals."""
    if frame.empty:
        return "No schedule data: run `nbkit sample-data` (or load nba_raw.nbac_schedule) first."
    lines = [f"{'phase':<6}{'table':<50}{'dates':>13}{'%':>7}{'games':>15}{'%':>7}{'rows':>11}"]
    for row in frame.itertuples():
        dates = f"{row.dates}/{row.expected_dates}"
        games = "" if pd.isna(row.games) else f"{int(row.games)}/{int(row.expected_games)}"
        gpct = "" if pd.isna(row.game_pct) else f"{row.game_pct:.1f}"
        dpct = "" if pd.isna(row.date_pct) else f"{row.date_pct:.1f}"
        lines.append(f"{row.phase:<6}{row.table:<50}{dates:>13}{dpct:>7}{games:>15}{gpct:>7}"
                     f"{row.rows:>11,}")
    return "\n".join(lines)
