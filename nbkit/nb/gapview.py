"""Gap analysis (notebooks/20_gap_analysis.ipynb): read-only, safe during a batch run.

Per table and date: complete / partial / missing / expected-empty against the
schedule, as a heatmap and as lists; the monthly summary; failures that never
succeeded since; what a default backfill would retry; measured throughput and
the ETA of the remaining work (remaining dates x measured seconds per date,
per processor).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from nbkit import gaps
from nbkit.nb import card
from nbkit.nb.common import esc, html_table, read_only_scope
from nbkit.nb.tables import empty_as
from nbkit.parameters.models import GapAnalysisParams
from nbkit.progress import format_seconds
from nbkit.status import DEFAULT_START, load_calendar
from nbkit.calendar import END_OF_TIME


@dataclass(repr=False)
class GapReport:
    """Every view of the gap analysis over [start, end]."""

    start: dt.date
    end: dt.date
    status: pd.DataFrame
    states: pd.DataFrame
    failures: pd.DataFrame
    throughput: pd.DataFrame

    @property
    def coverage(self) -> pd.DataFrame:
        return empty_as(gaps.coverage_by_table(self.status), "No game dates in the range.")

    @property
    def missing(self) -> pd.DataFrame:
        """Missing and partial dates, one row per table and date."""
        return empty_as(gaps.missing_dates(self.status), "No missing or partial dates.")

    @property
    def missing_by_table(self) -> pd.DataFrame:
        bad = self.missing
        if bad.empty:
            return empty_as(pd.DataFrame(columns=["table", "missing", "partial", "dates"]),
                            "No missing or partial dates in any table.")
        return bad.groupby("table").agg(
            missing=("status", lambda s: int((s == "missing").sum())),
            partial=("status", lambda s: int((s == "partial").sum())),
            dates=("data_date", lambda d: _ranges(sorted(d)))).reset_index()

    @property
    def monthly(self) -> pd.DataFrame:
        return empty_as(gaps.monthly_summary(self.status) if len(self.status) else
                        pd.DataFrame(), "No game dates in the range.")

    @property
    def retry(self) -> pd.DataFrame:
        return empty_as(gaps.retry_list(self.states),
                        "Nothing to retry: every task is done at the current code version.")

    def heatmap(self):
        from nbkit.viz import heatmap

        return heatmap(self.status, f"Coverage by date and table, {self.start}..{self.end}")

    def throughput_chart(self):
        from nbkit.viz import throughput

        return throughput(self.throughput, f"Throughput per processor, {self.start}..{self.end}")

    def eta(self) -> pd.DataFrame:
        """Remaining dates x measured seconds per date, per processor."""
        return empty_as(eta_table(self.retry, self.throughput),
                        "No remaining dates: nothing left to estimate.")

    @property
    def verdict(self) -> str:
        """One line: the range, missing or partial table-dates, failures needing attention."""
        return (f"{self.start}..{self.end}: {len(self.missing)} missing or partial "
                f"table-dates, {len(self.failures)} failure(s) needing attention")

    def __repr__(self) -> str:
        return f"<GapReport {self.verdict}>"

    def _repr_html_(self) -> str:
        return f"<h4>Gap analysis</h4><p>{esc(self.verdict)}</p>" + html_table(self.coverage)


def gap_analysis(params=None, /, **values) -> GapReport:
    """Measure the warehouse read-only (waits up to wait_seconds for a busy DuckDB file).

    ``params``: a GapAnalysisParams, or the warehouse and the parameters as keywords.
    """
    p = GapAnalysisParams.of(params, **values)
    with read_only_scope(p, params) as (wh, start, end):
        calendar = load_calendar(wh, start or DEFAULT_START, end or END_OF_TIME,
                                 p.bootstrap_days)
        dates = calendar.game_dates()
        first, last = (dates[0], dates[-1]) if dates else (start or DEFAULT_START,
                                                           end or DEFAULT_START)
        states = gaps.task_states(wh, dates, bootstrap_days=calendar.bootstrap_days)
        failures = gaps.failures_needing_attention(wh, first, last)
        rate = gaps.throughput(wh, first, last)
    status = gaps.table_status(states, calendar) if len(states) else \
        pd.DataFrame(columns=["table", "processor", "phase", "data_date", "rows",
                              "expected_rows", "duplicate_rows", "state", "status"])
    failures = failures.drop(columns=["errors"], errors="ignore").assign(
        error=_first_errors(failures))
    empty_as(failures, "No failures needing attention.")
    card.note_coverage(status)
    bad = gaps.missing_dates(status) if len(status) else status
    card.note(missing_or_partial_table_dates=len(bad), failures_needing_attention=len(failures))
    empty_as(rate, "No runs measured yet: no basis for an ETA.")
    return GapReport(first, last, status, states, failures, rate)


def eta_table(retry: pd.DataFrame, rate: pd.DataFrame) -> pd.DataFrame:
    """Per processor: remaining dates, measured seconds per date, ETA (sequential sum last)."""
    measured = dict(zip(rate["processor"], rate["seconds_per_date"])) if len(rate) else {}
    fallback = sum(measured.values()) / len(measured) if measured else None
    rows = []
    for r in retry.itertuples():
        per = measured.get(r.processor, fallback)
        rows.append({"processor": r.processor, "remaining_dates": r.dates,
                     "seconds_per_date": None if per is None else round(float(per), 3),
                     "basis": "measured" if r.processor in measured else
                     "other processors' mean" if per is not None else "no runs measured yet",
                     "eta": "unknown" if per is None else format_seconds(r.dates * per)})
    frame = pd.DataFrame(rows, columns=["processor", "remaining_dates", "seconds_per_date",
                                        "basis", "eta"])
    known = [r["remaining_dates"] * r["seconds_per_date"] for r in rows
             if r["seconds_per_date"] is not None]
    if rows:
        total = format_seconds(sum(known)) if len(known) == len(rows) else "unknown"
        frame.loc[len(frame)] = ["TOTAL (one processor at a time)",
                                 int(frame["remaining_dates"].sum()), None, "", total]
    return frame


def _first_errors(failures: pd.DataFrame) -> list[str]:
    import json

    out = []
    for value in failures.get("errors", pd.Series(dtype=object)):
        try:
            items = json.loads(value) if isinstance(value, str) else value or []
            out.append(str(items[0].get("error_message", ""))[:200] if items else "")
        except (ValueError, TypeError, AttributeError, IndexError):
            out.append(str(value)[:200])
    return out


def _ranges(dates: list[dt.date]) -> str:
    """Consecutive runs of dates, compactly: 2023-10-24..2023-10-26, 2023-11-01."""
    if not dates:
        return ""
    parts, first, prev = [], dates[0], dates[0]
    for day in dates[1:] + [None]:
        if day is not None and (day - prev).days <= 1:
            prev = day
            continue
        parts.append(str(first) if first == prev else f"{first}..{prev}")
        if day is not None:
            first = prev = day
    text = ", ".join(parts[:12])
    return text + (f" and {len(parts) - 12} more ranges" if len(parts) > 12 else "")

