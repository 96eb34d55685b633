"""SQL processors declared in one ``.sql`` file: a header (``nbkit.processors.header``) and
a BigQuery SELECT over ``@dates``.

The tables the SELECT reads are found with sqlglot; which processor writes each of them
makes the upstream processors. Anything declared by hand (``upstream``,
``upstream_tables``) must agree with what the SQL reads.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import ClassVar

from nbkit.processors import fragments
from nbkit.processors.base import Processor
from nbkit.processors.header import DeclarationError, Header, as_bool, as_int, parse, split_list
from nbkit.processors.reads import tables_read


class SqlFileProcessor(Processor):
    """A processor whose declaration and SQL live in one file outside the package.

    Attributes:
        SQL_PATH: the ``.sql`` file (header and SELECT).
        DECLARED_UPSTREAM: ``upstream`` as written in the header (checked, not trusted).
    """

    SQL_PATH: ClassVar[Path]
    DECLARED_UPSTREAM: ClassVar[tuple[str, ...]] = ()
    _SQL: ClassVar[str] = ""

    @classmethod
    def sql_text(cls) -> str:
        return cls._SQL

    @classmethod
    def code_version(cls) -> str:
        digest = hashlib.sha256(super().code_version().encode())
        digest.update(str(cls.UPSTREAM_PROCESSORS).encode())
        return digest.hexdigest()[:12]

    @classmethod
    def describe(cls) -> str:
        return cls.__doc__ or cls.NAME


def load(path: Path, header: Header | None = None) -> type[SqlFileProcessor]:
    """The processor declared by one ``.sql`` file (upstream processors filled in later by
    the catalogue, which knows every processor's target table).

    Raises:
        DeclarationError: a bad header value, SQL that does not parse, an expected-rows
            file that does not exist, or declared upstream tables the SQL does not read.
    """
    header = header or parse(path)
    values = header.values
    sql = fragments.render(header.sql, str(path))
    read = tables_read(sql, path)
    declared_tables = {_short(t) for t in split_list(values.get("upstream_tables"))}
    if declared_tables and declared_tables != set(read):
        raise DeclarationError(
            f"{path}: upstream_tables declares {', '.join(sorted(declared_tables))} but the SQL "
            f"reads {', '.join(read) or 'no table'}",
            "correct upstream_tables, or drop it (it is inferred from the SELECT)")
    name = values["name"]
    attrs = {
        "NAME": name,
        "RUN_HISTORY_NAME": values.get("run_history_name")
        or "".join(p.title() for p in name.split("_")) + "Processor",
        "PHASE": as_int(header, "stage", 5, 1, 99),
        "TARGET_TABLE": _short(values["target"]),
        "DATE_COLUMN": values.get("date_column") or "game_date",
        "KEY_COLUMNS": split_list(values["keys"]),
        "UPSTREAM_TABLES": read,
        "LOOKBACK_DAYS": as_int(header, "lookback_days", 0, 0, 3660),
        "SKIPS_BOOTSTRAP": as_bool(header, "skips_bootstrap", False),
        "EXPECTED_ROWS_SQL": _expected(values.get("expected_rows"), path),
        "SQL_PATH": path,
        "DECLARED_UPSTREAM": split_list(values.get("upstream")),
        "_SQL": sql,
        "__doc__": values.get("description") or f"SQL processor {name} ({path.name})",
        "__module__": __name__,
    }
    return type(_class_name(name), (SqlFileProcessor,), attrs)


def _expected(value: str | None, path: Path) -> str | None:
    if not value:
        return None
    if value.lower().endswith(".sql"):
        file = (path.parent / value).resolve()
        if not file.is_file():
            raise DeclarationError(f"{path}: expected_rows file {file} does not exist",
                                   "create it, or correct expected_rows")
        return fragments.render(file.read_text(), str(file))
    return value


def _short(table: str) -> str:
    parts = [p for p in table.strip().strip("`").split(".") if p]
    return ".".join(parts[-2:])


def _class_name(name: str) -> str:
    return "".join(p.title() for p in name.split("_")) or "SqlProcessor"
