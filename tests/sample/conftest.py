"""Frames shared by the sample tests: each generation takes seconds, so it runs once."""

from __future__ import annotations

import pytest

from nbkit.sample import DEFAULT_AS_OF, generate_raw

SYNTHETIC = 5  # one whole synthetic era (2017-18..2020-21) and one season of the next


@pytest.fixture(scope="session")
def default_frames():
    """The default sample: seed 7, real seasons only."""
    return generate_raw(7, DEFAULT_AS_OF)


@pytest.fixture(scope="session")
def synthetic_frames():
    """Seed 7 with SYNTHETIC extra seasons (2016-17..2020-21)."""
    return generate_raw(7, DEFAULT_AS_OF, synthetic_seasons=SYNTHETIC)
