from __future__ import annotations

import datetime as dt

import pytest

from nbkit.errors import ParamsError
from nbkit.params import parse_date, parse_season, parse_seed, season_label


def test_parse_date_accepts_iso_and_dates():
    assert parse_date("2024-11-29") == dt.date(2024, 11, 29)
    assert parse_date(dt.datetime(2024, 1, 2, 3)) == dt.date(2024, 1, 2)


@pytest.mark.parametrize("bad", ["2024-13-01", "2024-02-30", "yesterday", "", "2024/11/29",
                                 "2024-11-29; DROP TABLE x"])
def test_parse_date_rejects_with_fix(bad):
    with pytest.raises(ParamsError, match="Fix: use YYYY-MM-DD"):
        parse_date(bad, "--as-of")


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", True, "1e3", "9999999999"])
def test_parse_seed_rejects(bad):
    with pytest.raises(ParamsError, match="Fix:"):
        parse_seed(bad)


def test_seasons_roundtrip():
    assert parse_season("2023-24") == 2023 and season_label(2023) == "2023-24"
    assert season_label(2099) == "2099-00"
    for bad in ["2023-25", "2023", "23-24", "2023-24x"]:
        with pytest.raises(ParamsError, match="YYYY-YY"):
            parse_season(bad)
