"""Content checksums per table and date, stable across runs and backends.

Processing metadata (when a row was written) is excluded, so two runs that
computed the same data have the same checksums.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nbkit import schema

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

VOLATILE = frozenset({"processed_at", "created_at", "updated_at", "quality_calculated_at",
                      "feature_generation_time_ms", "last_updated"})


def table_checksums(warehouse: Warehouse, table_id: str, start=None, end=None) -> pd.DataFrame:
    """One row per date: rows and a sha256 over the canonicalised content of the rows."""
    table = schema.get_table(table_id)
    columns = [c.name for c in table.columns if c.name not in VOLATILE
               and not c.name.endswith("_last_updated")]
    where, params = "", {}
    if start is not None:
        where, params = f"WHERE `{table.partition_column}` BETWEEN @start AND @end", \
            {"start": start, "end": end}
    frame = warehouse.query(
        f"SELECT {', '.join(f'`{c}`' for c in columns)} FROM `{warehouse.project}.{table.id}` "
        f"{where}", params)
    if frame.empty:
        return pd.DataFrame(columns=["data_date", "rows", "checksum"])
    canon = frame.apply(lambda col: col.map(_canonical_for(table.column(col.name).type)))
    canon["_line"] = canon.astype(str).agg("\x1f".join, axis=1)
    canon["data_date"] = pd.to_datetime(frame[table.partition_column]).dt.date
    out = []
    for day, group in canon.groupby("data_date"):
        digest = hashlib.sha256("\n".join(sorted(group["_line"])).encode()).hexdigest()
        out.append({"data_date": day, "rows": len(group), "checksum": digest[:16]})
    return pd.DataFrame(out)


def _canonical_for(column_type: str):
    """The canonicaliser of a column type.

    DATE values come back as ``datetime.date`` from BigQuery but as a midnight
    ``Timestamp`` from DuckDB (pandas datetime64); both canonicalise to ``YYYY-MM-DD``,
    so a date's checksum does not depend on the backend that stored it.
    """
    base = column_type.upper().replace(" ", "")
    canonical = _canonical_date if base in ("DATE", "ARRAY<DATE>") else _canonical
    if base.startswith("ARRAY<"):
        return lambda value: _canonical_array(value, canonical)
    return canonical


def _canonical_array(value, canonical) -> str:
    """BigQuery stores a NULL array as ``[]``; DuckDB keeps NULL. Both mean no elements."""
    if value is None or (not hasattr(value, "__len__") and pd.isna(value)):
        return "[]"
    return canonical(value)


def _canonical_date(value) -> str:
    if value is None or value is pd.NaT:
        return "∅"
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):  # also pd.Timestamp
        return "∅" if pd.isna(value) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        value = list(pd.to_datetime(value)) if value.dtype.kind == "M" else value.tolist()
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_canonical_date(v) for v in value) + "]"
    try:
        if pd.isna(value):
            return "∅"
    except (TypeError, ValueError):
        pass
    return str(value)


def _canonical(value) -> str:
    if value is None:
        return "∅"
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist") and not isinstance(
            value, (int, float, str)):
        items = value.tolist() if hasattr(value, "tolist") else value
        return "[" + ",".join(_canonical(v) for v in items) + "]"
    try:
        if pd.isna(value):
            return "∅"
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) or type(value).__name__ in ("Decimal", "float64", "float32"):
        return f"{float(value):.6g}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
