"""The checks every Phase 4 processor shares, on the mini season of builders_phase4.

Each processor runs after the Phase 4 processors it reads; its own hand-computed values are
tested in its own module.
"""

from __future__ import annotations

import pytest

from nbkit.processors import get_or_raise
from tests.processors import builders_phase4 as b

# processor -> the last Phase 4 processor computed before it (None: reads Phase 3 only)
INPUTS_UPTO = {
    "team_defense_zone_analysis": None,
    "player_shot_zone_analysis": None,
    "player_composite_factors": "player_shot_zone_analysis",
    "player_daily_cache": "player_shot_zone_analysis",
    "ml_feature_store": "player_daily_cache",
}


@pytest.fixture(params=list(INPUTS_UPTO))
def mini(request, duck):
    """(warehouse, processor): the mini season with the processor's Phase 4 inputs computed."""
    b.mini_season(duck)
    if INPUTS_UPTO[request.param]:
        b.run_phase4(duck, b.MINI_DATES, upto=INPUTS_UPTO[request.param])
    return duck, get_or_raise(request.param)


def test_bootstrap_dates_alone_give_no_rows(mini):
    duck, processor = mini
    assert b.run(duck, processor, list(b.MINI_BOOTSTRAP)).inserted == 0


def test_batched_equals_per_date(mini):
    b.check_batched_equals_per_date(*mini, b.MINI_DATES)


def test_rerun_keeps_keys_unique(mini):
    b.check_rerun_keeps_keys_unique(*mini, b.MINI_DATES)


def test_expected_rows_match_on_complete_input(mini):
    b.check_expected_rows_match(*mini, b.MINI_DATES)
