"""Done when, as a new user: in a fresh folder outside the repo, `nbkit init --project .`,
add a .sql processor and its DDL, then `nbkit backfill` writes the new table, resumes after
a failure, and the new table shows in the gaps and the stage's gate."""

from __future__ import annotations

import datetime as dt
import shutil

from nbkit import gaps, gates
from nbkit.cli import main
from nbkit.warehouse import open_warehouse

from .helpers import project

PROCESSOR = """/* nbkit processor
name: player_minutes
stage: 5
target: my_analytics.player_minutes
keys: game_date, player_lookup
*/
SELECT game_date, player_lookup, SUM(minutes_played) AS minutes
FROM nba_analytics.player_game_summary
WHERE game_date IN UNNEST(@dates)
GROUP BY game_date, player_lookup
"""
DDL = """CREATE TABLE IF NOT EXISTS my_analytics.player_minutes (
  game_date DATE NOT NULL, player_lookup STRING NOT NULL, minutes NUMERIC(6, 1))
PARTITION BY game_date;
"""


def test_init_add_a_processor_backfill_resume(tmp_path, builtins_done, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NBKIT_PROGRESS", "off")
    assert main(["init", "--project", "."]) == 0
    assert {p.name for p in tmp_path.rglob("*") if p.is_file()} >= {
        "nbkit.toml", "team_points.sql", "my_analytics.sql", "team_points_not_negative.sql"}
    shutil.copy(builtins_done, tmp_path / "warehouse" / "nba.duckdb")  # `nbkit sample-data`
    (tmp_path / "processors" / "player_minutes.sql").write_text(PROCESSOR)
    (tmp_path / "ddl" / "player_minutes.sql").write_text(DDL)
    backfill = ["backfill", "--start-date", "2023-11-01", "--end-date", "2023-11-30"]
    monkeypatch.setenv("NBKIT_INJECT_FAILURE", "player_minutes@2023-11-06")
    assert main(backfill) == 1
    first = capsys.readouterr().out
    assert "FAILED player_minutes on 2023-11-06" in first
    monkeypatch.delenv("NBKIT_INJECT_FAILURE")
    assert main(backfill) == 0
    out = capsys.readouterr().out
    assert "player_game_summary" not in out  # resumed: the built-ins are done, not rerun
    with project(tmp_path), open_warehouse(str(tmp_path / "warehouse" / "nba.duckdb"),
                                           read_only=True) as wh:
        rows = wh.query("SELECT COUNT(DISTINCT game_date) AS n FROM "
                        "my_analytics.player_minutes WHERE game_date >= '2023-11-01'")
        sc = gates.scope(wh, dt.date(2023, 11, 1), dt.date(2023, 11, 14))
        cov = gaps.coverage_by_table(sc.status).set_index("table")
        gate = gates.stage_gate(wh, sc, 5)
    assert rows["n"].iloc[0] == 13  # the final game dates of 2023-11-01..14
    assert cov.loc["my_analytics.player_minutes", "complete"] == 13
    assert cov.loc["my_analytics.team_points", "complete"] == 13
    assert gates.verdict(gate) == gates.PASS
    assert "check team_points_not_negative (blocking)" in set(gate["check"])
