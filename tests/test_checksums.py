"""Checksums compare content across backends: what each backend stores differently for the
same value canonicalises to the same text; any real difference changes the checksum."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from nbkit.checksums import _canonical_for, table_checksums


@pytest.mark.parametrize("column_type, duckdb_value, bigquery_value", [
    ("ARRAY<STRING>", None, np.array([], dtype=object)),   # NULL array vs []
    ("ARRAY<STRING>", np.array(["a", "b"], dtype=object), ["a", "b"]),
    ("DATE", pd.Timestamp("2024-01-02"), dt.date(2024, 1, 2)),
    ("ARRAY<DATE>", np.array(["2024-01-02"], dtype="datetime64[ns]"), [dt.date(2024, 1, 2)]),
    ("FLOAT64", 14.349999999999998, 14.35),
    ("STRING", None, float("nan")),
])
def test_same_value_stored_two_ways_canonicalises_the_same(column_type, duckdb_value,
                                                           bigquery_value):
    canonical = _canonical_for(column_type)
    assert canonical(duckdb_value) == canonical(bigquery_value)


@pytest.mark.parametrize("column_type, a, b", [
    ("ARRAY<STRING>", [], ["x"]), ("ARRAY<STRING>", ["a", "b"], ["b", "a"]),
    ("STRING", None, ""), ("DATE", dt.date(2024, 1, 2), dt.date(2024, 1, 3)),
    ("FLOAT64", 1.0, 1.001),
])
def test_different_values_stay_different(column_type, a, b):
    canonical = _canonical_for(column_type)
    assert canonical(a) != canonical(b)


def test_checksum_follows_content_not_write_time(duck):
    table = "nba_raw.nbac_schedule"
    day = dt.date(2024, 1, 2)
    frame = pd.DataFrame({"game_id": ["g1", "g2"], "game_date": [day, day],
                          "season_year": [2023, 2023], "game_status": [3, 3],
                          "home_team_tricode": ["LAL", "BOS"],
                          "away_team_tricode": ["BOS", "LAL"]})
    checksums = []
    for version in (frame, frame.iloc[::-1], frame.assign(game_status=[3, 1])):
        duck.write_frame(table, version.assign(processed_at=pd.Timestamp.now()))
        checksums.append(table_checksums(duck, table)["checksum"].iloc[0])
    assert checksums[0] == checksums[1]      # row order and processed_at do not count
    assert checksums[0] != checksums[2]      # one changed value does
