"""A disk cache of the parsed built-in DDL, keyed by the rendered files and sqlglot's
version (JSON, not pickle: a cache file is data, never code). Any problem reading or
writing it falls back to parsing."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

import sqlglot

CACHE_ENV = "NBKIT_CACHE_DIR"


def read(sources: dict[Path, str]):
    from nbkit.schema import Column, Table

    try:
        data = json.loads(_path(sources).read_text())
        return {key: Table(**{**t, "columns": tuple(Column(**c) for c in t["columns"]),
                              "clustering": tuple(t["clustering"])})
                for key, t in data.items()}
    except (OSError, ValueError, TypeError, KeyError):
        return None


def write(sources: dict[Path, str], registry: dict) -> None:
    path = _path(sources)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False,
                                         suffix=".tmp") as handle:
            json.dump({k: asdict(t) for k, t in registry.items()}, handle)
        os.replace(handle.name, path)
    except OSError:
        pass


def _path(sources: dict[Path, str]) -> Path:
    digest = hashlib.sha256(sqlglot.__version__.encode())
    for file, text in sources.items():
        digest.update(file.name.encode() + b"\0" + text.encode())
    root = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "nbkit")
    return Path(root) / f"schema-{digest.hexdigest()[:16]}.json"
