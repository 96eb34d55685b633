"""The warehouse interface every backend implements.

Public methods are template methods: they validate input, call a backend
``_hook`` and re-raise backend exceptions as WarehouseError. All SQL passed in
is BigQuery Standard SQL. Every write nbkit makes goes through
``replace_dates`` (or ``write_frame``, which stages a frame and calls it): one
atomic statement that swaps the rows of a set of dates, so no write can leave
a half-replaced date or duplicates behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable, Iterable, TypeVar

from nbkit import schema
from nbkit.errors import NbkitError, WarehouseBusyError, WarehouseError

T = TypeVar("T")
R = TypeVar("R")

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

DATES_PARAM = "nbkit_dates"
# Every write this process makes through any Warehouse: part of data_version(), so a
# result reused across a write of our own is never stale, whatever the file system says.
class _WriteCount:
    def __init__(self) -> None:
        self.value, self._lock = 0, threading.Lock()

    def bump(self) -> None:
        with self._lock:
            self.value += 1


_WRITES = _WriteCount()


@dataclass(frozen=True)
class ReplaceResult:
    """Outcome of one atomic replace: rows removed and rows written."""

    table: str
    dates: tuple[dt.date, ...]
    deleted: int
    inserted: int


class Warehouse(ABC):
    """A BigQuery-SQL-speaking warehouse holding the production schema.

    Attributes:
        backend: ``"duckdb"`` or ``"bigquery"``.
        project: the BigQuery project every table is qualified with (settings.bigquery_project).
        url: how this warehouse was opened.
        target: the project and dataset names table references are rewritten to
            (nbkit/warehouse/qualify.py).
        seasons_per_statement: how many whole seasons a processor computes in one statement
            when the run does not set a chunk size (consecutive seasons packed together).
        concurrent_chunks: whether two statements may replace different dates of one table
            at the same time (then a processor alone in its level uses the idle workers).
    """

    backend: str = ""
    seasons_per_statement: int = 1
    concurrent_chunks: bool = False

    def __init__(self, project: str, url: str, datasets: dict[str, str] | None = None) -> None:
        from nbkit.warehouse.qualify import Target, as_datasets

        if datasets is None:
            from nbkit import settings

            datasets = settings.current().datasets
        self.project = project
        self.url = url
        self.target = Target(project, as_datasets(datasets))
        self._jobs = threading.local()

    @contextlib.contextmanager
    def job_context(self, labels: dict[str, str] | None = None,
                    max_bytes_billed: int | None = None):
        """Labels and a byte budget for every job this thread runs inside the block.

        Yields a dict whose ``bytes_billed``, ``jobs`` and ``job_ids`` the backend
        accumulates (BigQuery reports billed bytes; the embedded warehouse bills nothing).
        """
        previous = getattr(self._jobs, "context", None)
        context = {"labels": _clean_labels(labels or {}), "max_bytes_billed": max_bytes_billed,
                   "bytes_billed": 0, "jobs": 0, "job_ids": []}
        self._jobs.context = context
        try:
            yield context
        finally:
            self._jobs.context = previous

    def _job_settings(self) -> dict | None:
        return getattr(self._jobs, "context", None)

    def map_concurrently(self, fn: Callable[[T], R], items: Iterable[T],
                         workers: int = 2) -> list[R]:
        """``[fn(item) for item in items]``, ``workers`` at a time, in order. Each call runs in
        this thread's job context (labels, byte budget), and its jobs and billed bytes are
        added to that context's counts, as if this thread had run it."""
        items = list(items)
        outer = self._job_settings()
        if outer is None:
            run = fn
        else:
            def run(item):
                with self.job_context(outer["labels"], outer["max_bytes_billed"]) as inner:
                    return fn(item), inner
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(items) or 1))) as pool:
            results = list(pool.map(run, items))
        if outer is None:
            return results
        for _, inner in results:
            outer["bytes_billed"] += inner["bytes_billed"]
            outer["jobs"] += inner["jobs"]
            outer["job_ids"].extend(inner["job_ids"])
        return [value for value, _ in results]

    # ------------------------------------------------------------------ reads
    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        """Run BigQuery SQL and return the last statement's rows as a DataFrame."""
        return self._guard(lambda: self._query(sql, params or {}), sql)

    def execute(self, sql: str, params: dict | None = None) -> int:
        """Run BigQuery SQL (one or more statements); return rows affected by the last."""
        _WRITES.bump()
        return self._guard(lambda: self._execute(sql, params or {}), sql)

    def data_version(self) -> tuple | None:
        """A token that stays equal only while no data in the warehouse changes, whoever
        writes it; None where the backend cannot tell. Equal tokens let a read-only result
        (task states) be reused; a None token means: measure again every time."""
        token = self._data_version()
        return None if token is None else (self.url, self.project, _WRITES.value, token)

    def table_exists(self, table_id: str) -> bool:
        table = schema.get_table(table_id)
        return self._guard(lambda: self._table_exists(table), table=table.id)

    def list_tables(self) -> pd.DataFrame:
        """Columns: dataset, table, partition_column, row_count (existing tables only)."""
        return self._guard(self._list_tables)

    def table_columns(self, table_ids: Iterable[str]) -> dict[str, set[str]]:
        """``dataset.table`` -> its column names, for those of the tables that exist (read
        from the catalogue: information_schema on DuckDB, table metadata on BigQuery)."""
        tables = [schema.get_table(t) for t in table_ids]
        return self._guard(lambda: self._table_columns(tables))

    def partitions(self, table_id: str) -> pd.DataFrame:
        """Columns: partition_date, row_count, one row per date present in the table.

        Rows whose partition value is NULL are not counted. The filter on the partition
        column selects every non-NULL value; it is there because BigQuery refuses any query
        of a ``require_partition_filter`` table that has no such filter.
        """
        table = schema.get_table(table_id)
        if not table.partition_column:
            raise WarehouseError(f"{table.id} is not partitioned by date",
                                 "use list_tables() for its row count", table=table.id)
        column = table.column(table.partition_column)
        part = f"`{column.name}`"
        if column.type.upper() == "DATE":
            day, lowest = part, "DATE '0001-01-01'"
        else:  # TIMESTAMP/DATETIME: BigQuery partitions these by day
            day, lowest = f"DATE({part})", f"{column.type} '0001-01-01 00:00:00'"
        sql = (f"SELECT {day} AS partition_date, COUNT(*) AS row_count "
               f"FROM `{self.project}.{table.id}` WHERE {part} >= {lowest} GROUP BY 1 ORDER BY 1")
        frame = self.query(sql)
        frame["partition_date"] = [pd_date(v) for v in frame["partition_date"]]
        return frame

    # ------------------------------------------------------------------ writes
    def init_schema(self) -> list[str]:
        """Create every dataset and table of the production schema; idempotent.

        Returns the ids of tables that did not exist before.
        """
        before = set(self.list_tables()["table_id"]) if self._has_any_dataset() else set()
        for statement in schema.ddl_statements():
            self.execute(statement)
        return [t for t in schema.tables() if t not in before]

    def replace_dates(self, table_id: str, dates: Iterable[dt.date], select_sql: str,
                      params: dict | None = None) -> ReplaceResult:
        """Atomically replace the rows of ``dates`` in a table with the rows of a SELECT.

        Rows of the SELECT whose date is outside ``dates`` are never written. Columns
        are matched by name; table columns the SELECT lacks are left NULL.

        Args:
            table_id: ``dataset.table`` of the schema.
            dates: the partition dates to replace (inclusive set).
            select_sql: a BigQuery SELECT producing rows of the table.
            params: named parameters of the SELECT.
        """
        table = schema.get_table(table_id)
        dates = _as_dates(dates)
        if not table.partition_column:
            raise WarehouseError(f"{table.id} has no date partition to replace",
                                 "replace_dates works on date-partitioned tables only",
                                 table=table.id)
        if not dates:
            return ReplaceResult(table.id, (), 0, 0)
        params = dict(params or {})
        if DATES_PARAM in params:
            raise WarehouseError(f"Parameter name @{DATES_PARAM} is reserved",
                                 "rename that query parameter", table=table.id)
        params[DATES_PARAM] = list(dates)
        columns = _named_columns(select_sql, table) or self._select_columns(select_sql, params,
                                                                            table)
        merge = merge_statement(self.project, table, columns, select_sql)
        _WRITES.bump()
        result = self._guard(lambda: self._replace(table, columns, select_sql, merge, params),
                             merge, table.id)
        log.info("replaced %s dates of %s: -%s +%s rows", len(dates), table.id,
                 result[0], result[1])
        return ReplaceResult(table.id, tuple(dates), *result)

    def write_frame(self, table_id: str, frame: pd.DataFrame,
                    dates: Iterable[dt.date] | None = None,
                    keep: str | tuple[str, ...] | None = None) -> ReplaceResult:
        """Atomically replace the given dates (default: those in the frame) with its rows.

        Args:
            table_id: ``dataset.table``.
            frame: rows; columns matched by name, missing table columns become NULL.
            dates: dates to replace; default the dates present in the frame.
            keep: None replaces the dates; ``"all"`` keeps their existing rows (append);
                a tuple of key columns keeps existing rows whose key the frame lacks (upsert).
        """
        table = _frame_table(table_id, frame)
        if dates is None:
            dates = frame[table.partition_column].dropna().unique() if len(frame) else []
        dates = _as_dates(dates)
        if not dates:
            return ReplaceResult(table.id, (), 0, 0)

        def write() -> ReplaceResult:
            with self._staged(table, frame) as relation:
                if isinstance(keep, tuple):
                    rows = _frame_select(self.project, table, list(frame.columns), relation,
                                         None)
                    upserted = self._upsert(table, rows, keep, {DATES_PARAM: list(dates)})
                    if upserted is not None:
                        _WRITES.bump()
                        return ReplaceResult(table.id, tuple(dates), *upserted)
                select = _frame_select(self.project, table, list(frame.columns), relation, keep)
                return self.replace_dates(table.id, dates, select)
        return self._guard(write, table=table.id)

    def replace_table(self, table_id: str, frame: pd.DataFrame) -> ReplaceResult:
        """Atomically replace every row of a table (partitioned or not) with the frame's rows.

        One MERGE: the frame staged as ``write_frame`` does, existing rows deleted and the
        frame's inserted in the same statement, so a reader sees the old table or the new one.
        """
        table = _frame_table(table_id, frame)
        columns = [c for c in table.column_names if c in frame.columns]
        casts = ", ".join(f"CAST(`{c}` AS {table.column(c).type}) AS `{c}`" for c in columns)
        names = ", ".join(f"`{c}`" for c in columns)
        values = ", ".join(f"S.`{c}`" for c in columns)

        def write() -> ReplaceResult:
            with self._staged(table, frame) as relation:
                affected = self.execute(f"MERGE `{self.project}.{table.id}` T\n"
                                        f"USING (SELECT {casts} FROM {relation}) S\n"
                                        f"ON FALSE\n"
                                        f"WHEN NOT MATCHED BY SOURCE THEN DELETE\n"
                                        f"WHEN NOT MATCHED THEN INSERT ({names}) "
                                        f"VALUES ({values})")
            return ReplaceResult(table.id, (), max(affected - len(frame), 0), len(frame))
        return self._guard(write, table=table.id)

    def close(self) -> None:
        self._close()

    def _data_version(self) -> tuple | None:
        return None

    def _upsert(self, table: schema.Table, select_sql: str, keys: tuple[str, ...],
                params: dict) -> tuple[int, int] | None:
        """Atomically delete the rows of ``@nbkit_dates`` whose ``keys`` the SELECT's rows
        have, and insert those rows: (deleted, inserted). None: the backend has no cheaper
        way than replacing the dates whole (the caller then does)."""
        return None

    def dry_run_bytes(self, sql: str, params: dict) -> int | None:
        """Bytes the statement would scan, from a dry run that runs nothing; None where the
        backend cannot tell (the embedded warehouse).

        Raises:
            StatementRefusedError: the engine refuses the statement itself.
        """
        return None

    def is_transient(self, error: BaseException) -> bool:
        """True if running the same statement again may succeed (the retry policy's test).

        Decided by exception type and the backend's reason codes, never by message text;
        the chain of causes is followed (a WarehouseError wraps the backend's exception).
        Connection resets and timeouts are transient everywhere; each backend adds its own.
        """
        seen: set[int] = set()
        err: BaseException | None = error
        while err is not None and id(err) not in seen:
            seen.add(id(err))
            if isinstance(err, WarehouseBusyError):
                return True
            verdict = self._is_transient(err)
            if verdict is not None:
                return verdict
            if isinstance(err, (ConnectionError, TimeoutError)):
                return True
            err = err.__cause__ or err.__context__
        return False

    def interrupt(self) -> None:
        """Stop the statements running now (cancel); each is atomic, so nothing is half-written."""
        self._interrupt()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ hooks
    @abstractmethod
    def _query(self, sql: str, params: dict) -> pd.DataFrame: ...

    @abstractmethod
    def _execute(self, sql: str, params: dict) -> int: ...

    @abstractmethod
    def _replace(self, table: schema.Table, columns: list[str], select_sql: str, merge_sql: str,
                 params: dict) -> tuple[int, int]:
        """Swap the rows of @nbkit_dates atomically; return (deleted, inserted)."""

    @abstractmethod
    def _staged(self, table: schema.Table, frame: pd.DataFrame):
        """Context manager: make the frame queryable; yield the relation name to SELECT from."""

    @abstractmethod
    def _table_exists(self, table: schema.Table) -> bool: ...

    @abstractmethod
    def _list_tables(self) -> pd.DataFrame: ...

    @abstractmethod
    def _has_any_dataset(self) -> bool: ...

    def _table_columns(self, tables: list[schema.Table]) -> dict[str, set[str]]:
        raise NotImplementedError(f"{type(self).__name__} cannot list table columns")

    @abstractmethod
    def _select_columns(self, select_sql: str, params: dict, table: schema.Table) -> list[str]: ...

    @abstractmethod
    def _translate_error(self, err: Exception) -> tuple[str, str] | None:
        """(problem, fix) for a backend exception, or None if it is not a backend error."""

    def _close(self) -> None:
        return None

    def _is_transient(self, err: BaseException) -> bool | None:
        """True/False for an exception this backend knows; None to look further."""
        return None

    def _interrupt(self) -> None:
        return None

    def _guard(self, fn, statement: str | None = None, table: str | None = None):
        try:
            return fn()
        except NbkitError:
            raise
        except Exception as err:  # noqa: BLE001 - re-raised as WarehouseError below
            translated = self._translate_error(err)
            if translated is None:
                raise
            problem, fix = translated
            raise WarehouseError(problem, fix, table=table or _first_table(statement),
                                 statement=statement) from err


