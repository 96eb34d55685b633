"""Bad declarations are refused before anything runs or is written: one line naming the
file and the fix (unknown key, missing target table, unknown upstream column, a cycle, a
duplicate name, a script that does not exist)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from nbkit.cli import main

DDL = """
CREATE TABLE IF NOT EXISTS my_analytics.team_points (
  game_date DATE NOT NULL, game_id STRING NOT NULL, team_abbr STRING NOT NULL, points INT64)
PARTITION BY game_date;
"""
GOOD = """/* nbkit processor
name: team_points
stage: 5
target: my_analytics.team_points
keys: game_date, game_id, team_abbr
*/
SELECT game_date, game_id, team_abbr, SUM(points) AS points
FROM nba_analytics.player_game_summary
WHERE game_date IN UNNEST(@dates)
GROUP BY game_date, game_id, team_abbr
"""


def _project(root: Path, processors: dict[str, str], ddl: str = DDL, extra: str = "") -> Path:
    (root / "processors").mkdir(parents=True)
    (root / "ddl").mkdir()
    (root / "ddl" / "tables.sql").write_text(ddl)
    for name, text in processors.items():
        (root / "processors" / name).write_text(text)
    (root / "nbkit.toml").write_text(textwrap.dedent("""
        [pipeline]
        processors = ["processors"]
        ddl = ["ddl"]
        """) + extra)
    return root


def _refused(root: Path, capsys) -> str:
    warehouse = root / "never.duckdb"
    rc = main(["backfill", "--project", str(root), "--warehouse", str(warehouse),
               "--start-date", "2023-11-01", "--end-date", "2023-11-30"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and not warehouse.exists(), err
    assert len(err.splitlines()) == 1 and "Fix:" in err
    return err


def test_a_good_project_is_not_refused_at_declaration(tmp_path, capsys):
    root = _project(tmp_path, {"team_points.sql": GOOD})
    wh = str(root / "empty.duckdb")
    assert main(["init", "--project", str(root), "--warehouse", wh]) == 0
    capsys.readouterr()
    rc = main(["backfill", "--project", str(root), "--warehouse", wh,
               "--start-date", "2023-11-01", "--end-date", "2023-11-30"])
    err = capsys.readouterr().err
    # past the catalogue (nothing names the processor file), stopped by the empty schedule
    assert rc == 2 and "team_points.sql" not in err and "schedule" in err.lower(), err


def test_unknown_header_key_suggests_the_right_one(tmp_path, capsys):
    root = _project(tmp_path, {"team_points.sql": GOOD.replace("keys:", "kyes:")})
    err = _refused(root, capsys)
    assert "team_points.sql:5" in err and "unknown header key 'kyes'" in err
    assert "did you mean 'keys'?" in err


def test_missing_target_table(tmp_path, capsys):
    root = _project(tmp_path, {"team_points.sql": GOOD}, ddl="-- none yet\n")
    (root / "ddl" / "tables.sql").unlink()
    err = _refused(root, capsys)
    assert "team_points.sql" in err and "target table my_analytics.team_points is not " \
        "declared" in err and "pipeline.ddl" in err


def test_upstream_column_that_does_not_exist(tmp_path, capsys):
    root = _project(tmp_path, {"team_points.sql": GOOD.replace("SUM(points)", "SUM(pointz)")})
    err = _refused(root, capsys)
    assert "team_points.sql" in err and "pointz" in err
    assert "nba_analytics.player_game_summary" in err and "correct the column name" in err


def test_a_written_column_the_target_lacks(tmp_path, capsys):
    root = _project(tmp_path, {"team_points.sql": GOOD.replace("AS points", "AS pts")})
    err = _refused(root, capsys)
    assert "writes column 'pts'" in err and "CREATE TABLE of my_analytics.team_points" in err


def test_cycle(tmp_path, capsys):
    ddl = DDL + """
    CREATE TABLE IF NOT EXISTS my_analytics.a (game_date DATE, x INT64) PARTITION BY game_date;
    CREATE TABLE IF NOT EXISTS my_analytics.b (game_date DATE, x INT64) PARTITION BY game_date;
    """
    a = """/* nbkit processor
    name: a
    stage: 5
    target: my_analytics.a
    keys: game_date
    */
    SELECT game_date, x FROM my_analytics.b WHERE game_date IN UNNEST(@dates)
    """
    b = a.replace("name: a", "name: b").replace("my_analytics.a", "my_analytics.c") \
        .replace("my_analytics.b", "my_analytics.a").replace("my_analytics.c", "my_analytics.b")
    root = _project(tmp_path, {"a.sql": textwrap.dedent(a), "b.sql": textwrap.dedent(b)}, ddl)
    err = _refused(root, capsys)
    assert "cycle" in err and ("a -> b -> a" in err or "b -> a -> b" in err)


def test_duplicate_name(tmp_path, capsys):
    root = _project(tmp_path, {"team_points.sql": GOOD,
                               "copy.sql": GOOD.replace("name: team_points",
                                                        "name: player_game_summary")})
    err = _refused(root, capsys)
    assert "copy.sql" in err and "'player_game_summary' is already declared by nbkit " \
        "built-in" in err and "rename one" in err


@pytest.mark.parametrize("command", [
    "python scripts/missing_backfill.py --dates {dates}",
    "no-such-program-nbkit --dates {dates}",
])
def test_external_script_that_does_not_exist(tmp_path, capsys, command):
    root = _project(tmp_path, {"team_points.sql": GOOD}, extra=textwrap.dedent(f"""
        [[pipeline.external]]
        name = "legacy_backfill"
        command = "{command}"
        """))
    err = _refused(root, capsys)
    assert "nbkit.toml [[pipeline.external]] legacy_backfill" in err
    assert "missing_backfill.py does not exist" in err or "is not found" in err


def test_external_unknown_key_suggests(tmp_path, capsys):
    root = _project(tmp_path, {"team_points.sql": GOOD}, extra=textwrap.dedent("""
        [[pipeline.external]]
        name = "legacy_backfill"
        command = "python -c pass"
        timeout = 60
        """))
    err = _refused(root, capsys)
    assert "unknown key 'timeout'" in err and "did you mean 'timeout_seconds'?" in err


def test_declared_upstream_that_the_sql_does_not_read(tmp_path, capsys):
    text = GOOD.replace("keys:", "upstream: ml_feature_store\nkeys:")
    root = _project(tmp_path, {"team_points.sql": text})
    err = _refused(root, capsys)
    assert "upstream declares ml_feature_store but the SQL reads the tables of " \
        "player_game_summary" in err
