"""Fixtures shared by the BigQuery suites (the emulator fixtures are in plugin.py)."""

from __future__ import annotations

import datetime as dt

import pytest

SAMPLE_AS_OF = dt.date(2021, 11, 8)


@pytest.fixture(scope="session")
def seed7_sample(tmp_path_factory) -> str:
    """Path of a DuckDB file holding the seed-7 raw sample up to SAMPLE_AS_OF (built once per run, ~13 s).

    The file is closed; open it with ``open_warehouse(path, read_only=True)`` and close it
    again (the parity, backfill and CLI suites copy their inputs from it).
    """
    from tests.shared import seed7_sample_file

    return str(seed7_sample_file(tmp_path_factory, SAMPLE_AS_OF))
