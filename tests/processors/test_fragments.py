"""SQL fragments: shared CTEs or SELECT columns included by name into processor SQL
(nbkit.processors.fragments)."""

from __future__ import annotations

import datetime as dt
import pickle
import re

import pytest

from nbkit.errors import NbkitError
from nbkit.processors import fragments, registry
from nbkit.processors.base import SQL_DIR, Processor
from nbkit.processors.fragments import SqlFragmentError, render
from nbkit.warehouse.sql import parameter_names, parse_bigquery

MARKER = re.compile(r"/\*\s*include\s+fragment\s*:\s*([a-z0-9_]+)\s*(?:\([^)]*\)\s*)?\*/")


@pytest.fixture
def fragment_dir(tmp_path, monkeypatch):
    """An empty fragments folder in place of nbkit's; write fragments with ``add``."""
    monkeypatch.setattr(fragments, "FRAGMENT_DIR", tmp_path)
    return tmp_path


def add(folder, name: str, text: str) -> None:
    (folder / f"{name}.sql").write_text(text)


def test_marker_is_replaced_by_the_fragment_and_the_result_runs(fragment_dir, duck):
    add(fragment_dir, "numbers",
        "-- numbers: one CTE\nnumbers AS (\n  SELECT d FROM UNNEST(@dates) AS d\n)\n")
    sql = ("WITH\n/* include fragment: numbers */,\n"
           "counted AS (SELECT COUNT(*) AS n FROM numbers)\nSELECT n FROM counted")
    out = render(sql, "toy.sql")
    assert out == ("WITH\n-- numbers: one CTE\nnumbers AS (\n  SELECT d FROM UNNEST(@dates) AS d\n"
                   "),\ncounted AS (SELECT COUNT(*) AS n FROM numbers)\nSELECT n FROM counted")
    trees = parse_bigquery(out)
    assert len(trees) == 1 and parameter_names(trees[0]) == ("dates",)
    frame = duck.query(out, {"dates": [dt.date(2024, 1, 1), dt.date(2024, 1, 2)]})
    assert frame["n"].tolist() == [2]


def test_last_cte_may_be_a_fragment(fragment_dir):
    add(fragment_dir, "one", "one AS (SELECT 1 AS x)")
    assert render("WITH /* include fragment: one */\nSELECT x FROM one", "toy.sql") == \
        "WITH one AS (SELECT 1 AS x)\nSELECT x FROM one"


def test_sql_without_markers_is_unchanged(fragment_dir):
    sql = "SELECT 1 -- not an include\n"
    assert render(sql, "toy.sql") == sql


def test_missing_fragment_names_it_and_the_fix(fragment_dir):
    add(fragment_dir, "known", "known AS (SELECT 1)")
    with pytest.raises(SqlFragmentError) as caught:
        render("WITH /* include fragment: unknwon */ SELECT 1", "toy.sql")
    err = caught.value
    assert isinstance(err, NbkitError)
    assert (err.fragment, err.source) == ("unknwon", "toy.sql")
    text = str(err)
    assert "'unknwon'" in text and "toy.sql" in text and "Fix:" in text
    assert "fragments/unknwon.sql" in text and "known" in text


def test_fragment_error_survives_pickling():
    err = SqlFragmentError("Broken", "mend it", fragment="f", source="s.sql")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is SqlFragmentError and (back.fragment, back.source) == ("f", "s.sql")
    assert str(back) == str(err) == "Broken. Fix: mend it"


@pytest.mark.parametrize("sql, says", [
    # a line comment would silently stay a comment
    ("WITH /* include fragment: one */,\n-- include fragment: one\nSELECT 1", "at line 2"),
    ("WITH /* include fragment: One-2 */ SELECT 1", "'One-2' is not a fragment name"),
    ("WITH /* include fragment: ../one */ SELECT 1", "is not a fragment name"),
])
def test_malformed_markers_are_refused(fragment_dir, sql, says):
    add(fragment_dir, "one", "one AS (SELECT 1)")
    with pytest.raises(SqlFragmentError, match=says) as caught:
        render(sql, "toy.sql")
    assert "Fix:" in str(caught.value)


def test_fragments_do_not_nest(fragment_dir):
    add(fragment_dir, "inner", "inner_cte AS (SELECT 1 AS x)")
    add(fragment_dir, "outer", "/* include fragment: inner */,\nouter_cte AS (SELECT 2 AS y)")
    with pytest.raises(SqlFragmentError, match="'outer' includes another fragment.*do not nest"):
        render("WITH /* include fragment: outer */ SELECT 1", "toy.sql")


def test_a_fragment_ending_in_a_comma_is_refused(fragment_dir):
    add(fragment_dir, "one", "one AS (SELECT 1),\n")
    with pytest.raises(SqlFragmentError, match="trailing comma"):
        render("WITH /* include fragment: one */, two AS (SELECT 2) SELECT 1", "toy.sql")


