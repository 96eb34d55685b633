"""A writable copy of examples/phase5 (or of any project) and settings pointed at it."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

from nbkit import settings
from nbkit.processors import registry

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "phase5"


def copy_example(target: Path) -> Path:
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("*.csv"))
    return target


@contextmanager
def project(path: Path, **flags):
    """The settings of the project at ``path`` in force (the default registry reloads)."""
    settings.use(settings.load_settings(path, **flags))
    registry.reload()
    try:
        yield settings.current()
    finally:
        settings.use(None)
        registry.reload()
