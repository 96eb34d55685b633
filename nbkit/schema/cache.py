"""A disk cache of the parsed built-in DDL, keyed by the rendered files and sqlglot's
version (``nbkit.disk_cache``). Any problem reading or writing it falls back to parsing."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import sqlglot

from nbkit import disk_cache

_KIND = "schema"


def read(sources: dict[Path, str]):
    from nbkit.schema import Column, Table

    data = disk_cache.read(_KIND, sqlglot.__version__, _key(sources))
    try:
        return {key: Table(**{**t, "columns": tuple(Column(**c) for c in t["columns"]),
                              "clustering": tuple(t["clustering"])})
                for key, t in data.items()} if data is not None else None
    except (AttributeError, TypeError, KeyError):
        return None


def write(sources: dict[Path, str], registry: dict) -> None:
    disk_cache.write(_KIND, sqlglot.__version__, _key(sources),
                     {k: asdict(t) for k, t in registry.items()})


def _key(sources: dict[Path, str]) -> str:
    return disk_cache.digest(*(f"{file.name}\0{text}" for file, text in sources.items()))
