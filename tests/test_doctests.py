"""The doctest examples in pure modules run."""

import doctest

import pytest

import nbkit.params
import nbkit.plan
import nbkit.progress
import nbkit.cost


@pytest.mark.parametrize("module", [nbkit.params, nbkit.plan, nbkit.progress, nbkit.cost],
                         ids=lambda m: m.__name__)
def test_doctests(module):
    failures, tried = doctest.testmod(module)
    assert tried > 0 and failures == 0
