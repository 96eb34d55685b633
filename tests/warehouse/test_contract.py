"""The warehouse contract: written once, run on every backend (see conftest BACKENDS)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nbkit.errors import SchemaError, SqlError, WarehouseError

D = dt.date
SCHED = "nba_raw.nbac_schedule"


def games(day: dt.date, n: int, tag: str = "a") -> pd.DataFrame:
    return pd.DataFrame({
        "game_id": [f"00{tag}{day:%m%d}{i:03d}" for i in range(n)],
        "game_date": [day] * n,
        "season_year": [2023] * n,
        "game_status": [3] * n,
        "home_team_tricode": ["LAL"] * n,
        "away_team_tricode": ["BOS"] * n,
    })


def count(wh, where="TRUE", params=None) -> int:
    sql = f"SELECT COUNT(*) AS n FROM `nba-props-platform.{SCHED}` WHERE {where}"
    return int(wh.query(sql, params or {})["n"].iloc[0])


def count_rows(wh, table: str) -> int:
    return int(wh.query(f"SELECT COUNT(*) AS n FROM `{wh.project}.{table}`")["n"][0])


def test_query_returns_dataframe_with_params(warehouse):
    frame = warehouse.query("SELECT @a AS a, @d AS d, @s AS s",
                            {"a": 5, "d": D(2024, 1, 2), "s": "x"})
    assert list(frame.columns) == ["a", "d", "s"]
    assert frame.iloc[0]["a"] == 5 and frame.iloc[0]["s"] == "x"
    assert pd.Timestamp(frame.iloc[0]["d"]).date() == D(2024, 1, 2)


def test_init_schema_is_idempotent(warehouse):
    assert warehouse.init_schema() == []
    assert warehouse.table_exists(SCHED)
    assert warehouse.table_exists("nba_reference.processor_run_history")


def test_write_frame_then_replace_same_dates_never_duplicates(warehouse):
    day1, day2 = D(2023, 11, 1), D(2023, 11, 2)
    warehouse.write_frame(SCHED, pd.concat([games(day1, 3), games(day2, 2)]))
    for _ in range(3):
        result = warehouse.write_frame(SCHED, games(day1, 4, "b"))
    assert (result.deleted, result.inserted) == (4, 4)
    assert count(warehouse, "game_date = @d", {"d": day1}) == 4
    assert count(warehouse, "game_date = @d", {"d": day2}) == 2


def test_replace_table_swaps_every_row_of_an_unpartitioned_table(warehouse):
    table = "nba_static.travel_distances"

    def pairs(*teams):
        return pd.DataFrame({"from_team": list(teams), "to_team": ["BOS"] * len(teams),
                             "distance_miles": [100 * (i + 1) for i in range(len(teams))]})
    warehouse.replace_table(table, pairs("LAL", "NYK", "MIA"))
    for _ in range(2):
        result = warehouse.replace_table(table, pairs("DEN", "PHX"))
    assert (result.deleted, result.inserted) == (2, 2)
    rows = warehouse.query(f"SELECT from_team FROM `{warehouse.project}.{table}` ORDER BY 1")
    assert rows["from_team"].tolist() == ["DEN", "PHX"]
    with pytest.raises(WarehouseError, match="not in nba_static.travel_distances"):
        warehouse.replace_table(table, pairs("LAL").assign(no_such_column=1))
    assert count_rows(warehouse, table) == 2


def test_replace_dates_writes_only_requested_dates(warehouse):
    warehouse.write_frame(SCHED, games(D(2023, 11, 1), 2))
    select = ("SELECT *, 'LAL' AS home_team_tricode, 'BOS' AS away_team_tricode FROM UNNEST(["
              "STRUCT('x1' AS game_id, DATE '2023-11-01' AS game_date, 2023 AS season_year, "
              "3 AS game_status), "
              "STRUCT('x2' AS game_id, DATE '2023-11-05' AS game_date, 2023 AS season_year, "
              "3 AS game_status)])")
    result = warehouse.replace_dates(SCHED, [D(2023, 11, 1)], select)
    assert (result.deleted, result.inserted) == (2, 1)
    assert count(warehouse) == 1
    assert count(warehouse, "game_date = @d", {"d": D(2023, 11, 5)}) == 0


def test_replace_with_empty_select_clears_the_dates(warehouse):
    warehouse.write_frame(SCHED, games(D(2023, 11, 1), 2))
    select = f"SELECT * FROM `nba-props-platform.{SCHED}` WHERE FALSE"
    result = warehouse.replace_dates(SCHED, [D(2023, 11, 1)], select)
    assert result.deleted == 2 and count(warehouse) == 0


def test_failed_replace_leaves_table_unchanged(warehouse):
    warehouse.write_frame(SCHED, games(D(2023, 11, 1), 3))
    bad = ("SELECT CAST(s AS INT64) AS game_status, DATE '2023-11-01' AS game_date, "
           "'z' AS game_id, 2023 AS season_year, 'LAL' AS home_team_tricode, "
           "'BOS' AS away_team_tricode FROM UNNEST(['1', 'not-a-number']) AS s")
    with pytest.raises(WarehouseError) as info:
        warehouse.replace_dates(SCHED, [D(2023, 11, 1)], bad)
    assert info.value.table == SCHED and "MERGE" in info.value.statement
    assert count(warehouse) == 3


def test_select_with_unknown_column_is_refused(warehouse):
    with pytest.raises(WarehouseError, match="not in nba_raw.nbac_schedule"):
        warehouse.replace_dates(SCHED, [D(2023, 11, 1)],
                                "SELECT DATE '2023-11-01' AS game_date, 1 AS nonsense")


def test_project_ids_and_two_part_names_resolve(warehouse):
    warehouse.write_frame(SCHED, games(D(2023, 11, 1), 2))
    for name in ["`nba-props-platform.nba_raw.nbac_schedule`", "`nba_raw.nbac_schedule`",
                 "nba_raw.nbac_schedule"]:
        assert warehouse.query(f"SELECT COUNT(*) AS n FROM {name}")["n"].iloc[0] == 2


def test_list_tables_and_partitions(warehouse):
    warehouse.write_frame(SCHED, pd.concat([games(D(2023, 11, 1), 3), games(D(2023, 11, 3), 1)]))
    tables = warehouse.list_tables().set_index("table_id")
    assert tables.loc[SCHED, "row_count"] == 4
    assert tables.loc[SCHED, "partition_column"] == "game_date"
    parts = warehouse.partitions(SCHED)
    assert [pd.Timestamp(d).date() for d in parts["partition_date"]] == [D(2023, 11, 1),
                                                                        D(2023, 11, 3)]
    assert list(parts["row_count"]) == [3, 1]


def test_backend_errors_become_warehouse_errors_naming_table_and_fix(warehouse):
    with pytest.raises(WarehouseError) as info:
        warehouse.query("SELECT no_such_column FROM `nba-props-platform.nba_raw.nbac_schedule`")
    assert info.value.table == SCHED
    assert "no_such_column" in str(info.value) and "Fix:" in str(info.value)


def test_unknown_table_suggests_the_closest(warehouse):
    with pytest.raises(SchemaError, match="did you mean nba_raw.nbac_schedule"):
        warehouse.partitions("nba_raw.nbac_schedul")


def test_unparsable_sql_raises_before_running(warehouse):
    with pytest.raises(SqlError):
        warehouse.execute("DELETE FROM WHERE")


def test_table_columns_and_schema_drift_name_what_is_missing(warehouse):
    from nbkit import drift

    got = warehouse.table_columns([SCHED, "nba_static.travel_distances"])
    assert {"game_id", "game_date", "season_year"} <= got[SCHED]
    assert "distance_miles" in got["nba_static.travel_distances"]
    assert drift.schema_drift(warehouse) == []
    warehouse.execute(f"DROP TABLE `{warehouse.project}.nba_analytics.team_offense_game_summary`")
    assert "nba_analytics.team_offense_game_summary" not in warehouse.table_columns(
        ["nba_analytics.team_offense_game_summary"])
    assert drift.schema_drift(warehouse) == [
        "table nba_analytics.team_offense_game_summary is missing"]


def test_data_version_moves_with_every_write_and_only_then(warehouse):
    before = warehouse.data_version()
    if before is None:  # the backend cannot tell: callers measure every time
        pytest.skip(f"{warehouse.backend} reports no data version")
    warehouse.query(f"SELECT COUNT(*) AS n FROM `{warehouse.project}.{SCHED}`")
    assert warehouse.data_version() == before
    warehouse.write_frame(SCHED, games(D(2023, 11, 3), 2))
    after = warehouse.data_version()
    assert after != before
    warehouse.write_frame(SCHED, games(D(2023, 11, 3), 2))  # the same rows again
    assert warehouse.data_version() != after


def test_map_concurrently_keeps_order_and_the_callers_job_context(warehouse):
    values = list(range(6))
    with warehouse.job_context({"purpose": "contract"}) as jobs:
        got = warehouse.map_concurrently(
            lambda v: int(warehouse.query("SELECT @v * 10 AS x", {"v": v})["x"].iloc[0]),
            values, workers=3)
    assert got == [v * 10 for v in values]
    # every job the workers ran is counted in the caller's context (BigQuery counts its jobs;
    # the embedded warehouse sends none)
    assert jobs["jobs"] == (len(values) if warehouse.backend == "bigquery" else 0)
    assert len(jobs["job_ids"]) == jobs["jobs"]
    assert warehouse.map_concurrently(lambda v: v + 1, []) == []
