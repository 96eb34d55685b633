"""The require_partition_filter checker (partition_filter.py) itself: what it accepts, what
it reports, and nbkit's own row-count SQL. No emulator needed."""

from __future__ import annotations

import pytest

from nbkit.warehouse import open_warehouse
from tests.bigquery.partition_filter import guarded_tables, violations

SCHED = "`nba-props-platform.nba_raw.nbac_schedule`"
TOGS = "`nba-props-platform.nba_analytics.team_offense_game_summary`"
PGS = "`nba-props-platform.nba_analytics.player_game_summary`"


def test_guarded_tables_come_from_the_ddl():
    guarded = guarded_tables()
    assert guarded["nba_raw.nbac_schedule"] == "game_date"
    assert guarded["nba_raw.nbac_injury_report"] == "report_date"
    assert guarded["nba_analytics.team_offense_game_summary"] == "game_date"
    assert "nba_analytics.player_game_summary" not in guarded


@pytest.mark.parametrize("sql", [
    f"SELECT * FROM {SCHED} WHERE game_date IN UNNEST(@dates)",
    f"SELECT * FROM {SCHED} AS s WHERE s.game_date BETWEEN @a AND @b AND s.game_status = 3",
    f"SELECT * FROM {SCHED} WHERE game_date >= DATE '0001-01-01'",
    f"SELECT * FROM {SCHED} WHERE game_date <= (SELECT MAX(d) FROM UNNEST(@dates) AS d)",
    f"SELECT * FROM {PGS} AS p JOIN {SCHED} AS s ON s.game_id = p.game_id "
    f"AND s.game_date = @d",
    f"WITH x AS (SELECT * FROM {SCHED} WHERE game_date = @d) SELECT * FROM x",
    f"SELECT COUNT(*) FROM {PGS}",  # not guarded
    f"MERGE {TOGS} T USING (SELECT 1 AS a) S ON FALSE "
    f"WHEN NOT MATCHED BY SOURCE AND T.game_date IN UNNEST(@d) THEN DELETE "
    f"WHEN NOT MATCHED THEN INSERT (a) VALUES (S.a)",
    f"MERGE {TOGS} T USING (SELECT 1 AS a) S ON FALSE "
    f"WHEN NOT MATCHED THEN INSERT (a) VALUES (S.a)",  # insert only: the target is not read
    f"INSERT INTO {SCHED} (game_id) SELECT 'x'",
    f"DELETE FROM {SCHED} WHERE game_date = @d",
    "SELECT table_name FROM `nba-props-platform.nba_raw.INFORMATION_SCHEMA.PARTITIONS`",
])
def test_accepted(sql):
    assert violations(sql) == ()


@pytest.mark.parametrize("sql", [
    f"SELECT COUNT(*) AS n FROM {SCHED}",  # BigQueryWarehouse.list_tables before the fix
    f"SELECT game_date AS partition_date, COUNT(*) AS row_count FROM {SCHED} GROUP BY 1",
    f"SELECT * FROM {SCHED} WHERE game_date = @d OR game_status = 3",
    f"SELECT * FROM (SELECT * FROM {SCHED}) WHERE game_date = @d",  # filter one scope too far
    f"SELECT * FROM {SCHED} AS s CROSS JOIN (SELECT @d AS lo) AS b WHERE s.game_date >= b.lo",
    f"SELECT * FROM {SCHED} WHERE game_date IN (SELECT game_date FROM {PGS})",
    f"SELECT * FROM {PGS} AS p WHERE EXISTS (SELECT 1 FROM {SCHED} AS s "
    f"WHERE s.game_date = p.game_date)",
    f"MERGE {TOGS} T USING (SELECT 1 AS a) S ON FALSE "
    f"WHEN NOT MATCHED BY SOURCE THEN DELETE",
    f"DELETE FROM {SCHED} WHERE TRUE",
    f"SELECT 1; SELECT * FROM {SCHED}",
])
def test_reported(sql):
    found = violations(sql)
    assert len(found) == 1 and found[0].table in ("nba_raw.nbac_schedule",
                                                  "nba_analytics.team_offense_game_summary")


def test_partitions_sql_passes_and_keeps_duckdb_results():
    """Warehouse.partitions() filters the partition column (all non-NULL dates): the same
    per-date counts on DuckDB as a plain GROUP BY, and a query BigQuery accepts."""
    sent = []
    with open_warehouse("duckdb://:memory:") as wh:
        wh.init_schema()
        wh.execute(f"INSERT INTO {SCHED} (game_id, game_date, season_year, game_status, "
                   "home_team_tricode, away_team_tricode) VALUES "
                   "('a', DATE '2023-11-01', 2023, 3, 'LAL', 'BOS'), "
                   "('b', DATE '2023-11-01', 2023, 3, 'LAL', 'BOS'), "
                   "('c', DATE '2023-11-03', 2023, 3, 'LAL', 'BOS')")
        plain = wh.query(f"SELECT game_date, COUNT(*) AS n FROM {SCHED} GROUP BY 1 ORDER BY 1")
        real = wh._query
        wh._query = lambda sql, params: sent.append(sql) or real(sql, params)
        parts = wh.partitions("nba_raw.nbac_schedule")
    assert list(parts["row_count"]) == list(plain["n"]) == [2, 1]
    assert sent and all(violations(sql) == () for sql in sent)