def _frame_table(table_id: str, frame: pd.DataFrame) -> schema.Table:
    """The schema table a frame is written to; refuse columns the table does not have."""
    table = schema.get_table(table_id)
    unknown = [c for c in frame.columns if c not in table.column_names]
    if unknown:
        raise WarehouseError(f"Columns {unknown[:5]} are not in {table.id}",
                             "rename or drop them to match the schema", table=table.id)
    return table


def merge_statement(project: str, table: schema.Table, columns: list[str], select_sql: str) -> str:
    """The single atomic MERGE that swaps the rows of @nbkit_dates (BigQuery SQL)."""
    part = table.partition_column
    cols = ", ".join(f"`{c}`" for c in columns)
    values = ", ".join(f"S.`{c}`" for c in columns)
    return (
        f"MERGE `{project}.{table.id}` T\n"
        f"USING (SELECT * FROM ({select_sql}) WHERE `{part}` IN UNNEST(@{DATES_PARAM})) S\n"
        f"ON FALSE\n"
        f"WHEN NOT MATCHED BY SOURCE AND T.`{part}` IN UNNEST(@{DATES_PARAM}) THEN DELETE\n"
        f"WHEN NOT MATCHED THEN INSERT ({cols}) VALUES ({values})")


def _frame_select(project: str, table: schema.Table, frame_columns: list[str], relation: str,
                  keep: str | tuple[str, ...] | None) -> str:
    """SELECT of every table column from the staged frame, plus kept existing rows."""
    staged = ", ".join(
        f"CAST(`{c.name}` AS {c.type}) AS `{c.name}`" if c.name in frame_columns
        else f"CAST(NULL AS {c.type}) AS `{c.name}`" for c in table.columns)
    select = f"SELECT {staged} FROM {relation}"
    if keep is None:
        return select
    existing = (f"SELECT * FROM `{project}.{table.id}` AS E "
                f"WHERE E.`{table.partition_column}` IN UNNEST(@{DATES_PARAM})")
    if keep != "all":
        keys = " AND ".join(f"N.`{k}` = E.`{k}`" for k in keep)
        existing += f" AND NOT EXISTS (SELECT 1 FROM {relation} AS N WHERE {keys})"
    return f"{select}\nUNION ALL\n{existing}"


