"""Issue 15 item 5: secrets given to papermill directly never reach the saved notebook, and
the scrubber removes a secret of any length and characters while every file stays valid.

Property tests (hypothesis) over the secret's text; two real runs: ``papermill -p
gcp_access_token ...`` on 20_gap_analysis, and nbkit's runner with a 1-character secret
(which once broke the scrubber: JSON error, no run.json, no HTML).
"""

from __future__ import annotations

import copy
import html
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbkit.papermill_hook import scrub_notebook_json
from nbkit.secrets import scrub_notebook, scrub_obj, scrub_text

from tests.reliability.helpers import make_toy

pytestmark = pytest.mark.reliability
REPO = Path(__file__).resolve().parents[2]
SECRETS = st.text(min_size=1, max_size=12)
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def notebook_with(secret: str) -> nbformat.NotebookNode:
    """A notebook as papermill saves it: the secret in the injected cell, the papermill
    parameters, a stream output, an HTML output and a traceback."""
    nb = nbformat.v4.new_notebook()
    injected = nbformat.v4.new_code_cell(f"gcp_access_token = {secret!r}\n")
    injected.metadata["tags"] = ["injected-parameters"]
    shown = nbformat.v4.new_code_cell("print(token)")
    shown.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"token={secret}\n"),
                     nbformat.v4.new_output("display_data",
                                            data={"text/html": f"<b>{html.escape(secret)}</b>",
                                                  "text/plain": json.dumps(secret)}),
                     nbformat.v4.new_output("error", ename="ValueError",
                                            evalue=f"bad {secret}", traceback=[secret])]
    nb.cells = [nbformat.v4.new_code_cell("warehouse = ''"), injected, shown]
    nb.metadata["papermill"] = {"parameters": {"gcp_access_token": secret, "season": "2023-24"},
                                "default_parameters": {}}
    return nb


def content_strings(nb: dict) -> list[str]:
    """Every string the scrubber must clean: sources, outputs, papermill parameters."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    for cell in nb["cells"]:
        walk(cell["source"])
        for output in cell.get("outputs", []):
            walk({k: v for k, v in output.items() if k != "output_type" and k != "name"})
    walk(nb["metadata"]["papermill"]["parameters"])
    return found


def spellings(secret: str) -> set[str]:
    return {secret, json.dumps(secret)[1:-1], html.escape(secret)}


@FAST
@given(secret=SECRETS)
def test_notebook_scrub_removes_any_secret_and_stays_valid(secret):
    nb = notebook_with(secret)
    clean = nbformat.from_dict(scrub_notebook(nb, {"gcp_access_token": secret}))
    nbformat.validate(clean)
    for text in content_strings(clean):
        assert not any(s in text for s in spellings(secret)), (secret, text)
    assert nb.metadata["papermill"]["parameters"]["gcp_access_token"] == secret  # a copy


@FAST
@given(secret=SECRETS, other=st.text(max_size=30))
def test_run_json_scrub_removes_any_secret_and_stays_json(secret, other):
    data = {"parameters": {"season": "2023-24", "note": f"{other}{secret}{other}"},
            "error": {"ename": "X", "evalue": f"token {secret} refused"},
            "duration_seconds": 1.5, "commands": [secret, other], "status": "failed"}
    clean = scrub_obj(copy.deepcopy(data), {"gcp_access_token": secret})
    text = json.dumps(clean)
    assert json.loads(text) == clean
    leaves = [clean["parameters"]["note"], clean["error"]["evalue"], *clean["commands"]]
    assert not any(secret in leaf for leaf in leaves), (secret, leaves)
    assert clean["duration_seconds"] == 1.5


@FAST
@given(secret=SECRETS, before=st.text(max_size=20), after=st.text(max_size=20))
def test_text_scrub_removes_plain_json_and_html_spellings(secret, before, after):
    page = (f"{before}{secret}{after}<td>{html.escape(secret)}</td>"
            f"<script>var p = {json.dumps(secret)};</script>")
    clean = scrub_text(page, {"gcp_access_token": secret})
    for spelling in spellings(secret):
        assert spelling not in clean, (secret, spelling, clean)


@FAST
@given(secret=SECRETS)
def test_papermill_save_hook_removes_any_secret(secret):
    buf = nbformat.writes(notebook_with(secret))
    clean = json.loads(scrub_notebook_json(buf))
    nbformat.validate(nbformat.from_dict(clean))
    for text in content_strings(clean):
        assert not any(s in text for s in spellings(secret)), (secret, text)


def test_papermill_save_hook_leaves_notebooks_without_secrets_alone():
    nb = notebook_with("x")
    nb.metadata["papermill"]["parameters"] = {"season": "2023-24", "gcp_access_token": ""}
    buf = nbformat.writes(nb)
    assert scrub_notebook_json(buf) is buf


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> Path:
    return make_toy(tmp_path_factory.mktemp("secret-runs") / "toy.duckdb")


def test_secret_given_to_papermill_directly_is_not_saved(toy, tmp_path):
    secret = "ya29.SECRET-given-to-papermill"
    out = tmp_path / "gaps.ipynb"
    run = subprocess.run([sys.executable, "-m", "papermill",
                          str(REPO / "notebooks" / "20_gap_analysis.ipynb"), str(out),
                          "-p", "warehouse", str(toy), "-p", "gcp_access_token", secret,
                          "--log-level", "ERROR"],
                         capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    saved = out.read_text()
    assert secret not in saved
    nb = nbformat.reads(saved, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "gcp_access_token" in injected[0].source  # the value was removed


def test_one_character_secret_keeps_run_json_and_html(toy, tmp_path):
    from nbkit.runbook import run_notebook

    report = run_notebook("gaps", {"gcp_access_token": "e"}, reports_dir=tmp_path / "reports",
                          warehouse=str(toy))
    assert report.ok, report.error
    data = json.loads(report.run_json.read_text())
    assert data["status"] == "success"
    assert report.html is not None and report.html.exists()
    nbformat.validate(nbformat.read(str(report.executed_notebook), as_version=4))
    assert (tmp_path / "reports" / "index.html").exists()
