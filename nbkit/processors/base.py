"""Processor declarations: documented attributes plus one BigQuery SQL file.

A processor is a value, not a procedure. Its SQL is a single BigQuery SELECT
that computes the output rows for every date in the ``@dates`` parameter
(ARRAY<DATE>) at once; the executor hands it to the warehouse's atomic
replace, so each date's partition is swapped in one statement. CTEs that
several processors share live once in ``sql/fragments/`` and are included
by name (see ``nbkit.processors.fragments``).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import ClassVar

from nbkit.processors import fragments

SQL_DIR = Path(__file__).parent / "sql"


class _TablesTheSqlReads:
    """``Processor.UPSTREAM_TABLES`` where a processor does not declare it: ``dataset.table``
    of every table its SQL_FILE's SELECT reads, sorted (none without SQL_FILE).

    Raises:
        DeclarationError: the SQL does not parse, or names a table without its dataset.
    """

    def __get__(self, instance, owner) -> tuple[str, ...]:
        if not owner.SQL_FILE:
            return ()
        return _tables_read(owner.sql_text(), owner.SQL_FILE)


@functools.lru_cache(maxsize=256)
def _tables_read(sql: str, source: str) -> tuple[str, ...]:
    # Keyed by the SQL text: read on every lineage row, cost estimate and readiness check,
    # and a tree walk costs milliseconds.
    from nbkit.processors.reads import tables_read

    return tables_read(sql, source)


class Processor:
    """Base of the ten pipeline processors.

    Attributes:
        NAME: registry name, e.g. ``player_game_summary``.
        RUN_HISTORY_NAME: ``processor_name`` written to processor_run_history; by default
            the class name + ``Processor``, production's convention
            (``PlayerGameSummary`` -> ``PlayerGameSummaryProcessor``).
        PHASE: 3 (analytics) or 4 (precompute).
        TARGET_TABLE: ``dataset.table`` written.
        DATE_COLUMN: the partition column replaced per date (default ``game_date``, as for
            a SQL-file processor).
        KEY_COLUMNS: the grain; no two rows may share these values.
        UPSTREAM_PROCESSORS: processors whose output this one reads (same or earlier dates).
        UPSTREAM_TABLES: every table read, for lineage, readiness and cost estimates. By
            default the tables SQL_FILE's SELECT reads (found as for a ``.sql`` processor),
            so the SQL is the one place that says what is read; declare it for a processor
            without SQL_FILE.
        LOOKBACK_DAYS: how many days before a date the SQL reads (0: that date only).
        SKIPS_BOOTSTRAP: True if the date produces no output in a season's bootstrap window.
        EXPECTED_ROWS_SQL: BigQuery SELECT returning (data_date, expected_rows) for
            @dates: what a complete partition holds. A date written with fewer rows is
            recorded as partial, never as success.
        SQL_FILE: file name under processors/sql/; may include shared fragments
            (``/* include fragment: NAME */``), rendered by ``sql_text``.
        SEASONS_PER_STATEMENT: at most this many seasons in one statement when the run sets
            no chunk size (None: as many as the warehouse packs, see
            ``Warehouse.seasons_per_statement``).
    """

    NAME: ClassVar[str]
    RUN_HISTORY_NAME: ClassVar[str]
    PHASE: ClassVar[int]
    TARGET_TABLE: ClassVar[str]
    DATE_COLUMN: ClassVar[str] = "game_date"
    KEY_COLUMNS: ClassVar[tuple[str, ...]]
    UPSTREAM_PROCESSORS: ClassVar[tuple[str, ...]] = ()
    UPSTREAM_TABLES: ClassVar[tuple[str, ...]] = _TablesTheSqlReads()
    LOOKBACK_DAYS: ClassVar[int] = 0
    SKIPS_BOOTSTRAP: ClassVar[bool] = False
    EXPECTED_ROWS_SQL: ClassVar[str | None] = None
    SQL_FILE: ClassVar[str | None] = None
    SEASONS_PER_STATEMENT: ClassVar[int | None] = None

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if not hasattr(cls, "RUN_HISTORY_NAME"):
            cls.RUN_HISTORY_NAME = f"{cls.__name__}Processor"

    @classmethod
    def sql_text(cls) -> str:
        """The processor's BigQuery SELECT (parameter: @dates ARRAY<DATE>), fragments included.

        Raises:
            SqlFragmentError: the file includes a fragment that does not exist.
        """
        return fragments.render((SQL_DIR / cls.SQL_FILE).read_text(), cls.SQL_FILE)

    @classmethod
    def code_version(cls) -> str:
        """Hash of everything that determines the output: SQL and declared grain."""
        digest = hashlib.sha256()
        for part in (cls.sql_text(), cls.TARGET_TABLE, cls.DATE_COLUMN, ",".join(cls.KEY_COLUMNS),
                     cls.EXPECTED_ROWS_SQL or ""):
            digest.update(part.encode())
            digest.update(b"\0")
        return digest.hexdigest()[:12]

    @classmethod
    def run(cls, warehouse, dates: list):
        """Compute and write ``dates`` (one atomic replace); externals override this."""
        return warehouse.replace_dates(cls.TARGET_TABLE, dates, cls.sql_text(), {"dates": dates})

    @classmethod
    def describe(cls) -> str:
        return (cls.__doc__ or cls.NAME).strip().splitlines()[0]
