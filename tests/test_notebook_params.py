"""The typed parameter model of each notebook: it agrees with the notebook's parameters cell,
validates by nbkit's rules (every problem at once, each with its fix), and the CLI's notebook
flags are generated from it."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from nbkit.errors import NbkitError, ParamsError
from nbkit.parameters import models
from nbkit.runbook import model_differences

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("stem", sorted(models.MODELS))
def test_each_notebook_cell_agrees_with_its_model(stem):
    assert model_differences(ROOT / "notebooks" / f"{stem}.ipynb") == []


@pytest.mark.parametrize("line, words", [
    ('workers = 3  # processors run side by side within a phase', ["workers: default 3"]),
    ('workers = 2  # how many', ["workers: help 'how many'"]),
    ('workers = "2"  # processors run side by side within a phase', ["workers: default"]),
    ('worker = 2  # processors run side by side within a phase', ["names:"]),
])
def test_a_cell_that_disagrees_with_its_model_is_reported(tmp_path, line, words):
    nb = nbformat.read(str(ROOT / "notebooks" / "40_recovery.ipynb"), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = "\n".join(line if text.startswith("workers =") else text
                            for text in cell.source.splitlines())
    nbformat.write(nb, str(tmp_path / "40_recovery.ipynb"))
    found = model_differences(tmp_path / "40_recovery.ipynb")
    assert found and all(any(w in f for f in found) for w in words), found


def test_values_are_normalized_by_the_rules():
    p = models.SeasonParams(season="2023-24", workers="3", dry_run="yes", dates="2023-11-02")
    assert (p.workers, p.dry_run, p.dates, p.bootstrap_days) == (3, True, "2023-11-02", 7)
    assert models.SeasonParams.of(p) is p
    assert models.GapAnalysisParams.of("wh.duckdb", start_date="2023-11-01").warehouse == \
        "wh.duckdb"


def test_every_problem_at_once_each_with_its_fix():
    with pytest.raises(ParamsError) as info:
        models.SeasonParams(season="2023-24", workers="many", dry_run="perhaps",
                            bootstrap_days=-5)
    text = str(info.value)
    assert text.startswith("3 problem(s) with the parameters of 10_season")
    for words in ("workers 'many' is not a whole number in [1, 32]", "-p dry_run True",
                  "bootstrap_days '-5' is not a whole number in [0, 60]"):
        assert words in text


@pytest.mark.parametrize("model, values, words", [
    (models.SeasonParams, {"season": "2023-24", "start_date": "2022-11-01"},
     "not in season 2023-24"),
    (models.RecoveryParams, {"mode": "rerun_dates"}, "mode rerun_dates needs the dates"),
    (models.GapAnalysisParams, {"start_date": "2023-11-05", "end_date": "2023-11-01"},
     "Fix: swap them"),
    (models.PreflightParams, {"sampel_date": "2023-11-01"}, "did you mean sample_date?"),
])
def test_checks_across_parameters_and_unknown_names(model, values, words):
    with pytest.raises(NbkitError, match="Fix:") as info:
        model(**values)
    assert words in str(info.value)


def test_run_commands_name_what_differs_from_the_defaults():
    p = models.SeasonParams(season="2023-24", workers=2, phases="4", gcp_access_token="x",
                            wait_seconds=5)
    assert p.explicit() == {"season": "2023-24", "phases": "4"}  # the season always
    assert models.RecoveryParams(apply=True).explicit() == {"apply": True}
    assert "gcp_access_token" not in p.public() and "x" not in repr(p)


def test_notebook_commands_have_a_flag_per_parameter_with_the_models_help():
    from nbkit.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    for command, model in (("preflight", models.PreflightParams),
                           ("season", models.SeasonParams), ("gaps", models.GapAnalysisParams),
                           ("validate", models.ValidationParams),
                           ("recover", models.RecoveryParams)):
        actions = {a.dest: a for a in commands[command]._actions}
        for name in model.names():
            if name == "warehouse" or models.is_secret(name):
                continue
            assert model.model_fields[name].description in actions[name].help, (command, name)


def test_cli_flags_reach_the_runner_as_notebook_parameters(monkeypatch):
    from nbkit import cli, runbook

    seen = {}

    def fake_run(notebook, params, **kwargs):
        seen.update(notebook=notebook, params=params)
        raise ParamsError("stop here", "nothing to fix")

    monkeypatch.setattr(runbook, "run_notebook", fake_run)
    code = cli.main(["season", "2023-24", "--workers", "3", "--dry-run", "--phases", "4",
                     "-p", "include", "all"])
    assert code == 2
    assert seen == {"notebook": "season", "params": {
        "season": "2023-24", "phases": "4", "include": "all", "workers": 3, "dry_run": True}}
