"""Column groups: shared columns included by name into DDL (nbkit.schema.columns)."""

from __future__ import annotations

import re

import pytest

from nbkit import schema
from nbkit.errors import SchemaError
from nbkit.schema import columns
from nbkit.schema.columns import COLUMNS_DIR, render
from nbkit.schema.user import parse_user_ddl

MARKER = re.compile(r"/\*\s*include\s+columns\s*:\s*([a-z0-9_]+)")


@pytest.fixture
def group_dir(tmp_path, monkeypatch):
    """An empty groups folder in place of nbkit's; write groups with ``add``."""
    folder = tmp_path / "columns"
    folder.mkdir()
    monkeypatch.setattr(columns, "COLUMNS_DIR", folder)
    return folder


def add(folder, name: str, text: str) -> None:
    (folder / f"{name}.sql").write_text(text)


def test_marker_is_replaced_by_the_columns_without_the_header(group_dir):
    add(group_dir, "audit", "-- audit: who and when\n\nmade_by STRING,\nmade_at TIMESTAMP\n")
    ddl = "CREATE TABLE `d.t` (\n  id INT64,\n  /* include columns: audit */,\n  note STRING\n)"
    assert render(ddl, "t.sql") == ("CREATE TABLE `d.t` (\n  id INT64,\n  made_by STRING,\n"
                                    "  made_at TIMESTAMP,\n  note STRING\n)")


def test_parameterised_group_repeats_once_per_name_in_order(group_dir):
    add(group_dir, "lineage", "-- lineage\nsrc_{name}_at TIMESTAMP,\nsrc_{name}_rows INT64")
    ddl = "CREATE TABLE `d.t` (\n  /* include columns: lineage(a, b_2) */\n)"
    assert render(ddl, "t.sql") == ("CREATE TABLE `d.t` (\n  src_a_at TIMESTAMP,\n  src_a_rows INT64,"
                                    "\n  src_b_2_at TIMESTAMP,\n  src_b_2_rows INT64\n)")


def test_ddl_without_markers_is_unchanged(group_dir):
    ddl = "CREATE TABLE `d.t` (id INT64) -- not an include\n"
    assert render(ddl, "t.sql") == ddl


@pytest.mark.parametrize("ddl, says, fix", [
    ("(/* include columns: unknwon */)", "'unknwon' included by t.sql does not exist",
     "create nbkit/schema/ddl/columns/unknwon.sql or correct the name in the include marker "
     "(groups: lineage, plain)"),
    ("(\n  /* include columns: plain */,\n  -- include columns: plain\n)", "at line 3",
     "write it exactly as /* include columns: NAME */"),
    ("(/* include columns: lineage(a, b */)", "at line 1", "(a block comment, plain names)"),
    ("(/* include columns: Plain-2 */)", "'Plain-2' is not a column group name",
     "(lowercase letters, digits, _)"),
    ("(/* include columns: ../plain */)", "is not a column group name", "without .sql"),
    ("(/* include columns: plain(a) */)", "'plain' takes no names",
     "write /* include columns: plain */"),
    ("(/* include columns: lineage */)", "'lineage' takes one or more names (got none)",
     "write /* include columns: lineage(first, second, ...) */"),
    ("(/* include columns: lineage(a, B) */)", "takes one or more names (got 'a, B')",
     "(plain names: lowercase letters, digits, _)"),
    ("(/* include columns: lineage() */)", "takes one or more names (got '')", "lineage(first"),
])
def test_malformed_include_says_what_and_how_to_fix(group_dir, ddl, says, fix):
    add(group_dir, "plain", "a INT64")
    add(group_dir, "lineage", "src_{name}_at TIMESTAMP")
    with pytest.raises(SchemaError) as caught:
        render(ddl, "t.sql")
    assert says in caught.value.problem and "t.sql" in caught.value.problem
    assert fix in caught.value.fix and str(caught.value).endswith(caught.value.fix)


@pytest.mark.parametrize("body, says", [
    ("a INT64,\n", "ends with a comma"),
    ("-- only a header\n", "is empty"),
    ("a INT64,\n/* include columns: other */", "includes another group"),
])
def test_malformed_group_is_refused(group_dir, body, says):
    add(group_dir, "bad", body)
    with pytest.raises(SchemaError) as caught:
        render("(/* include columns: bad */)", "t.sql")
    assert says in caught.value.problem and "bad.sql" in caught.value.problem


def test_project_ddl_may_include_a_builtin_group(tmp_path):
    ddl = tmp_path / "mine.sql"
    ddl.write_text("CREATE TABLE IF NOT EXISTS `nba_predictions.mine` (\n"
                   "  game_date DATE NOT NULL,\n"
                   "  /* include columns: source_lineage(cache) */,\n"
                   "  /* include columns: completeness_tracking */\n)\nPARTITION BY game_date")
    (table,) = parse_user_ddl(ddl, {})
    assert table.column_names[:5] == ("game_date", "source_cache_last_updated",
                                      "source_cache_rows_found", "source_cache_completeness_pct",
                                      "source_cache_hash")
    assert table.column_names[-1] == "processing_decision_reason" and len(table.columns) == 19
    assert "include" not in table.ddl and table.column("source_cache_hash").type == "STRING"


def test_project_ddl_with_a_bad_include_names_the_file(tmp_path):
    ddl = tmp_path / "mine.sql"
    ddl.write_text("CREATE TABLE `nba_predictions.mine` (\n  /* include columns: nope */\n)")
    with pytest.raises(SchemaError, match=r"mine\.sql.*Fix: create nbkit/schema/ddl/columns/nope"):
        parse_user_ddl(ddl, {})


def test_disk_cache_sees_an_edited_group(tmp_path, monkeypatch, group_dir):
    ddl_dir = tmp_path / "ddl"
    ddl_dir.mkdir()
    (ddl_dir / "d.sql").write_text("CREATE TABLE `d.t` (\n  id INT64,\n  /* include columns: g */\n)")
    monkeypatch.setattr(schema, "DDL_DIR", ddl_dir)
    monkeypatch.setenv("NBKIT_CACHE_DIR", str(tmp_path / "cache"))
    seen = []
    try:
        for body in ("a INT64", "a INT64,\nb STRING"):
            add(group_dir, "g", body)
            schema._builtin_tables.cache_clear()
            seen.append(schema._builtin_tables()["d.t"].column_names)
    finally:
        schema._builtin_tables.cache_clear()
    assert seen == [("id", "a"), ("id", "a", "b")]


def test_every_group_has_a_header_and_is_included_by_the_builtin_ddl():
    ddl = "\n".join(p.read_text() for p in schema.DDL_DIR.glob("*.sql"))
    used = set(MARKER.findall(ddl))
    for name in columns.names():
        assert (COLUMNS_DIR / f"{name}.sql").read_text().startswith("-- "), name
    assert used == set(columns.names())
