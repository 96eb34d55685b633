"""Write the sample frames into a warehouse, replacing what a previous build left."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Callable, Iterable

import pandas as pd

from nbkit import schema
from nbkit.sample.era import MAX_SYNTHETIC_SEASONS, synthetic_eras

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

# Every date a sample row of the real seasons can carry; replacing all of them (and the
# dates of the most synthetic seasons a build can add) removes rows of an earlier build
# (another seed, a later as-of date, other synthetic seasons) even on dates the new build
# leaves empty.
SPAN = (dt.date(2021, 10, 1), dt.date(2025, 6, 30))


def write_tables(warehouse: Warehouse, frames: dict[str, pd.DataFrame],
                 progress: Callable[[str], None]) -> dict[str, int]:
    """Write each frame into its table; return rows written per table.

    Frames are taken out of ``frames`` as they are written (the dict is emptied), so each
    frame's memory is free for the next table's staging.
    """
    def pieces():
        for table_id in list(frames):
            yield table_id, frames.pop(table_id)
    return write_stream(warehouse, pieces(), progress)


def write_stream(warehouse: Warehouse, pieces: Iterable[tuple[str, pd.DataFrame]],
                 progress: Callable[[str], None]) -> dict[str, int]:
    """Write (table id, frame) pieces in order, replacing each table; return rows per table
    (in the order the tables first appear).

    A partitioned table's first piece replaces every date a sample build can write
    (``SPAN`` and the synthetic seasons' dates), so nothing of an earlier build survives;
    its later pieces (other eras: other dates) replace only their own dates, after the
    rows already written. Each frame is written and dropped before the next piece is
    made, so a build holds one table of one era at a time. Unpartitioned tables (small)
    are gathered and each replaced whole, in one statement, at the end.
    """
    first = synthetic_eras(MAX_SYNTHETIC_SEASONS)[-1][0].back(SPAN[0])
    dates = [first + dt.timedelta(days=i) for i in range((SPAN[1] - first).days + 1)]
    counts: dict[str, int] = {}
    whole: dict[str, list[pd.DataFrame]] = {}
    for table_id, frame in pieces:
        table = schema.get_table(table_id)
        if not table.partition_column:
            counts.setdefault(table_id, 0)  # counts keep the order tables first appear in
            whole.setdefault(table_id, []).append(frame)
            continue
        if table_id not in counts:
            counts[table_id] = warehouse.write_frame(table_id, frame, dates=dates).inserted
        elif len(frame):
            counts[table_id] += warehouse.write_frame(table_id, frame).inserted
        del frame
        progress(f"wrote {counts[table_id]:,} rows to {table_id}")
    for table_id, parts in whole.items():
        frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        counts[table_id] = warehouse.replace_table(table_id, frame).inserted
        progress(f"wrote {counts[table_id]:,} rows to {table_id}")
    return counts