def _named_columns(select_sql: str, table: schema.Table) -> list[str] | None:
    """Output column names of a SELECT read from its text (no query job), or None for *."""
    names = _select_names(select_sql)
    return None if names is None else checked_columns(list(names), table)


@functools.lru_cache(maxsize=256)
def _select_names(select_sql: str) -> tuple[str, ...] | None:
    """The SELECT's output names, parsed once per text (every chunk of a processor and every
    ledger write reuse the same text), or None when they cannot be read without a probe."""
    from sqlglot import exp

    from nbkit.warehouse.sql import parsed_once

    try:
        trees = parsed_once(select_sql)  # processors' SQL: parsed when the catalogue loaded
    except Exception:  # noqa: BLE001 - the backend probe reports the real error
        return None
    tree = trees[0] if len(trees) == 1 else None
    if not isinstance(tree, exp.Query) or any(
            isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))
            for e in tree.selects):
        return None
    names = tuple(tree.named_selects)
    if not names or any(not n for n in names):
        return None
    return names


def _clean_labels(labels: dict) -> dict[str, str]:
    """BigQuery label rules: lowercase letters, digits, _ and -, at most 63 characters."""
    import re

    def clean(text) -> str:
        return re.sub(r"[^a-z0-9_-]", "_", str(text).lower())[:63]

    return {clean(k): clean(v) for k, v in labels.items() if k}


