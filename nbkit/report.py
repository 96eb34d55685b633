"""Run reports: an executed notebook as offline HTML, and ``reports/index.html``.

The HTML uses JupyterLab's look with code hidden by default (a button shows it),
no CDN (require.js, MathJax, mermaid and the widget manager are left out) and
plotly.js embedded once when the notebook holds a chart, so a report opens and
its charts work on a machine without network. Every value that comes from data
is escaped: a player called ``<script>alert(1)</script>`` renders as text.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from urllib.parse import quote

import nbformat

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
RUNS_DIR = "runs"
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def render_notebook_html(nb: nbformat.NotebookNode, title: str, status: str = "",
                         rows: list[tuple[str, str]] | None = None,
                         links: list[tuple[str, str]] | None = None) -> str:
    """The executed notebook as one self-contained HTML page (code hidden by default).

    Args:
        nb: the executed notebook.
        title: the banner title.
        status: ``success`` or ``failed`` (banner colour).
        rows: (label, value) pairs shown in the banner.
        links: (label, relative href) pairs shown in the banner.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", extra_template_basedirs=[str(TEMPLATES)],
                            template_file=str(TEMPLATES / "nbkit_report.html.j2"))
    resources = {"metadata": {"name": title},
                 "nbkit": {"title": title, "status": status or "unknown",
                           "rows": [(str(a), str(b)) for a, b in rows or []],
                           "links": [(str(a), str(b)) for a, b in links or []],
                           "plotlyjs": _plotlyjs() if has_plotly(nb) else ""}}
    body, _ = exporter.from_notebook_node(_without_widget_state(nb), resources=resources)
    return body


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
    """Write reports/index.html: every run, newest first, linking to its report and notebook."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    rows = [_index_row(r) for r in load_runs(reports_dir)]
    html = env.get_template("index.html.j2").render(
        runs=rows, generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"))
    out = Path(reports_dir) / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html)
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


def _index_row(run: dict) -> dict:
    params = run.get("parameters") or {}
    base = f"{RUNS_DIR}/{quote(run['_dir'])}/"
    links = [(label, base + quote(str(run[key]))) for label, key in
             (("report", "html"), ("notebook", "executed_notebook")) if run.get(key)]
    links.append(("run.json", base + "run.json"))
    error = run.get("error") or {}
    return {
        "started_at": str(run.get("started_at", ""))[:19].replace("T", " "),
        "notebook": str(run.get("notebook", "")), "scope": _scope(params),
        "status": str(run.get("status", "unknown")),
        "error": f"{error.get('ename', '')}: {str(error.get('evalue', ''))[:160]}"
                 if error else "",
        "gates": sorted((str(k), str(v)) for k, v in (run.get("gate_verdicts") or {}).items()),
        "duration": _duration(run.get("duration_seconds")),
        "ledger_run_ids": [str(r) for r in run.get("ledger_run_ids") or []],
        "links": links,
    }


def _scope(params: dict) -> str:
    parts = []
    if params.get("season"):
        parts.append(str(params["season"]))
    start, end = params.get("start_date"), params.get("end_date")
    if start and end:
        parts.append(f"{start}..{end}")
    elif start or end:
        parts.append(f"from {start}" if start else f"to {end}")
    if params.get("dates"):
        dates = str(params["dates"]).split(",")
        parts.append(dates[0] + (f" (+{len(dates) - 1})" if len(dates) > 1 else ""))
    return " ".join(parts) or "all dates"


def _duration(seconds) -> str:
    if seconds is None:
        return ""
    from nbkit.progress import format_seconds

    return format_seconds(float(seconds))


def _plotlyjs() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _without_widget_state(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    copy.metadata.pop("widgets", None)
    return copy
