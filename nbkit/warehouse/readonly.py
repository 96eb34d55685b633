"""`nbkit sql` is read-only on every backend: only SELECT / WITH queries reach a warehouse.

Three locks, each enough alone on its backend:

1. the text: every statement must start with SELECT, WITH or ``(`` and parse (sqlglot,
   BigQuery dialect) into a query without ``SELECT ... INTO`` and without the DuckDB table
   functions that read files or run SQL strings;
2. BigQuery: a dry run of each statement must report statement type SELECT (checked when
   the endpoint reports one; the bqemulator does not);
3. DuckDB: the file is opened read-only and the connection loses file-system access
   (``enable_external_access = false``, then ``lock_configuration``): no COPY ... TO,
   ATTACH, INSTALL, LOAD or EXPORT can touch a file even if the text check missed one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nbkit.errors import SqlError

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

FIX = "nbkit sql is read-only: run a SELECT or WITH query; writes go through `nbkit backfill`"
_FIRST_WORDS = ("SELECT", "WITH", "(")
# DuckDB table functions that read files, scan other databases or run a SQL string.
_FILE_FUNCTIONS = frozenset("""
    read_csv read_csv_auto read_parquet parquet_scan parquet_metadata parquet_schema
    parquet_file_metadata parquet_kv_metadata read_json read_json_auto read_json_objects
    read_json_objects_auto read_ndjson read_ndjson_auto read_ndjson_objects read_text read_blob
    glob sniff_csv query query_table iceberg_scan iceberg_metadata delta_scan read_xlsx st_read
    sqlite_scan sqlite_attach postgres_scan postgres_attach mysql_scan checkpoint
    force_checkpoint""".split())


class ReadOnlyError(SqlError):
    """Raised by check_read_only when `nbkit sql` is given anything but a query."""


def check_read_only(sql: str) -> None:
    """Refuse any statement that is not a plain query; raise ReadOnlyError naming it.

    Example:
        >>> check_read_only("WITH a AS (SELECT 1 AS x) SELECT x FROM a")
        >>> check_read_only("DROP TABLE nba_raw.t")
        Traceback (most recent call last):
        ...
        nbkit.warehouse.readonly.ReadOnlyError: DROP statements are refused. Fix: nbkit sql is read-only: run a SELECT or WITH query; writes go through `nbkit backfill`
    """
    from sqlglot import exp

    from nbkit.warehouse.sql import parse_bigquery

    for word in _first_words(sql):
        if word not in _FIRST_WORDS:
            raise ReadOnlyError(f"{word[:30]} statements are refused", FIX)
    for tree in parse_bigquery(sql):
        if tree is None:
            continue
        if not isinstance(tree, exp.Query) or tree.find(exp.Into):
            raise ReadOnlyError(f"{tree.key.upper()} statements are refused", FIX)
        for node in tree.find_all(exp.Func):
            name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
            if name in _FILE_FUNCTIONS:
                raise ReadOnlyError(f"Function {name}() reads files or runs SQL", FIX)


def lock_down(warehouse: Warehouse, sql: str) -> None:
    """The backend's own lock for one `nbkit sql` query (after check_read_only)."""
    if warehouse.backend == "duckdb":
        warehouse.forbid_external_access()
    elif warehouse.backend == "bigquery":
        for kind in warehouse.dry_run_statement_types(sql):
            if kind not in (None, "SELECT"):
                raise ReadOnlyError(f"BigQuery's dry run reports a {kind} statement", FIX)


def _first_words(sql: str) -> list[str]:
    """The first token of each statement (upper case), as sqlglot's tokenizer splits them."""
    import sqlglot
    from sqlglot.tokens import TokenType

    from nbkit.warehouse.sql import parse_bigquery

    try:
        tokens = sqlglot.tokenize(sql, read="bigquery")
    except Exception:  # noqa: BLE001 - unparsable text: parse_bigquery names the error
        parse_bigquery(sql)
        raise
    words, expecting = [], True
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            expecting = True
        elif expecting:
            words.append("(" if token.token_type == TokenType.L_PAREN else token.text.upper())
            expecting = False
    return words
