"""Checksums compare content across backends: the warehouse's hash aggregate equals the pandas
reference (the same canonical text built row by row), what each backend stores differently
for the same value sums the same, and any real difference changes the checksum."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nbkit.checksums import canonical_sql, table_checksums, tables_checksums
from nbkit.processors import registry
from nbkit.warehouse import open_warehouse
from tests.checksum_reference import reference_checksums

DAY = dt.date(2024, 1, 2)
SCHEDULE = "nba_raw.nbac_schedule"


def _schedule(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({"game_id": ["g1", "g2"], "game_date": [DAY, DAY],
                          "season_year": [2023, 2023], "game_status": [3, 3],
                          "home_team_tricode": ["LAL", "BOS"],
                          "away_team_tricode": ["BOS", "LAL"]})
    return frame.assign(**changes)


def test_checksum_follows_content_not_write_time(duck):
    checksums = []
    for version in (_schedule(), _schedule().iloc[::-1], _schedule(game_status=[3, 1])):
        duck.write_frame(SCHEDULE, version.assign(processed_at=pd.Timestamp.now()))
        checksums.append(table_checksums(duck, SCHEDULE)["checksum"].iloc[0])
    assert checksums[0] == checksums[1]      # row order and processed_at do not count
    assert checksums[0] != checksums[2]      # one changed value does


def test_several_tables_at_once_equal_one_at_a_time(duck):
    duck.write_frame(SCHEDULE, _schedule())
    duck.write_frame("nba_raw.espn_scoreboard", pd.DataFrame({
        "game_id": ["x1", "x2"], "game_date": [DAY, DAY + dt.timedelta(days=1)],
        "season_year": [2023, 2023]}))
    tables = [SCHEDULE, "nba_raw.espn_scoreboard", SCHEDULE]
    together = tables_checksums(duck, tables, workers=2)
    assert list(together) == [SCHEDULE, "nba_raw.espn_scoreboard"]
    for table_id, frame in together.items():
        pd.testing.assert_frame_equal(frame, table_checksums(duck, table_id))
    assert len(together["nba_raw.espn_scoreboard"]) == 2


@pytest.mark.parametrize("column, a, b", [
    ("game_code", [None, "x"], ["", "x"]),                      # NULL is not ''
    ("season_year", [2023, 2023], [2023, 2024]),
    ("game_date", [DAY, DAY], [DAY, DAY + dt.timedelta(days=1)]),
])
def test_different_values_stay_different(duck, column, a, b):
    sums = []
    for values in (a, b):
        duck.write_frame(SCHEDULE, _schedule(**{column: values}))
        sums.append(table_checksums(duck, SCHEDULE)["checksum"].tolist())
    assert sums[0] != sums[1]


def test_duplicate_rows_change_the_checksum(duck):
    duck.write_frame(SCHEDULE, _schedule())
    once = table_checksums(duck, SCHEDULE)
    duck.write_frame(SCHEDULE, pd.concat([_schedule(), _schedule().iloc[:1]]))
    twice = table_checksums(duck, SCHEDULE)
    assert (once["checksum"].iloc[0], once["rows"].iloc[0]) != (
        twice["checksum"].iloc[0], twice["rows"].iloc[0])


def test_floats_that_differ_in_the_last_bits_read_the_same(duck):
    texts = duck.query(f"SELECT {canonical_sql('x', 'FLOAT64')} AS text "
                       "FROM UNNEST([14.349999999999998, 14.35, 14.351, -0.0000001]) AS x "
                       "WITH OFFSET AS o ORDER BY o")["text"].tolist()
    assert texts == ["14350000", "14350000", "14351000", "0"]


@pytest.mark.parametrize("column_type, sql_value, text", [
    ("ARRAY<STRING>", "CAST(NULL AS ARRAY<STRING>)", "[]"),       # NULL array reads as []
    ("ARRAY<STRING>", "ARRAY<STRING>[]", "[]"),
    ("ARRAY<STRING>", "['b', 'a']", "[b,a]"),                     # order kept
    ("ARRAY<FLOAT64>", "[1.5, 0.25]", "[1500000,250000]"),
    ("DATE", "DATE '2024-01-02'", "2024-01-02"),
    ("BOOL", "TRUE", "true"),
    ("INT64", "CAST(NULL AS INT64)", "∅"),
    ("TIMESTAMP", "TIMESTAMP '1970-01-01 00:00:01.5+00'", "1500000"),
    ("NUMERIC(5, 1)", "CAST(14.3 AS NUMERIC)", "14300000"),
    ("FLOAT64", "-2.5", "-2500000"),
    ("STRING", "'a b'", "a b"),
])
def test_canonical_text_of_each_type(warehouse, column_type, sql_value, text):
    """The same text on every configured backend (the emulator too, with the bigquery one)."""
    sql = f"SELECT {canonical_sql('v', column_type)} AS text FROM (SELECT {sql_value} AS v)"
    assert warehouse.query(sql)["text"].iloc[0] == text


def test_the_warehouse_aggregate_equals_the_pandas_reference(backfilled_sample_path):
    """Every built-in table, every column type, on a week of a real backfill (NULLs, arrays,
    the float array of the feature store, NUMERIC, booleans, timestamps)."""
    start, end = dt.date(2022, 3, 1), dt.date(2022, 3, 7)
    with open_warehouse(str(backfilled_sample_path), read_only=True) as wh:
        for proc in registry.all():
            fast = table_checksums(wh, proc.TARGET_TABLE, start, end)
            slow = reference_checksums(wh, proc.TARGET_TABLE, start, end)
            assert len(fast) == 7, proc.TARGET_TABLE
            pd.testing.assert_frame_equal(fast, slow, check_dtype=False,
                                          obj=proc.TARGET_TABLE)
