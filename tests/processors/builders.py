"""What the Phase 3 and Phase 4 test builders share: the load time, dates and game ids,
staging rows, and reading a processor's rows back."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

import pandas as pd
import pytest

from nbkit import schema

LOADED = pd.Timestamp("2024-01-20 08:00:00", tz="UTC")
SCHEDULE = "nba_raw.nbac_schedule"
VOLATILE = ("processed_at", "created_at", "quality_calculated_at")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def system_id(game_date: str, away: str, home: str) -> str:
    """The system game_id ``YYYYMMDD_AWAY_HOME``."""
    return f"{game_date.replace('-', '')}_{away}_{home}"


def write(warehouse, table: str, rows: Iterable[dict]) -> None:
    """Append rows to a date-partitioned table (existing rows of those dates are kept), or
    insert them into an unpartitioned one."""
    frame = pd.DataFrame(list(rows))
    if schema.get_table(table).partition_column:
        warehouse.write_frame(table, frame, keep="all")
        return
    columns = ", ".join(frame.columns)
    values = ", ".join("(" + ", ".join(_literal(v) for v in row) + ")"
                       for row in frame.itertuples(index=False))
    warehouse.execute(f"INSERT INTO `nba-props-platform.{table}` ({columns}) VALUES {values}")


def output(warehouse, processor, dates: Iterable[str] | None = None) -> pd.DataFrame:
    """The processor's rows (for ``dates`` if given), its date column as dates, sorted by key,
    volatile columns dropped."""
    table = f"`nba-props-platform.{processor.TARGET_TABLE}`"
    frame = warehouse.query(f"SELECT * FROM {table} WHERE {processor.DATE_COLUMN} >= '2000-01-01'")
    frame[processor.DATE_COLUMN] = pd.to_datetime(frame[processor.DATE_COLUMN]).dt.date
    if dates is not None:
        frame = frame[frame[processor.DATE_COLUMN].isin({d(x) for x in dates})]
    frame = frame.drop(columns=[c for c in VOLATILE if c in frame.columns])
    return frame.sort_values(list(processor.KEY_COLUMNS)).reset_index(drop=True)


def row(frame: pd.DataFrame, **match) -> pd.Series:
    """The single row of ``frame`` matching every column=value given (``*_date`` as text)."""
    hit = frame
    for column, value in match.items():
        hit = hit[hit[column] == (d(value) if column.endswith("_date") else value)]
    assert len(hit) == 1, f"{len(hit)} rows match {match}"
    return hit.iloc[0]


def _literal(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "\\'") + "'"


def assert_fields(found: pd.Series, **expected) -> None:
    """Each named field of ``found`` equals its expected value, floats to pytest's tolerance
    (one assertion, so a failure lists every field that differs)."""
    assert {name: found[name] for name in expected} == pytest.approx(expected)
