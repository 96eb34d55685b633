"""The post-write verdict (nbkit.verify.judge): success only when a date holds exactly the
expected rows and no key repeats; partial with the reason otherwise. Pure: counts in, verdicts
out (the counts query itself is tested on a real warehouse in tests/test_gaps.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from nbkit.verify import judge
from tests.engine.toys import ToyTeamRows

D1, D2, D3, D4, D5 = (dt.date(2023, 11, d) for d in range(1, 6))


class NoExpectation(ToyTeamRows):
    NAME, EXPECTED_ROWS_SQL = "toy_free", None


def counts(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["data_date", "rows", "duplicate_rows", "expected_rows"])


def test_each_date_is_judged_on_rows_duplicates_and_expectation():
    frame = counts((D1, 4, 0, 4), (D2, 3, 0, 4), (D3, 5, 1, 4), (D4, 0, 0, None))
    got = judge(ToyTeamRows, frame, [D1, D2, D3, D4, D5])
    assert {d: (v.status, v.rows, v.expected_rows) for d, v in got.items()} == {
        D1: ("success", 4, 4), D2: ("partial", 3, 4), D3: ("partial", 5, 4),
        D4: ("success", 0, 0),   # no game that day: nothing expected, nothing written
        D5: ("success", 0, 0)}   # a date the counts lack reads as empty
    assert got[D2].error == "incomplete: 3 of 4 expected rows"
    assert got[D3].error == "incomplete: 5 of 4 expected rows, 1 duplicate key rows"


def test_without_an_expectation_the_rows_are_complete_unless_keys_repeat():
    got = judge(NoExpectation, counts((D1, 7, 0, None), (D2, 7, 2, None)), [D1, D2])
    assert (got[D1].ok, got[D1].expected_rows) == (True, 7)
    assert not got[D2].ok and "2 duplicate key rows" in got[D2].error


def test_duplicates_alone_make_a_date_partial_even_with_the_right_count():
    got = judge(ToyTeamRows, counts((D1, 4, 1, 4)), [D1])
    assert got[D1].status == "partial"
