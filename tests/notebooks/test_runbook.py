"""run_notebook: parameters checked before any kernel starts, secrets never written down."""

from __future__ import annotations

import json
import os
import pickle

import pytest

from nbkit.errors import ParamsError
from nbkit.nb import GateFailed, run_command
from nbkit.runbook import NotebookRunError, prepare_parameters, resolve_notebook, run_notebook

from .conftest import SECRET


@pytest.mark.parametrize("params, error, words", [
    ({"seasn": "2023-24"}, NotebookRunError, ["no parameter 'seasn'", "did you mean season?"]),
    ({"season": "2023-25"}, ParamsError, ["not a season", "e.g. 2023-24"]),
    ({"season": "2023-24", "start_date": "2023-13-01", "end_date": "2023-11-01"}, ParamsError,
     ["not a valid date", "YYYY-MM-DD"]),
    ({"season": "2023-24", "start_date": "2022-11-01", "end_date": "2022-11-05"}, ParamsError,
     ["not in season 2023-24"]),
    ({"season": "2023-24", "workers": "many"}, ParamsError, ["workers", "not a whole number"]),
    ({"season": "2023-24", "dry_run": "perhaps"}, ParamsError, ["-p dry_run True"]),
    ({"season": "2023-24", "processors": "player_game_sumary"}, ParamsError,
     ["did you mean player_game_summary?"]),
])
def test_bad_parameters_fail_before_a_kernel_starts(sample_path, tmp_path, params, error,
                                                    words):
    with pytest.raises(error) as info:
        run_notebook("season", params, reports_dir=tmp_path, warehouse=str(sample_path))
    for word in words:
        assert word in str(info.value)
    assert "Fix:" in str(info.value)
    assert not (tmp_path / "runs").exists()  # nothing ran, nothing recorded


def test_unknown_notebook_and_missing_warehouse_name_the_fix(sample_path, tmp_path):
    with pytest.raises(NotebookRunError, match="did you mean"):
        resolve_notebook("gapz")
    with pytest.raises(NotebookRunError, match="nbkit sample-data"):
        run_notebook("gaps", {}, reports_dir=tmp_path, warehouse=str(tmp_path / "none.duckdb"))


def test_cli_strings_are_converted_to_the_notebook_types(sample_path):
    public, secrets = prepare_parameters(resolve_notebook("season"), {
        "season": "2023-24", "workers": "3", "dry_run": "true", "warehouse": str(sample_path),
        "gcp_access_token": "abc"})
    assert public["workers"] == 3 and public["dry_run"] is True
    assert "gcp_access_token" not in public and secrets == {"gcp_access_token": "abc"}


def test_secret_never_reaches_notebook_html_run_json_or_ledger(season_ok):
    report = season_ok.report
    for path in report.run_dir.iterdir():
        assert SECRET not in path.read_text(errors="ignore"), path.name
    data = json.loads(report.run_json.read_text())
    assert "gcp_access_token" not in data["parameters"]


def test_run_directory_layout_and_run_json(season_ok):
    report = season_ok.report
    assert report.run_dir.parent.name == "runs"
    assert report.run_dir.name.endswith("_10_season_2023-24")
    assert {p.name for p in report.run_dir.iterdir()} == {
        "10_season.ipynb", "10_season.html", "run.json"}
    data = json.loads(report.run_json.read_text())
    for key in ("parameters", "status", "duration_seconds", "gate_verdicts", "ledger_run_ids",
                "started_at", "executed_notebook", "html", "git_revision"):
        assert key in data
    assert data["parameters"]["season"] == "2023-24"


def test_run_command_leaves_secrets_out_and_gate_failed_pickles():
    cmd = run_command("10_season", {"season": "2023-24", "api_token": "x", "dry_run": True})
    assert cmd == "nbkit run notebooks/10_season.ipynb -p season 2023-24 -p dry_run True"
    err = GateFailed("Gate 1 FAILED", "run this", "gate1", {"continue": "nbkit run x"})
    back = pickle.loads(pickle.dumps(err))
    assert (back.gate, back.commands, str(back)) == ("gate1", {"continue": "nbkit run x"},
                                                     "Gate 1 FAILED. Fix: run this")


def test_kernel_talks_over_unix_sockets_not_tcp(tmp_path):
    """Kernel outputs (data, gate results) never cross an unencrypted localhost TCP port."""
    import nbformat

    probe = tmp_path / "probe.ipynb"
    params = nbformat.v4.new_code_cell('out = ""', metadata={"tags": ["parameters"]})
    check = nbformat.v4.new_code_cell(
        "import json, pathlib\n"
        "from ipykernel.connect import get_connection_info\n"
        "pathlib.Path(out).write_text(get_connection_info())")
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nbformat.write(nbformat.v4.new_notebook(cells=[params, check], metadata=kernel), probe)
    info = tmp_path / "connection.json"
    report = run_notebook(probe, {"out": str(info)}, reports_dir=tmp_path / "reports")
    assert report.status != "failed", report
    assert json.loads(info.read_text())["transport"] == "ipc"


def test_two_kernels_started_at_once_from_one_folder_each_get_their_own_sockets(tmp_path):
    """jupyter_client numbers IPC sockets by probing ``kernel-ipc-N`` in the working folder:
    two runs started together from one folder took the same sockets ("Kernel didn't respond
    in 60 seconds"). Each kernel now has a private socket folder, removed when it stops."""
    import subprocess
    import sys

    import nbformat

    probe = tmp_path / "probe.ipynb"
    params = nbformat.v4.new_code_cell('out = ""', metadata={"tags": ["parameters"]})
    check = nbformat.v4.new_code_cell(
        "import pathlib\nfrom ipykernel.connect import get_connection_info\n"
        "pathlib.Path(out).write_text(get_connection_info())")
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nbformat.write(nbformat.v4.new_notebook(cells=[params, check], metadata=kernel), probe)
    script = ("import sys, pathlib\nfrom nbkit.runbook import run_notebook\n"
              "r = run_notebook(sys.argv[1], {'out': sys.argv[2]}, "
              "reports_dir=pathlib.Path(sys.argv[3]), start_timeout=30)\n"
              "sys.exit(0 if r.status != 'failed' else 1)\n")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(probe), str(tmp_path / f"{i}.json"),
                              str(tmp_path / f"reports{i}")], cwd=tmp_path)
            for i in range(2)]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    paths = [json.loads((tmp_path / f"{i}.json").read_text())["ip"] for i in range(2)]
    assert paths[0] != paths[1] and all(os.path.isabs(p) for p in paths)
    assert not any(os.path.exists(os.path.dirname(p)) for p in paths)  # removed at shutdown
    assert not list(tmp_path.glob("kernel-ipc*"))
