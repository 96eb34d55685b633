"""A small on-disk cache of JSON values, shared by every nbkit process on the machine.

Parsed DDL and translated SQL are pure functions of their text and of the code that made
them, but a new process (a papermill kernel, a CLI call, a scheduler's job) would pay ~1 s
to redo them. Entries live under ``$NBKIT_CACHE_DIR`` (default ``$XDG_CACHE_HOME/nbkit`` or
``~/.cache/nbkit``), one directory per kind and code fingerprint; a new fingerprint drops
the kind's older directories. JSON, not pickle: a cache file is data, never code. Any
problem reading or writing falls back to computing: the cache can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

CACHE_ENV = "NBKIT_CACHE_DIR"


def root() -> Path:
    """The cache's directory (not created)."""
    return Path(os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "nbkit"))


def digest(*parts: str) -> str:
    """A short hex key for ``parts`` (separated, so ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:24]


def read(kind: str, fingerprint: str, key: str):
    """The value stored under ``key``, or None when absent or unreadable."""
    try:
        return json.loads((root() / f"{kind}-{fingerprint}" / f"{key}.json").read_text())
    except (OSError, ValueError):
        return None


def write(kind: str, fingerprint: str, key: str, value) -> None:
    """Store ``value`` (JSON-able) under ``key``, atomically; errors are ignored."""
    folder = root() / f"{kind}-{fingerprint}"
    try:
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            _drop_older(kind, keep=folder)
        with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp") as handle:
            json.dump(value, handle)
        os.replace(handle.name, folder / f"{key}.json")
    except (OSError, TypeError, ValueError):
        pass


def _drop_older(kind: str, keep: Path) -> None:
    for other in keep.parent.glob(f"{kind}-*"):
        if other == keep:
            continue
        if other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
        else:  # an older release's single-file entry
            other.unlink(missing_ok=True)
