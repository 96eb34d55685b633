"""``bqemulator start`` with a parse cache: run by the emulator venv's own python.

    .venv-bqemu/bin/python tests/bigquery/bqemu_server.py start --rest-port ... (emulator.py)

Why: the emulator spends most of its CPU in sqlglot parsing the same SQL text again and
again. Measured on the parity suite (cProfile of the emulator process): a query job parses
its SQL about 17 times (job classification, DML checks, catalog DDL detection, row access,
each rewriter, ...), each parse of a processor's SQL ~0.1-0.2 s, against ~0.05 s per job of
DuckDB execution. Here ``Dialect.parse`` keeps the trees of recent texts and hands every
caller its own deep copy (``Expression.copy``), so a caller that mutates its tree mutates
nothing shared, and the result is the tree a fresh parse gives. A text that fails to parse
is never cached (the error is raised each time, as before). Nothing else of the emulator
changes; the translation to DuckDB (which depends on the catalog) is not cached.

This module runs in the emulator's venv (duckdb 1.5.5, sqlglot < 30.12): it must not import
nbkit or the tests.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict

from sqlglot.dialects.dialect import Dialect

CAPACITY = 256  # distinct SQL texts kept (the processors' statements, the ledger's, ...)

_real_parse = Dialect.parse
_trees: OrderedDict = OrderedDict()
_lock = threading.Lock()


def _key(dialect: Dialect, sql: str, opts: dict):
    key = (type(dialect), getattr(dialect, "normalization_strategy", None),
           tuple(sorted(getattr(dialect, "settings", {}).items())),
           getattr(dialect, "version", None), sql, tuple(sorted(opts.items())))
    hash(key)  # TypeError for an unhashable option: not cached
    return key


def _copies(trees: list) -> list:
    return [tree.copy() if tree is not None else None for tree in trees]


def cached_parse(self, sql, **opts):
    try:
        key = _key(self, sql, opts)
    except TypeError:
        return _real_parse(self, sql, **opts)
    with _lock:
        trees = _trees.get(key)
        if trees is not None:
            _trees.move_to_end(key)
    if trees is not None:
        return _copies(trees)
    trees = _real_parse(self, sql, **opts)
    kept = _copies(trees)
    with _lock:
        _trees[key] = kept
        while len(_trees) > CAPACITY:
            _trees.popitem(last=False)
    return trees


def main() -> None:
    Dialect.parse = cached_parse  # before bqemulator imports anything that parses
    from bqemulator.cli import main as bqemulator

    sys.argv[0] = "bqemulator"
    bqemulator()


if __name__ == "__main__":
    main()
