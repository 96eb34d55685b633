"""The committed notebooks: structure, no outputs, thin cells, parameters nbkit can validate."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from nbkit import parameters as spec
from nbkit.parameters.models import model_for
from nbkit.runbook import NOTEBOOKS, is_secret, notebook_parameters

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_FILES = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = {"00_preflight", "10_season", "20_gap_analysis", "30_validation", "40_recovery",
            "50_interactive"}
MAX_CODE_LINES = 12  # notebooks are thin: logic lives in nbkit


def test_every_runbook_notebook_is_committed():
    assert {p.stem for p in NOTEBOOK_FILES} == EXPECTED
    assert set(NOTEBOOKS.values()) <= EXPECTED


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_structure_is_valid_and_clean(path):
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"committed outputs in {path.name}"
            assert cell.execution_count is None
            ast.parse(cell.source)  # every code cell compiles
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_runbook_shape_markdown_before_each_step(path):
    """Every code cell after the parameters is preceded by markdown saying what it does
    (a cell may follow another code cell of the same step)."""
    nb = nbformat.read(str(path), as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    steps = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert len(steps) >= 2
    for cell in steps:
        assert "**Bad result:**" in cell.source, cell.source[:60]
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            assert len(cell.source.splitlines()) <= MAX_CODE_LINES, cell.source
            tree = ast.parse(cell.source)
            assert not any(isinstance(n, (ast.For, ast.While, ast.If, ast.FunctionDef,
                                          ast.ClassDef)) for n in ast.walk(tree)), \
                f"logic in {path.name}: {cell.source[:80]}"
            imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
            assert all(getattr(n, "module", "") == "nbkit" for n in imports)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_parameters_are_known_parseable_and_safe(path):
    defaults = notebook_parameters(path)
    assert "warehouse" in defaults
    # papermill parses every line of the parameters cell (a comment with '=' would break it)
    assert list(pm.inspect_notebook(str(path))) == list(defaults)
    for name, value in defaults.items():
        assert spec.known(name), f"{path.stem}: no validator for parameter {name}"
        if is_secret(name):
            assert value == "", "a secret parameter must default to empty"
        for key in ("start_date", "end_date", "sample_date", "season"):
            if name == key and value:
                spec.coerce(name, value)
    model_for(path.stem)(**defaults)  # the defaults pass the notebook's own model