def test_column_fragment_stands_in_a_select_list_indented_to_its_marker(fragment_dir, duck):
    add(fragment_dir, "flags", "-- flags: two constant columns\n0 AS tries,\nFALSE AS stuck\n")
    sql = "SELECT\n  d,\n  /* include fragment: flags */,\n  1 AS one\nFROM UNNEST(@dates) AS d"
    out = render(sql, "toy.sql")
    assert out == ("SELECT\n  d,\n  -- flags: two constant columns\n  0 AS tries,\n"
                   "  FALSE AS stuck,\n  1 AS one\nFROM UNNEST(@dates) AS d")
    frame = duck.query(out, {"dates": [dt.date(2024, 1, 1)]})
    assert list(frame.columns) == ["d", "tries", "stuck", "one"]


def test_parameterised_fragment_repeats_per_name_under_one_header(fragment_dir, duck):
    add(fragment_dir, "month_of", "-- month_of: one column per date column given\n"
                                  "EXTRACT(MONTH FROM {name}) AS {name}_month")
    sql = ("SELECT\n  /* include fragment: month_of(d, e) */\n"
           "FROM (SELECT d, d AS e FROM UNNEST(@dates) AS d)")
    out = render(sql, "toy.sql")
    assert out == ("SELECT\n  -- month_of: one column per date column given\n"
                   "  EXTRACT(MONTH FROM d) AS d_month,\n  EXTRACT(MONTH FROM e) AS e_month\n"
                   "FROM (SELECT d, d AS e FROM UNNEST(@dates) AS d)")
    frame = duck.query(out, {"dates": [dt.date(2024, 3, 1)]})
    assert frame.iloc[0].tolist() == [3, 3]


@pytest.mark.parametrize("marker, says, fix", [
    ("plain(x)", "'plain' takes no names", "/* include fragment: plain */"),
    ("month_of", "'month_of' takes one or more names (got none)", "month_of(first, second, ...)"),
    ("month_of(D-1)", "takes one or more names (got 'D-1')", "plain names"),
    ("month_of()", "takes one or more names (got '')", "plain names"),
])
def test_names_must_fit_the_fragment(fragment_dir, marker, says, fix):
    add(fragment_dir, "plain", "1 AS one")
    add(fragment_dir, "month_of", "EXTRACT(MONTH FROM {name}) AS {name}_month")
    with pytest.raises(SqlFragmentError, match=re.escape(says)) as caught:
        render(f"SELECT /* include fragment: {marker} */ FROM t", "toy.sql")
    assert fix in caught.value.fix and str(caught.value).endswith(caught.value.fix)
    assert (caught.value.fragment, caught.value.source) == (marker.split("(")[0], "toy.sql")


def test_a_fragment_of_comments_only_is_refused(fragment_dir):
    add(fragment_dir, "blank", "-- blank: nothing below\n")
    with pytest.raises(SqlFragmentError, match="'blank' is empty.*Fix: write its CTEs"):
        render("WITH /* include fragment: blank */ SELECT 1", "toy.sql")


def test_sql_text_renders_and_code_version_follows_the_fragment(tmp_path, monkeypatch):
    sql_dir, fragment_dir = tmp_path / "sql", tmp_path / "fragments"
    sql_dir.mkdir()
    fragment_dir.mkdir()
    monkeypatch.setattr("nbkit.processors.base.SQL_DIR", sql_dir)
    monkeypatch.setattr(fragments, "FRAGMENT_DIR", fragment_dir)
    (sql_dir / "toy.sql").write_text("WITH\n/* include fragment: days */\nSELECT d FROM days")
    add(fragment_dir, "days", "days AS (SELECT d FROM UNNEST(@dates) AS d)")

    class Toy(Processor):
        NAME, TARGET_TABLE, DATE_COLUMN, KEY_COLUMNS = "toy", "x.toy", "d", ("d",)
        SQL_FILE = "toy.sql"

    assert Toy.sql_text() == "WITH\ndays AS (SELECT d FROM UNNEST(@dates) AS d)\nSELECT d FROM days"
    before = Toy.code_version()
    add(fragment_dir, "days", "days AS (SELECT DISTINCT d FROM UNNEST(@dates) AS d)")
    assert Toy.code_version() != before          # a fragment edit re-runs its processors
    (fragment_dir / "days.sql").unlink()
    with pytest.raises(SqlFragmentError, match="'days' included by toy.sql"):
        Toy.sql_text()


# --------------------------------------------------------------------------- the shipped SQL

PROCESSORS = registry.all()


@pytest.mark.parametrize("proc", PROCESSORS, ids=[p.NAME for p in PROCESSORS])
def test_processor_sql_renders_to_one_statement_over_dates(proc):
    for sql in (proc.sql_text(), proc.EXPECTED_ROWS_SQL):
        assert "include fragment" not in sql
        trees = parse_bigquery(sql)
        assert len(trees) == 1 and parameter_names(trees[0]) == ("dates",)


def test_every_fragment_is_included_somewhere_and_exists():
    raw = [p.read_text() for p in SQL_DIR.glob("*.sql")]
    included = {name for text in raw for name in MARKER.findall(text)}
    assert included == set(fragments.names())


def test_no_fragment_comment_holds_a_parameter_sign():
    """What an include adds to the statement never puts ``@`` in a ``--`` comment."""
    for name in fragments.names():
        text = (fragments.FRAGMENT_DIR / f"{name}.sql").read_text()
        comments = [line.split("--", 1)[1] for line in text.splitlines() if "--" in line]
        assert not [c for c in comments if "@" in c], name
