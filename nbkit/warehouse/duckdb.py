"""The embedded DuckDB warehouse: the default backend and the reference for tests."""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import time
import uuid
from pathlib import Path

import duckdb
import pandas as pd
from sqlglot import exp

from nbkit import schema
from nbkit.errors import WarehouseBusyError, WarehouseError
from nbkit.warehouse.base import Warehouse, checked_columns
from nbkit.warehouse.sql import bind, parsed_once, to_duckdb

_LOCK_RE = re.compile(r"(Could not set lock|Conflicting lock)", re.I)
_PID_RE = re.compile(r"PID (\d+)")
_READER_RE = re.compile(r"open this database in read-only mode", re.I)
_FRAME_STAGE = "_nbkit_frame_stage"


class DuckDBWarehouse(Warehouse):
    """A DuckDB file (or ``:memory:``) holding every dataset as a schema.

    Every BigQuery project id in SQL maps onto this file's catalog, so
    `<production project>.nba_raw.t`, `my-dev-project.nba_raw.t` and `nba_raw.t`
    all name the same table (its schema named as settings.datasets maps nba_raw).
    """

    backend = "duckdb"
    # A statement of a few seasons writes its rows straight into the file (row groups of
    # 122,880) where a season's rows go through the WAL and a checkpoint: the 4-season
    # backfill takes 9 s instead of 13, for ~350 MiB more peak memory. Four seasons keep
    # that peak bounded however many seasons a run covers.
    seasons_per_statement = 4
    # Transactions deleting different rows and appending to one table do not conflict.
    concurrent_chunks = True

    def __init__(self, path: str, project: str, read_only: bool = False,
                 wait_seconds: float = 0.0, datasets: dict[str, str] | None = None) -> None:
        super().__init__(project, path, datasets)
        self.path = path
        self.read_only = read_only
        self._root = _connect(path, read_only, wait_seconds)
        self._local = threading.local()
        self._connections: list[duckdb.DuckDBPyConnection] = []
        self.catalog = self._root.execute("SELECT current_database()").fetchall()[0][0]

    @property
    def _con(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection: DuckDB connections are not shared across threads."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._root if threading.current_thread() is threading.main_thread() \
                else self._root.cursor()
            self._local.con = con
            self._connections.append(con)  # for interrupt()
        return con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new DuckDB cursor on this warehouse's database, for DuckDB SQL run as written
        (no translation, no ledger): benchmarks and tests. Close it when done."""
        return self._root.cursor()

    def forbid_external_access(self) -> None:
        """No file-system access for the rest of this connection (`nbkit sql`): COPY TO,
        ATTACH, INSTALL, LOAD, EXPORT and file-reading functions fail; cannot be undone."""
        self._root.execute("SET enable_external_access = false")
        self._root.execute("SET lock_configuration = true")

    # ------------------------------------------------------------------ hooks
    def _run(self, sql: str, params: dict):
        cursor = None
        for statement in to_duckdb(sql, self.catalog, self.project, self.target.datasets):
            cursor = self._con.execute(statement.sql, bind(statement, params))
        return cursor, statement

    def _query(self, sql: str, params: dict) -> pd.DataFrame:
        cursor, statement = self._run(sql, params)
        if not statement.returns_rows:
            return pd.DataFrame()
        return cursor.df()

    def _execute(self, sql: str, params: dict) -> int:
        cursor, statement = self._run(sql, params)
        if statement.returns_rows:
            return 0
        row = cursor.fetchone()
        return int(row[0]) if row and isinstance(row[0], int) else 0

    def _select_columns(self, select_sql: str, params: dict, table: schema.Table) -> list[str]:
        probe = f"SELECT * FROM ({select_sql}) LIMIT 0"
        cursor, _ = self._run(probe, params)
        names = [d[0] for d in cursor.description]
        cursor.fetchall()  # DuckDB 2 refuses the next statement while a result is pending
        return checked_columns(names, table)

    def _replace(self, table: schema.Table, columns: list[str], select_sql: str, merge_sql: str,
                 params: dict) -> tuple[int, int]:
        # DuckDB plans MERGE ... ON FALSE as a nested loop (cost = existing x new rows:
        # 327 s for the full backfill). Stage, DELETE and INSERT in one transaction is
        # just as atomic and ~50x faster. The SELECT is staged first because it may
        # read the very partitions being replaced (appends, repairs).
        # Only the SELECT and the DELETE are BigQuery SQL to translate, each with a text that
        # is the same on every chunk (a cache hit in to_duckdb); the staging statements around
        # them name a fresh temp table, so they are written in DuckDB SQL directly.
        select = self._dated_select(table, select_sql)
        (delete,) = self._translated(f"DELETE FROM `{self.project}.{table.id}` WHERE "
                                     f"`{table.partition_column}` IN UNNEST(@nbkit_dates)")
        target, stage = self._target(table), _quoted(f"_nbkit_replace_{uuid.uuid4().hex[:12]}")
        cols = ", ".join(_quoted(c) for c in columns)
        with self._transaction() as con:
            if _reads_table(select_sql, table.dataset, table.name):
                con.execute(f"CREATE TEMP TABLE {stage} AS {select.sql}", bind(select, params))
                deleted = _count(con.execute(delete.sql, bind(delete, params)))
                inserted = _count(con.execute(f"INSERT INTO {target} ({cols}) "
                                              f"SELECT {cols} FROM {stage}"))
                con.execute(f"DROP TABLE {stage}")
            else:  # nothing to read before the DELETE: insert the SELECT's rows directly
                deleted = _count(con.execute(delete.sql, bind(delete, params)))
                inserted = _count(con.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} "
                                              f"FROM ({select.sql}) AS _nbkit_rows",
                                              bind(select, params)))
        return deleted, inserted

    def _upsert(self, table: schema.Table, select_sql: str, keys: tuple[str, ...],
                params: dict) -> tuple[int, int]:
        # Touches only the rows the frame names: replacing its dates whole would rewrite
        # every row of those dates (the ledger's: all processors' and runs').
        select = self._dated_select(table, select_sql)
        target, stage = self._target(table), _quoted(f"_nbkit_upsert_{uuid.uuid4().hex[:12]}")
        part = _quoted(table.partition_column)
        match = " AND ".join(f"T.{_quoted(k)} = S.{_quoted(k)}" for k in keys)
        cols = ", ".join(_quoted(c.name) for c in table.columns)
        with self._transaction() as con:
            con.execute(f"CREATE TEMP TABLE {stage} AS {select.sql}", bind(select, params))
            deleted = _count(con.execute(
                f"DELETE FROM {target} AS T USING {stage} AS S WHERE {match} "
                f"AND T.{part} IN (SELECT DISTINCT {part} FROM {stage})"))
            inserted = _count(con.execute(f"INSERT INTO {target} ({cols}) "
                                          f"SELECT {cols} FROM {stage}"))
            con.execute(f"DROP TABLE {stage}")
        return deleted, inserted

    def _dated_select(self, table: schema.Table, select_sql: str):
        """The SELECT's rows of ``@nbkit_dates`` only, translated."""
        (select,) = self._translated(f"SELECT * FROM ({select_sql}) WHERE "
                                     f"`{table.partition_column}` IN UNNEST(@nbkit_dates)")
        return select

    def _target(self, table: schema.Table) -> str:
        return ".".join(_quoted(p) for p in (self.catalog, self.target.dataset(table.dataset),
                                             table.name))

    @contextlib.contextmanager
    def _transaction(self):
        con = self._con
        con.begin()
        try:
            yield con
            con.commit()
        except BaseException:
            # A failed write (disk full) may have ended the transaction already: the rollback's
            # own error must not replace the cause the user needs to see.
            with contextlib.suppress(duckdb.Error):
                con.rollback()
            raise

    def _translated(self, sql: str):
        return to_duckdb(sql, self.catalog, self.project, self.target.datasets)

    @contextlib.contextmanager
    def _staged(self, table: schema.Table, frame: pd.DataFrame):
        # One name: registered frames are private to this thread's connection, and the same
        # SELECT text over it hits the translation cache on every ledger write.
        view = _FRAME_STAGE
        self._con.register(view, frame)
        try:
            yield view
        finally:
            self._con.unregister(view)

    def _table_exists(self, table: schema.Table) -> bool:
        row = self._con.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_catalog = ? "
            "AND table_schema = ? AND table_name = ?",
            [self.catalog, self.target.dataset(table.dataset), table.name]).fetchall()[0]
        return bool(row[0])

    def _has_any_dataset(self) -> bool:
        row = self._con.execute(
            "SELECT schema_name FROM information_schema.schemata WHERE catalog_name = ?",
            [self.catalog]).fetchall()
        return any(self.target.sql_dataset(name).startswith("nba_") for (name,) in row)

    def _table_columns(self, tables: list[schema.Table]) -> dict[str, set[str]]:
        rows = self._con.execute(  # information_schema needs no BigQuery translation
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = ?", [self.catalog]).fetchall()
        out: dict[str, set[str]] = {}
        for dataset, name, column in rows:
            out.setdefault(f"{dataset}.{name}", set()).add(column)
        wanted = {t.id for t in tables}
        return {k: v for k, v in out.items() if k in wanted}

    def _list_tables(self) -> pd.DataFrame:
        present = self._con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_catalog = ?", [self.catalog]).fetchall()
        known = schema.tables()
        rows = []
        for schema_name, name in sorted(present):
            dataset = self.target.sql_dataset(schema_name)
            key = f"{dataset}.{name}"
            if key not in known:
                continue
            n = self._con.execute(
                f'SELECT COUNT(*) FROM "{self.catalog}"."{schema_name}"."{name}"').fetchall()[0][0]
            rows.append((key, dataset, name, known[key].partition_column, int(n)))
        return pd.DataFrame(rows, columns=["table_id", "dataset", "table", "partition_column",
                                           "row_count"])

    def _translate_error(self, err: Exception) -> tuple[str, str] | None:
        if not isinstance(err, duckdb.Error):
            return None
        first = str(err).strip().splitlines()[0]
        from nbkit.failures import is_disk_full

        if is_disk_full(err):
            return first, "free disk space (or move the warehouse to a larger disk), then " \
                          "rerun the same command: the failed write was rolled back"
        if "read-only mode" in first:
            return first, "this warehouse was opened read-only (nbkit sql, status, gaps...); " \
                          "writes go through `nbkit backfill` or a notebook's run step"
        if isinstance(err, duckdb.CatalogException):
            return first, "run `nbkit init` (or `nbkit sample-data`) to create the schema, " \
                          "and check the table name against nba_raw/nba_analytics/..."
        if isinstance(err, duckdb.BinderException):
            return first, "check the column names against the schema " \
                          "(nbkit sql \"SELECT * FROM dataset.table LIMIT 1\" shows them)"
        if isinstance(err, (duckdb.ConversionException, duckdb.InvalidInputException)):
            return first, "check the types of the values and parameters"
        if isinstance(err, duckdb.ConstraintException):
            return first, "give the named column a value (the schema declares it NOT NULL)"
        if isinstance(err, duckdb.TransactionException):
            return first, "retry; if it persists another process may be writing the same file"
        if isinstance(err, duckdb.ParserException):
            return first, "this BigQuery construct did not translate to DuckDB; " \
                          "rewrite it or report it as an nbkit SQL fix-up gap"
        return first, "check the statement; rerun with NBKIT_LOG=DEBUG for the translated SQL"

    def _is_transient(self, err: BaseException) -> bool | None:
        if isinstance(err, duckdb.TransactionException):  # a write-write conflict
            return True
        if isinstance(err, duckdb.InterruptException):  # cancelled on purpose
            return False
        return None

    def _interrupt(self) -> None:
        for con in list(self._connections) or [self._root]:
            with contextlib.suppress(duckdb.Error):
                con.interrupt()

    def _close(self) -> None:
        try:
            self._root.close()
        except duckdb.Error:
            pass

    def _data_version(self) -> tuple | None:
        if self.path == ":memory:":
            return None  # another connection cannot see it; this process's writes are counted
        return _file_version(Path(self.path))


@functools.lru_cache(maxsize=256)
def _reads_table(select_sql: str, dataset: str, name: str) -> bool:
    """True unless the SELECT surely does not read ``dataset.name`` (then its rows need no
    stage before the DELETE). A table named so in any dataset, or SQL that does not parse,
    counts as read."""
    try:
        trees = parsed_once(select_sql)
    except Exception:  # noqa: BLE001 - stage it; the statement reports the real error
        return True
    return any(t.name.lower() == name.lower() for tree in trees for t in tree.find_all(exp.Table))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count(cursor) -> int:
    row = cursor.fetchone()
    return int(row[0]) if row and isinstance(row[0], int) else 0


def _config() -> dict[str, str]:
    from nbkit import settings

    # DuckDB's own default memory limit is 80% of RAM, kept full of cached pages: a sample
    # build and a backfill in one process then peaked at 1.4 GiB for 4 seasons. Cached
    # pages are on disk already; 1 GB bounds the peak (1.1 GiB) at no cost in time.
    return {"threads": "2", "memory_limit": settings.current().duckdb_memory_limit}


def _connect(path: str, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    if path == ":memory:" and read_only:
        raise WarehouseError("duckdb://:memory: is a new, empty database: there is nothing to "
                             "read", "point --warehouse / NBKIT_WAREHOUSE at a DuckDB file "
                             "(`nbkit sample-data` creates one)")
    if path != ":memory:":
        file = Path(path)
        if read_only and not file.exists():
            raise WarehouseError(f"No warehouse at {path}",
                                 "run `nbkit sample-data` (or `nbkit init`) first, "
                                 "or point --warehouse / NBKIT_WAREHOUSE at an existing file")
        if not read_only:
            _check_writable(file)
            file.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max(wait_seconds, 0.0)
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=_config())
        except duckdb.Error as err:
            if not _LOCK_RE.search(str(err)):
                raise _open_error(path, err) from err
            if time.monotonic() >= deadline:
                raise _busy(path, str(err), read_only, wait_seconds) from err
            time.sleep(0.25)


def _file_version(file: Path) -> tuple:
    """What changes on every commit to a DuckDB file, from any process: the write-ahead log
    (a commit appends to it) and the file itself (a checkpoint rewrites it), by stat alone.
    Never open the file here: DuckDB's lock is a POSIX lock, which closing any descriptor of
    the file in this process would release, letting a second writer in."""
    def stat(path: Path) -> tuple | None:
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns
    return stat(file), stat(file.with_name(file.name + ".wal"))


def _check_writable(file: Path) -> None:
    """Respect a file's read-only mode even for root (who may write it anyway)."""
    if file.is_file() and not file.stat().st_mode & 0o222:
        raise WarehouseError(f"The warehouse file {file} is read-only",
                             f"read it with read-only commands (status, gaps, sql), or make it "
                             f"writable first: chmod u+w {file}")


def _open_error(path: str, err: Exception) -> WarehouseError:
    """Why DuckDB could not open the file, with the fix for that cause."""
    first = str(err).strip().splitlines()[0]
    text = first.lower()
    if "not a valid duckdb database" in text or "corrupt" in text or "read enough bytes" in text \
            or "checksum" in text:
        return WarehouseError(f"The warehouse file {path} is not a complete DuckDB database "
                              f"({first[:160]})",
                              "restore it from a backup, or build a new one: "
                              "nbkit sample-data --warehouse NEW_PATH")
    if "is a directory" in text:
        return WarehouseError(f"The warehouse path {path} is a directory",
                              "point --warehouse at a .duckdb file inside it")
    if "permission" in text:
        return WarehouseError(f"No permission to open the warehouse file {path} ({first[:160]})",
                              "check the file's owner and mode (ls -l), or use another path")
    return WarehouseError(f"Cannot open the warehouse file {path}: {first}",
                          "check the path and its permissions")


def _busy(path: str, message: str, read_only: bool, wait_seconds: float) -> WarehouseBusyError:
    """The lock error as the operator needs it: who holds the file, and what to do."""
    pid = _PID_RE.search(message)
    holder = f"process {pid.group(1)}" if pid else "another process"
    waited = f" (waited {wait_seconds:g} s)" if wait_seconds > 0 else ""
    if _READER_RE.search(message):  # DuckDB adds this hint only when the holder is a reader
        return WarehouseBusyError(f"The warehouse {path} is open read-only by {holder}{waited}",
                                  "wait for it to finish, then rerun the same command")
    if read_only:
        return WarehouseBusyError(
            f"The warehouse {path} is held for writing by {holder}{waited}",
            "wait for that run to finish, or wait longer: wait_seconds in notebooks and "
            "open_warehouse() (read-only nbkit commands wait 30 s)")
    return WarehouseBusyError(f"The warehouse {path} is held for writing by {holder}{waited}",
                              "wait for that run to finish (or stop it), then rerun the same "
                              "command")
