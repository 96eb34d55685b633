"""nbval regression checks of the six notebooks, against the small fixture warehouse.

Each committed notebook is copied with its parameters cell pointed at a copy of the
fixture warehouse, and the expected outputs of its verdict cells (the cells tagged
``nbval-check-output``) filled in from ``nbval/expected.json``; then ``pytest
--nbval-lax`` runs the copies in a kernel of this environment. A notebook that stops
running fails, and so does one whose verdict output changes.

After an intended change of a verdict, refresh the expectations with
``NBKIT_NBVAL_RECORD=1 .venv/bin/python -m pytest tests/notebooks/test_nbval.py``
and review the diff of ``tests/notebooks/nbval/expected.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from .conftest import SEASON, WINDOW

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent / "nbval"
EXPECTED = HERE / "expected.json"
CHECK_TAG = "nbval-check-output"
RECORD_ENV = "NBKIT_NBVAL_RECORD"
ONLY_ENV = "NBKIT_NBVAL_NOTEBOOKS"  # e.g. 30_validation: check only these notebooks
# In file order: the season backfill first on its warehouse, then the read-only views
# and the recovery preview of the same warehouse; the stepper on a copy of its own.
RUNS = {"00_preflight": ("shared", {}),
        "10_season": ("shared", {"season": SEASON}),
        "20_gap_analysis": ("shared", {"start_date": "2023-10-01"}),
        "30_validation": ("shared", {"start_date": "2023-10-01"}),
        "40_recovery": ("shared", {"season": SEASON}),
        "50_interactive": ("stepper", {"season": SEASON, "autorun": True, **WINDOW})}


def test_every_notebook_has_checked_verdict_cells():
    for stem in RUNS:
        nb = nbformat.read(str(ROOT / "notebooks" / f"{stem}.ipynb"), as_version=4)
        assert [c for c in nb.cells if CHECK_TAG in c.metadata.get("tags", [])], stem
    assert set(RUNS) == {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}


def test_notebooks_pass_nbval_against_the_fixture_warehouse(copy_of, tmp_path):
    warehouses = {"shared": copy_of("nbval_shared"), "stepper": copy_of("nbval_stepper")}
    if os.environ.get(RECORD_ENV):
        _record(warehouses, tmp_path)
    expected = json.loads(EXPECTED.read_text())
    only = [s for s in os.environ.get(ONLY_ENV, "").split(",") if s]
    paths = [_assemble(stem, warehouses[wh], params, expected.get(stem, {}), tmp_path)
             for stem, (wh, params) in RUNS.items() if not only or stem in only]
    proc = _nbval(paths, tmp_path)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout, proc.stdout[-3000:]


def assemble(stem: str, warehouse: str, params: dict, outputs: dict) -> nbformat.NotebookNode:
    """The committed notebook with the fixture's parameters and the expected outputs."""
    nb = nbformat.read(str(ROOT / "notebooks" / f"{stem}.ipynb"), as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "parameters" in tags:
            values = {"warehouse": warehouse, **params}
            cell.source += "\n# nbval fixture\n" + "".join(
                f"{k} = {v!r}\n" for k, v in values.items())
        if CHECK_TAG in tags:
            cell.outputs = [nbformat.from_dict(o) for o in outputs.get(cell.id, [])]
            cell.execution_count = 1  # nbval skips comparing cells it takes as never run
    return nb


def _assemble(stem, warehouse, params, outputs, tmp_path) -> Path:
    path = tmp_path / f"{stem}.ipynb"
    nbformat.write(assemble(stem, warehouse, params, outputs), str(path))
    return path


def _nbval(paths: list[Path], tmp_path: Path) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    cmd = [sys.executable, "-m", "pytest", "-q", "--nbval-lax", "--nbval-current-env",
           f"--nbval-sanitize-with={HERE / 'sanitize.cfg'}", "-c", str(tmp_path / "pytest.ini"),
           f"--rootdir={tmp_path}", "--nbval-cell-timeout=600", *map(str, paths)]
    env = {**os.environ, "NBKIT_PROGRESS": "text"}
    return subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, env=env,
                          timeout=1800)


def _record(warehouses: dict, tmp_path: Path) -> None:
    """Execute the assembled notebooks once and keep their verdict cells' outputs."""
    from nbclient import NotebookClient

    record_dir = tmp_path / "record"
    record_dir.mkdir()
    fresh = {k: shutil.copy(v, record_dir / f"{k}.duckdb") for k, v in warehouses.items()}
    expected = {}
    for stem, (wh, params) in RUNS.items():
        nb = assemble(stem, str(fresh[wh]), params, {})
        NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(record_dir)}}).execute()
        expected[stem] = {c.id: [_plain(o) for o in c.outputs] for c in nb.cells
                          if CHECK_TAG in c.metadata.get("tags", [])}
    EXPECTED.write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    pytest.skip(f"recorded {EXPECTED}; review its diff, then rerun without {RECORD_ENV}")


def _plain(output) -> dict:
    out = json.loads(json.dumps(output))
    out.get("metadata", {}).clear()
    return out
