"""Schema drift: tables or columns of the schema that a warehouse no longer holds.

A dropped output table must not vanish from ``nbkit status`` or turn a gap report
into a catalog traceback: each missing table and column is named, with the fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nbkit import schema
from nbkit.errors import WarehouseError

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

DATASETS = ("nba_raw", "nba_analytics", "nba_precompute", "nba_predictions")
FIX = ("run `nbkit init` to recreate missing tables (a dropped column needs the table "
       "recreated: DROP it, `nbkit init`, then `nbkit backfill` its dates)")


def schema_drift(warehouse: Warehouse, datasets: tuple[str, ...] = DATASETS) -> list[str]:
    """``dataset.table`` (table missing) or ``dataset.table.column`` (column missing) items."""
    wanted = [t for t in schema.tables().values() if t.dataset in datasets]
    present = warehouse.table_columns([t.id for t in wanted])
    problems = []
    for table in wanted:
        if table.id not in present:
            problems.append(f"table {table.id} is missing")
            continue
        lost = [c for c in table.column_names if c not in present[table.id]]
        problems += [f"column {table.id}.{c} is missing" for c in lost]
    return problems


def require_schema(warehouse: Warehouse, datasets: tuple[str, ...] = DATASETS) -> None:
    """Raise one WarehouseError naming every missing table and column."""
    problems = schema_drift(warehouse, datasets)
    if problems:
        shown = "; ".join(problems[:8]) + (f"; and {len(problems) - 8} more"
                                           if len(problems) > 8 else "")
        raise WarehouseError(f"The warehouse {warehouse.url} does not match the schema: {shown}",
                             FIX)
