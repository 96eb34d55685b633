"""Compute a processor's dates on a warehouse: one atomic replace statement."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterable

from nbkit.processors.base import Processor

if TYPE_CHECKING:
    from nbkit.warehouse import ReplaceResult, Warehouse


def compute(warehouse: Warehouse, processor: type[Processor],
            dates: Iterable[dt.date]) -> ReplaceResult:
    """Replace the processor's output partitions for ``dates`` with freshly computed rows."""
    dates = sorted(set(dates))
    return warehouse.replace_dates(processor.TARGET_TABLE, dates, processor.sql_text(),
                                   {"dates": dates})
