"""Compute a processor's dates on a warehouse: one atomic replace statement."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterable

from nbkit.processors.base import Processor

if TYPE_CHECKING:
    from nbkit.warehouse import ReplaceResult, Warehouse


def compute(warehouse: Warehouse, processor: type[Processor],
            dates: Iterable[dt.date]) -> ReplaceResult | None:
    """Replace the processor's output partitions for ``dates`` with freshly computed rows.

    External processors (a command or a callable) do their own writing; they
    return None and are checked afterwards like every other processor.
    """
    return processor.run(warehouse, sorted(set(dates)))
