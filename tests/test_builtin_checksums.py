"""The built-in processors' outputs are byte-identical to those recorded from d769345.

The seed-7 sample, taken from the operators' starting state through one full backfill on the
current code (tests/conftest.py::backfilled_sample_path), gives, table by table and date by
date, the rows and content checksums of ``tests/data/builtin_checksums.json``. Any SQL
rewrite (speed, project id, fragments) must keep them; run alone with ``-m checksums``.
"""

from __future__ import annotations

import pytest

from nbkit.warehouse import open_warehouse
from tests.builtin_checksums import builtin_checksums, differences, load_fixture

pytestmark = [pytest.mark.checksums, pytest.mark.slow]


def test_full_backfill_reproduces_the_recorded_checksums(backfilled_sample_path):
    with open_warehouse(str(backfilled_sample_path), read_only=True) as wh:
        actual = builtin_checksums(wh)
    expected = load_fixture()
    assert sum(len(v) for v in expected.values()) == 6610
    assert differences(expected, actual) == []
