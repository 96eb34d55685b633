"""The production schema as a registry, read from the BigQuery DDL in ``ddl/``.

The DDL files are the single source of truth: both backends apply them, and
this module parses them (with sqlglot, after rendering their column-group
includes, see ``columns``) to know each table's columns, types and partition
column. No I/O beyond reading the package's own files.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp

from nbkit.errors import SchemaError

DDL_DIR = Path(__file__).parent / "ddl"
DATASETS = ("nba_raw", "nba_static", "nba_analytics", "nba_precompute", "nba_predictions",
            "nba_reference")
_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


@dataclass(frozen=True)
class Column:
    """One column: name and BigQuery type (e.g. ``INT64``, ``ARRAY<STRING>``)."""

    name: str
    type: str
    required: bool = False


@dataclass(frozen=True)
class Table:
    """A table of the production schema.

    Attributes:
        dataset: BigQuery dataset, e.g. ``nba_analytics``.
        name: table name, e.g. ``player_game_summary``.
        columns: columns in DDL order.
        partition_column: the DATE column the table is partitioned by, if any.
        clustering: clustering columns.
        ddl: the CREATE statement in BigQuery SQL.
    """

    dataset: str
    name: str
    columns: tuple[Column, ...]
    partition_column: str | None
    clustering: tuple[str, ...]
    ddl: str

    @property
    def id(self) -> str:
        """``dataset.table``."""
        return f"{self.dataset}.{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise SchemaError(f"Table {self.id} has no column {name!r}",
                          f"use one of: {', '.join(self.column_names[:12])}...")


def tables() -> dict[str, Table]:
    """Every table of the schema (built-in and the project's ``pipeline.ddl``), in DDL order."""
    return dict(_load())


def get_table(table_id: str) -> Table:
    """Look up ``dataset.table`` (or ``project.dataset.table``); raise with a suggestion."""
    parts = [p for p in str(table_id).strip("`").split(".") if p]
    if len(parts) == 3:
        from nbkit.config import _PROJECT_RE

        if not _PROJECT_RE.match(parts[0]):
            raise SchemaError(f"Invalid project in table name {table_id!r}",
                              "use dataset.table or project-id.dataset.table")
    if len(parts) not in (2, 3):
        raise SchemaError(f"Invalid table name {table_id!r}", "use dataset.table")
    key = ".".join(parts[-2:])
    registry = _load()
    if key in registry:
        return registry[key]
    import difflib
    close = difflib.get_close_matches(key, list(registry), n=1)
    hint = f"did you mean {close[0]}?" if close else "run `nbkit sql` on INFORMATION_SCHEMA.TABLES to list tables"
    raise SchemaError(f"Unknown table {table_id!r}", hint)


def check_identifier(name: str, what: str = "identifier") -> str:
    """Return name if it is a plain SQL identifier; raise SchemaError otherwise."""
    if not isinstance(name, str) or not _IDENT_RE.match(name):
        raise SchemaError(f"Invalid {what} {name!r}",
                          "use letters, digits and underscores only, starting with a letter")
    return name


def ddl_statements() -> list[str]:
    """CREATE SCHEMA and CREATE TABLE statements in BigQuery SQL, datasets first."""
    datasets = list(DATASETS) + sorted({t.dataset for t in _load().values()} - set(DATASETS))
    stmts = [f"CREATE SCHEMA IF NOT EXISTS `{d}`" for d in datasets]
    return stmts + [t.ddl for t in _load().values()]


def _load() -> dict[str, Table]:
    from nbkit.schema.user import user_ddl_files

    return _load_files(user_ddl_files())


@functools.lru_cache(maxsize=8)
def _load_files(user_files: tuple[tuple[Path, int], ...]) -> dict[str, Table]:
    """Built-in DDL, then the user's files (path, mtime: an edited file is read again)."""
    registry = dict(_builtin_tables())
    from nbkit.schema.user import parse_user_ddl

    for path, _ in user_files:
        for table in parse_user_ddl(path, registry):
            registry[table.id] = table
    return registry


@functools.lru_cache(maxsize=1)
def _builtin_tables() -> dict[str, Table]:
    """The package's DDL, parsed once per content (cached on disk: parsing takes ~1 s)."""
    from nbkit.schema import cache, columns

    sources = {path: columns.render(path.read_text(), path.name)
               for path in sorted(DDL_DIR.glob("*.sql"))}
    found = cache.read(sources)
    if found is not None:
        return found
    registry: dict[str, Table] = {}
    for path, ddl in sources.items():
        for tree in sqlglot.parse(ddl, read="bigquery"):
            if isinstance(tree, exp.Create) and tree.kind == "TABLE":
                table = _table_from_ddl(tree, path)
                registry[table.id] = table
    cache.write(sources, registry)
    return registry


def _table_from_ddl(tree: exp.Create, path: Path) -> Table:
    schema = tree.this
    target = schema.this
    dataset = target.args.get("db").name if target.args.get("db") else None
    if not dataset:
        raise SchemaError(f"{path.name}: table {target.name} has no dataset",
                          "write CREATE TABLE `dataset.table`")
    columns = tuple(
        Column(c.name, c.args["kind"].sql("bigquery"),
               any(isinstance(k.args.get("kind"), exp.NotNullColumnConstraint)
                   for k in c.args.get("constraints") or []))
        for c in schema.expressions if isinstance(c, exp.ColumnDef))
    partition, clustering = None, ()
    for prop in (tree.args.get("properties") or exp.Properties()).expressions:
        if isinstance(prop, exp.PartitionedByProperty):
            found = [prop.this] if isinstance(prop.this, exp.Identifier) else list(
                prop.this.find_all(exp.Identifier))
            partition = found[0].name if found else None
        elif isinstance(prop, exp.ClusterProperty):
            clustering = tuple(e.name for e in prop.expressions)
    if partition and partition not in {c.name for c in columns}:
        raise SchemaError(f"{path.name}: {dataset}.{target.name} partitions by unknown column "
                          f"{partition}", "fix the PARTITION BY clause")
    return Table(dataset, target.name, columns, partition, clustering, tree.sql("bigquery"))
