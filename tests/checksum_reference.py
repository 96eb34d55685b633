"""The reference of ``nbkit.checksums``: the same canonical text built row by row in pandas.

Slow (minutes for a full warehouse), kept only so a test can prove the warehouse's hash
aggregate computes exactly this.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

import numpy as np
import pandas as pd

from nbkit import schema
from nbkit.checksums import (FIELD_SEPARATOR, FLOAT_SCALE, HASH_HEX_DIGITS, NULL_TEXT,
                             checksum_columns)


def reference_checksums(warehouse, table_id: str, start=None, end=None) -> pd.DataFrame:
    table = schema.get_table(table_id)
    columns = checksum_columns(table)
    where, params = "", {}
    if start is not None:
        where, params = f"WHERE `{table.partition_column}` BETWEEN @start AND @end", \
            {"start": start, "end": end}
    frame = warehouse.query(
        f"SELECT {', '.join(f'`{c.name}`' for c in columns)} "
        f"FROM `{warehouse.project}.{table.id}` {where}", params)
    if frame.empty:
        return pd.DataFrame(columns=["data_date", "rows", "checksum"])
    texts = [frame[c.name].map(canonicaliser(c.type)) for c in columns]
    lines = [FIELD_SEPARATOR.join(parts) for parts in zip(*texts)]
    days = frame[table.partition_column].map(_date_text)
    out = []
    for day, group in pd.Series(lines).groupby(days.values):
        total = sum(int(hashlib.md5(line.encode()).hexdigest()[:HASH_HEX_DIGITS], 16)
                    for line in group)
        out.append({"data_date": dt.date.fromisoformat(day), "rows": len(group),
                    "checksum": f"{total:016x}"})
    return pd.DataFrame(out)


def canonicaliser(column_type: str):
    base = column_type.upper().replace(" ", "")
    if base.startswith("ARRAY<"):
        element = _scalar(base[len("ARRAY<"):-1])
        return lambda value: "[" + ",".join(
            element(v) for v in _items(value) if not _is_null(v)) + "]"
    scalar = _scalar(base)
    return lambda value: NULL_TEXT if _is_null(value) else scalar(value)


def _scalar(base: str):
    if base == "STRING":
        return str
    if base == "INT64":
        return lambda v: str(int(v))
    if base == "BOOL":
        return lambda v: "true" if bool(v) else "false"
    if base == "DATE":
        return _date_text
    if base == "TIMESTAMP":
        return _micros
    if base == "FLOAT64" or base.startswith("NUMERIC"):
        return _scaled
    raise ValueError(f"no canonical form for {base}")


def _scaled(value) -> str:
    scaled = float(value) * FLOAT_SCALE
    return str(int(math.copysign(math.floor(abs(scaled) + 0.5), scaled)))


def _micros(value) -> str:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return str(stamp.value // 1000)


def _date_text(value) -> str:
    if isinstance(value, (dt.datetime, np.datetime64)):
        return pd.Timestamp(value).date().isoformat()
    return value.isoformat()


def _items(value) -> list:
    if value is None or (not hasattr(value, "__len__") and _is_null(value)):
        return []
    return list(value.tolist() if hasattr(value, "tolist") else value)


def _is_null(value) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
