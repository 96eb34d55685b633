"""The built-in declarations: what is read comes from the SQL, the graph agrees with it."""

from __future__ import annotations

import pytest

from nbkit.processors import BUILTIN, registry
from nbkit.processors.base import Processor
from nbkit.processors.reads import tables_read

BUILTINS = [registry.get_or_raise(name) for name in BUILTIN]


@pytest.mark.parametrize("proc", BUILTINS, ids=BUILTIN)
def test_upstream_tables_are_the_tables_the_sql_reads(proc):
    assert "UPSTREAM_TABLES" not in vars(proc)  # derived, never restated
    assert proc.UPSTREAM_TABLES == tables_read(proc.sql_text(), proc.SQL_FILE)
    assert proc.UPSTREAM_TABLES == tuple(sorted(proc.UPSTREAM_TABLES))


@pytest.mark.parametrize("proc", BUILTINS, ids=BUILTIN)
def test_upstream_processors_are_the_writers_of_the_tables_read(proc):
    """The rule the catalogue applies to a .sql processor's ``upstream``, held by hand here."""
    writers = {p.TARGET_TABLE: p.NAME for p in BUILTINS}
    assert set(proc.UPSTREAM_PROCESSORS) == {writers[t] for t in proc.UPSTREAM_TABLES
                                              if t in writers}


def test_upstream_tables_without_sql_file_are_declared_or_none():
    class Declared(Processor):
        NAME, SQL_FILE = "declared", None
        UPSTREAM_TABLES = ("nba_raw.nbac_schedule",)

    class Bare(Processor):
        NAME = "bare"

    assert Declared.UPSTREAM_TABLES == ("nba_raw.nbac_schedule",)
    assert Bare.UPSTREAM_TABLES == ()
