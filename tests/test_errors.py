"""Every error survives pickling and ends with its fix."""

from __future__ import annotations

import pickle

import pytest

from nbkit import errors

CLASSES = [c for c in vars(errors).values()
           if isinstance(c, type) and issubclass(c, errors.NbkitError)]


@pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])
def test_pickle_roundtrip_keeps_fields(cls):
    err = cls("Something broke", "do the thing")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert (back.problem, back.fix) == ("Something broke", "do the thing")
    assert str(back) == str(err) and str(err).endswith("Fix: do the thing")


def test_warehouse_error_carries_table_and_statement():
    err = errors.WarehouseError("Boom", "retry", table="nba_raw.t", statement="SELECT 1")
    back = pickle.loads(pickle.dumps(err))
    assert back.table == "nba_raw.t" and back.statement == "SELECT 1"
    assert "table nba_raw.t" in str(back) and str(back).endswith("Fix: retry")
