"""BigQuery SQL parsed once per text: a pure cache shared by the catalogue and the backends.

The catalogue parses each SQL-file processor when it loads; the warehouse reads the same
SELECT's column names at write time. Both take the trees from here, so one text is parsed
once per process. Pure: no warehouse, no I/O.
"""

from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp


@functools.lru_cache(maxsize=256)
def parsed_once(sql: str) -> tuple[exp.Expression, ...]:
    """The BigQuery statements of ``sql``, parsed once per text and shared: read them,
    never modify them (copy first). Raises sqlglot's ParseError as ``sqlglot.parse``."""
    return tuple(t for t in sqlglot.parse(sql, read="bigquery") if t is not None)
