"""Golden cases: every BigQuery aggregate modifier combination of STRING_AGG and ARRAY_AGG.

DISTINCT, IGNORE NULLS (ARRAY_AGG only: BigQuery refuses it in STRING_AGG), ORDER BY and
LIMIT n, each combination run through the warehouse on every configured backend, the
expected value being what BigQuery returns. Combinations without ORDER BY are only
compared where the result does not depend on the (unspecified) order.
"""

from __future__ import annotations

import itertools

import pytest

from nbkit.errors import SqlError

VALUES = "FROM UNNEST(['b', 'a', NULL, 'c', 'a', 'd']) AS x"


def _string_agg(distinct: bool, order: bool, limit: bool) -> tuple[str, str | None]:
    seen = ["b", "a", "c", "a", "d"]
    if distinct:
        seen = list(dict.fromkeys(seen))
    if order:
        seen = sorted(seen)
    if limit:
        seen = seen[:2]
    body = ("DISTINCT " if distinct else "") + "x, '|'" + (" ORDER BY x" if order else "") + \
        (" LIMIT 2" if limit else "")
    return f"SELECT STRING_AGG({body}) AS v {VALUES}", seen, _mode(order, limit)


def _array_agg(distinct: bool, ignore: bool, order: bool, limit: bool):
    values = ["b", "a", None, "c", "a", "d"]
    if ignore:
        values = [v for v in values if v is not None]
    if distinct:
        values = list(dict.fromkeys(values))
    if order:
        values = sorted(values, key=lambda v: (v is not None, v or ""))  # NULLS FIRST
    if limit:
        values = values[:2]
    body = ("DISTINCT " if distinct else "") + "x" + (" IGNORE NULLS" if ignore else "") + \
        (" ORDER BY x" if order else "") + (" LIMIT 2" if limit else "")
    return f"SELECT ARRAY_AGG({body}) AS v {VALUES}", values, _mode(order, limit)


def _mode(order: bool, limit: bool) -> str:
    """exact (ordered), multiset (order unspecified) or count (which n values: unspecified)."""
    return "exact" if order else "count" if limit else "multiset"


STRING_CASES = [_string_agg(*flags) for flags in itertools.product([False, True], repeat=3)]
ARRAY_CASES = [_array_agg(*flags) for flags in itertools.product([False, True], repeat=4)]
# The example, and a group with no non-NULL value.
STRING_CASES += [
    ("SELECT STRING_AGG(DISTINCT x ORDER BY x LIMIT 5) AS v "
     "FROM UNNEST(['e', 'b', 'a', 'f', 'c', 'a', 'd']) AS x", ["a", "b", "c", "d", "e"],
     "exact"),
    ("SELECT STRING_AGG(x ORDER BY x LIMIT 2) AS v FROM UNNEST([CAST(NULL AS STRING)]) AS x",
     None, "exact"),
]


def _check(values, expected, mode) -> None:
    if mode == "exact":
        assert values == expected
    elif mode == "multiset":
        assert sorted(values, key=str) == sorted(expected, key=str)
    else:
        assert len(values) == len(expected)


def _on_emulator(warehouse, sql: str) -> None:
    """Forms bqemulator 1.4.0 (its sqlglot 30.11) gets wrong, measured on 2026-12-04.

    ARRAY_AGG: with LIMIT or DISTINCT + IGNORE NULLS it mistranslates (invalid DuckDB SQL or
    too few values); without IGNORE NULLS it returns NULL elements BigQuery would refuse.
    STRING_AGG ... LIMIT n over NULLs: it counts a NULL among the n.
    """
    if warehouse.backend != "bigquery":
        return
    if "ARRAY_AGG" in sql and ("IGNORE NULLS" not in sql or "LIMIT" in sql
                               or "DISTINCT x IGNORE" in sql):
        pytest.xfail("bqemulator cannot run this ARRAY_AGG form (see _on_emulator)")
    if "STRING_AGG" in sql and "LIMIT 2" in sql and "NULL" in sql:
        pytest.xfail("bqemulator counts NULL inside STRING_AGG's LIMIT (see _on_emulator)")


@pytest.mark.parametrize("sql,expected,mode", STRING_CASES,
                         ids=[c[0][7:60] for c in STRING_CASES])
def test_string_agg_modifiers(warehouse, sql, expected, mode):
    _on_emulator(warehouse, sql)
    value = warehouse.query(sql)["v"].iloc[0]
    if expected is None:
        assert value is None or value != value  # NULL (None or NaN)
    else:
        sep = "," if "'|'" not in sql else "|"
        _check(str(value).split(sep), expected, mode)


@pytest.mark.parametrize("sql,expected,mode", ARRAY_CASES, ids=[c[0][7:60] for c in ARRAY_CASES])
def test_array_agg_modifiers(warehouse, sql, expected, mode):
    _on_emulator(warehouse, sql)
    value = [None if v is None or v != v else v for v in warehouse.query(sql)["v"].iloc[0]]
    _check(value, expected, mode)


def test_string_agg_ignore_nulls_is_refused_with_the_fix(warehouse):
    with pytest.raises(SqlError, match="drop IGNORE NULLS"):
        warehouse.query(f"SELECT STRING_AGG(x IGNORE NULLS ORDER BY x LIMIT 2) AS v {VALUES}")
