"""One project id: SQL names tables as dataset.table and the warehouse qualifies them."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import sqlglot

from nbkit import settings
from nbkit.warehouse import open_warehouse
from nbkit.warehouse.bigquery import _statements
from nbkit.warehouse.qualify import Target, references

ROOT = Path(__file__).resolve().parents[2]
SCHEDULE_ROW = pd.DataFrame({"game_id": ["g1"], "game_date": [dt.date(2023, 11, 1)],
                             "season_year": [2023], "home_team_tricode": ["LAL"],
                             "away_team_tricode": ["BOS"]})
DEV = Target("nbkit-dev", (("nba_raw", "nba_raw_dev"),))


def sent(sql: str, target: Target = DEV) -> str:
    """The text BigQuery receives for a one-statement ``sql``."""
    return _statements(sql, target)[0][0]


@pytest.mark.parametrize("sql,expected", [
    ("SELECT * FROM nba_raw.t", "SELECT * FROM `nbkit-dev.nba_raw_dev.t`"),
    ("SELECT * FROM `nba_raw.t` AS t", "SELECT * FROM `nbkit-dev.nba_raw_dev.t` AS t"),
    ("SELECT * FROM `nba_analytics`.t", "SELECT * FROM `nbkit-dev.nba_analytics.t`"),
    ("SELECT * FROM `nbkit-dev.nba_raw.t`", "SELECT * FROM `nbkit-dev.nba_raw_dev.t`"),
    ("DELETE FROM nba_raw.t WHERE TRUE", "DELETE FROM `nbkit-dev.nba_raw_dev.t` WHERE TRUE"),
    ("CREATE SCHEMA IF NOT EXISTS `nba_raw`", "CREATE SCHEMA IF NOT EXISTS `nbkit-dev.nba_raw_dev`"),
    ("SELECT * FROM nba_raw.INFORMATION_SCHEMA.PARTITIONS",
     "SELECT * FROM `nbkit-dev.nba_raw_dev.INFORMATION_SCHEMA.PARTITIONS`"),
    # a CTE, an alias and a region view are not tables of a dataset
    ("WITH c AS (SELECT 1 AS a) SELECT * FROM c", "WITH c AS (SELECT 1 AS a) SELECT * FROM c"),
    ("SELECT * FROM `region-us`.INFORMATION_SCHEMA.JOBS",
     "SELECT * FROM `region-us`.INFORMATION_SCHEMA.JOBS"),
    # a literal other project in ad-hoc SQL is a cross-project read: left as written
    ("SELECT * FROM `other-project.nba_raw.t`", "SELECT * FROM `other-project.nba_raw.t`"),
])
def test_bigquery_text_is_qualified_in_place(sql, expected):
    assert sent(sql) == expected


def test_comments_and_formatting_reach_bigquery_as_written():
    sql = "-- read @run_date's games\nSELECT a,\n  b  FROM nba_raw.t -- trailing\nWHERE d = @d"
    assert sent(sql) == ("-- read @run_date's games\nSELECT a,\n  b  FROM "
                         "`nbkit-dev.nba_raw_dev.t` -- trailing\nWHERE d = @d")


def test_every_statement_of_a_script_is_qualified():
    out = _statements("DELETE FROM nba_raw.t WHERE TRUE; INSERT INTO nba_raw.t SELECT * "
                      "FROM nba_analytics.u", DEV)
    assert [text for text, _ in out] == [
        "DELETE FROM `nbkit-dev.nba_raw_dev.t` WHERE TRUE",
        "INSERT INTO `nbkit-dev.nba_raw_dev.t` SELECT * FROM `nbkit-dev.nba_analytics.u`"]


def test_every_processor_and_ddl_statement_names_only_the_configured_project():
    from nbkit import schema
    from nbkit.processors import registry
    from tests.bigquery.jobs import tables_read

    statements = [p.sql_text() for p in registry.all()] + schema.ddl_statements()
    for sql in statements:
        for text, _ in _statements(sql, DEV):
            tree = sqlglot.parse_one(text, read="bigquery")
            projects = {project for _, project, _, _ in references(tree)}
            assert projects == {"nbkit-dev"}, (projects, text[:200])
        assert tables_read(sql) or sql.startswith("CREATE SCHEMA")


def test_no_production_project_literal_in_the_package():
    """Only nbkit/settings.py names the production project."""
    found = subprocess.run(["grep", "-rln", "nba-props-platform", "nbkit"], cwd=ROOT,
                           capture_output=True, text=True).stdout.split()
    assert found == ["nbkit/settings.py"]
    processors = subprocess.run(["grep", "-rn", "nba-props-platform", "nbkit/processors"],
                                cwd=ROOT, capture_output=True, text=True)
    assert processors.stdout == "" and processors.returncode == 1


def test_duckdb_runs_production_dev_and_bare_names_on_one_table(tmp_path):
    with open_warehouse(str(tmp_path / "wh.duckdb")) as wh:
        wh.init_schema()
        wh.write_frame("nba_raw.nbac_schedule", SCHEDULE_ROW)
        for name in ("nba_raw.nbac_schedule", "`nba_raw.nbac_schedule`",
                     f"`{settings.PRODUCTION_PROJECT}.nba_raw.nbac_schedule`",
                     "`my-dev-project.nba_raw.nbac_schedule`"):
            assert wh.query(f"SELECT COUNT(*) AS n FROM {name}")["n"].iloc[0] == 1


def test_duckdb_maps_datasets_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("NBKIT_DATASETS", '{"nba_raw": "nba_raw_dev"}')
    with open_warehouse(str(tmp_path / "wh.duckdb")) as wh:
        wh.init_schema()
        schemas = set(wh._con.execute("SELECT schema_name FROM information_schema.schemata")
                      .df()["schema_name"])
        assert "nba_raw_dev" in schemas and "nba_raw" not in schemas
        wh.write_frame("nba_raw.nbac_schedule", SCHEDULE_ROW)
        assert wh.table_exists("nba_raw.nbac_schedule")
        listed = wh.list_tables().set_index("table_id")
        assert listed.loc["nba_raw.nbac_schedule", "row_count"] == 1
        assert len(wh.partitions("nba_raw.nbac_schedule")) == 1


def test_statements_naming_staging_tables_are_parsed_once_as_a_template(tmp_path, monkeypatch):
    from nbkit import disk_cache
    from nbkit.warehouse import bigquery

    monkeypatch.setenv(disk_cache.CACHE_ENV, str(tmp_path))
    bigquery._parsed_statements.cache_clear()
    merge = ("MERGE `nbkit-dev.nbkit_staging.t__nbkit_stage_{a}` T USING (SELECT x FROM "
             "nba_raw.s WHERE d IN UNNEST(@dates)) S ON FALSE WHEN NOT MATCHED THEN INSERT (x) "
             "VALUES (S.x); DROP TABLE `nbkit-dev.nbkit_staging.u__nbkit_stage_{b}`")
    for a, b in (("0123456789", "abcdefabcd"), ("ffffffffff", "0000000001")):
        sql = merge.format(a=a, b=b)
        assert _statements(sql, DEV) == bigquery._split_and_qualify(sql, DEV)
        assert f"t__nbkit_stage_{a}" in _statements(sql, DEV)[0][0]
        assert f"u__nbkit_stage_{b}" in _statements(sql, DEV)[1][0]
    assert bigquery._parsed_statements.cache_info().misses == 1
    bigquery._parsed_statements.cache_clear()
