"""The post-write check: what a processor's partitions hold against what they should.

After each chunk the executor reads, in one query per processor and chunk, the rows,
the duplicate-key rows and the expected rows of every date it wrote, and judges each
date: ``success`` only when the rows equal the expectation and no key repeats, else
``partial`` with the reason. Gap analysis reads the same counts, so a run and a later
audit can never disagree on what "complete" means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from nbkit.states import RunStatus

if TYPE_CHECKING:
    from nbkit.processors.base import Processor
    from nbkit.warehouse import Warehouse


@dataclass(frozen=True)
class Verdict:
    """One date's check: its counts, whether it is complete, and why not."""

    rows: int
    duplicate_rows: int
    expected_rows: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> str:
        """The run-history status: success, or partial (written, but not what was expected)."""
        return str(RunStatus.SUCCESS if self.ok else RunStatus.PARTIAL)


def verify_counts(warehouse: Warehouse, proc: type[Processor],
                  dates: list[dt.date]) -> pd.DataFrame:
    """Rows, duplicate-key rows and expected rows per date, in one query (one job)."""
    keys = ", ".join(f"`{k}`" for k in proc.KEY_COLUMNS)
    expected = proc.EXPECTED_ROWS_SQL or "SELECT d AS data_date, NULL AS expected_rows " \
                                         "FROM UNNEST(@dates) AS d"
    sql = f"""
        SELECT d AS data_date, COALESCE(a.rows, 0) AS rows,
               COALESCE(a.duplicate_rows, 0) AS duplicate_rows, e.expected_rows
        FROM UNNEST(@dates) AS d
        LEFT JOIN (
          SELECT k.d AS data_date, SUM(k.c) AS rows, SUM(IF(k.c > 1, k.c - 1, 0)) AS duplicate_rows
          FROM (SELECT `{proc.DATE_COLUMN}` AS d, {keys}, COUNT(*) AS c
                FROM `{warehouse.project}.{proc.TARGET_TABLE}`
                WHERE `{proc.DATE_COLUMN}` IN UNNEST(@dates)
                GROUP BY d, {keys}) AS k
          GROUP BY k.d) AS a ON a.data_date = d
        LEFT JOIN ({expected}) AS e ON e.data_date = d"""
    return dated(warehouse.query(sql, {"dates": dates}))


def judge(proc: type[Processor], counts: pd.DataFrame,
          dates: list[dt.date]) -> dict[dt.date, Verdict]:
    """Each date's verdict from ``verify_counts``: complete when its rows equal the expected
    rows (the rows themselves when the processor declares no expectation) and no key repeats."""
    by_day = {d: (r, u, e) for d, r, u, e in zip(
        counts["data_date"], counts["rows"], counts["duplicate_rows"],
        counts["expected_rows"])} if len(counts) else {}
    out = {}
    for day in dates:
        rows, dups, want_raw = by_day.get(day, (0, 0, None))
        rows, dups = int(rows), int(dups)
        if want_raw is None or pd.isna(want_raw):
            want = 0 if proc.EXPECTED_ROWS_SQL else rows  # no expectation declared
        else:
            want = int(want_raw)
        ok = dups == 0 and rows == want
        error = None if ok else (f"incomplete: {rows} of {want} expected rows"
                                 + (f", {dups} duplicate key rows" if dups else ""))
        out[day] = Verdict(rows, dups, want, error)
    return out


def dated(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its data_date column as Python dates."""
    if len(frame):
        frame["data_date"] = pd.to_datetime(frame["data_date"]).dt.date
    return frame
