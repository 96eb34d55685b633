"""Run reports: an executed notebook as offline HTML, and ``reports/index.html``.

The HTML uses JupyterLab's look with code hidden by default (a button shows it) and
no CDN (require.js, MathJax, mermaid and the widget manager are left out). plotly.js
and the JupyterLab CSS are stored once under ``reports/assets/`` and linked
relatively (``nbkit.report_assets``), or inlined for a self-contained file, so a
report opens and its charts work on a machine without network. Every value that comes from data
is escaped: a player called ``<script>alert(1)</script>`` renders as text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import os
import threading
from pathlib import Path

import nbformat

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
RUNS_DIR = "runs"
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def render_notebook_html(nb: nbformat.NotebookNode, title: str, status: str = "",
                         rows: list[tuple[str, str]] | None = None,
                         links: list[tuple[str, str]] | None = None, *,
                         card: dict | None = None, html_path: Path | None = None,
                         assets_dir: Path | None = None) -> str:
    """The executed notebook as one HTML page (code hidden by default).

    Args:
        nb: the executed notebook.
        title: the card's title.
        status: ``success`` or ``failed`` (card colour).
        rows: extra (label, value) pairs shown in the card.
        links: (label, relative href) pairs shown in the card.
        card: nbkit.report_card.build_card output (verdict, numbers, gates, parameters).
        html_path: where the page will be written (its links to the assets are relative).
        assets_dir: the shared assets folder; None inlines plotly.js and the CSS (one
            self-contained, mailable file).
    """
    from nbkit import report_assets as assets

    shared = assets_dir is not None and html_path is not None
    plotly = has_plotly(nb)
    resources = {"metadata": {"name": title},
                 "nbkit": {"title": title, "status": status or "unknown",
                           "card": card or {"verdict": (status or "unknown").upper(),
                                            "numbers": [], "gates": [], "params": [],
                                            "notes": []},
                           "rows": [(str(a), str(b)) for a, b in rows or []],
                           "links": [(str(a), str(b)) for a, b in links or []],
                           "plotly_src": assets.href(assets.plotly_asset(assets_dir),
                                                     html_path.parent)
                           if plotly and shared else "",
                           "plotlyjs": assets.plotly_inline() if plotly and not shared
                           else ""}}
    with _EXPORTING:
        body, _ = _exporter().from_notebook_node(_for_report(nb), resources=resources)
    return assets.externalize_css(body, html_path, assets_dir) if shared \
        else assets.inline_css(body)


@functools.lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", extra_template_basedirs=[str(TEMPLATES)],
                        template_file=str(TEMPLATES / "nbkit_report.html.j2"))


_EXPORTING = threading.Lock()


def warm_up() -> threading.Thread:
    """Import nbconvert and compile the report template in a background thread, while the
    kernel runs the notebook (the runner only waits then): about a second less per run."""
    def render_nothing() -> None:
        with contextlib.suppress(Exception):  # the real render reports any real problem
            render_notebook_html(nbformat.v4.new_notebook(), "warm-up")

    thread = threading.Thread(target=render_nothing, name="nbkit-report-warm-up", daemon=True)
    thread.start()
    return thread


def has_plotly(nb: nbformat.NotebookNode) -> bool:
    """True if any output holds a plotly figure."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLOTLY_MIME in data or "plotly-graph-div" in str(data.get("text/html", "")):
                return True
    return False


