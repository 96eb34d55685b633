"""The built-in schema, rendered, equals tests/data/schema_snapshot.json exactly.

The snapshot was taken before the DDL used column groups (nbkit/schema/ddl/columns/): any
change of a table's columns, types, modes, order, partitioning, clustering, options or DDL
text shows here. A deliberate schema change regenerates it with ``python -m
tests.schema.test_snapshot``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbkit import schema
from nbkit.schema import user

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "schema_snapshot.json"


def current() -> dict:
    tables = schema._builtin_tables()
    return {
        "ddl_statements": schema.ddl_statements(),
        "tables": {key: {"columns": [[c.name, c.type, c.required] for c in t.columns],
                         "partition_column": t.partition_column,
                         "clustering": list(t.clustering)} for key, t in tables.items()},
    }


@pytest.fixture
def fresh_parse(tmp_path, monkeypatch):
    """The built-in DDL parsed now (no disk or memory cache), without any project DDL."""
    monkeypatch.setenv("NBKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(user, "user_ddl_files", lambda: ())
    schema._builtin_tables.cache_clear()
    schema._load_files.cache_clear()
    yield
    schema._builtin_tables.cache_clear()
    schema._load_files.cache_clear()


def test_rendered_schema_equals_the_snapshot(fresh_parse):
    expected = json.loads(SNAPSHOT.read_text())
    got = current()
    assert list(got["tables"]) == list(expected["tables"])
    for key, table in expected["tables"].items():
        assert got["tables"][key] == table, key
    assert got["ddl_statements"] == expected["ddl_statements"]


if __name__ == "__main__":
    SNAPSHOT.write_text(json.dumps(current(), indent=1) + "\n")
