"""The project's own tables: CREATE TABLE files from ``pipeline.ddl`` folders.

They are BigQuery DDL, as the team keeps its schemas (PARTITION BY, CLUSTER BY,
OPTIONS(require_partition_filter=TRUE), NOT NULL), parsed with sqlglot into the same
schema registry as the built-in tables, so ``nbkit init`` creates them on every backend.
They may include the built-in column groups (``nbkit.schema.columns``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from nbkit.errors import SchemaError

if TYPE_CHECKING:
    from nbkit.schema import Table


def user_ddl_files() -> tuple[tuple[Path, int], ...]:
    """(file, mtime) of every ``.sql`` file of the current settings' ``pipeline.ddl``."""
    from nbkit import settings

    pipeline = settings.current().pipeline
    return tuple((p, p.stat().st_mtime_ns) for p in sql_files(pipeline.ddl, "pipeline.ddl"))


def sql_files(entries, key: str) -> list[Path]:
    """The ``.sql`` files of folders or files named in a project-file key, sorted.

    Raises:
        SchemaError: an entry does not exist.
    """
    out: list[Path] = []
    for entry in entries:
        path = Path(entry)
        if path.is_dir():
            out.extend(sorted(path.rglob("*.sql")))
        elif path.is_file():
            out.append(path)
        else:
            raise SchemaError(f"{key}: {path} does not exist",
                              f"create it or correct {key} in the project file")
    return out


def parse_user_ddl(path: Path, known: dict[str, Table]) -> list[Table]:
    """The tables one user DDL file declares.

    Raises:
        SchemaError: the file does not parse, includes a column group wrongly, holds
            something other than CREATE TABLE, redeclares a built-in table, or a table has
            no dataset.
    """
    from nbkit.schema import _table_from_ddl
    from nbkit.schema.columns import render

    ddl = render(path.read_text(), str(path))
    try:
        trees = [t for t in sqlglot.parse(ddl, read="bigquery") if t is not None]
    except ParseError as err:
        first = str(err).splitlines()[0]
        raise SchemaError(f"{path}: not valid BigQuery DDL: {first}",
                          "fix the CREATE TABLE statement (BigQuery syntax)") from None
    tables = []
    for tree in trees:
        if not (isinstance(tree, exp.Create) and tree.kind == "TABLE"):
            raise SchemaError(f"{path}: holds a {tree.key.upper()} statement",
                              "a DDL file holds CREATE TABLE statements only")
        table = _table_from_ddl(tree, path)
        if table.id in known:
            raise SchemaError(f"{path}: table {table.id} is already declared",
                              "give the table another name, or drop this duplicate DDL")
        tables.append(table)
    if not tables:
        raise SchemaError(f"{path}: no CREATE TABLE statement",
                          "add one, or remove the file from pipeline.ddl")
    return tables


def ensure_tables(warehouse) -> list[str]:
    """Create the project's own tables that the warehouse lacks (not the built-in ones:
    ``nbkit init`` creates those); nothing on a read-only warehouse. Returns the ids created.
    """
    from nbkit import schema

    builtin = schema._builtin_tables()
    mine = [t for t in schema.tables().values() if t.id not in builtin]
    if not mine or getattr(warehouse, "read_only", False):
        return []
    created = []
    for table in mine:
        if warehouse.table_exists(table.id):
            continue
        warehouse.execute(f"CREATE SCHEMA IF NOT EXISTS `{warehouse.project}.{table.dataset}`")
        warehouse.execute(table.ddl)
        created.append(table.id)
    return created