def load_runs(reports_dir: str | Path = "reports") -> list[dict]:
    """Every run.json under reports/runs, newest first (unreadable ones are skipped)."""
    runs = []
    for path in sorted(Path(reports_dir, RUNS_DIR).glob("*/run.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as err:
            log.warning("skipping unreadable %s: %s", path, err)
            continue
        data["_dir"] = path.parent.name
        runs.append(data)
    return sorted(runs, key=lambda r: (str(r.get("started_at", "")), r["_dir"]), reverse=True)


def write_index(reports_dir: str | Path = "reports") -> Path:
    """Write reports/index.html, the run browser (nbkit.report_index): every run, newest first."""
    import jinja2

    from nbkit.report_index import index_context

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    html = env.get_template("index.html.j2").render(
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        **index_context(load_runs(reports_dir)))
    out = Path(reports_dir) / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".index.{os.getpid()}.tmp")
    tmp.write_text(html)
    os.replace(tmp, out)  # a reader never sees half a page; two runs finishing both write whole
    return out


def flag_failure(nb, error: dict, commands: dict) -> None:
    """Put a cell at the top naming the failed cell, its error and the next commands.

    It replaces papermill's own banner (which names only the execution count) and
    keeps papermill's anchor before the failed cell, which the banner links to.
    """
    nb.cells = [c for c in nb.cells if not _papermill_banner(c)]
    index, heading = failed_cell(nb)
    count = error.get("exec_count")
    where = (f"cell In [{count}]" if count else f"cell {index}") + \
        (f' (step "{heading}")' if heading else "") if index is not None \
        else "kernel start or between cells"
    evalue = str(error.get("evalue", ""))
    if commands and ". Fix: " in evalue:  # the commands are listed below
        evalue = evalue.split(". Fix: ", 1)[0] + "."
    message = f"{error['ename']}: {evalue}".replace("```", "'''")
    lines = [f"## Run FAILED at {where}", "", "```text", message, "```", "",
             "[Go to the failed cell](#papermill-error-cell)" if index is not None else ""]
    if commands:
        lines += ["", "Next:", ""] + [f"- {k}: `{v}`" for k, v in commands.items()]
    cell = nbformat.v4.new_markdown_cell("\n".join(lines))
    cell.metadata["tags"] = ["nbkit-run-failed"]
    nb.cells.insert(0, cell)


def _papermill_banner(cell) -> bool:
    return cell.cell_type == "markdown" and "An Exception was encountered" in cell.source \
        and "papermill-error-cell-tag" in cell.get("metadata", {}).get("tags", [])


def failed_cell(nb) -> tuple[int | None, str]:
    """Index of the first cell with an error, and the step heading above it."""
    heading = ""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            heading = cell.source.lstrip().splitlines()[0].lstrip("# ").strip()
        errored = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        if errored or cell.get("metadata", {}).get("papermill", {}).get("exception"):
            return index, heading
    return None, ""


def scrub(nb, secrets: dict):
    """A copy of the notebook with every secret value removed (nbkit.secrets)."""
    from nbkit.secrets import scrub_notebook

    if not secrets:
        return nb
    return nbformat.from_dict(scrub_notebook(nb, secrets))


def scrub_obj(value, secrets: dict):
    from nbkit.secrets import scrub_obj as scrub_value

    return scrub_value(value, secrets)


def scrub_text(text: str, secrets: dict, escaped: bool = False) -> str:
    from nbkit.secrets import scrub_text as scrub_str

    return scrub_str(text, secrets)  # every spelling (plain, JSON, HTML), whatever `escaped`


def _for_report(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without widget state, each progress bar reduced to its final line."""
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    copy.metadata.pop("widgets", None)
    for cell in copy.cells:
        merged: list = []
        run: dict = {}  # stream name -> its merged output, within a run of stream outputs
        for output in cell.get("outputs", []):  # each refresh may be its own stream output
            if output.get("output_type") != "stream":
                run = {}
                merged.append(output)
            elif output.get("name") in run:
                run[output["name"]]["text"] += output.get("text", "")
            else:
                run[output.get("name")] = output
                output["text"] = output.get("text", "")
                merged.append(output)
        for output in merged:
            if output.get("output_type") == "stream":
                output["text"] = final_lines(output.get("text", ""))
        if "outputs" in cell:
            cell["outputs"] = merged
    return copy


def final_lines(text: str) -> str:
    """What a terminal would show: each line's last carriage-return refresh only.

    Example:
        >>> final_lines("backfill:   0%| eta=8m\\rbackfill: 100%| 10/10\\n")
        'backfill: 100%| 10/10\\n'
    """
    lines = text.split("\n")
    return "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in lines)
