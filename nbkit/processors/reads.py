"""What a processor's SELECT reads: the one statement, parsed once per text, and the tables
it names. Shared by SQL-file processors (their header is checked against it) and the
built-ins (whose ``UPSTREAM_TABLES`` it is).
"""

from __future__ import annotations

from pathlib import Path

from sqlglot import exp
from sqlglot.errors import ParseError

from nbkit.processors.header import DeclarationError


def tables_read(sql: str, path: Path | str) -> tuple[str, ...]:
    """``dataset.table`` of every table a SELECT reads (CTEs excluded), sorted.

    Raises:
        DeclarationError: the SQL does not parse as BigQuery.
    """
    tree = parse_select(sql, path)
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    found = set()
    for table in tree.find_all(exp.Table):
        if not table.name or (not table.db and table.name in ctes):
            continue
        if not table.db:
            raise DeclarationError(f"{path}: table {table.name!r} has no dataset",
                                   "write dataset.table, e.g. nba_analytics.player_game_summary")
        found.add(f"{table.db}.{table.name}")
    return tuple(sorted(found))


def parse_select(sql: str, path: Path | str) -> exp.Expression:
    """The one SELECT of ``sql`` (parsed once per text: do not modify the tree, copy it).

    Raises:
        DeclarationError: the SQL does not parse, or is not one SELECT.
    """
    try:
        trees = _parsed(sql)
    except ParseError as err:
        first = str(err).splitlines()[0]
        raise DeclarationError(f"{path}: the SQL does not parse as BigQuery: {first}",
                               "fix the SELECT (run it with `nbkit sql` to see the error)") \
            from None
    if len(trees) != 1 or not isinstance(trees[0], exp.Query):
        raise DeclarationError(f"{path}: the SQL after the header must be one SELECT",
                               "keep a single SELECT (or WITH ... SELECT) statement")
    return trees[0]


def _parsed(sql: str) -> list[exp.Expression]:
    # Shared with the warehouse, which reads the SELECT's column names from the same parse.
    from nbkit.sql_parse import parsed_once

    return list(parsed_once(sql))
