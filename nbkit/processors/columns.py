"""Check a SQL processor against the schema: every table and column it reads is declared,
and every column it writes is a column of its target (sqlglot's qualify does the resolving).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify

from nbkit.processors.header import DeclarationError
from nbkit.processors.reads import parse_select

if TYPE_CHECKING:
    from nbkit.processors.sqlfile import SqlFileProcessor
    from nbkit.schema import Table


def check(proc: type[SqlFileProcessor], tables: dict[str, Table], where: str) -> None:
    """Raise DeclarationError naming the first undeclared table or column.

    Args:
        proc: the SQL processor.
        tables: the schema registry (built-in and project DDL).
        where: the file, named in the error.
    """
    for table_id in proc.UPSTREAM_TABLES:
        if table_id not in tables:
            raise DeclarationError(f"{where}: reads table {table_id}, which no DDL declares",
                                   f"add CREATE TABLE {table_id} (...) to a pipeline.ddl file, "
                                   "or correct the table name")
    tree = parse_select(proc.sql_text(), where).transform(_drop_project)
    mapping: dict = {}
    for table_id in proc.UPSTREAM_TABLES:
        table = tables[table_id]
        mapping.setdefault(table.dataset, {})[table.name] = {c.name: c.type for c in table.columns}
    try:
        resolved = qualify(tree, schema=mapping, dialect="bigquery",
                           validate_qualify_columns=True, quote_identifiers=False)
    except OptimizeError as err:
        text = str(err).splitlines()[0]
        raise DeclarationError(f"{where}: {text.lower()} (not a column of "
                               f"{', '.join(proc.UPSTREAM_TABLES) or 'the tables it reads'})",
                               "correct the column name, or declare the column in the DDL") \
            from None
    except SqlglotError:
        return  # a construct qualify cannot follow; the warehouse will judge the SQL itself
    target = tables[proc.TARGET_TABLE]
    written = [s for s in resolved.named_selects if s != "*"]
    unknown = [c for c in written if c not in target.column_names]
    if unknown:
        raise DeclarationError(f"{where}: writes column {unknown[0]!r}, which "
                               f"{target.id} does not declare",
                               f"add it to the CREATE TABLE of {target.id}, or drop it from "
                               "the SELECT")


def _drop_project(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Table) and node.args.get("catalog"):
        node.set("catalog", None)
    return node
