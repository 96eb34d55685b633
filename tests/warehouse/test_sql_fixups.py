"""Golden tests: BigQuery SQL in, the BigQuery-correct result out of DuckDB.

Each case covers one fix-up of nbkit.warehouse.sql (docs/bigquery-emulator.md
lists the gaps). ``raw_differs`` marks cases where plain sqlglot output is
wrong or fails, proving the fix-up is needed on the pinned sqlglot.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import sqlglot

from nbkit.errors import SqlError
from nbkit.warehouse.sql import bind, to_duckdb

D = dt.date


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute("""
        CREATE SCHEMA s;
        CREATE TABLE s.t (x INTEGER, y INTEGER, d DATE, arr INTEGER[], g VARCHAR);
        INSERT INTO s.t VALUES
          (1, 3, '2024-01-07', [10, 20], '20240107_LAL_PHI'),
          (NULL, 5, '2024-01-08', [30], 'a_b_c'),
          (3, 1, '2024-01-10', [], 'x');
    """)
    return con


def run(con, sql, params=None):
    catalog = con.execute("SELECT current_database()").fetchone()[0]
    out = None
    for st in to_duckdb(sql, catalog, "nba-props-platform"):
        out = con.execute(st.sql, bind(st, params or {}))
    return out.fetchall()


CASES = [
    # ARRAY_AGG(... IGNORE NULLS ORDER BY ... LIMIT n)[SAFE_OFFSET(0)]: DuckDB rejects LIMIT inside.
    ("array_agg_limit_ignore_nulls",
     "SELECT ARRAY_AGG(x IGNORE NULLS ORDER BY y DESC LIMIT 1)[SAFE_OFFSET(0)] FROM `p.s.t`",
     [(1,)], True),
    ("array_agg_limit_struct_field",
     "SELECT ARRAY_AGG(STRUCT(x AS x, y AS y) ORDER BY y LIMIT 1)[OFFSET(0)].x FROM s.t",
     [(3,)], True),
    ("array_agg_limit_n",
     "SELECT ARRAY_LENGTH(ARRAY_AGG(y ORDER BY y LIMIT 2)) FROM s.t", [(2,)], True),
    # DATE_ADD / DATE_SUB / DATE_TRUNC return DATE in BigQuery, TIMESTAMP in DuckDB.
    ("date_add_is_date",
     "SELECT DATE_ADD(d, INTERVAL 1 DAY) FROM s.t WHERE x = 1", [(D(2024, 1, 8),)], True),
    ("date_sub_is_date",
     "SELECT DATE_SUB(d, INTERVAL 7 DAY) FROM s.t WHERE x = 1", [(D(2023, 12, 31),)], True),
    ("date_trunc_month_is_date",
     "SELECT DATE_TRUNC(d, MONTH) FROM s.t WHERE x = 1", [(D(2024, 1, 1),)], True),
    # WEEK is right on sqlglot 30.30 (Monday-based on 30.11): guard against regressions.
    ("date_trunc_week_sunday",
     "SELECT DATE_TRUNC(d, WEEK) FROM s.t WHERE x = 3", [(D(2024, 1, 7),)], False),
    ("date_trunc_isoweek_monday",
     "SELECT DATE_TRUNC(d, ISOWEEK) FROM s.t WHERE x = 1", [(D(2024, 1, 1),)], True),
    # EXTRACT(DAYOFWEEK): BigQuery Sunday = 1, DuckDB Sunday = 0.
    ("dayofweek_sunday_is_1",
     "SELECT EXTRACT(DAYOFWEEK FROM d) FROM s.t ORDER BY d", [(1,), (2,), (4,)], True),
    # FORMAT('%d-%s'): DuckDB FORMAT uses {} placeholders.
    ("format_printf_style",
     "SELECT FORMAT('%d-%s', x, g) FROM s.t WHERE x = 3", [("3-x",)], True),
    # UNNEST WITH OFFSET is 0-based in BigQuery; DuckDB ORDINALITY is 1-based.
    ("unnest_with_offset_zero_based",
     "SELECT v, o FROM s.t, UNNEST(arr) AS v WITH OFFSET o WHERE x = 1 ORDER BY o",
     [(10, 0), (20, 1)], True),
    # INFORMATION_SCHEMA.TABLES of a dataset.
    ("information_schema_tables",
     "SELECT table_name, table_catalog FROM `nba-props-platform.s.INFORMATION_SCHEMA.TABLES`",
     [("t", "nba-props-platform")], True),
    # ROUND halfway cases: BigQuery scales then rounds half away from zero; DuckDB 2.x
    # rounds the binary value (14.35 is stored as 14.3499...).
    ("round_halfway_like_bigquery", "SELECT ROUND(2583 / 60 / 3, 1) FROM s.t WHERE x = 1",
     [(14.4,)], True),
    # Project-id remapping: any project, or none, names the same local table.
    ("project_remap_prod", "SELECT COUNT(*) FROM `nba-props-platform.s.t`", [(3,)], True),
    ("project_remap_other", "SELECT COUNT(*) FROM `my-dev-project.s.t`", [(3,)], True),
    ("two_part_name", "SELECT COUNT(*) FROM `s.t`", [(3,)], False),
    # Named parameters, scalar and array, bound per statement.
    ("array_param_in_unnest",
     "SELECT COUNT(*) FROM s.t WHERE d IN UNNEST(@dates)", [(2,)], False),
    ("split_offset", "SELECT SPLIT(g, '_')[SAFE_OFFSET(1)] FROM s.t WHERE x = 1", [("LAL",)], False),
    ("safe_divide", "SELECT SAFE_DIVIDE(x, 0) FROM s.t WHERE x = 1", [(None,)], False),
    # ARRAY(SELECT f(e) FROM UNNEST(a) AS e WITH OFFSET o ORDER BY o) is a map (LIST_TRANSFORM);
    # with a WHERE it is not, and stays a subquery.
    ("array_map_keeps_order",
     "SELECT ARRAY(SELECT e * 2 FROM UNNEST(arr) AS e WITH OFFSET AS o ORDER BY o) "
     "FROM s.t ORDER BY y", [([], ), ([20, 40],), ([60],)], False),
    ("array_filter_stays_subquery",
     "SELECT ARRAY(SELECT e FROM UNNEST(arr) AS e WITH OFFSET AS o WHERE e > 10 ORDER BY o) "
     "FROM s.t WHERE x = 1", [([20],)], False),
    # TO_HEX(SHA256(...)): the same lowercase hex digest, without DuckDB's HEX(UNHEX()) round trip
    ("to_hex_sha256",
     "SELECT TO_HEX(SHA256(g)), TO_HEX(SHA256(CAST(g AS BYTES))) FROM s.t WHERE x = 1",
     [("92d17255485b44550e7739a51da2a42aaa63b47057ec7a2d0971f7671ebe0aba",) * 2], False),
]


def test_to_hex_sha256_is_one_call():
    (st,) = to_duckdb("SELECT SUBSTR(TO_HEX(SHA256(CONCAT(a, '|', b))), 1, 16) FROM t", "c", "p")
    assert "HEX" not in st.sql.upper() and "SHA256(" in st.sql.upper()


@pytest.mark.parametrize("name,sql,expected,raw_differs", CASES, ids=[c[0] for c in CASES])
def test_fixup_golden(con, name, sql, expected, raw_differs):
    params = {"dates": [D(2024, 1, 7), D(2024, 1, 10)]}
    assert run(con, sql, params) == expected
    if raw_differs:
        assert _raw_result(con, sql) != expected


def _raw_result(con, sql):
    """What plain sqlglot translation gives (or the error it raises)."""
    try:
        text = sqlglot.transpile(sql, read="bigquery", write="duckdb")[0]
        return con.execute(text).fetchall()
    except Exception as err:  # noqa: BLE001 - any failure proves the raw path is wrong
        return type(err).__name__


def test_merge_insert_row_becomes_insert_star(con):
    run(con, "CREATE TABLE s.m (x INT64, y INT64)")
    run(con, "MERGE `p.s.m` T USING (SELECT 1 AS x, 2 AS y) S ON T.x = S.x "
             "WHEN NOT MATCHED THEN INSERT ROW")
    assert run(con, "SELECT x, y FROM s.m") == [(1, 2)]


def test_multi_statement_binds_params_per_statement(con):
    sql = ("CREATE TEMP TABLE tmp AS SELECT @a AS a; "
           "SELECT a, @b AS b FROM tmp")
    assert run(con, sql, {"a": 1, "b": "x"}) == [(1, "x")]


def test_translation_is_cached():
    to_duckdb.cache_clear()
    sql = "SELECT DATE_ADD(@d, INTERVAL 1 DAY) AS n"
    to_duckdb(sql, "c", "nba-props-platform")
    to_duckdb(sql, "c", "nba-props-platform")
    assert to_duckdb.cache_info().hits == 1


def test_missing_parameter_names_it(con):
    with pytest.raises(SqlError, match=r"@dates.*Fix: pass a value"):
        run(con, "SELECT COUNT(*) FROM s.t WHERE d IN UNNEST(@dates)", {})


def test_unparsable_sql_is_sql_error():
    with pytest.raises(SqlError, match="line 1.*Fix: correct the syntax"):
        to_duckdb("SELEC x FROM", "c", "p")


def test_ddl_storage_options_are_dropped(con):
    run(con, "CREATE TABLE IF NOT EXISTS `nba-props-platform.s.p` (d DATE, n NUMERIC(5,2), "
             "a ARRAY<STRING>, j JSON) PARTITION BY d CLUSTER BY n "
             "OPTIONS(require_partition_filter=TRUE, description='x')")
    assert run(con, "SELECT COUNT(*) FROM s.p") == [(0,)]


def test_array_map_becomes_list_transform():
    sql = "SELECT ARRAY(SELECT e * 2 FROM UNNEST(arr) AS e WITH OFFSET AS o ORDER BY o) FROM s.t"
    assert "LIST_TRANSFORM" in to_duckdb(sql, "c", "p")[0].sql
    reversed_order = sql.replace("ORDER BY o", "ORDER BY o DESC")
    assert "LIST_TRANSFORM" not in to_duckdb(reversed_order, "c", "p")[0].sql


@pytest.mark.parametrize("dates", [[D(2024, 1, 7), D(2024, 1, 10)], [D(2024, 1, 8)], [],
                                   [D(2024, 1, 7), None]])
def test_in_unnest_filter_gets_a_prunable_range_with_the_same_rows(con, dates):
    sql = "SELECT x, y FROM `s.t` WHERE d IN UNNEST(@dates) AND y > 0 ORDER BY y"
    (statement,) = to_duckdb(sql, "memory", "nba-props-platform")
    assert "LIST_MIN($dates)" in statement.sql and "LIST_MAX($dates)" in statement.sql
    wanted = sorted((x, y) for x, y, d in con.execute("SELECT x, y, d FROM s.t").fetchall()
                    if d in dates)
    assert sorted(run(con, sql, {"dates": dates}), key=lambda r: r[1]) == \
        sorted(wanted, key=lambda r: r[1])


def test_in_unnest_outside_a_where_conjunct_is_left_as_it_is():
    for sql in ("SELECT d IN UNNEST(@dates) AS f FROM `s.t`",
                "SELECT x FROM `s.t` WHERE NOT (d IN UNNEST(@dates))",
                "SELECT x FROM `s.t` WHERE d IN UNNEST(@dates) OR y = 1"):
        (statement,) = to_duckdb(sql, "memory", "nba-props-platform")
        assert "LIST_MIN" not in statement.sql, sql
