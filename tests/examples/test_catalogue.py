"""The example's catalogue: built-ins plus three stage-5 processors and two checks, read
from files only; upstreams inferred from the SQL; code versions follow the files."""

from __future__ import annotations

import time

from nbkit import schema
from nbkit.processors import catalogue

from .helpers import EXAMPLE, copy_example, project

STAGE5 = ["player_points_baseline", "prediction_grading", "prediction_export"]


def test_example_catalogue_has_stage_5_on_the_builtins():
    with project(EXAMPLE):
        cat = catalogue.load()
    names = [p.NAME for p in cat.processors]
    assert len(names) == 13 and names[-3:] == STAGE5
    assert cat.graph.stages == [3, 4, 5]
    by = {p.NAME: p for p in cat.processors}
    assert by["player_points_baseline"].UPSTREAM_PROCESSORS == ("ml_feature_store",)
    assert by["player_points_baseline"].UPSTREAM_TABLES == (
        "nba_predictions.ml_feature_store_v2", "nba_raw.bettingpros_player_points_props",
        "nba_raw.odds_api_player_points_props")
    assert by["prediction_grading"].UPSTREAM_PROCESSORS == ("player_game_summary",
                                                             "player_points_baseline")
    assert by["prediction_export"].UPSTREAM_PROCESSORS == ("prediction_grading",)
    assert [c.name for c in cat.checks_of("player_points_baseline")] == [
        "no_prediction_without_line"]
    assert cat.checks_of("prediction_grading")[0].severity == "warning"
    levels = [[p.NAME for p in level] for level in cat.graph.levels()]
    assert levels[-3:] == [[n] for n in STAGE5]
    assert cat.graph.stage_before(5) == 4
    assert cat.graph.downstream_of("player_points_baseline") == STAGE5[1:]


def test_user_ddl_joins_the_schema_with_partitioning_and_not_null():
    with project(EXAMPLE):
        table = schema.get_table("nba_predictions.player_points_baseline")
        statements = schema.ddl_statements()
    assert table.partition_column == "game_date" and table.clustering == ("player_lookup",)
    assert table.column("points_line").required and not table.column("game_id").required
    assert any("player_points_baseline" in s and "require_partition_filter" in s.lower()
               for s in statements)
    assert "nba_predictions.player_points_baseline" not in schema.tables()  # no project: gone


def test_editing_the_script_changes_only_the_export_version(tmp_path):
    root = copy_example(tmp_path / "p5")
    with project(root):
        before = {p.NAME: p.code_version() for p in catalogue.load().processors}
    (root / "scripts" / "export_predictions.py").write_text(
        (root / "scripts" / "export_predictions.py").read_text() + "\n# tuned\n")
    with project(root):
        after = {p.NAME: p.code_version() for p in catalogue.load().processors}
    assert [n for n in before if before[n] != after[n]] == ["prediction_export"]


def test_editing_one_sql_file_changes_only_its_version(tmp_path):
    root = copy_example(tmp_path / "p5")
    with project(root):
        before = {p.NAME: p.code_version() for p in catalogue.load().processors}
    path = root / "processors" / "prediction_grading.sql"
    path.write_text(path.read_text().replace("), 2) AS absolute_error", "), 3) AS absolute_error"))
    with project(root):
        after = {p.NAME: p.code_version() for p in catalogue.load().processors}
    assert [n for n in before if before[n] != after[n]] == ["prediction_grading"]


def test_loading_the_catalogue_is_fast():
    with project(EXAMPLE):
        catalogue.load()  # warm: imports, the cached built-in DDL
        started = time.perf_counter()
        catalogue.load()
        assert time.perf_counter() - started <= 0.3