def pd_date(value) -> dt.date:
    """A date from whatever a backend returns for a DATE (date, Timestamp, numpy datetime64)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    import pandas as pd

    return pd.Timestamp(value).date()


def _as_dates(values: Iterable) -> list[dt.date]:
    out = set()
    for value in values:
        if isinstance(value, dt.datetime):
            value = value.date()
        elif not isinstance(value, dt.date):
            value = dt.date.fromisoformat(str(value)[:10])
        out.add(value)
    return sorted(out)


def _first_table(statement: str | None) -> str | None:
    """``dataset.table`` of the first qualified table a statement names, if any."""
    if not statement:
        return None
    import sqlglot
    from sqlglot import exp

    try:
        trees = sqlglot.parse(statement, read="bigquery")
    except Exception:  # noqa: BLE001 - best effort, only for the error message
        return None
    for tree in trees:
        for table in (tree.find_all(exp.Table) if tree else []):
            if table.args.get("db") is not None:
                return f"{table.args['db'].name}.{table.name}"
    return None


def checked_columns(names: list[str], table: schema.Table) -> list[str]:
    """The SELECT's column names, refused if any is not the table's or the partition is missing."""
    unknown = [n for n in names if n not in table.column_names]
    if unknown:
        raise WarehouseError(f"The SELECT produces columns not in {table.id}: {unknown[:5]}",
                             "rename them to the table's columns or drop them", table=table.id)
    if table.partition_column not in names:
        raise WarehouseError(f"The SELECT has no {table.partition_column} column",
                             f"select the partition column {table.partition_column}",
                             table=table.id)
    return names
